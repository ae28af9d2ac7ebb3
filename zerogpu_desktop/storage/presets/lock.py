"""One change to the presets at a time, across every process using the data folder.

The window and ``zerogpu-desktop presets import`` (or two terminals) may change presets at
once. Each change reads ``presets.json`` and a versions file, numbers a new version and
writes both back; two such read-modify-writes interleaved would give one version number to
two contents, and a run recorded with that number would point at the wrong prompt. So a
change holds an exclusive ``flock`` on ``<data dir>/presets.json.lock`` from its read to
its last write. Reading (listing, showing versions) takes no lock: every file is replaced
atomically, so a reader sees the old or the new file, never a mix.

The lock is advisory and released by the system when a process dies, so a crash never
leaves the presets locked. Waiting is bounded: a change that cannot get the lock within
``LOCK_WAIT_SECONDS`` fails with ``PresetsBusyError`` instead of hanging the window.

On a system without ``fcntl`` (Windows) there is no lock: changes from two processes at
the same moment can still collide there.
"""

from __future__ import annotations

import errno
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

if sys.platform != "win32":
    import fcntl

LOCK_FILE_NAME = "presets.json.lock"
LOCK_WAIT_SECONDS = 10.0
"""How long a change waits for another process's change before giving up."""
_POLL_SECONDS = 0.02


class PresetsBusyError(OSError):
    """Another process held the presets lock for longer than ``LOCK_WAIT_SECONDS``.

    An ``OSError`` like every other failed write, so callers that already handle a failed
    save handle this one; ``strerror`` is the whole sentence without its full stop, so it
    reads right where a system reason would go.
    """

    def __init__(self) -> None:
        super().__init__(errno.EAGAIN, "")
        self.strerror = "Another ZeroGPU Desktop is saving presets; try again"

    def __str__(self) -> str:
        return f"{self.strerror}."


@contextmanager
def presets_lock(data_dir: Path, *, wait: float = LOCK_WAIT_SECONDS) -> Iterator[None]:
    """Hold the data folder's presets lock for the ``with`` block.

    Not re-entrant: a process taking it twice waits for itself (``PresetStore`` counts its
    own nesting instead).

    Raises:
        PresetsBusyError: The lock stayed taken for ``wait`` seconds.
        OSError: The lock file could not be created or opened (e.g. a read-only folder).
    """
    if sys.platform == "win32":
        yield
        return
    flags = os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW | os.O_NONBLOCK
    descriptor = os.open(data_dir / LOCK_FILE_NAME, flags, 0o600)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise PresetsBusyError() from None
                time.sleep(_POLL_SECONDS)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock
