"""Where the data folder is, and clear words when it cannot be used."""

from __future__ import annotations

import errno
import os
import pickle
import stat
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

import pytest

from zerogpu_desktop.storage import DATA_DIR_ENV, DataDirError, ensure_data_dir, resolve_data_dir

HOME = Path("/home/alice")


def test_flag_beats_environment(tmp_path: Path) -> None:
    environ = {DATA_DIR_ENV: str(tmp_path / "env"), "XDG_DATA_HOME": "/xdg"}

    assert resolve_data_dir(str(tmp_path / "flag"), environ, home=HOME) == tmp_path / "flag"


def test_environment_beats_platform_default(tmp_path: Path) -> None:
    environ = {DATA_DIR_ENV: str(tmp_path / "env"), "XDG_DATA_HOME": "/xdg"}

    assert resolve_data_dir(None, environ, home=HOME) == tmp_path / "env"


def test_empty_values_count_as_unset() -> None:
    result = resolve_data_dir("", {DATA_DIR_ENV: " "}, platform="linux", home=HOME)

    assert result == HOME / ".local/share/zerogpu-desktop"


def test_tilde_and_relative_paths_are_made_absolute() -> None:
    assert resolve_data_dir("~/zg", {}) == Path.home() / "zg"
    assert resolve_data_dir("rel/dir", {}) == Path.cwd() / "rel/dir"


@pytest.mark.parametrize(
    ("platform", "environ", "expected"),
    [
        ("linux", {}, HOME / ".local/share/zerogpu-desktop"),
        ("linux", {"XDG_DATA_HOME": "/data/xdg"}, Path("/data/xdg/zerogpu-desktop")),
        ("linux", {"XDG_DATA_HOME": "relative/xdg"}, HOME / ".local/share/zerogpu-desktop"),
        ("darwin", {}, HOME / "Library/Application Support/ZeroGPU Desktop"),
        ("win32", {"APPDATA": "/c/Users/alice/AppData/Roaming"}, None),
        ("win32", {}, HOME / "AppData/Roaming/ZeroGPU Desktop"),
    ],
)
def test_platform_defaults(platform: str, environ: dict[str, str], expected: Path | None) -> None:
    if expected is None:
        expected = Path(environ["APPDATA"]) / "ZeroGPU Desktop"

    assert resolve_data_dir(None, environ, platform=platform, home=HOME) == expected


def test_ensure_creates_a_private_folder(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "data"

    assert ensure_data_dir(target) == target

    assert target.is_dir()
    assert stat.S_IMODE(target.stat().st_mode) == 0o700
    assert list(target.iterdir()) == []  # the write test leaves nothing behind


def test_ensure_leaves_an_existing_folders_mode_alone(tmp_path: Path) -> None:
    target = tmp_path / "mine"
    target.mkdir(mode=0o755)
    target.chmod(0o755)

    ensure_data_dir(target)

    assert stat.S_IMODE(target.stat().st_mode) == 0o755


def test_a_file_instead_of_a_folder_is_named_in_the_message(tmp_path: Path) -> None:
    target = tmp_path / "data"
    target.write_text("not a folder", encoding="utf-8")

    with pytest.raises(DataDirError) as caught:
        ensure_data_dir(target)

    message = str(caught.value)
    assert str(target) in message
    assert "is a file, not a folder" in message
    assert "--data-dir" in message
    assert caught.value.path == target
    assert isinstance(caught.value, OSError)


def test_a_file_in_the_parent_path_is_named_in_the_message(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("", encoding="utf-8")
    target = blocker / "sub" / "data"

    with pytest.raises(DataDirError) as caught:
        ensure_data_dir(target)

    message = str(caught.value)
    assert str(target) in message
    assert f"{blocker} is a file, not a folder" in message


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="root ignores folder permissions; the file-in-the-way tests cover the message",
)
def test_read_only_folder_says_not_writable(tmp_path: Path) -> None:
    target = tmp_path / "ro"
    target.mkdir()
    target.chmod(0o500)
    try:
        with pytest.raises(DataDirError, match="is not writable"):
            ensure_data_dir(target)
    finally:
        target.chmod(0o700)


def _raise(exc: OSError) -> Callable[..., NoReturn]:
    def fail(*args: object, **kwargs: object) -> NoReturn:
        raise exc

    return fail


def test_a_read_only_folder_gives_the_system_reason_in_str_and_strerror(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Root can write anywhere, so the read-only file system is simulated."""
    monkeypatch.setattr(
        "tempfile.TemporaryFile",
        _raise(OSError(errno.EROFS, "Read-only file system")),
    )

    with pytest.raises(DataDirError) as caught:
        ensure_data_dir(tmp_path)

    error = caught.value
    sentence = (
        f"The data folder {tmp_path} cannot be used: it is not writable (Read-only file system)"
    )
    assert error.strerror == sentence
    assert str(error) == f"{sentence}. {error.fix}"
    assert "--data-dir" in error.fix
    assert error.errno == errno.EROFS
    assert error.reason == "it is not writable (Read-only file system)"
    assert error.filename is None


def test_no_permission_to_create_gives_the_system_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "new"
    monkeypatch.setattr(Path, "mkdir", _raise(PermissionError(errno.EACCES, "Permission denied")))

    with pytest.raises(DataDirError) as caught:
        ensure_data_dir(target)

    assert caught.value.reason == "you have no permission to create it (Permission denied)"
    assert caught.value.errno == errno.EACCES
    assert caught.value.strerror is not None
    assert "(Permission denied)" in caught.value.strerror


def test_the_error_survives_pickling(tmp_path: Path) -> None:
    original = DataDirError(tmp_path, "it is not writable (Disk quota exceeded)", errno=122)

    copy = pickle.loads(pickle.dumps(original))

    assert str(copy) == str(original)
    assert copy.errno == 122
    assert copy.path == tmp_path
