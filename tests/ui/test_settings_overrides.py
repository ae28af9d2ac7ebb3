"""Settings shows the values a run really uses, and where each comes from.

Started with ZEROGPU_BASE_URL / ZEROGPU_PROJECT_ID / ZEROGPU_API_KEY, the app uses those,
so Settings must not present the saved values as if they were in force.
"""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QLabel
from pytestqt.qtbot import QtBot

from tests.fakeserver import FakeServer
from tests.ui.conftest import API_KEY, PROJECT_ID, WindowFactory
from zerogpu_desktop.overrides import RunOverrides
from zerogpu_desktop.storage import Settings
from zerogpu_desktop.ui.main_window import MainWindow
from zerogpu_desktop.ui.settings_dialog import SettingsDialog

SAVED_URL = "https://api.zerogpu.ai"


def open_settings(qtbot: QtBot, window: MainWindow) -> SettingsDialog:
    qtbot.mouseClick(window.settings_button, Qt.MouseButton.LeftButton)
    dialog = window.findChild(SettingsDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=2000)
    return dialog


def test_overridden_values_are_shown_read_only_with_their_source(
    qtbot: QtBot, make_window: WindowFactory, server: FakeServer, data_dir: Path
) -> None:
    overrides = RunOverrides.from_environment(
        {
            "ZEROGPU_BASE_URL": server.base_url,
            "ZEROGPU_PROJECT_ID": PROJECT_ID,
            "ZEROGPU_API_KEY": API_KEY,
        }
    )
    window = make_window(overrides=overrides, settings=Settings(base_url=SAVED_URL, project_id=""))
    dialog = open_settings(qtbot, window)

    base_url = dialog.in_force["base_url"]
    assert base_url.text() == server.base_url
    assert base_url.isReadOnly()
    assert dialog.note_for("base_url") == (
        f"From ZEROGPU_BASE_URL for this run; the saved value ({SAVED_URL}) is used otherwise."
    )
    project = dialog.in_force["project_id"]
    assert project.text() == PROJECT_ID
    assert project.isReadOnly()
    assert dialog.note_for("project_id").startswith("From ZEROGPU_PROJECT_ID for this run")
    assert "(none)" in dialog.note_for("project_id")
    # The saved values stay editable, and are what OK saves.
    assert dialog.base_url_edit.text() == SAVED_URL
    assert not dialog.base_url_edit.isReadOnly()
    assert not dialog.forget_button.isEnabled()
    assert "ZEROGPU_API_KEY" in dialog.forget_button.toolTip()
    assert "ZEROGPU_API_KEY" in dialog.key_status.text()
    texts = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert API_KEY not in texts

    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    qtbot.mouseClick(box.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=2000)
    saved = json.loads((data_dir / "settings.json").read_text(encoding="utf-8"))
    assert saved["base_url"] == SAVED_URL
    assert saved["project_id"] == ""


def test_a_flag_is_named_as_the_source(
    qtbot: QtBot, make_window: WindowFactory, server: FakeServer
) -> None:
    overrides = RunOverrides.from_environment({}, base_url_flag=server.base_url)
    window = make_window(overrides=overrides)
    dialog = open_settings(qtbot, window)
    assert dialog.note_for("base_url").startswith("From --base-url for this run")
    assert "project_id" not in dialog.in_force
    dialog.reject()


def test_without_overrides_there_is_nothing_in_force_to_show(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window(overrides=RunOverrides())
    dialog = open_settings(qtbot, window)
    assert dialog.in_force == {}
    assert dialog.note_for("base_url") == ""
    dialog.reject()


def test_the_dialog_grows_to_fit_its_warning(qtbot: QtBot, window: MainWindow) -> None:
    dialog = open_settings(qtbot, window)
    before = dialog.height()
    qtbot.keyClick(dialog.base_url_edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(dialog.base_url_edit, "http://api.example.com")
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    qtbot.mouseClick(box.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert dialog.error_label.isVisible()
    qtbot.waitUntil(lambda: dialog.height() > before, timeout=2000)
    label = dialog.error_label
    assert label.geometry().bottom() <= dialog.rect().bottom()
    assert label.height() >= label.heightForWidth(label.width())
    dialog.reject()


def test_the_key_row_is_not_clipped(qtbot: QtBot, window: MainWindow) -> None:
    dialog = open_settings(qtbot, window)
    edit = dialog.key_edit
    assert edit.width() > edit.fontMetrics().horizontalAdvance(edit.placeholderText())
    assert dialog.forget_button.width() >= dialog.forget_button.sizeHint().width()
    dialog.reject()
