"""Blocking work off the calling thread, with a time bound: the one place that knows threads.

The keyring, the SQLite writer, the draft file, the history check and the network warm-up all
block, sometimes for ever (a Secret Service waiting on an unlock prompt). They all go through
``Worker``: a named daemon thread with a queue that runs jobs in order.

Why not ``ThreadPoolExecutor`` or ``asyncio.to_thread``: their threads are joined when the
interpreter exits, so one hung keyring call would keep the app from quitting. A thread cannot
be killed; what can be done is to stop waiting for it. A job that outlives its bound is
abandoned: the caller gets ``TimeoutError`` at once, and if the job is stuck on the worker's
thread, later jobs go to a fresh daemon thread while the stuck one is left to finish (or not)
alone. Its late result is dropped quietly, even after the event loop has closed.

Garbage collection: the window runs Python's collector only on the GUI thread
(``ui/gc_guard.py``), because a collection on another thread may free a Qt object there. This
module never collects, never re-enables collection and never imports Qt. Jobs carry plain
data, never a Qt object; and the worker lets go of a job's function and arguments before it
completes the job, so a caller who waits still holds the last references and frees them on
its own thread.

Examples::

    writer = Worker("zerogpu-history-writer")
    future = writer.submit(store.record, run)        # concurrent.futures.Future
    ...
    writer.close(timeout=2.0)                        # runs what is queued, then stops

    # From the asyncio loop (instead of asyncio.to_thread), bounded:
    problem = await background.run(check_history, folder, timeout=10, name="zerogpu-history-check")

    # From a plain thread (the CLI), bounded:
    result = background.run_blocking(read_key, timeout=5, name="zerogpu-keyring-load")

    # Fire and forget (the post-frame warm-up):
    background.start(warm_up, name="zerogpu-warm-up")
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar, TypeVarTuple

if TYPE_CHECKING:
    import asyncio

T = TypeVar("T")
Ts = TypeVarTuple("Ts")

__all__ = ["Worker", "WorkerClosedError", "run", "run_blocking", "start"]


class WorkerClosedError(RuntimeError):
    """Work was handed to a worker after ``close()``: a bug in the caller, never a user problem."""


@dataclass(slots=True)
class _Job(Generic[T]):
    """One queued call. ``call`` is cleared before the future completes (see module doc)."""

    call: Callable[[], T] | None
    future: Future[T]
    thread: threading.Thread | None = None


class Worker:
    """A named daemon thread that runs submitted calls one after another.

    Attributes:
        name: The thread's name, shown in debuggers and thread dumps; a replacement thread
            (after an abandoned job) has the same name.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self._jobs: queue.SimpleQueue[_Job[Any] | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._queued = 0  # jobs put and not yet taken; the stop marker is not counted
        self._closed = False
        self._thread = self._start_thread()

    def __repr__(self) -> str:
        return f"Worker(name={self.name!r}, closed={self._closed}, queued={self._queued})"

    # -- giving work ----------------------------------------------------------------------

    def submit(self, fn: Callable[[*Ts], T], /, *args: *Ts) -> Future[T]:
        """Queue ``fn(*args)``; the future gives its value or raises what it raised.

        Cancelling the future before the job starts skips it.

        Raises:
            WorkerClosedError: ``close()`` was called already.
        """
        return self._enqueue(fn, args).future

    async def run(
        self,
        fn: Callable[[*Ts], T],
        /,
        *args: *Ts,
        timeout: float | None = None,  # noqa: ASYNC109 - the bound also abandons the job
    ) -> T:
        """Await ``fn(*args)`` from the asyncio loop without blocking it.

        Args:
            fn: The blocking call.
            *args: Its arguments.
            timeout: Seconds to wait; None waits as long as it takes.

        Raises:
            TimeoutError: The job did not finish in time; it was abandoned (see module doc).
            asyncio.CancelledError: The awaiting task was cancelled; the job is abandoned too.
            BaseException: Whatever ``fn`` raised.
        """
        return await self._await_job(self._enqueue(fn, args), timeout)

    def run_blocking(
        self, fn: Callable[[*Ts], T], /, *args: *Ts, timeout: float | None = None
    ) -> T:
        """Run ``fn(*args)`` on this worker and wait for it on the calling thread.

        Raises:
            TimeoutError: The job did not finish within ``timeout`` seconds; it was abandoned.
            BaseException: Whatever ``fn`` raised.
        """
        return self._wait_for_job(self._enqueue(fn, args), timeout)

    def close(self, timeout: float | None = 2.0) -> bool:
        """Run what is queued, then stop the thread; wait at most ``timeout`` seconds for that.

        Later ``submit`` calls raise ``WorkerClosedError``. Safe to call twice.

        Returns:
            Whether the thread finished in time (``timeout=0`` just asks it to stop).
        """
        with self._lock:
            if not self._closed:
                self._closed = True
                self._jobs.put(None)
            thread = self._thread
        if timeout is not None and timeout <= 0:
            return not thread.is_alive()
        thread.join(timeout)
        return not thread.is_alive()

    # -- waiting ----------------------------------------------------------------------------

    async def _await_job(self, job: _Job[T], seconds: float | None) -> T:
        # asyncio is imported here, not with this module: the window imports this module for
        # its first frame, and asyncio loads only after that frame is painted.
        import asyncio

        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[T] = loop.create_future()
        job.future.add_done_callback(lambda done: _deliver_to_loop(loop, waiter, done))
        try:
            async with asyncio.timeout(seconds):
                return await waiter
        except TimeoutError:
            if waiter.done() and not waiter.cancelled():
                return waiter.result()  # fn itself raised TimeoutError: that is its answer
            self._abandon(job)
            raise TimeoutError(_late_sentence(self.name, seconds)) from None
        except asyncio.CancelledError:
            self._abandon(job)
            raise

    def _wait_for_job(self, job: _Job[T], timeout: float | None) -> T:
        try:
            return job.future.result(timeout)
        except TimeoutError:
            if job.future.done() or not self._abandon(job):
                return job.future.result()  # fn's own TimeoutError, or it just finished
            raise TimeoutError(_late_sentence(self.name, timeout)) from None

    # -- the thread -----------------------------------------------------------------------

    def _enqueue(self, fn: Callable[[*Ts], T], args: tuple[*Ts]) -> _Job[T]:
        job: _Job[T] = _Job(lambda: fn(*args), Future())
        with self._lock:
            if self._closed:
                raise WorkerClosedError(f"The {self.name} worker is closed and takes no more work.")
            self._queued += 1
            self._jobs.put(job)
        return job

    def _start_thread(self) -> threading.Thread:
        thread = threading.Thread(target=self._serve, name=self.name, daemon=True)
        thread.start()
        return thread

    def _serve(self) -> None:
        me = threading.current_thread()
        while True:
            job = self._jobs.get()
            if job is None:
                return
            with self._lock:
                self._queued -= 1
            self._run_job(job, me)
            del job  # not held while blocked in get(): see the module doc on references
            with self._lock:
                if self._thread is not me:
                    return  # this thread was given up on while stuck; a fresh one took over

    def _run_job(self, job: _Job[Any], me: threading.Thread) -> None:
        with self._lock:
            started = job.future.set_running_or_notify_cancel()
            job.thread = me
        call, job.call = job.call, None
        if not started or call is None:
            return
        try:
            value = call()
        except BaseException as exc:  # carried to the caller, never lost in the thread
            del call
            job.future.set_exception(exc)
            return
        del call
        job.future.set_result(value)

    def _abandon(self, job: _Job[Any]) -> bool:
        """Stop waiting for ``job``; return False if it finished meanwhile.

        A queued job is cancelled and will be skipped. A job stuck on the current thread gets
        that thread replaced, so the jobs behind it (and ``close``) do not wait for it.
        """
        with self._lock:
            if job.future.cancel():
                return True
            if job.future.done():
                return False
            # Once closed with nothing queued, the stuck thread reads the stop marker itself
            # when it is free; a fresh thread would be started only to read it.
            if job.thread is self._thread and (self._queued > 0 or not self._closed):
                self._thread = self._start_thread()
        return True


def _deliver_to_loop(
    loop: asyncio.AbstractEventLoop, waiter: asyncio.Future[T], done: Future[T]
) -> None:
    """Hand a finished job to the loop's thread; a closed loop means nobody is waiting."""
    with contextlib.suppress(RuntimeError):
        loop.call_soon_threadsafe(_settle, waiter, done)


def _settle(waiter: asyncio.Future[T], done: Future[T]) -> None:
    if waiter.done():  # the waiter timed out or was cancelled: the late outcome is dropped
        return
    if done.cancelled():
        waiter.cancel()
        return
    error = done.exception()
    if error is not None:
        waiter.set_exception(error)
    else:
        waiter.set_result(done.result())


def _late_sentence(name: str, timeout: float | None) -> str:
    return f"{name} did not finish within {timeout:g} seconds."


# -- one-off calls ------------------------------------------------------------------------


async def run(
    fn: Callable[[*Ts], T],
    /,
    *args: *Ts,
    timeout: float | None,  # noqa: ASYNC109 - the bound also abandons the job
    name: str,
) -> T:
    """Await ``fn(*args)`` on a thread of its own, which ends after the call.

    For a call that happens now and then (a keyring read, the history check); see
    ``Worker.run`` for what a timeout or a cancellation does.
    """
    worker = Worker(name)
    job = worker._enqueue(fn, args)
    worker.close(timeout=0)
    return await worker._await_job(job, timeout)


def run_blocking(fn: Callable[[*Ts], T], /, *args: *Ts, timeout: float | None, name: str) -> T:
    """Run ``fn(*args)`` on a thread of its own and wait at most ``timeout`` seconds.

    Raises:
        TimeoutError: It did not finish in time; the thread is left to finish alone.
        BaseException: Whatever ``fn`` raised.
    """
    worker = Worker(name)
    job = worker._enqueue(fn, args)
    worker.close(timeout=0)
    return worker._wait_for_job(job, timeout)


def start(fn: Callable[[*Ts], T], /, *args: *Ts, name: str) -> Future[T]:
    """Start ``fn(*args)`` on a thread of its own and return at once; the thread then ends."""
    worker = Worker(name)
    future = worker.submit(fn, *args)
    worker.close(timeout=0)
    return future
