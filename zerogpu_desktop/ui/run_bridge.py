"""The window's runs, as Qt signals over the run engine (`workbench.Runner`).

The engine does everything a run is (refusals, the request, retries, the truncation verdict,
what runs teach, the history row); this adapter only picks the connection from the window's
settings and key, and turns the engine's progress into signals. The window runs one prompt at
a time: a second Send while one runs does nothing, as it always did.

The engine, and with it httpx and asyncio, is made at the first Send: the window paints
before they load.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from zerogpu_desktop.overrides import RunOverrides
from zerogpu_desktop.storage.calibration import CalibrationStore
from zerogpu_desktop.ui.history_service import HistoryService
from zerogpu_desktop.ui.key_session import KeySession
from zerogpu_desktop.ui.settings_holder import SettingsHolder
from zerogpu_desktop.ui.tasks import TaskKeeper

if TYPE_CHECKING:
    import httpx

    from zerogpu_desktop.api.tokens import TokenCalibration
    from zerogpu_desktop.storage.history.types import RunSource
    from zerogpu_desktop.workbench.connection import Connection
    from zerogpu_desktop.workbench.learning import CalibrationBook
    from zerogpu_desktop.workbench.outcome import RunOutcome
    from zerogpu_desktop.workbench.progress import RunProgress
    from zerogpu_desktop.workbench.runner import RunHandle, Runner
    from zerogpu_desktop.workbench.spec import PromptSpec

log = logging.getLogger(__name__)


class RunBridge(QObject):
    """Sends the window's prompts through one `Runner` and reports them as signals.

    Args:
        settings: The Settings (connection, remembered models) shared with the window.
        keys: The key the runs are sent with.
        history: Where runs are recorded.
        calibration_store: Where the token calibration is kept.
        token_calibration: The calibration read from it at start; the runs teach this object,
            so the window's token estimate sees what they learn.
        overrides: The environment's and flags' values for this process.
        transport: An httpx transport for every request (tests).

    Signals:
        running_changed(bool): a run started, or reached its end.
        succeeded(RunOutcome): an answer arrived.
        failed(RunOutcome): the run failed or was refused; its explanation says what to do.
        cancelled(RunOutcome): the user cancelled the run.
        retrying(str): the run waits before its next attempt; the text says why and how long.
        run_recorded(int): the run was added to the history under this id.

    Attributes:
        log_file: The window's log file once logging is set up: unexpected errors point to it.
    """

    running_changed = Signal(bool)
    succeeded = Signal(object)
    failed = Signal(object)
    cancelled = Signal(object)
    retrying = Signal(str)
    run_recorded = Signal(int)

    def __init__(
        self,
        settings: SettingsHolder,
        keys: KeySession,
        history: HistoryService,
        calibration_store: CalibrationStore,
        token_calibration: TokenCalibration,
        overrides: RunOverrides,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self._keys = keys
        self._history = history
        self._calibration_store = calibration_store
        self._overrides = overrides
        self._transport = transport
        self.token_calibration = token_calibration
        self._calibration: CalibrationBook | None = None
        self._runner: Runner | None = None
        self._tasks = TaskKeeper()
        #: The run on screen: from Send until its outcome arrived.
        self._current: RunHandle | None = None
        self.log_file: Path | None = None

    def __repr__(self) -> str:
        return f"RunBridge(running={self.is_running})"

    @property
    def is_running(self) -> bool:
        return self._current is not None

    @property
    def calibration(self) -> CalibrationBook:
        """The calibration book the runs learn into, made at the first Send."""
        if self._calibration is None:
            from zerogpu_desktop.workbench.learning import CalibrationBook

            self._calibration = CalibrationBook(
                self._calibration_store, calibration=self.token_calibration
            )
        return self._calibration

    def send(self, spec: PromptSpec) -> bool:
        """Starts a run; returns False (and does nothing) while one is already running."""
        if self.is_running:
            return False
        runner = self._runner_now()
        runner.log_file = self.log_file
        connection = self.connection()
        refusal = self._key_not_loaded(spec)
        self.running_changed.emit(True)
        if refusal is not None:
            self._show(refusal)
            return True
        self._current = runner.submit(spec, connection)
        self._tasks.spawn(self._await_recorded(self._current))
        return True

    @property
    def demo(self) -> bool:
        """Whether this session's runs go to the built-in offline demo."""
        return self._overrides.demo

    def set_demo(self, active: bool) -> None:
        """Points the next runs at the offline demo, or back; never saved anywhere."""
        from dataclasses import replace

        self._overrides = replace(self._overrides, demo=active)

    def connection(self) -> Connection:
        """Where the next run goes: the settings, the environment and the key, merged once."""
        from zerogpu_desktop.workbench.connection import resolve_connection

        return resolve_connection(
            self._settings.current, self._overrides, api_key=self._keys.api_key
        )

    def batch_runner(self, history_source: RunSource, concurrency: int) -> Runner:
        """A Runner of its own for an evaluation or a comparison, with `concurrency` lanes.

        It shares what the window's runs share (calibration, model memory, history, log
        file and transport); its caller closes it when the batch ends.
        """
        from zerogpu_desktop.workbench.runner import Runner

        runner = Runner(
            source="window",
            history_source=history_source,
            calibration=self.calibration,
            models=self._settings.models,
            history=self._history,
            concurrency=concurrency,
            transport=self._transport,
        )
        runner.log_file = self.log_file
        return runner

    def not_ready(self) -> str | None:
        """Why a batch (an evaluation, a comparison) cannot be sent yet, as one line: no key
        read, or no project; None when it can. A single Send waits for the keyring instead."""
        from zerogpu_desktop.workbench.preflight import KEY_NOT_LOADED, missing_configuration

        if not (self._keys.loaded or self._keys.has_key or self._overrides.demo):
            return KEY_NOT_LOADED.as_line()
        missing = missing_configuration(self.connection(), "window")
        return missing.as_line() if missing is not None else None

    def cancel(self) -> bool:
        """Cancels the running request at once; returns whether there was one."""
        if self._current is None:
            return False
        return self._current.cancel()

    async def aclose(self, grace_seconds: float) -> None:
        """Cancels the run, closes the connections and saves what runs taught."""
        import asyncio
        import contextlib

        self.cancel()
        runner, self._runner = self._runner, None
        if runner is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(runner.aclose(), grace_seconds)
        await self._tasks.cancel_all(grace_seconds)
        if self._calibration is not None:
            await self._calibration.flush()

    # -- the engine ---------------------------------------------------------------

    def _runner_now(self) -> Runner:
        if self._runner is None:
            from zerogpu_desktop.workbench.runner import Runner

            self._runner = Runner(
                source="window",
                calibration=self.calibration,
                models=self._settings.models,
                history=self._history,
                concurrency=1,
                transport=self._transport,
                on_progress=self._on_progress,
            )
        return self._runner

    def _key_not_loaded(self, spec: PromptSpec) -> RunOutcome | None:
        """A Send before the keyring was read waits for it, unless something else is missing."""
        if self._keys.loaded or self._keys.has_key or self._overrides.demo:
            return None
        from zerogpu_desktop.explain import Explanation
        from zerogpu_desktop.workbench.outcome import RunOutcome
        from zerogpu_desktop.workbench.preflight import KEY_NOT_LOADED, render_or_refuse

        prepared = render_or_refuse(spec, "window")
        words = prepared if isinstance(prepared, Explanation) else KEY_NOT_LOADED
        return RunOutcome(spec, None, None, None, words, None, 0.0, None)

    def _on_progress(self, progress: RunProgress) -> None:
        from zerogpu_desktop.workbench.progress import RunState

        current = self._current
        if current is None or progress.run_id != current.run_id:
            return
        if progress.state in (RunState.RETRYING, RunState.WAITING):
            self.retrying.emit(progress.detail)
        elif progress.state is RunState.DONE and progress.outcome is not None:
            self._show(progress.outcome)

    def _show(self, outcome: RunOutcome) -> None:
        self._current = None
        self.running_changed.emit(False)
        if outcome.cancelled:
            self.cancelled.emit(outcome)
        elif outcome.succeeded:
            self.succeeded.emit(outcome)
        else:
            self.failed.emit(outcome)

    async def _await_recorded(self, handle: RunHandle) -> None:
        """Waits for the run to be recorded; shows it now if the engine never said it ended.

        The Runner gives every run an outcome, one cancelled before it started included.
        """
        outcome = await handle
        if self._current is handle:
            self._show(outcome)
        if outcome.history_id is not None:
            self.run_recorded.emit(outcome.history_id)
