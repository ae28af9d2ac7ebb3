"""Reading the app's own JSON files and imported files with bounded cost and honest failures.

A file in the data folder or offered for import may be anything: a FIFO that blocks forever
when opened, ``/dev/zero`` that never ends, a folder, a 10 GB file, JSON nested 100,000 deep
or a 5,000-digit number. Every such case ends here in one of two kinds of error, because the
right reaction is opposite:

- the file cannot be *read* (``OSError``: permission denied, an I/O error, not a regular
  file): what it holds is unknown, so it must stay where it is and must not be overwritten;
- the file was read but its *content* is unusable (``FileContentError``: too large, not
  UTF-8, not JSON, too deep): it can be moved aside (it is kept, never deleted).

The history database is not read through here and has no size cap: it is SQLite's to page.
"""

from __future__ import annotations

import errno
import json
import os
import stat
from pathlib import Path

from zerogpu_desktop.api.json_limits import JSONLimitError, check_json_limits

MAX_LOCAL_FILE_BYTES = 64 * 1024 * 1024
"""No settings, draft, layout, calibration or presets file is anywhere near this (a draft of
a few MB is already large); above it the file is damaged or not one of ours."""

_READ_CHUNK_BYTES = 1024 * 1024
_OPEN_FLAGS = (
    os.O_RDONLY
    # Opening a FIFO for reading blocks until a writer appears; non-blocking opens at once,
    # and the mode check below refuses it before any read.
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


class NotARegularFileError(OSError):
    """The path is a folder, a FIFO, a device or a socket: nothing the app can read as a file.

    An ``OSError`` because, like "permission denied", it means the file could not be read:
    it must be left where it is.
    """

    def __init__(self, path: Path, kind: str) -> None:
        super().__init__(errno.EISDIR if kind == "folder" else errno.EINVAL, "")
        self.strerror = f"it is a {kind}, not a regular file"
        self.path = path

    def __str__(self) -> str:
        return f"{self.path}: {self.strerror}"


class FileContentError(ValueError):
    """The file was read but cannot be used; ``reason`` completes "The settings file ...".

    Attributes:
        reason: A phrase such as "is not UTF-8 text" or "is larger than 64 MiB".
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def read_capped(path: Path, cap: int = MAX_LOCAL_FILE_BYTES) -> bytes:
    """Return the bytes of the regular file ``path``, reading at most ``cap + 1`` of them.

    The size on disk is checked before reading, and the read stops one byte past the cap
    anyway, because a file can grow while it is read and some files report size 0.

    Raises:
        FileNotFoundError: There is no file at ``path``.
        NotARegularFileError: ``path`` is a folder, FIFO, device or socket; it was not read.
        OSError: The file could not be opened or read (the OS reason is in ``strerror``).
        FileContentError: The file is larger than ``cap`` bytes.
    """
    fd = os.open(path, _OPEN_FLAGS)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotARegularFileError(path, _kind_of(info.st_mode))
        if info.st_size > cap:
            raise FileContentError(f"is larger than {_size_text(cap)}")
        chunks: list[bytes] = []
        remaining = cap + 1
        while remaining > 0:
            chunk = os.read(fd, min(remaining, _READ_CHUNK_BYTES))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
    finally:
        os.close(fd)
    if remaining <= 0:
        raise FileContentError(f"is larger than {_size_text(cap)}")
    return b"".join(chunks)


def check_readable(path: Path) -> None:
    """Return if ``path`` is absent or a regular file that opens; else raise why it is not.

    Run before a store replaces its file: a file the app could not read holds something
    unknown, and writing over it would lose that for good.

    Raises:
        NotARegularFileError: ``path`` is a folder, FIFO, device or socket.
        OSError: ``path`` exists but cannot be opened for reading.
    """
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except FileNotFoundError:
        return
    try:
        mode = os.fstat(fd).st_mode
    finally:
        os.close(fd)
    if not stat.S_ISREG(mode):
        raise NotARegularFileError(path, _kind_of(mode))


def parse_json(content: bytes | str, *, encoding: str = "utf-8") -> object:
    """Parse ``content`` as JSON; every way it can fail becomes a ``FileContentError``.

    ``json.loads`` raises more than ``JSONDecodeError``: ``RecursionError`` for deep nesting
    and a plain ``ValueError`` for an integer longer than Python's digit limit. Both are
    damaged content like any other, so both must be caught for the file to be set aside.
    Before decoding, the same value, object and depth limits as for a server's reply apply
    (``api.json_limits``): a local file or an import can be as hostile as a reply.

    Args:
        content: The raw bytes (decoded with ``encoding``) or text.
        encoding: ``"utf-8-sig"`` accepts a byte order mark (imports from other editors).
    """
    if isinstance(content, bytes):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            raise FileContentError("is not UTF-8 text") from None
    else:
        text = content
    try:
        # A 64 MiB file of `{}` entries would cost json.loads gigabytes: count first.
        check_json_limits(
            content if isinstance(content, bytes) else text.encode("utf-8", "surrogatepass")
        )
    except JSONLimitError as exc:
        raise FileContentError(f"is not usable JSON (it {exc.reason})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileContentError(f"is not valid JSON ({exc.msg} at line {exc.lineno})") from None
    except RecursionError:
        raise FileContentError("is not usable JSON (it is nested too deeply)") from None
    except ValueError:
        reason = "is not usable JSON (it holds a number with too many digits)"
        raise FileContentError(reason) from None


def check_replaceable(path: Path) -> None:
    """Refuses to write over anything but a regular file (or nothing).

    Writing a file means replacing it by rename: over a device, a named pipe or a symbolic
    link that would put a plain file where the system or the user had something else.

    Raises:
        NotARegularFileError: ``path`` exists and is not a regular file (a symbolic link
            counts as not one, whatever it points to).
    """
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if stat.S_ISLNK(mode):
        raise NotARegularFileError(path, "symbolic link")
    if not stat.S_ISREG(mode):
        raise NotARegularFileError(path, _kind_of(mode))


def os_reason(exc: OSError) -> str:
    """The system's short phrase for ``exc``, e.g. "Permission denied"."""
    return exc.strerror or str(exc) or type(exc).__name__


def _kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISFIFO(mode):
        return "named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "special file"


def _size_text(size: int) -> str:
    mib = size / (1024 * 1024)
    if mib >= 1 and mib == int(mib):
        return f"{int(mib)} MiB"
    return f"{size:,} bytes"
