"""Money in the window: the status bar's balance and spending, and the one question asked
before a Generate that costs more than the creator's threshold or than the balance."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from desktop_app.domain.money import format_usd
from desktop_app.domain.pricing import Quote

if TYPE_CHECKING:
    from desktop_app.billing.balance import Balance

BALANCE_SOURCE = (
    "The balance comes from your AI/ML API account (asked at most once a minute; click to "
    "ask again). Today's and this session's spending are the provider's ledger charges "
    "where known, else the prices quoted before sending."
)


class BalanceLabel(QLabel):
    """The balance and the spending; a click asks the service for the balance again."""

    refresh_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setToolTip(BALANCE_SOURCE)
        self.setAccessibleName("Balance and spending")
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def show_text(self, text: str) -> None:
        self.setText(text)
        self.setAccessibleDescription(text)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self.refresh_requested.emit()
        super().mouseReleaseEvent(event)


def spending_concerns(quote: Quote, balance: Balance | None, confirm_above: float) -> list[str]:
    """Why this Generate deserves a second look before it is paid for; empty: it does not."""
    concerns = []
    if quote.usd is not None and quote.usd > confirm_above:
        concerns.append(
            f"It costs {quote.explain()}, more than the {format_usd(confirm_above)} above "
            "which you asked to confirm (Settings)."
        )
    known_balance = balance.usd if balance is not None else None
    if quote.usd is not None and known_balance is not None and quote.usd > known_balance:
        concerns.append(
            f"It costs more than your balance of {format_usd(known_balance)}: the service "
            "may refuse it. It has the last word, so you can send it anyway."
        )
    return concerns


class RunAgain(Enum):
    SAME_SEED = "same seed"
    NEW_SEED = "new seed"


def confirm_run_again(parent: QWidget, quote: Quote, seed: int | None) -> RunAgain | None:
    """Show what running a request again costs, and with which seed; None: not run."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Run again?")
    box.setTextFormat(Qt.TextFormat.PlainText)
    same = (
        f"with the same seed ({seed}): a take much like the last"
        if seed is not None
        else "with a seed the service picks"
    )
    box.setText(f"Run this request again as a new job, {same}? It costs {quote.explain()}.")
    run = box.addButton(
        f"Run again · same seed · {quote.short()}" if seed is not None
        else f"Run again · {quote.short()}",
        QMessageBox.ButtonRole.AcceptRole,
    )  # fmt: skip
    fresh = box.addButton("New seed", QMessageBox.ButtonRole.AcceptRole)
    fresh.setToolTip("Run it with a new random seed: a different take, at the same price")
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    clicked = box.clickedButton()
    return RunAgain.SAME_SEED if clicked is run else RunAgain.NEW_SEED if clicked is fresh else None


def confirm_spending(
    parent: QWidget,
    quote: Quote,
    balance: Balance | None,
    confirm_above: float,
    other_concerns: list[str] | None = None,
) -> bool:
    """Ask once when there is anything to ask (the price, the balance, and `other_concerns`
    about the request itself); True means send."""
    concerns = [*(other_concerns or []), *spending_concerns(quote, balance, confirm_above)]
    if not concerns:
        return True
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Send this request?")
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText("\n\n".join(concerns))
    send = box.addButton(f"Send · {quote.short()}", QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    return box.clickedButton() is send
