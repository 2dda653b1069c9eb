"""AccountWatch: the window's view of money: the balance (asked at most once a minute),
today's and this session's spending, the price list's freshness, and the model's health,
each refreshed as a task of the window's task group."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from desktop_app.billing.balance import Balance, BalanceWatch
from desktop_app.billing.catalogue import PriceCatalogue
from desktop_app.billing.health import ModelHealth
from desktop_app.billing.spending import Spending
from desktop_app.domain.money import format_usd
from desktop_app.tasks import TaskGroup


class AccountWatch(QObject):
    balance_changed = Signal(object)
    """The Balance (or None) after a refresh."""
    prices_changed = Signal()
    health_changed = Signal(str)
    """A sentence when the model is deprecated, superseded or withdrawn; else empty."""

    def __init__(
        self,
        balance: BalanceWatch,
        catalogue: PriceCatalogue,
        health: ModelHealth,
        spending: Spending,
        tasks: TaskGroup,
        key_ready: Callable[[], bool],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._balance = balance
        self._catalogue = catalogue
        self._health = health
        self.spending = spending
        self._tasks = tasks
        self._key_ready = key_ready

    def start(self) -> None:
        self._tasks.spawn(self._refresh_public())
        self.refresh_balance()

    async def _refresh_public(self) -> None:
        await self._catalogue.refresh()
        self.prices_changed.emit()
        await self._health.refresh()
        self.health_changed.emit(self._health.warning() or "")

    @property
    def balance(self) -> Balance | None:
        return self._balance.current

    def refresh_balance(self, *, force: bool = False) -> None:
        """Ask for the balance (the watch itself asks at most once a minute, unless
        `force`: a charge landed, so the balance has moved)."""
        if self._key_ready():
            self._tasks.spawn(self._refresh_balance(force))

    async def _refresh_balance(self, force: bool) -> None:
        self.balance_changed.emit(await self._balance.refresh(force=force))

    def status_text(self) -> str:
        """For the status bar: balance, today's spending (of the daily limit, when one is
        set: it is in sight before it bites) and this session's."""
        balance = self._balance.current
        if balance is None or balance.usd is None:
            shown = "balance unknown"
        else:
            shown = f"balance {format_usd(balance.usd)}"
        today = format_usd(self.spending.today_usd())
        limit = self.spending.daily_limit()
        if limit is not None:
            today += f" of {format_usd(limit)}"
        session = format_usd(self.spending.session_usd())
        return f"{shown} · today {today} · this session {session}"
