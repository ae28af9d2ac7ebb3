"""History → Edit note…: a run's rating (good or bad) and the note that says why.

A note belongs to a rating, so the dialog asks for both; a run not rated yet is rated here
as it gets its note. The note is bounded as the history bounds it (MAX_RATING_NOTE): the
counter says how much room is left, and Save waits until the note fits.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from zerogpu_desktop.storage.history.types import MAX_RATING_NOTE, RunRating


class RatingDialog(QDialog):
    """The rating and note of one run, opened with `open()`.

    Signals:
        submitted(str, str): the rating ("good" or "bad") and the note, on Save.
    """

    submitted = Signal(str, str)

    def __init__(
        self, title: str, rating: RunRating | None, note: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Rating and note")
        self.setAccessibleName("Rating and note")
        about = QLabel(title, self)
        about.setWordWrap(True)
        about.setAccessibleName("Rated run")
        self.good_button = QRadioButton("&Good", self)
        self.good_button.setAccessibleName("Rated good")
        self.bad_button = QRadioButton("&Bad", self)
        self.bad_button.setAccessibleName("Rated bad")
        self._choices = QButtonGroup(self)
        self._choices.addButton(self.good_button)
        self._choices.addButton(self.bad_button)
        self.good_button.setChecked(rating == "good")
        self.bad_button.setChecked(rating == "bad")
        choices = QHBoxLayout()
        choices.addWidget(self.good_button)
        choices.addWidget(self.bad_button)
        choices.addStretch(1)
        note_label = QLabel("&Note (searchable in History):", self)
        self.note_edit = QPlainTextEdit(note, self)
        self.note_edit.setAccessibleName("Rating note")
        self.note_edit.setTabChangesFocus(True)  # Tab leaves the note, as everywhere else
        note_label.setBuddy(self.note_edit)
        self.counter = QLabel("", self)
        self.counter.setAccessibleName("Note length")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setAccessibleName("Save the rating")
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addLayout(choices)
        layout.addWidget(note_label)
        layout.addWidget(self.note_edit, 1)
        layout.addWidget(self.counter)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(360)
        self.note_edit.textChanged.connect(self._update)
        self._choices.buttonToggled.connect(lambda *_: self._update())
        self._update()
        (self.note_edit if rating else self.good_button).setFocus()

    def rating(self) -> RunRating | None:
        if self.good_button.isChecked():
            return "good"
        if self.bad_button.isChecked():
            return "bad"
        return None

    def note(self) -> str:
        return self.note_edit.toPlainText()

    def _update(self) -> None:
        length = len(self.note())
        over = length > MAX_RATING_NOTE
        self.counter.setText(
            f"{length:,} of {MAX_RATING_NOTE:,} characters"
            + (": shorten the note to save it." if over else "")
        )
        self.save_button.setEnabled(self.rating() is not None and not over)
        self.save_button.setToolTip("" if self.rating() else "Choose Good or Bad first.")

    def _submit(self) -> None:
        rating = self.rating()
        if rating is None or len(self.note()) > MAX_RATING_NOTE:
            return
        self.submitted.emit(rating, self.note())
        self.accept()
