"""What a ``PresetStore`` holds of ``presets.json``, kept in step with the file on disk.

Several processes may use one data folder (the window and ``zerogpu-desktop presets import``),
so the state notices when the file changed on disk and rereads it before the next read or
change, instead of overwriting another process's edit with a stale copy. The edits
themselves (save, rename, versions, import...) are ``PresetStore``'s, in ``store.py``.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

from zerogpu_desktop.storage.atomic import save_json
from zerogpu_desktop.storage.loaded import Loaded
from zerogpu_desktop.storage.presets.file import read_presets_file
from zerogpu_desktop.storage.presets.format import presets_document
from zerogpu_desktop.storage.presets.ids import settle_ids
from zerogpu_desktop.storage.presets.lock import presets_lock
from zerogpu_desktop.storage.presets.names import name_key
from zerogpu_desktop.storage.presets.types import Preset, PresetNotFoundError

PRESETS_FILE_NAME = "presets.json"

_Signature = tuple[int, int, int]
_P = ParamSpec("_P")
_R = TypeVar("_R")
_S = TypeVar("_S", bound="PresetsFileState")


def change(method: Callable[Concatenate[_S, _P], _R]) -> Callable[Concatenate[_S, _P], _R]:
    """Make ``method`` one change: under the presets lock, on a fresh read of the file."""

    @functools.wraps(method)
    def locked(self: _S, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        with self._changing():
            return method(self, *args, **kwargs)

    return locked


class PresetsFileState:
    """The presets of ``<data dir>/presets.json``, read lazily and written atomically.

    Reads happen lazily on first use (or ``read()``) and again whenever the file changed on
    disk. Every change is one atomic write of the whole file, so a crash leaves the old or the
    new set, never a mix.

    A lazy reread happens inside whatever call needed the presets (``list``, ``save``...),
    which has no room in its result for a sentence about the file. So the sentence waits in
    the store until ``take_problem()`` hands it over, once (a later clean reread does not
    erase it: the file was still moved aside); ``read()`` returns it with its value instead.
    A damaged versions file found on the way is told the same way.

    Attributes:
        path: The presets file.
    """

    def __init__(self, data_dir: Path, *, clock: Callable[[], float] = time.time) -> None:
        """Create a store; nothing is read until the first call.

        Args:
            data_dir: The app's data folder (must exist).
            clock: Source of Unix times for ``created``/``updated``; tests pass a fake one.
        """
        self.path = data_dir / PRESETS_FILE_NAME
        self._data_dir = data_dir
        self._clock = clock
        self._lock_depth = 0
        self._untold_problem: str | None = None
        self._presets: dict[str, Preset] | None = None
        self._signature: _Signature | None = None

    def read(self) -> Loaded[list[Preset]]:
        """Read the file now: the presets sorted by name; never fails for a bad file.

        ``problem`` says when the file was broken (moved aside) or partly unreadable (a copy
        kept). It also hands over a sentence an earlier lazy reread left untold, when this
        read has none of its own, so nothing is lost by reading instead of taking.
        """
        problem = self._read() or self._untold_problem
        self._untold_problem = None
        return Loaded(self._sorted(self._current().values()), problem)

    def load(self) -> list[Preset]:
        """Just the value of ``read()``, for a caller with nobody to tell about the file.

        The sentence about a broken file exists only in what ``read()`` returns.
        """
        return self.read().value

    def take_problem(self) -> str | None:
        """The newest sentence the lazy rereads found about the file, once; then None.

        Call it after any operation to tell the user what happened to the file meanwhile
        (another process broke it, and it was moved aside or partly skipped).
        """
        problem, self._untold_problem = self._untold_problem, None
        return problem

    def get(self, name: str) -> Preset | None:
        """Return the preset called ``name`` (ignoring case and surrounding spaces), or None."""
        return self._current().get(name_key(name))

    def get_by_id(self, preset_id: str) -> Preset | None:
        """The preset whose stable id is ``preset_id`` (whatever it is called now), or None."""
        if not preset_id:
            return None
        return next((p for p in self._current().values() if p.preset_id == preset_id), None)

    # -- internals ------------------------------------------------------------------------

    def _tell(self, problem: str | None) -> None:
        """Keep a sentence for ``take_problem`` (the newest wins, as for rereads)."""
        if problem:
            self._untold_problem = problem

    @contextmanager
    def _changing(self) -> Iterator[None]:
        """Hold the presets lock (see ``lock``) around one change, its reads included.

        On entry the file is reread if another process replaced it since this store saw it
        (its inode, size or nanosecond modification time differ: each write is a new file),
        so nothing is numbered from a stale copy; the versions file is read from disk at
        each change anyway. Nested changes (a save inside an import) share the outer lock.

        Raises:
            PresetsBusyError: Another process kept the lock too long; nothing was changed.
            OSError: The lock file could not be opened.
        """
        if self._lock_depth:
            self._lock_depth += 1
            try:
                yield
            finally:
                self._lock_depth -= 1
            return
        with presets_lock(self._data_dir):
            self._lock_depth = 1
            try:
                self._current()
                yield
            finally:
                self._lock_depth = 0

    def _find(self, name: str) -> Preset:
        preset = self.get(name)
        if preset is None:
            raise PresetNotFoundError(name.strip())
        return preset

    def _select(self, names: Iterable[str] | None) -> list[Preset]:
        if names is None:
            return self._sorted(self._current().values())
        return [self._find(name) for name in names]

    def _current(self) -> dict[str, Preset]:
        """The presets, reread first if the file changed since this store last saw it."""
        if self._presets is None or _signature(self.path) != self._signature:
            self._tell(self._read())
        assert self._presets is not None
        return self._presets

    def _read(self) -> str | None:
        """Reread the file; return the sentence about it, if any."""
        content = read_presets_file(self.path)
        if content.readable or self._presets is None:
            self._presets = {name_key(p.name): p for p in settle_ids(content.presets)}
        # else: the file was broken and moved aside; what this store holds is the best copy
        # left, and the next change writes it back.
        self._signature = _signature(self.path)
        return content.problem

    def _write(self, presets: dict[str, Preset]) -> None:
        save_json(self.path, presets_document(presets.values(), with_ids=True), what="presets")
        self._presets = presets
        self._signature = _signature(self.path)

    @staticmethod
    def _sorted(presets: Iterable[Preset]) -> list[Preset]:
        return sorted(presets, key=lambda p: (name_key(p.name), p.name))

    # Last in the class, so that above it ``list`` still means the built-in type.
    def list(self, filter_text: str = "") -> list[Preset]:
        """Presets sorted by name (ignoring case) whose name contains ``filter_text``.

        Args:
            filter_text: Matched case-insensitively anywhere in the name; blank lists all.
        """
        wanted = filter_text.strip().casefold()
        return [p for p in self._sorted(self._current().values()) if wanted in p.name.casefold()]


def _signature(path: Path) -> _Signature | None:
    """What identifies one version of the file: inode, size and modification time."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns)
