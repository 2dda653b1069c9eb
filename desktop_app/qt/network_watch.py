"""NetworkWatch: when the desktop says the network is back, followed jobs poll at once
instead of waiting out their back-off. Where the platform cannot tell (no backend for
QNetworkInformation), the back-off alone paces them."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtNetwork import QNetworkInformation

log = logging.getLogger(__name__)

Reachability = QNetworkInformation.Reachability


class NetworkWatch(QObject):
    def __init__(self, came_back: Callable[[], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._came_back = came_back
        self._last = Reachability.Unknown
        if QNetworkInformation.loadBackendByFeatures(QNetworkInformation.Feature.Reachability):
            info = QNetworkInformation.instance()
            self._last = info.reachability()
            info.reachabilityChanged.connect(self._on_info_reachability_changed)
        else:
            log.info("this desktop does not say when the network comes back")

    def _on_info_reachability_changed(self, reachability: QNetworkInformation.Reachability) -> None:
        if reachability == Reachability.Online and self._last != Reachability.Online:
            log.info("the network is back: followed jobs poll now")
            self._came_back()
        self._last = reachability
