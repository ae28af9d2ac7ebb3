"""Find and prepare the one folder that holds everything the app writes.

The folder is injected everywhere else (stores take it in their constructor), so this module
is the only place that knows about flags, environment variables and platform conventions.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Mapping
from pathlib import Path

DATA_DIR_ENV = "ZEROGPU_DESKTOP_DATA_DIR"
"""Environment variable that moves the data folder (tests and portable installs use it)."""

_LINUX_DIR_NAME = "zerogpu-desktop"
_DESKTOP_DIR_NAME = "ZeroGPU Desktop"
_HOW_TO_MOVE = f"Choose another folder with --data-dir or the {DATA_DIR_ENV} environment variable."


class DataDirError(OSError):
    """The data folder cannot be used; the message is ready to show to a person.

    It subclasses ``OSError`` so code that already guards file access catches it, while the
    message names the folder and the reason instead of a bare errno. Code that shows any
    ``OSError`` through its ``strerror`` gets the sentence too: ``strerror`` is the sentence
    without its final full stop (a bare ``OSError(message)`` has ``strerror`` None, which
    showed as "System error: DataDirError."), and ``errno`` is the system's code when there
    was one. ``filename`` stays None so the folder is not named twice.

    Attributes:
        path: The folder that was rejected.
        reason: A short phrase saying why, e.g. "it is not writable (Permission denied)".
        fix: What to do about it, as a sentence.
    """

    def __init__(self, path: Path, reason: str, *, errno: int | None = None) -> None:
        super().__init__(errno, "")
        self.path = path
        self.reason = reason
        self.fix = _HOW_TO_MOVE
        self.strerror = f"The data folder {path} cannot be used: {reason}"

    def __str__(self) -> str:
        return f"{self.strerror}. {self.fix}"

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.path, self.reason), {"errno": self.errno})


def resolve_data_dir(
    cli_value: str | None,
    environ: Mapping[str, str],
    *,
    platform: str = sys.platform,
    home: Path | None = None,
) -> Path:
    """Decide where the data folder is, without touching the disk.

    Precedence is the ``--data-dir`` flag, then ``ZEROGPU_DESKTOP_DATA_DIR``, then the
    platform's convention, so a one-off flag always beats a setting someone forgot in their
    shell profile. Empty values count as unset because ``VAR= app`` is a common way to
    "unset" a variable for one run.

    Args:
        cli_value: The value of ``--data-dir``, or None when the flag was not given.
        environ: The environment to read (passed in so tests never touch ``os.environ``).
        platform: A ``sys.platform`` value; injectable so every platform can be tested.
        home: The user's home folder; defaults to ``Path.home()``.

    Returns:
        An absolute path; it may not exist yet (see ``ensure_data_dir``).
    """
    for explicit in (cli_value, environ.get(DATA_DIR_ENV)):
        if explicit and explicit.strip():
            return Path(explicit).expanduser().absolute()
    home = home if home is not None else Path.home()
    return _platform_default(environ, platform, home)


def _platform_default(environ: Mapping[str, str], platform: str, home: Path) -> Path:
    """Return the folder each platform's users and backup tools expect app data in."""
    if platform == "darwin":
        return home / "Library" / "Application Support" / _DESKTOP_DIR_NAME
    if platform in ("win32", "cygwin"):
        appdata = environ.get("APPDATA", "")
        base = Path(appdata) if appdata else home / "AppData" / "Roaming"
        return base / _DESKTOP_DIR_NAME
    # The XDG spec says relative paths in XDG_* variables are invalid and must be ignored.
    xdg = environ.get("XDG_DATA_HOME", "")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else home / ".local" / "share"
    return base / _LINUX_DIR_NAME


def ensure_data_dir(path: Path) -> Path:
    """Create the data folder if needed and prove that files can be written in it.

    A folder we create gets mode 0o700 because it will hold prompts and history that are
    nobody else's business. A folder the user chose and that already exists keeps its mode:
    changing permissions on someone's own folder would be a surprise.

    Writability is tested by creating a real temporary file, because ``os.access`` lies for
    root and on network file systems.

    Args:
        path: The folder from ``resolve_data_dir``.

    Returns:
        The same path, now existing and writable.

    Raises:
        DataDirError: The folder is a file, sits under a file, cannot be created, or cannot
            be written to.
    """
    if path.exists() and not path.is_dir():
        raise DataDirError(path, "it is a file, not a folder")
    created = not path.exists()
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError) as exc:
        raise DataDirError(path, _blocking_file_reason(path), errno=exc.errno) from exc
    except PermissionError as exc:
        reason = f"you have no permission to create it ({_describe(exc)})"
        raise DataDirError(path, reason, errno=exc.errno) from exc
    except OSError as exc:
        reason = f"it could not be created ({_describe(exc)})"
        raise DataDirError(path, reason, errno=exc.errno) from exc
    if created:
        # mkdir's mode is filtered by the umask; set it explicitly so it is exactly 0o700.
        with contextlib.suppress(OSError):  # e.g. file systems without POSIX modes
            path.chmod(0o700)
    _prove_writable(path)
    return path


def _prove_writable(path: Path) -> None:
    """Raise DataDirError unless a file can really be created and removed in ``path``."""
    try:
        import tempfile

        with tempfile.TemporaryFile(dir=path, prefix=".write-test-"):
            pass
    except OSError as exc:
        reason = f"it is not writable ({_describe(exc)})"
        raise DataDirError(path, reason, errno=exc.errno) from exc


def _blocking_file_reason(path: Path) -> str:
    """Name the file that sits where a folder in ``path`` should be."""
    for parent in (path, *path.parents):
        if parent.exists() and not parent.is_dir():
            return f"{parent} is a file, not a folder"
    return "something that is not a folder is in the way"


def _describe(exc: OSError) -> str:
    """Turn an OSError into the system's short sentence, e.g. "Permission denied"."""
    if exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


__all__ = ["DATA_DIR_ENV", "DataDirError", "ensure_data_dir", "resolve_data_dir"]
