"""Help → About ZeroGPU Desktop: what a bug report needs, and whose work the app is built on.

Nothing here waits: the keyring backend's name is what the key session already learnt (the
keyring is read off the GUI thread at start), and "not loaded yet" until then.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import PySide6
from PySide6.QtCore import QEvent, Qt, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from zerogpu_desktop import __version__
from zerogpu_desktop.safe_text import safe_for_display
from zerogpu_desktop.ui.shortcuts_dialog import claims_escape

#: (shown name, distribution, licence when the installed metadata does not say).
_LICENSED = (
    ("ZeroGPU Desktop", "zerogpu-desktop", "MIT"),
    ("Qt and PySide6", "PySide6-Essentials", "LGPL-3.0-only"),
    ("httpx", "httpx", "BSD-3-Clause"),
    ("qasync", "qasync", "BSD-2-Clause"),
    ("keyring", "keyring", "MIT"),
)


@dataclass(frozen=True, slots=True)
class AboutFacts:
    """What the dialog shows, gathered without waiting on anything."""

    version: str
    data_dir: Path
    keyring_backend: str
    python: str
    qt: str
    pyside: str
    licences: tuple[tuple[str, str], ...]


def licence_of(distribution: str, fallback: str) -> str:
    """The licence the installed package declares (a frozen app may have no metadata)."""
    try:
        meta = metadata.metadata(distribution)
    except metadata.PackageNotFoundError:
        return fallback
    values = meta.get_all("License-Expression") or meta.get_all("License") or [""]
    declared = str(values[0]).strip()
    return declared if declared and len(declared) <= 80 else fallback


def gather_facts(data_dir: Path, keyring_backend: str) -> AboutFacts:
    return AboutFacts(
        version=__version__,
        data_dir=data_dir,
        keyring_backend=keyring_backend,
        python=sys.version.split()[0],
        qt=qVersion(),
        pyside=PySide6.__version__,
        licences=tuple(
            (shown, licence_of(distribution, fallback))
            for shown, distribution, fallback in _LICENSED
        ),
    )


class AboutDialog(QDialog):
    """Versions, the data folder (selectable, to paste into a file manager) and licences."""

    def __init__(self, facts: AboutFacts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About ZeroGPU Desktop")
        self.setAccessibleName("About ZeroGPU Desktop")
        heading = QLabel(f"ZeroGPU Desktop {facts.version}", self)
        heading.setAccessibleName(f"ZeroGPU Desktop version {facts.version}")
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        heading.setFont(font)
        intro = QLabel("A desktop app and command line for the ZeroGPU Responses API.", self)
        intro.setWordWrap(True)
        form = QFormLayout()
        self.fields: dict[str, QLabel] = {}
        for name, value in (
            ("Version", facts.version),
            ("Data folder", str(facts.data_dir)),
            ("Keyring", facts.keyring_backend),
            ("Python", facts.python),
            ("Qt", facts.qt),
            ("PySide6", facts.pyside),
        ):
            self.fields[name] = self._value(form, name, value)
        licences = QLabel("Licences", self)
        licences_form = QFormLayout()
        for shown, licence in facts.licences:
            self.fields[f"Licence of {shown}"] = self._value(licences_form, shown, licence)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setAccessibleName("Close")
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addSpacing(6)
        layout.addWidget(licences)
        layout.addLayout(licences_form)
        layout.addWidget(buttons)
        buttons.button(QDialogButtonBox.StandardButton.Close).setFocus()
        self.setMinimumWidth(480)

    def event(self, event: QEvent) -> bool:
        """Esc closes this dialog, even though the window's Esc (Cancel) is active."""
        if claims_escape(event):
            return True
        return super().event(event)

    def _value(self, form: QFormLayout, name: str, value: str) -> QLabel:
        label = QLabel(safe_for_display(value), self)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        label.setAccessibleName(name)
        label.setAccessibleDescription(f"{name}: {value}")
        label.setWordWrap(True)
        form.addRow(f"{name}:", label)
        return label
