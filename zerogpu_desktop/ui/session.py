"""One window's working parts, built once from the stores and closed together at quit.

The window and its panels get these parts through their constructors; this is the only
place that knows how they fit: the key session and the settings feed the runs, the runs are
recorded by the history service.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from zerogpu_desktop.ui.history_service import HistoryService
from zerogpu_desktop.ui.key_session import KeySession
from zerogpu_desktop.ui.run_bridge import RunBridge
from zerogpu_desktop.ui.services import AppServices
from zerogpu_desktop.ui.settings_holder import SettingsHolder
from zerogpu_desktop.ui.tasks import TaskKeeper

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

#: How long quitting waits for a cancelled request and the last history writes.
SHUTDOWN_GRACE_SECONDS = 1.0


class WindowSession(QObject):
    """The key, the settings, the history and the runs of one window.

    Args:
        services: The stores, the key store and the overrides for this window.
        transport: An httpx transport for every request (tests).
    """

    def __init__(
        self,
        services: AppServices,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.tasks = TaskKeeper()
        self.keys = KeySession(services.keys, services.overrides.api_key, self)
        self.settings = SettingsHolder(services.settings_store, self)
        self.history = HistoryService(services.data_dir, self)
        calibration = services.calibration_store.read()
        #: What was wrong with the calibration file at start, to tell once; else None.
        self.calibration_problem = calibration.problem
        self.runs = RunBridge(
            self.settings,
            self.keys,
            self.history,
            services.calibration_store,
            calibration.value,
            services.overrides,
            transport=transport,
            parent=self,
        )

    def __repr__(self) -> str:
        return f"WindowSession(data_dir={str(self.services.data_dir)!r}, {self.keys!r})"

    def set_log_file(self, path: Path | None) -> None:
        """Unexpected errors name the log file once logging is set up."""
        self.runs.log_file = path

    async def shutdown(self) -> None:
        """Cancels the run and all background work, finishes the history, saves what runs taught."""
        await self.runs.aclose(SHUTDOWN_GRACE_SECONDS)
        await self.tasks.cancel_all(SHUTDOWN_GRACE_SECONDS)
        await self.history.close(SHUTDOWN_GRACE_SECONDS)
        await self.settings.flush()
