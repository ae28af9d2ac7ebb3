"""Asks for the values of a prompt's `{{variables}}` before sending."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)


class VariablesDialog(QDialog):
    """One field per variable, prefilled with the values used last time.

    An empty field blocks sending with a message naming it: sending a
    prompt with a hole in it gets a confident answer to the wrong question.

    Signals:
        submitted(dict): every variable has a value.
    """

    submitted = Signal(dict)

    def __init__(
        self, names: list[str], remembered: Mapping[str, str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Fill in the variables")
        self.setAccessibleName("Fill in the variables")
        self.fields: dict[str, QLineEdit] = {}
        form = QFormLayout()
        for name in names:
            field = QLineEdit(remembered.get(name, ""), self)
            field.setAccessibleName(f"Value of {name}")
            field.setClearButtonEnabled(True)
            self.fields[name] = field
            form.addRow(f"{{{{{name}}}}}", field)
        intro = QLabel("The prompts contain variables. Their values go into the request.", self)
        intro.setWordWrap(True)
        self.problem = QLabel("", self)
        self.problem.setAccessibleName("Variables problem")
        self.problem.setWordWrap(True)
        self.problem.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok_button.setText("Send")
        ok_button.setAccessibleName("Send with these values")
        buttons.accepted.connect(self._submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.setMinimumWidth(440)
        first_empty = next((f for f in self.fields.values() if not f.text()), None)
        (first_empty or next(iter(self.fields.values()))).setFocus()

    def values(self) -> dict[str, str]:
        return {name: field.text() for name, field in self.fields.items()}

    def _submit(self) -> None:
        empty = [name for name, field in self.fields.items() if not field.text().strip()]
        if empty:
            self.problem.setText(f"Fill in the variables: {', '.join(empty)}.")
            self.problem.show()
            self.fields[empty[0]].setFocus()
            return
        self.submitted.emit(self.values())
        self.accept()
