"""Settings in one click from a first start; the key goes to the keyring and nowhere else."""

from __future__ import annotations

import json
from pathlib import Path

from keyring.backends import fail
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLineEdit
from pytestqt.qtbot import QtBot

from tests.credentials.fake_backends import MemoryKeyring
from tests.fakeserver import FakeServer
from tests.ui.conftest import API_KEY, MODEL, PROJECT_ID, WindowFactory
from tests.ui.helpers import banner_text, press_send, type_model, type_user_prompt, wait_finished
from zerogpu_desktop.credentials import KeyStore
from zerogpu_desktop.credentials.keystore import DEFAULT_SERVICE, DEFAULT_USERNAME
from zerogpu_desktop.ui.main_window import MainWindow
from zerogpu_desktop.ui.settings_dialog import SettingsDialog


def open_settings_from_banner(qtbot: QtBot, window: MainWindow) -> SettingsDialog:
    button = window.banner.settings_button
    assert button.isVisible()
    assert button.accessibleName() == "Open Settings"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = window.findChild(SettingsDialog)
    assert dialog is not None, "one click on Open Settings must open the dialog"
    qtbot.waitUntil(dialog.isVisible, timeout=2000)
    return dialog


def fill_in_and_confirm(qtbot: QtBot, dialog: SettingsDialog, key: str, project: str) -> None:
    """Types the key (masked) and the project ID, then clicks OK."""
    assert dialog.key_edit.echoMode() == QLineEdit.EchoMode.Password
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.key_edit, timeout=2000)
    qtbot.keyClicks(dialog.key_edit, key)
    qtbot.keyClick(dialog.project_edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(dialog.project_edit, project)
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    ok = box.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=2000)


def send_and_expect_answer(
    qtbot: QtBot, window: MainWindow, server: FakeServer, prompt: str
) -> None:
    type_model(qtbot, window, MODEL)
    type_user_prompt(qtbot, window, prompt)
    press_send(qtbot, window)
    wait_finished(qtbot, window)
    assert window.output.current_view().toPlainText().strip() == f"Echo: {prompt}", banner_text(
        window
    )
    assert server.requests[-1].headers["x-api-key"] == API_KEY
    assert server.requests[-1].headers["x-project-id"] == PROJECT_ID


def files_containing(root: Path, needle: bytes) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file() and needle in path.read_bytes()]


def test_first_start_leads_to_settings_and_the_key_goes_to_the_keyring_only(
    qtbot: QtBot,
    make_window: WindowFactory,
    server: FakeServer,
    tmp_path: Path,
    data_dir: Path,
    file_log: Path,
) -> None:
    backend = MemoryKeyring()
    window = make_window(key_store=KeyStore(backend=backend), project_id=None)
    assert not window.session.keys.has_key
    assert "No API key yet" in banner_text(window)

    dialog = open_settings_from_banner(qtbot, window)
    assert "No key saved yet" in dialog.key_status.text()
    fill_in_and_confirm(qtbot, dialog, API_KEY, PROJECT_ID)

    qtbot.waitUntil(lambda: window.session.keys.has_key, timeout=5000)
    # "Saving the key…" gives way to where it went, once the keyring answered.
    qtbot.waitUntil(
        lambda: window.status.state_label.text().startswith("Key saved in "), timeout=2000
    )
    assert "…" not in window.status.state_label.text()
    assert backend.passwords == {(DEFAULT_SERVICE, DEFAULT_USERNAME): API_KEY}
    assert window.session.keys.in_keyring
    assert banner_text(window) == ""
    settings = json.loads((data_dir / "settings.json").read_text(encoding="utf-8"))
    assert settings["project_id"] == PROJECT_ID

    send_and_expect_answer(qtbot, window, server, "first question")

    # Reopened, the dialog says where the key is and never shows it.
    qtbot.mouseClick(window.settings_button, Qt.MouseButton.LeftButton)
    again = window.findChild(SettingsDialog)
    assert again is not None
    qtbot.waitUntil(again.isVisible, timeout=2000)
    assert again.key_edit.text() == ""
    assert "stored in your system keyring" in again.key_status.text()
    again.reject()

    window.close()  # writes draft.json and ui_state.json
    for name in ("settings.json", "draft.json", "ui_state.json"):
        assert (data_dir / name).exists(), name
    assert file_log.exists()
    assert file_log.stat().st_size > 0, "the log should hold at least the HTTP request line"
    assert files_containing(tmp_path, API_KEY.encode()) == []
    assert files_containing(tmp_path, API_KEY.encode("utf-16-le")) == []


def test_without_a_usable_keyring_the_key_is_kept_for_this_session(
    qtbot: QtBot, make_window: WindowFactory, server: FakeServer, tmp_path: Path
) -> None:
    window = make_window(key_store=KeyStore(backend=fail.Keyring()), project_id=None)
    shown = banner_text(window)
    assert "No API key yet" in shown
    assert "no usable keyring" in shown
    assert "kept for this session only" in shown

    dialog = open_settings_from_banner(qtbot, window)
    fill_in_and_confirm(qtbot, dialog, API_KEY, PROJECT_ID)

    qtbot.waitUntil(lambda: window.session.keys.has_key, timeout=5000)
    assert not window.session.keys.in_keyring
    qtbot.waitUntil(
        lambda: window.status.state_label.text().startswith("Key kept for this session only"),
        timeout=2000,
    )
    shown = banner_text(window)
    assert "Key kept for this session only" in shown
    assert "The key will be kept for this session only" in shown
    assert not window.banner.settings_button.isVisible()

    send_and_expect_answer(qtbot, window, server, "works without a keyring")
    assert files_containing(tmp_path, API_KEY.encode()) == []


def test_cancelling_settings_changes_nothing(
    qtbot: QtBot, make_window: WindowFactory, data_dir: Path
) -> None:
    backend = MemoryKeyring()
    window = make_window(key_store=KeyStore(backend=backend), project_id=None)
    dialog = open_settings_from_banner(qtbot, window)
    qtbot.keyClicks(dialog.key_edit, "typed-then-abandoned")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=2000)

    assert backend.passwords == {}
    assert not window.session.keys.has_key
    assert not (data_dir / "settings.json").exists()


def test_an_invalid_base_url_is_refused_in_the_dialog(
    qtbot: QtBot, window: MainWindow, data_dir: Path
) -> None:
    qtbot.mouseClick(window.settings_button, Qt.MouseButton.LeftButton)
    dialog = window.findChild(SettingsDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=2000)
    qtbot.keyClick(dialog.base_url_edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(dialog.base_url_edit, "http://api.example.com")
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    qtbot.mouseClick(box.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)

    assert dialog.isVisible()
    assert dialog.error_label.isVisible()
    assert "plain http" in dialog.error_label.text()
    dialog.reject()


def test_the_monospace_option_changes_the_editors_font(
    qtbot: QtBot, window: MainWindow, data_dir: Path
) -> None:
    from PySide6.QtGui import QFontDatabase

    fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont).family()
    assert not window.session.settings.current.monospace_editors
    qtbot.mouseClick(window.settings_button, Qt.MouseButton.LeftButton)
    dialog = window.findChild(SettingsDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=2000)
    dialog.monospace.click()
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    qtbot.mouseClick(box.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)

    assert window.user_editor.editor.font().family() == fixed
    assert window.system_editor.editor.font().family() == fixed
    settings = json.loads((data_dir / "settings.json").read_text(encoding="utf-8"))
    assert settings["monospace_editors"] is True


def test_forgetting_the_key_says_where_it_was_removed_from(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    backend = MemoryKeyring()
    backend.passwords[(DEFAULT_SERVICE, DEFAULT_USERNAME)] = API_KEY
    window = make_window(key_store=KeyStore(backend=backend))
    qtbot.waitUntil(lambda: window.session.keys.in_keyring, timeout=5000)
    qtbot.mouseClick(window.settings_button, Qt.MouseButton.LeftButton)
    dialog = window.findChild(SettingsDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=2000)
    assert dialog.forget_button.isEnabled()
    qtbot.mouseClick(dialog.forget_button, Qt.MouseButton.LeftButton)
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    qtbot.mouseClick(box.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)

    qtbot.waitUntil(
        lambda: window.status.state_label.text().startswith("Key removed from "), timeout=5000
    )
    assert backend.passwords == {}
    assert "MemoryKeyring" in window.status.state_label.text()
    assert "…" not in window.status.state_label.text()
