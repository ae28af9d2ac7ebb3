"""The one object the window talks to: it owns the key, the client and the running request.

asyncio is imported inside the methods that run on the loop, not at the
top: the window is built and painted before asyncio and qasync load.

Requests run as asyncio tasks on the qasync loop; the controller keeps
a strong reference to each (qasync's `asyncSlot` does not), refuses a
second send while one runs, and cancels for real: cancelling the task
aborts httpx's read and closes the connection.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from zerogpu_desktop.api.tokens import TruncationStatus, assess_truncation, rejected_assessment
from zerogpu_desktop.explain import NOTHING_TO_SEND, Explanation, explain
from zerogpu_desktop.storage import Settings
from zerogpu_desktop.ui.outcome import PromptRequest, RunFailed, RunSucceeded
from zerogpu_desktop.ui.services import AppServices

if TYPE_CHECKING:
    import asyncio
    from pathlib import Path

    from zerogpu_desktop.api.client import RetryNotice, ZeroGPUClient
    from zerogpu_desktop.storage.history.store import HistoryStore
    from zerogpu_desktop.storage.history.types import RunRecord
    from zerogpu_desktop.storage.history.writer import HistoryWriter

log = logging.getLogger(__name__)

#: How long shutdown waits for a cancelled request to unwind.
SHUTDOWN_GRACE_SECONDS = 1.0


class SendController(QObject):
    """Runs prompts and reports their outcome.

    Signals:
        running_changed(bool): a request started or ended.
        succeeded(RunSucceeded): an answer arrived.
        failed(RunFailed): the run failed; the explanation says what to do.
        cancelled(): the user cancelled the run.
        retrying(str): a transient failure is being retried; the text says when.
        key_changed(): the API key or its storage state changed.
        settings_changed(Settings): settings were replaced.
        run_recorded(int): a run was added to the history under this id.
        history_ready(): the history database is open (`history` is set).
        problem(str): a sentence about a non-fatal failure (history, settings file).
    """

    running_changed = Signal(bool)
    succeeded = Signal(object)
    failed = Signal(object)
    cancelled = Signal()
    retrying = Signal(str)
    key_changed = Signal()
    settings_changed = Signal(object)
    run_recorded = Signal(int)
    history_ready = Signal()
    problem = Signal(str)

    def __init__(self, services: AppServices, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.settings: Settings = services.settings_store.load()
        self.calibration = services.calibration_store.load()
        self._api_key: str | None = services.overrides.api_key
        self.key_loaded = self._api_key is not None
        self.key_in_keyring = False
        self.key_problem: str | None = None
        self._client: ZeroGPUClient | None = None
        self._client_config: tuple[object, ...] | None = None
        self._task: asyncio.Task[None] | None = None
        self._background: set[asyncio.Task[Any]] = set()
        self.history: HistoryStore | None = None
        self._writer: HistoryWriter | None = None
        self.history_problem: str | None = None
        #: The window's log file once logging is set up: unexpected errors point to it.
        self.log_file: Path | None = None

    def __repr__(self) -> str:
        return f"SendController(running={self.is_running}, has_key={self.has_key})"

    # -- state ------------------------------------------------------------

    @property
    def is_running(self) -> bool:
        return self._task is not None and not self._task.done()

    @property
    def has_key(self) -> bool:
        return bool(self._api_key)

    @property
    def base_url(self) -> str:
        return self.services.overrides.base_url or self.settings.base_url

    @property
    def project_id(self) -> str:
        return self.services.overrides.project_id or self.settings.project_id

    def startup_problems(self) -> list[str]:
        """Sentences about files that were broken and moved aside at start."""
        stores = (
            self.services.settings_store,
            self.services.draft_store,
            self.services.ui_state,
            self.services.calibration_store,
        )
        return [store.last_problem for store in stores if store.last_problem]

    def spawn(self, coroutine: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Runs background work with a strong reference so it cannot be collected mid-flight."""
        import asyncio  # not at module level: the window paints before asyncio loads

        task = asyncio.ensure_future(coroutine)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        task.add_done_callback(_log_task_failure)
        return task

    # -- key ----------------------------------------------------------------

    async def load_key(self) -> None:
        """Reads the key from the OS keyring off the GUI thread (bounded wait)."""
        if self.services.overrides.api_key:
            self.key_loaded = True
            self.key_changed.emit()
            return
        result = await self.services.keys().load()
        self._api_key = result.key.strip() if result.key else None
        self.key_in_keyring = result.stored_in_keyring
        self.key_problem = result.problem
        self.key_loaded = True
        self.key_changed.emit()

    async def save_key(self, key: str) -> None:
        """Stores the key in the OS keyring; on failure keeps it for this session only."""
        key = key.strip()
        if not key:
            return
        result = await self.services.keys().save(key)
        self._api_key = key
        self.key_in_keyring = result.stored_in_keyring
        self.key_problem = result.problem
        self.key_changed.emit()

    async def forget_key(self) -> None:
        result = await self.services.keys().delete()
        self._api_key = self.services.overrides.api_key
        self.key_in_keyring = False
        self.key_problem = result.problem
        self.key_changed.emit()

    # -- settings ----------------------------------------------------------

    def update_settings(self, settings: Settings) -> str | None:
        """Saves new settings; returns a sentence if they could not be written."""
        self.settings = settings
        self.settings_changed.emit(settings)
        try:
            self.services.settings_store.save(settings)
        except OSError as exc:
            return explain(exc).as_line()
        return None

    def set_input_limit(self, model: str, limit: int | None) -> None:
        """Remembers a model's input-token limit (None: unknown) for truncation checks."""
        from dataclasses import replace

        from zerogpu_desktop.storage import ModelEntry

        model = model.strip()
        if not model or self.settings.input_limit_for(model) == limit:
            return
        settings = self.settings
        if all(entry.id != model for entry in settings.models):
            settings = settings.with_model_used(model)
        models = tuple(
            ModelEntry(entry.id, limit) if entry.id == model else entry for entry in settings.models
        )
        problem = self.update_settings(replace(settings, models=models))
        if problem:
            log.warning("could not save settings: %s", problem)

    # -- running -------------------------------------------------------------

    def send(self, request: PromptRequest) -> bool:
        """Starts a run; returns False (and does nothing) while one is already running."""
        if self.is_running:
            return False
        import asyncio

        self._task = asyncio.ensure_future(self._run(request))
        self._task.add_done_callback(_log_task_failure)
        self.running_changed.emit(True)
        return True

    def cancel(self) -> bool:
        """Cancels the running request at once; returns whether there was one."""
        if not self.is_running:
            return False
        assert self._task is not None
        self._task.cancel()
        return True

    async def shutdown(self) -> None:
        """Cancels everything, waits briefly, and closes the connection pool."""
        import asyncio

        tasks = [t for t in (self._task, *self._background) if t is not None and not t.done()]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=SHUTDOWN_GRACE_SECONDS)
        writer, self._writer = self._writer, None
        if writer is not None:
            await asyncio.to_thread(writer.close, SHUTDOWN_GRACE_SECONDS)
        history, self.history = self.history, None
        if history is not None:
            history.close()
        client, self._client = self._client, None
        if client is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(client.aclose(), SHUTDOWN_GRACE_SECONDS)

    async def _run(self, request: PromptRequest) -> None:
        import asyncio

        from zerogpu_desktop.run_records import failed_run, succeeded_run

        started = time.monotonic()
        try:
            outcome = await self._attempt(request, started)
        except asyncio.CancelledError:
            self.running_changed.emit(False)
            self.cancelled.emit()
            self._record_cancelled(request, time.monotonic() - started)
            raise
        except Exception as exc:  # a bug or an error nobody foresaw: the window must not stick
            log.exception("the run failed unexpectedly")
            outcome = RunFailed(
                request, explain(exc, log_file=self.log_file), time.monotonic() - started
            )
        self.running_changed.emit(False)
        if isinstance(outcome, RunSucceeded):
            self.succeeded.emit(outcome)
            self._record(
                succeeded_run(
                    request, outcome.response, outcome.assessment, outcome.seconds, "window"
                )
            )
        else:
            self.failed.emit(outcome)
            if outcome.seconds > 0 or outcome.assessment is not None:
                self._record(
                    failed_run(
                        request, outcome.explanation, outcome.seconds, "window", outcome.assessment
                    )
                )

    # -- history -------------------------------------------------------------------

    def open_history(self) -> HistoryStore | None:
        """Opens the history database once; a failure is told once and runs go unrecorded."""
        from zerogpu_desktop.storage.history.types import HistoryError

        if self.history is None and self.history_problem is None:
            try:
                self.history = self.services.open_history()
            except HistoryError as exc:
                self.history_problem = str(exc)
                self.problem.emit(f"The history is not available: {exc}")
                return None
            if self.history.last_problem:
                self.problem.emit(self.history.last_problem)
            self.history_ready.emit()
        return self.history

    async def prepare_history(self) -> None:
        """Checks the database on a worker thread, then opens the window's connection.

        `PRAGMA quick_check` reads the whole file: 100 ms for 100,000 runs,
        too long for the GUI thread.
        """
        import asyncio

        from zerogpu_desktop.storage.history.types import HistoryError

        if self.history is not None or self.history_problem is not None:
            return

        def check() -> str | None:
            store = self.services.open_history()
            store.close()
            return store.last_problem

        try:
            problem = await asyncio.to_thread(check)
        except HistoryError as exc:
            self.history_problem = str(exc)
            self.problem.emit(f"The history is not available: {exc}")
            return
        if self.history is not None:  # opened meanwhile by a send or the History panel
            return
        try:
            self.history = self.services.open_history(check=False)
        except HistoryError as exc:
            self.history_problem = str(exc)
            self.problem.emit(f"The history is not available: {exc}")
            return
        if problem:
            self.problem.emit(problem)
        self.history_ready.emit()

    def _record_cancelled(self, request: PromptRequest, seconds: float) -> None:
        from zerogpu_desktop.run_records import failed_run

        cancelled = Explanation("Cancelled", "You cancelled the request.", "")
        self._record(failed_run(request, cancelled, seconds, "window"))

    def _record(self, record: RunRecord) -> None:
        """Hands the run to the writer thread; `run_recorded` follows when it is stored."""
        if self.open_history() is None:
            return
        if self._writer is None:
            from zerogpu_desktop.storage.history.writer import HistoryWriter

            self._writer = HistoryWriter(self.services.data_dir)
        import asyncio

        future = asyncio.wrap_future(self._writer.submit(record))
        self.spawn(self._announce_recorded(future))

    async def _announce_recorded(self, future: asyncio.Future[int]) -> None:
        from zerogpu_desktop.storage.history.types import HistoryError

        try:
            run_id = await future
        except HistoryError as exc:
            self.problem.emit(f"The run was not saved to the history: {exc}")
            return
        self.run_recorded.emit(run_id)

    async def _attempt(self, request: PromptRequest, started: float) -> RunSucceeded | RunFailed:
        from zerogpu_desktop.api import ContextLengthExceededError, Message, ZeroGPUError

        missing = self._missing_configuration(request)
        if missing is not None:
            return RunFailed(request, missing, 0.0, needs_settings=missing.title != "No model")
        messages = []
        if request.system_prompt:
            messages.append(Message("system", request.system_prompt))
        messages.append(Message("user", request.user_prompt))
        limit = self.settings.input_limit_for(request.model)
        try:
            client = self._client_for_settings()
            response = await client.create_response(request.model, messages)
        except ContextLengthExceededError as exc:
            return RunFailed(
                request,
                explain(exc),
                time.monotonic() - started,
                rejected_assessment(request.text_sent(), limit),
            )
        except ZeroGPUError as exc:
            return RunFailed(
                request,
                explain(exc),
                time.monotonic() - started,
                needs_settings=_fixed_in_settings(exc),
            )
        seconds = time.monotonic() - started
        assessment = assess_truncation(
            request.text_sent(),
            response.usage.input_tokens if response.usage else None,
            limit=limit,
            model=request.model,
            calibration=self.calibration,
        )
        self._learn(request, response.usage.input_tokens if response.usage else None, assessment)
        self._remember_model(request.model)
        return RunSucceeded(request, response, assessment, seconds)

    def _missing_configuration(self, request: PromptRequest) -> Explanation | None:
        if not request.model.strip():
            return Explanation("No model", "Choose or type a model ID first.", "")
        if not request.user_prompt.strip():
            return NOTHING_TO_SEND
        if not self._api_key:
            if not self.key_loaded:
                return Explanation(
                    "Key not loaded yet",
                    "The API key is still being read from the system keyring.",
                    "Try again in a moment.",
                )
            return Explanation(
                "No API key", "The app has no API key yet.", "Add it in Settings (Ctrl+,)."
            )
        if not self.project_id:
            return Explanation(
                "No project ID", "The app has no project ID yet.", "Add it in Settings (Ctrl+,)."
            )
        return None

    def _client_for_settings(self) -> ZeroGPUClient:
        import httpx

        from zerogpu_desktop.api import ZeroGPUClient

        assert self._api_key is not None
        settings = self.settings
        config = (
            self._api_key,
            self.project_id,
            self.base_url,
            settings.connect_timeout,
            settings.read_timeout,
            settings.max_retries,
            settings.max_response_mb,
        )
        if self._client is None or self._client_config != config:
            self._drop_client()
            timeout = httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout)
            self._client = ZeroGPUClient(
                self._api_key,
                self.project_id,
                base_url=self.base_url,
                timeout=timeout,
                max_retries=settings.max_retries,
                max_response_bytes=settings.max_response_mb * 1024 * 1024,
                on_retry=self._announce_retry,
            )
            self._client_config = config
        return self._client

    def _drop_client(self) -> None:
        """Retires the client; one still serving a request is closed when that run ends."""
        client, self._client, self._client_config = self._client, None, None
        if client is None:
            return
        if self.is_running and self._task is not None:
            self._task.add_done_callback(lambda _task: self._close_later(client))
        else:
            self._close_later(client)

    def _close_later(self, client: ZeroGPUClient) -> None:
        with contextlib.suppress(RuntimeError):  # the loop may already be closing
            self.spawn(client.aclose())

    def _announce_retry(self, notice: RetryNotice) -> None:
        self.retrying.emit(
            f"Retrying in {notice.wait_seconds:.1f} s (attempt {notice.attempt + 1}): "
            f"{notice.reason}"
        )

    def _learn(self, request: PromptRequest, counted: int | None, assessment: Any) -> None:
        if counted is None or assessment.status is not TruncationStatus.NOT_TRUNCATED:
            return
        if self.calibration.record(request.model, request.text_sent(), counted):
            try:
                self.services.calibration_store.save(self.calibration)
            except OSError as exc:
                log.warning("could not save token calibration: %s", exc)

    def _remember_model(self, model: str) -> None:
        updated = self.settings.with_model_used(model)
        if updated != self.settings:
            problem = self.update_settings(updated)
            if problem:
                log.warning("could not save settings: %s", problem)


def _fixed_in_settings(exc: BaseException) -> bool:
    """Errors whose fix is a key, project, base URL or timeout: offer the Settings button."""
    from zerogpu_desktop.api import (
        APIConnectionError,
        AuthenticationError,
        NotFoundError,
        PermissionDeniedError,
        RequestRefusedError,
    )

    return isinstance(
        exc,
        AuthenticationError
        | PermissionDeniedError
        | APIConnectionError
        | NotFoundError
        | RequestRefusedError,
    )


def _log_task_failure(task: asyncio.Task[Any]) -> None:
    if task.cancelled():
        return
    exc = task.exception()
    if exc is not None:
        log.error("background task failed", exc_info=exc)
        import sys

        sys.excepthook(type(exc), exc, exc.__traceback__)
