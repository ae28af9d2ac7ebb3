"""An exception nobody caught is logged (key redacted), shown in a dialog, and the app goes on."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from tests.fakeserver import FakeServer
from tests.ui.conftest import API_KEY, MODEL
from tests.ui.helpers import press_send, type_model, type_user_prompt, wait_finished
from zerogpu_desktop.ui.crash_reporting import CrashReporter
from zerogpu_desktop.ui.main_window import MainWindow


@pytest.fixture
def reporter(window: MainWindow, file_log: Path) -> Iterator[CrashReporter]:
    """The app's excepthook for the duration of one test (pytest-qt's own is put back)."""
    crash_reporter = CrashReporter(file_log, window)
    previous = sys.excepthook
    crash_reporter.install()
    try:
        yield crash_reporter
    finally:
        sys.excepthook = previous


def visible_message_box() -> QMessageBox | None:
    boxes = [
        widget
        for widget in QApplication.topLevelWidgets()
        if isinstance(widget, QMessageBox) and widget.isVisible()
    ]
    return boxes[0] if boxes else None


def ask(qtbot: QtBot, window: MainWindow, prompt: str) -> None:
    type_model(qtbot, window, MODEL)
    type_user_prompt(qtbot, window, prompt)
    press_send(qtbot, window)
    wait_finished(qtbot, window)
    assert window.output.current_view().toPlainText().strip() == f"Echo: {prompt}"


def test_an_exception_in_a_slot_is_logged_shown_and_survived(
    qtbot: QtBot,
    window: MainWindow,
    server: FakeServer,
    file_log: Path,
    reporter: CrashReporter,
) -> None:
    ask(qtbot, window, "before")  # the client now knows the key is a secret

    def broken_slot() -> None:
        raise RuntimeError(f"slot failed while holding {API_KEY}")

    QTimer.singleShot(0, broken_slot)
    qtbot.waitUntil(lambda: len(reporter.reported) == 1, timeout=3000)

    box = visible_message_box()
    assert box is not None
    assert box.windowTitle() == "Something went wrong"
    assert box.windowModality() != Qt.WindowModality.ApplicationModal
    assert "slot failed" in box.text()
    assert API_KEY not in box.text() + box.informativeText() + box.detailedText()
    assert "still running" in box.informativeText()
    assert str(file_log) in box.informativeText()
    log_text = file_log.read_text(encoding="utf-8")
    assert "Unhandled exception" in log_text
    assert "RuntimeError: slot failed while holding [REDACTED]" in log_text
    assert "broken_slot" in log_text
    assert API_KEY not in log_text
    assert window.isVisible()

    # The person dismisses the report and carries on.
    box.button(QMessageBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: visible_message_box() is None, timeout=2000)
    window.user_editor.editor.selectAll()
    ask(qtbot, window, "after")
    assert window.user_editor.text().endswith("after")


def test_a_failing_background_task_is_reported_too(
    qtbot: QtBot, window: MainWindow, file_log: Path, reporter: CrashReporter
) -> None:
    async def failing() -> None:
        await asyncio.sleep(0)
        raise ValueError("background work failed")

    window.session.tasks.spawn(failing())
    qtbot.waitUntil(lambda: len(reporter.reported) == 1, timeout=3000)

    box = visible_message_box()
    assert box is not None
    assert "background work failed" in box.text()
    assert "ValueError: background work failed" in file_log.read_text(encoding="utf-8")
    assert window.isVisible()
    box.button(QMessageBox.StandardButton.Ok).click()


def test_a_second_error_while_the_dialog_is_open_is_logged_without_a_second_dialog(
    qtbot: QtBot, window: MainWindow, file_log: Path, reporter: CrashReporter
) -> None:
    for number in (1, 2):
        try:
            raise KeyError(f"error {number}")
        except KeyError as exc:
            reporter.handle(type(exc), exc, exc.__traceback__)

    boxes = [
        w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()
    ]
    assert len(boxes) == 1
    log_text = file_log.read_text(encoding="utf-8")
    assert "error 1" in log_text
    assert "error 2" in log_text
    boxes[0].button(QMessageBox.StandardButton.Ok).click()
