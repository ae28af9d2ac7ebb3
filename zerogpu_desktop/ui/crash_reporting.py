"""The log file and the last-resort handler for exceptions nobody caught.

An unhandled exception in a slot must not kill the app or vanish: it is
logged (key redacted) to a file in the data folder and shown in a
non-modal dialog, and the app keeps running.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
import traceback
from pathlib import Path
from types import TracebackType

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from zerogpu_desktop.api.redaction import install_log_redaction, redact
from zerogpu_desktop.explain import explain
from zerogpu_desktop.safe_text import safe_for_display

LOG_FILE_NAME = "zerogpu-desktop.log"
log = logging.getLogger("zerogpu_desktop")


def setup_file_logging(data_dir: Path) -> Path:
    """Logs INFO and above to a rotating file whose every record is redacted."""
    path = data_dir / LOG_FILE_NAME
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=1_000_000, backupCount=2, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.setLevel(logging.INFO)
    root = logging.getLogger()
    root.addHandler(handler)
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)
    install_log_redaction()
    return path


class CrashReporter:
    """Installed as `sys.excepthook`; shows at most one dialog at a time."""

    def __init__(self, log_path: Path | None, parent: QWidget | None = None) -> None:
        self.log_path = log_path
        self.parent = parent
        self._dialog: QMessageBox | None = None
        self.reported: list[BaseException] = []

    def install(self) -> None:
        sys.excepthook = self.handle

    def handle(
        self,
        exc_type: type[BaseException],
        exc: BaseException,
        tb: TracebackType | None,
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        self.reported.append(exc)
        details = redact("".join(traceback.format_exception(exc_type, exc, tb)))
        log.error("Unhandled exception:\n%s", details)
        dialog_alive = self._dialog is not None and shiboken6.isValid(self._dialog)
        if dialog_alive and self._dialog is not None and self._dialog.isVisible():
            return
        explanation = explain(exc)
        where = f"\n\nDetails were written to {self.log_path}." if self.log_path else ""
        dialog = QMessageBox(self.parent)
        dialog.setIcon(QMessageBox.Icon.Warning)
        dialog.setWindowTitle("Something went wrong")
        dialog.setTextFormat(Qt.TextFormat.PlainText)  # a server's message is not markup
        dialog.setText(safe_for_display(explanation.sentence))
        dialog.setInformativeText("The app is still running and your prompts are kept." + where)
        dialog.setDetailedText(safe_for_display(details))
        dialog.setAccessibleName("Error report")
        # Not modal: the app keeps working while the report is on screen.
        dialog.setWindowModality(Qt.WindowModality.NonModal)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._dialog = dialog
        dialog.show()
