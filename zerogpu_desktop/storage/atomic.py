"""Write files so a crash never leaves half a file, and set aside files that do not parse.

Every store in this package goes through here, so "the old file survives a failed save",
"a broken file is kept, never deleted" and "a file that could not be read is never written
over" are guaranteed in one place.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

from zerogpu_desktop.storage.local_files import (
    FileContentError,
    check_readable,
    os_reason,
    parse_json,
    read_capped,
)

if TYPE_CHECKING:
    from datetime import datetime

_log = logging.getLogger(__name__)
T = TypeVar("T")


def atomic_write_text(path: Path, text: str, *, private: bool = True) -> None:
    """Replace ``path`` with ``text`` (UTF-8) so readers see the old or the new file, never a mix.

    The temporary file lives in the same folder because ``os.replace`` is only atomic within
    one file system. Data is fsynced before the rename and the folder after it, so a power cut
    cannot leave an empty file behind (ext4 and friends may otherwise reorder the writes).

    Args:
        path: The file to replace; its folder must exist.
        text: The full new content. Newlines are written as ``\\n`` on every platform.
        private: Readable by the user only (0600: the app's own files). False for a document
            the user saves, which gets the mode any new file gets (0666 minus the umask).

    Raises:
        OSError: The file could not be written; the old file is untouched and no temporary
            file is left behind.
        UnicodeEncodeError: ``text`` cannot be encoded (e.g. a lone surrogate); same guarantee.
    """

    def write(handle: TextIO) -> None:
        handle.write(text)

    atomic_write_stream(path, write, private=private, newline="\n")


def atomic_write_stream(
    path: Path,
    write: Callable[[TextIO], T],
    *,
    private: bool = True,
    newline: str = "\n",
) -> T:
    """Replace ``path`` with what ``write`` writes, piece by piece, as ``atomic_write_text`` does.

    For content too big to hold twice as one string (an evaluation's export): ``write`` gets
    the open temporary file and its return value is returned.

    Args:
        path: The file to replace; its folder must exist.
        write: Writes the content into the text file it is given.
        private: As for ``atomic_write_text``.
        newline: The file's newline translation ("" writes line ends exactly as given).

    Raises:
        OSError: The file could not be written; the old file is untouched and no temporary
            file is left behind. Whatever ``write`` raises, with the same guarantee.
    """
    import tempfile  # only when writing: start-up reads files, it does not write them

    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        if not private:
            os.chmod(tmp_name, 0o666 & ~_current_umask())
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as handle:
            result = write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_dir(path.parent)
    return result


def _current_umask() -> int:
    """The process's umask (reading it means setting it, so it is put straight back)."""
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


def atomic_write_json(path: Path, obj: object, *, indent: int | None = 2) -> None:
    """Serialise ``obj`` as JSON and write it with ``atomic_write_text``.

    Serialisation happens before the disk is touched, so an unserialisable value fails
    without creating even a temporary file. ``allow_nan=False`` keeps the output valid JSON
    that other tools (and a person with an editor) can read.

    Args:
        path: The file to replace.
        obj: Plain JSON data (dicts, lists, str, int, float, bool, None).
        indent: Pretty-printing indent; None writes one compact line.

    Raises:
        TypeError: ``obj`` holds something JSON cannot represent.
        ValueError: ``obj`` holds NaN or infinity, or a circular reference.
        OSError: See ``atomic_write_text``.
    """
    text = json.dumps(obj, ensure_ascii=False, indent=indent, allow_nan=False)
    atomic_write_text(path, text + "\n")


def _fsync_dir(folder: Path) -> None:
    """Persist the rename itself; skipped where folders cannot be opened (Windows)."""
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
    try:
        dir_fd = os.open(folder, flags)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:  # pragma: no cover - some file systems refuse fsync on folders
        pass
    finally:
        os.close(dir_fd)


@dataclass(frozen=True)
class LoadResult:
    """What reading a JSON file produced, and what the user should be told about it.

    Attributes:
        data: The top-level JSON object, or None when the file is missing, was set aside or
            could not be read.
        quarantined_to: Where a broken file was moved, or None.
        problem: One human sentence for the UI to show once, or None when all is well.
            A missing file is not a problem: it is every first start.
        left_in_place: The file exists but could not be read, so it was not touched (and
            ``save_json`` will refuse to write over it while that lasts).
    """

    data: dict[str, Any] | None
    quarantined_to: Path | None = None
    problem: str | None = None
    left_in_place: bool = False


class UnreadableFileKeptError(OSError):
    """A save was refused because the file it would replace could not be read.

    Whatever that file holds is unknown (a permission problem, a disk error, a folder in its
    place), so replacing it could destroy the user's data; the save fails instead and the
    file stays exactly as it is. ``strerror`` is the sentence without its final full stop,
    so code that prints ``strerror`` of any ``OSError`` reads naturally.

    Attributes:
        path: The file that was left alone.
    """

    def __init__(self, path: Path, label: str, cause: OSError) -> None:
        super().__init__(cause.errno, "")
        self.path = path
        self.strerror = (
            f"{label} {path} could not be read ({os_reason(cause)}), so it was not "
            "overwritten; make it readable or move it away, then try again"
        )

    def __str__(self) -> str:
        return f"{self.strerror}."


def save_json(path: Path, obj: object, *, what: str | None = None, indent: int | None = 2) -> None:
    """Replace a store's file with ``obj``, unless the file there now cannot be read.

    Stores save through here rather than ``atomic_write_json`` so that a file left in place
    by ``load_json_or_quarantine`` (unreadable) is never replaced by defaults. The check is
    made at each save, not remembered from the load: it also covers a save without a load,
    and a file whose permissions were fixed meanwhile is simply written.

    Raises:
        UnreadableFileKeptError: The existing file cannot be read; nothing was written.
        TypeError, ValueError, OSError: See ``atomic_write_json``.
    """
    try:
        check_readable(path)
    except OSError as exc:
        raise UnreadableFileKeptError(path, _label(path, what), exc) from exc
    atomic_write_json(path, obj, indent=indent)


def load_json_or_quarantine(
    path: Path, *, what: str | None = None, now: datetime | None = None
) -> LoadResult:
    """Read a JSON object from ``path``; move the file aside if its content is not one.

    Only a top-level object counts as valid because every file the app writes is an object
    with a ``"version"`` key. A broken file (too large, not UTF-8, not JSON whatever the
    parser raised, not an object) is renamed, never deleted, so whatever the user (or a
    crashed older version) wrote can still be recovered by hand. A file that cannot be read
    at all (no permission, an I/O error, a folder or FIFO in its place) is left where it is:
    moving it would not help, and it may hold good data once the reason is fixed.

    Args:
        path: The file to read (at most ``MAX_LOCAL_FILE_BYTES``).
        what: How to name the file in the problem sentence, e.g. "settings"; defaults to the
            file name.
        now: The time used in the quarantine name; injectable for tests.

    Returns:
        A LoadResult; it never raises for a bad, unreadable or missing file.
    """
    label = _label(path, what)
    try:
        raw = read_capped(path)
    except FileNotFoundError:
        return LoadResult(data=None)
    except OSError as exc:
        _log.warning("%s could not be read: %s", label, os_reason(exc))
        return LoadResult(
            data=None,
            left_in_place=True,
            problem=(
                f"{label} could not be read ({os_reason(exc)}), so the app started without "
                f"it; {path} was left untouched, and the app will not write over it until it "
                "can be read: fix it or move it away."
            ),
        )
    except FileContentError as exc:
        return _quarantine(path, label, exc.reason, now)
    try:
        data = parse_json(raw)
    except FileContentError as exc:
        return _quarantine(path, label, exc.reason, now)
    if not isinstance(data, dict):
        return _quarantine(path, label, f"holds a JSON {_json_type(data)}, not an object", now)
    return LoadResult(data=data)


def _label(path: Path, what: str | None) -> str:
    return f"The {what} file" if what else f"The file {path.name}"


def _quarantine(path: Path, label: str, reason: str, now: datetime | None) -> LoadResult:
    """Move ``path`` to a free ``<name>.corrupt-<timestamp>`` name and describe what happened."""
    from datetime import datetime  # only a damaged file needs it

    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    target = _free_name(path.with_name(f"{path.name}.corrupt-{stamp}"))
    try:
        os.rename(path, target)
    except OSError as exc:
        _log.warning("Could not move aside %s: %s", path, exc)
        return LoadResult(
            data=None,
            problem=(
                f"{label} {reason}, and it could not be moved aside ({exc.strerror or exc}). "
                f"The app started without it; move or fix {path} by hand."
            ),
        )
    _log.warning("%s %s; moved to %s", label, reason, target)
    return LoadResult(
        data=None,
        quarantined_to=target,
        problem=(
            f"{label} {reason}, so the app started without it. "
            f"The old file was kept as {target} in case you want to recover something from it."
        ),
    )


def _free_name(candidate: Path) -> Path:
    """Return ``candidate``, or ``candidate-2``, ``-3``... whichever does not exist yet."""
    if not candidate.exists() and not candidate.is_symlink():
        return candidate
    number = 2
    while True:
        numbered = candidate.with_name(f"{candidate.name}-{number}")
        if not numbered.exists() and not numbered.is_symlink():
            return numbered
        number += 1


def _json_type(value: object) -> str:
    """Name a parsed JSON value the way JSON does, for the problem sentence."""
    if isinstance(value, list):
        return "list"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "true/false value"
    if value is None:
        return "null"
    return "number"
