"""An inline, dismissable message above the output: no modal dialog for routine errors."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from zerogpu_desktop.explain import Explanation
from zerogpu_desktop.safe_text import safe_for_display
from zerogpu_desktop.ui.palette import tone


class ErrorBanner(QFrame):
    """Title, sentence and fix in one line, with an optional "Open Settings" button.

    Signals:
        settings_requested(): the user wants to fix it in Settings.
        action_requested(str): the extra button was pressed; its text says which action.
    """

    settings_requested = Signal()
    action_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("errorBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName("Message")
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Message text")
        self.message.setTextInteractionFlags(
            self.message.textInteractionFlags().TextSelectableByMouse
        )
        self.settings_button = QPushButton("Open &Settings", self)
        self.settings_button.setAccessibleName("Open Settings")
        self.action_button = QPushButton(self)
        self.action_button.setAccessibleName("Message action")
        self.action_button.hide()
        self.dismiss_button = QPushButton("Dismiss", self)
        self.dismiss_button.setAccessibleName("Dismiss message")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self.message, 1)
        layout.addWidget(self.settings_button)
        layout.addWidget(self.action_button)
        layout.addWidget(self.dismiss_button)
        self.settings_button.clicked.connect(self.settings_requested)
        self.action_button.clicked.connect(
            lambda: self.action_requested.emit(self.action_button.text().replace("&", ""))
        )
        self.dismiss_button.clicked.connect(self.hide)
        self.hide()

    def show_explanation(
        self,
        explanation: Explanation,
        *,
        offer_settings: bool,
        severity: str = "bad",
        action: str | None = None,
    ) -> None:
        """`action` is the text of one more button (e.g. "Try the offline demo")."""
        colour = tone(severity)
        self.setStyleSheet(f"#errorBanner {{ border: 1px solid {colour}; border-radius: 6px; }}")
        # Server messages and file names reach here: control characters and bidi overrides
        # are shown escaped, so the banner reads as what the text really is.
        title = safe_for_display(explanation.title)
        rest = safe_for_display(
            " ".join(part for part in (explanation.sentence, explanation.fix) if part)
        )
        heading = f"<b style='color:{colour}'>{escape_markup(title)}.</b>"
        self.message.setText(f"{heading} {escape_markup(rest)}")
        self.message.setAccessibleDescription(safe_for_display(explanation.as_line()))
        self.settings_button.setVisible(offer_settings)
        self.action_button.setText(action or "")
        self.action_button.setAccessibleName((action or "Message action").replace("&", ""))
        self.action_button.setVisible(action is not None)
        self.show()

    def warn(self, title: str, text: str) -> None:
        """A sentence that needs attention but is no failure of what the user just did."""
        self.show_explanation(Explanation(title, text, ""), offer_settings=False, severity="warn")

    def text(self) -> str:
        """The message as plain words (what a screen reader announces)."""
        return self.message.accessibleDescription()


def escape_markup(text: str) -> str:
    """Plain text made safe inside a label's rich text (a name may hold `<b>` or `&`)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
