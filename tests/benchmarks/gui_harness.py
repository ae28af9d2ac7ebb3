"""The real window, started the way the app starts it, for in-process GUI benchmarks.

`run_with_window(body)` starts the window as ``launch.open_window`` does (build it, paint it,
attach the library, then ``launch.run_window`` on a qasync loop: crash reporter, GC guard,
keyring load, network warm-up, history open), waits START_SETTLE_S while timing the loop
(`startup_stalls`), and runs ``await body(window)`` next to the app on the same loop. Then
it closes the window, which takes the app's own quit path.

The key store is a keyring that always fails (the key comes from RunOverrides, as with
ZEROGPU_API_KEY), the data folder is a temporary one, and the server is
tests.benchmarks.bench_server in another process.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication

from tests.benchmarks.common import stall_stats

T = TypeVar("T")

API_KEY = "bench-key-0123456789"
PROJECT_ID = "bench-project"


class Heartbeat(QObject):
    """A 5 ms precise timer; the gaps between its timeouts show how long the loop stalled.

    While it runs, a sampler thread looks at the GUI thread's Python stack whenever the
    heartbeat is more than SAMPLE_AFTER_S late, to say what a long stall was doing. A
    thread can only look while the GUI thread does not hold the GIL (Python code between
    switches, or C code that releases it, such as file I/O); C code that holds the GIL is
    seen only when it returns.
    """

    SAMPLE_AFTER_S = 0.025

    def __init__(self, interval_ms: int = 5) -> None:
        super().__init__()
        self.interval = interval_ms / 1000
        self.ticks: list[float] = []
        self.stalls: list[dict[str, Any]] = []  # the sampled ones, longest first after stop
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)
        self._sampling = threading.Event()
        self._gui_thread = threading.get_ident()

    def _tick(self) -> None:
        self.ticks.append(time.perf_counter())

    def start(self) -> None:
        self.ticks = [time.perf_counter()]
        self.stalls = []
        self._gui_thread = threading.get_ident()
        self._sampling.set()
        threading.Thread(target=self._sample, name="stall-sampler", daemon=True).start()
        self._timer.start()

    def stop(self) -> list[float]:
        self._timer.stop()
        self._sampling.clear()
        self.ticks.append(time.perf_counter())
        for stall in self.stalls:
            stall["ms"] = round((stall.pop("end") - stall.pop("start")) * 1000, 1)
            counted = sorted(stall.pop("stacks").items(), key=lambda item: -item[1])
            stall["where"] = [stack for stack, _count in counted[:3]]
        self.stalls.sort(key=lambda stall: -stall["ms"])
        del self.stalls[5:]
        return self.ticks

    def _sample(self) -> None:
        current: dict[str, Any] | None = None
        while self._sampling.is_set():
            time.sleep(0.002)
            last = self.ticks[-1] if self.ticks else time.perf_counter()
            now = time.perf_counter()
            if now - last <= self.SAMPLE_AFTER_S:
                current = None
                continue
            if current is None or current["start"] != last:
                current = {"start": last, "stacks": {}}
                self.stalls.append(current)
            current["end"] = now
            frame = sys._current_frames().get(self._gui_thread)
            if frame is None:
                continue
            stack = " < ".join(
                f"{entry.name} ({Path(entry.filename).name}:{entry.lineno})"
                for entry in reversed(traceback.extract_stack(frame, limit=6))
            )
            current["stacks"][stack] = current["stacks"].get(stack, 0) + 1


async def wait_until(
    condition: Callable[[], bool], limit_s: float = 60.0, poll: float = 0.005
) -> None:
    deadline = time.monotonic() + limit_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met in time")
        await asyncio.sleep(poll)


class RunWatcher:
    """Counts the window's run outcomes and finished renders (signals, not polling)."""

    def __init__(self, window: Any) -> None:
        self.window = window
        self.outcomes = 0
        self.last_outcome: Any = None  # only the last: keeping all would be a leak of ours
        self.renders = 0
        self.outcome_at = self.rendered_at = 0.0  # perf_counter() of the last of each
        window.session.runs.succeeded.connect(self._outcome)
        window.session.runs.failed.connect(self._outcome)
        window.output.rendered.connect(self._rendered)

    def _outcome(self, outcome: Any) -> None:
        self.outcomes += 1
        self.last_outcome = outcome
        self.outcome_at = time.perf_counter()  # after the window's own slot has run

    def _rendered(self) -> None:
        self.renders += 1
        self.rendered_at = time.perf_counter()

    async def send(self, model: str, prompt: str, limit_s: float = 120.0) -> Any:
        """Sends through the window (as Ctrl+Enter does) and waits until the answer is shown."""
        window = self.window
        window.model_picker.set_model(model)
        window.user_editor.set_text(prompt)
        outcomes, renders = self.outcomes, self.renders
        window.send()
        await wait_until(lambda: self.outcomes > outcomes, limit_s)
        outcome, self.last_outcome = self.last_outcome, None
        if outcome is None or not outcome.succeeded:
            words = outcome.explanation.as_line() if outcome and outcome.explanation else outcome
            raise RuntimeError(f"the run failed: {words}")
        await wait_until(
            lambda: self.renders > renders and not window.output.is_rendering(), limit_s
        )
        return outcome


def make_services(data_dir: Path, base_url: str) -> Any:
    from keyring.backends.fail import Keyring as FailKeyring

    from zerogpu_desktop.credentials import KeyStore
    from zerogpu_desktop.overrides import RunOverrides
    from zerogpu_desktop.ui.services import AppServices

    return AppServices.for_data_dir(
        data_dir,
        key_store=KeyStore(backend=FailKeyring()),  # type: ignore[no-untyped-call]
        overrides=RunOverrides(base_url=base_url, project_id=PROJECT_ID, api_key=API_KEY),
    )


#: The loop's stalls during the first START_SETTLE_S after the window opened, of the last
#: run_with_window: the keyring, the network warm-up and the history open happen then.
startup_stalls: dict[str, Any] = {}
START_SETTLE_S = 1.5


def run_with_window(
    base_url: str, body: Callable[[Any], Awaitable[T]], *, data_dir: Path | None = None
) -> T:
    """Starts the app's window against `base_url`, runs `body(window)`, quits; body's result.

    The window is built and shown as ``launch.open_window`` does (first paint before the loop
    runs, then the rest), as far as this version of launch.py allows. `data_dir` (default:
    a new temporary folder) lets a benchmark start the window on a prepared history.
    """
    import qasync

    from zerogpu_desktop.ui import launch
    from zerogpu_desktop.ui.main_window import MainWindow

    app = launch.create_application([sys.argv[0]])
    # The body's coroutine must outlive the window: closing it ends run_window (its
    # lastWindowClosed handler), but must not stop the loop under the body's feet.
    app.setQuitOnLastWindowClosed(False)
    result: list[T] = []

    def shown_window(services: Any) -> Any:
        """The window as open_window makes it, or None to let run_window build it."""
        try:
            return launch.show_window(app, services)
        except (AttributeError, TypeError):  # another launch.py: run_window builds it
            return None

    async def main(services: Any, window: Any) -> None:
        app_task = asyncio.ensure_future(launch.run_window(app, services, None, window))

        def find() -> MainWindow | None:
            for widget in QApplication.topLevelWidgets():
                if isinstance(widget, MainWindow) and widget.isVisible():
                    return widget
            return None

        try:
            await wait_until(lambda: find() is not None or app_task.done(), 30)
            window = find()
            if window is None:
                await app_task  # raises what went wrong
                raise RuntimeError("the window did not open")
            heartbeat = Heartbeat()
            heartbeat.start()
            await asyncio.sleep(START_SETTLE_S)  # keyring, warm-up, history open
            ticks = heartbeat.stop()
            startup_stalls.clear()
            startup_stalls.update(stall_stats(ticks, heartbeat.interval))
            startup_stalls["sampled_stalls"] = heartbeat.stalls[:3]
            result.append(await body(window))
        finally:
            for widget in QApplication.topLevelWidgets():
                if isinstance(widget, MainWindow):
                    widget.close()
            await asyncio.wait_for(app_task, 30)

    with tempfile.TemporaryDirectory(prefix="zerogpu-bench-gui-") as folder:
        if data_dir is None:
            data_dir = Path(folder) / "data"
            data_dir.mkdir()
        services = make_services(data_dir, base_url)
        window = shown_window(services)
        with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
            runner.run(main(services, window))
    return result[0]
