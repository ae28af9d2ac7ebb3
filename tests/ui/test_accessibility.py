"""Names a screen reader announces, and a window that works from the keyboard."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from tests.fakeserver import FakeServer, Scenario
from tests.ui.conftest import MODEL
from tests.ui.helpers import press_send, type_model, type_user_prompt, wait_finished, wait_running
from zerogpu_desktop.ui.main_window import MainWindow
from zerogpu_desktop.ui.settings_dialog import SettingsDialog

INTERACTIVE = (QAbstractButton, QAbstractSpinBox, QComboBox, QLineEdit, QPlainTextEdit, QTextEdit)


def interactive_widgets(root: QWidget) -> list[QWidget]:
    """Every control a person can operate, minus the editors Qt builds inside compound ones.

    A spin box's inner line edit is announced as the spin box itself, so it
    is not a control of its own; Qt's private helpers (``qt_*``, such as the
    menu bar's overflow button) are not the app's to name.
    """
    found = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, INTERACTIVE) or widget.objectName().startswith("qt_"):
            continue
        if isinstance(widget, QLineEdit) and isinstance(widget.parentWidget(), QAbstractSpinBox):
            continue
        found.append(widget)
    return found


def unnamed(widgets: list[QWidget]) -> list[str]:
    return [
        f"{type(w).__name__}({getattr(w, 'text', lambda: '')()!r}, objectName={w.objectName()!r})"
        for w in widgets
        if not w.accessibleName().strip()
    ]


def test_the_named_controls_carry_exactly_these_names(window: MainWindow) -> None:
    assert window.windowTitle() == "ZeroGPU Desktop"
    assert window.model_picker.combo.accessibleName() == "Model"
    assert window.system_editor.editor.accessibleName() == "System prompt"
    assert window.user_editor.editor.accessibleName() == "User prompt"
    assert window.send_button.accessibleName() == "Send"
    assert window.send_button.text() == "Send"
    assert window.output.current_view().accessibleName() == "Output"
    names = {w.accessibleName() for w in interactive_widgets(window)}
    assert {"Model", "System prompt", "User prompt", "Send", "Output"} <= names


def test_every_control_in_the_window_has_a_name(window: MainWindow) -> None:
    widgets = interactive_widgets(window)
    assert len(widgets) >= 10
    assert unnamed(widgets) == []


def test_every_control_in_the_settings_dialog_has_a_name(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.mouseClick(window.settings_button, Qt.MouseButton.LeftButton)
    dialog = window.findChild(SettingsDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=2000)
    widgets = interactive_widgets(dialog)
    assert len(widgets) >= 8
    assert unnamed(widgets) == []
    assert dialog.key_edit.echoMode() == QLineEdit.EchoMode.Password
    dialog.reject()


def test_focus_starts_in_the_user_prompt(window: MainWindow) -> None:
    assert QApplication.focusWidget() is window.user_editor.editor


def test_send_reads_cancel_while_a_request_runs(
    qtbot: QtBot, window: MainWindow, server: FakeServer
) -> None:
    server.scenario = Scenario.slow(0.6)
    type_model(qtbot, window, MODEL)
    type_user_prompt(qtbot, window, "name check")
    press_send(qtbot, window)
    wait_running(qtbot, window)
    assert window.send_button.accessibleName() == "Cancel"
    # The status bar counts the seconds while it runs.
    state = window.status.state_label
    assert re.fullmatch(r"Sending… \d+\.\d s", state.text())
    first = state.text()
    qtbot.waitUntil(
        lambda: state.text() != first and state.text().startswith("Sending"), timeout=1000
    )
    wait_finished(qtbot, window)
    assert window.send_button.text() == "Send"
    assert window.send_button.accessibleName() == "Send"
    assert "Echo: name check" in window.output.current_view().toPlainText()


def test_undo_copy_and_paste_work_in_the_prompt(qtbot: QtBot, window: MainWindow) -> None:
    editor = window.user_editor.editor
    type_user_prompt(qtbot, window, "keep this")
    qtbot.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(editor, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(editor, Qt.Key.Key_End)
    qtbot.keyClicks(editor, " and ")
    qtbot.keyClick(editor, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert window.user_editor.text() == "keep this and keep this"
    qtbot.keyClick(editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.user_editor.text() == "keep this and "
