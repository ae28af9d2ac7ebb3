"""What a person does with the window, as small functions the tests share."""

from __future__ import annotations

import time

from PySide6.QtCore import QEventLoop, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from tests.fakeserver import FakeServer
from zerogpu_desktop.ui.main_window import MainWindow
from zerogpu_desktop.ui.variables_dialog import VariablesDialog

CTRL = Qt.KeyboardModifier.ControlModifier
#: How long a run against the loopback server may take before a test gives up (ms).
RUN_TIMEOUT_MS = 10_000


def focused(window: MainWindow) -> QWidget:
    """The widget with keyboard focus.

    After a dialog closes, the window manager gives the main window back its
    activation; the offscreen platform has none, so do it here, and if focus
    still went nowhere, put it back where it last was, as a click would.
    """
    deadline = time.monotonic() + 2.0
    while QApplication.focusWidget() is None and time.monotonic() < deadline:
        window.activateWindow()
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        if QApplication.focusWidget() is None and window.isActiveWindow():
            (window.focusWidget() or window.user_editor.editor).setFocus()
            QApplication.processEvents()
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has keyboard focus"
    return widget


def type_text(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Types ``text`` key by key; a newline is the Return key (QTest cannot type "\\n")."""
    for number, line in enumerate(text.split("\n")):
        if number:
            qtbot.keyClick(widget, Qt.Key.Key_Return)
        if line:
            qtbot.keyClicks(widget, line)


def type_model(qtbot: QtBot, window: MainWindow, model: str) -> None:
    """Ctrl+L jumps to the model box; select what is there and type over it."""
    qtbot.keyClick(focused(window), Qt.Key.Key_L, CTRL)
    combo = window.model_picker.combo
    assert focused(window) is combo
    qtbot.keyClick(combo, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(combo, model)
    assert window.model_picker.model() == model


def type_user_prompt(qtbot: QtBot, window: MainWindow, text: str) -> None:
    """Alt+U (the caption's mnemonic) focuses the user prompt; then type."""
    qtbot.keyClick(focused(window), Qt.Key.Key_U, Qt.KeyboardModifier.AltModifier)
    editor = window.user_editor.editor
    assert focused(window) is editor
    type_text(qtbot, editor, text)


def type_system_prompt(qtbot: QtBot, window: MainWindow, text: str) -> None:
    """Alt+Y (the caption's mnemonic) focuses the system prompt; then type."""
    qtbot.keyClick(focused(window), Qt.Key.Key_Y, Qt.KeyboardModifier.AltModifier)
    editor = window.system_editor.editor
    assert focused(window) is editor
    type_text(qtbot, editor, text)


def paste_user_prompt(qtbot: QtBot, window: MainWindow, text: str) -> None:
    """Long text arrives the way a person brings it: through the clipboard, Ctrl+V."""
    qtbot.keyClick(focused(window), Qt.Key.Key_U, Qt.KeyboardModifier.AltModifier)
    clipboard = QGuiApplication.clipboard()
    clipboard.setText(text)
    qtbot.waitUntil(lambda: clipboard.text() == text, timeout=2000)
    qtbot.keyClick(window.user_editor.editor, Qt.Key.Key_V, CTRL)
    assert window.user_editor.text().endswith(text)


def press_send(qtbot: QtBot, window: MainWindow) -> None:
    """Ctrl+Return, wherever the focus is."""
    qtbot.keyClick(focused(window), Qt.Key.Key_Return, CTRL)


def press_escape(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClick(focused(window), Qt.Key.Key_Escape)


def wait_running(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: window.send_button.text() == "Cancel", timeout=2000)


def wait_finished(qtbot: QtBot, window: MainWindow, timeout_ms: int = RUN_TIMEOUT_MS) -> None:
    """Until the button reads "Send" again and the status no longer says "Sending…"."""

    def idle() -> None:
        assert window.send_button.text() == "Send"
        assert not window.session.runs.is_running
        assert not window.status.state_label.text().startswith("Sending")

    qtbot.waitUntil(idle, timeout=timeout_ms)


def wait_request(qtbot: QtBot, server: FakeServer, count: int = 1) -> None:
    """Waits (spinning the Qt loop, so the request can leave) until the server has it."""
    qtbot.waitUntil(lambda: len(server.requests) >= count, timeout=5000)


def banner_text(window: MainWindow) -> str:
    """The banner's words as a screen reader announces them, or "" when it is hidden."""
    return window.banner.text() if window.banner.isVisible() else ""


def open_dialogs() -> list[QWidget]:
    """Every visible top-level dialog or message box (there should be none for errors)."""
    return [
        widget
        for widget in QApplication.topLevelWidgets()
        if widget.isVisible() and isinstance(widget, QDialog | QMessageBox)
    ]


def status_words(window: MainWindow) -> str:
    status = window.status
    return " | ".join(
        label.text()
        for label in (
            status.state_label,
            status.estimate_label,
            status.usage_label,
            status.truncation_label,
        )
    )


# -- dialogs opened with open() and the library docks ------------------------------------


def wait_dialog(qtbot: QtBot, kind: type[QWidget] = QDialog, timeout_ms: int = 3000) -> QWidget:
    """The modal dialog on top (dialogs are opened with `open()`), once it is on screen."""
    found: list[QWidget] = []

    def shown() -> None:
        widget = QApplication.activeModalWidget()
        assert isinstance(widget, kind), f"no {kind.__name__} on screen (found {widget!r})"
        assert widget.isVisible()
        found[:] = [widget]

    qtbot.waitUntil(shown, timeout=timeout_ms)
    return found[0]


def no_dialog_open(qtbot: QtBot) -> None:
    """Waits until no modal dialog is left on screen."""
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=3000)


def answer_name(qtbot: QtBot, text: str) -> None:
    """In the QInputDialog on screen: select what it offers, type `text`, press Enter."""
    from PySide6.QtWidgets import QInputDialog, QLineEdit

    dialog = wait_dialog(qtbot, QInputDialog)
    edit = dialog.findChild(QLineEdit)
    assert edit is not None
    qtbot.keyClick(edit, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is not dialog, timeout=3000)


def click_button(qtbot: QtBot, box: QWidget, text: str) -> None:
    """Clicks the button labelled `text` (mnemonic ampersands ignored) in a dialog."""
    from PySide6.QtWidgets import QAbstractButton

    buttons = [
        button
        for button in box.findChildren(QAbstractButton)
        if button.text().replace("&", "") == text and button.isVisible()
    ]
    assert buttons, f"no button {text!r} in {[b.text() for b in box.findChildren(QAbstractButton)]}"
    qtbot.mouseClick(buttons[0], Qt.MouseButton.LeftButton)


def answer_question(qtbot: QtBot, button: str) -> str:
    """Clicks `button` in the QMessageBox on screen; returns the question it asked."""
    box = wait_dialog(qtbot, QMessageBox)
    assert isinstance(box, QMessageBox)
    question = f"{box.text()} {box.informativeText()}".strip()
    click_button(qtbot, box, button)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is not box, timeout=3000)
    return question


def variables_form(qtbot: QtBot) -> VariablesDialog:
    """The "Fill in the variables" form that Send opens when the prompts hold `{{names}}`."""
    dialog = wait_dialog(qtbot, VariablesDialog)
    assert isinstance(dialog, VariablesDialog)
    assert dialog.windowTitle() == "Fill in the variables"
    return dialog
