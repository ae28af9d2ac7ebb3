"""Run → Copy as curl / Python / command line: the request Send would make, on the clipboard.

It goes the way Send goes, so what is copied is what would be sent: the spec from the
editors, the variables form first when the prompts have `{{variables}}`, the connection the
next run would use. The code itself is written by `workbench.request_code`, which never
puts the key or the project in it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialogButtonBox, QWidget

from zerogpu_desktop.explain import Explanation
from zerogpu_desktop.overrides import ENV_API_KEY
from zerogpu_desktop.ui.editors import EditorSet
from zerogpu_desktop.ui.variables_dialog import VariablesDialog

if TYPE_CHECKING:
    from zerogpu_desktop.ui.library import Library
    from zerogpu_desktop.workbench.request_code import CodeKind
    from zerogpu_desktop.workbench.spec import PromptSpec

#: What the status bar says after each copy: where the key will come from.
COPIED_MESSAGES: dict[str, str] = {
    "curl": f"Copied the request as curl (the key is read from ${ENV_API_KEY})",
    "python": f'Copied the request as Python (the key is read from os.environ["{ENV_API_KEY}"])',
    "command line": (
        f"Copied the request as a command line (the key comes from ${ENV_API_KEY} or the keyring)"
    ),
}


class RequestCopier(QObject):
    """Puts the request as code on the clipboard, asking for variables first as Send does.

    Args:
        editors: the window's editors (the spec Send would use).
        library: gives the window's library (made on first use), which asks for variables.
        base_url: the base URL the next run would use (settings and overrides merged).
        dialog_parent: the window, where the variables form opens.

    Signals:
        copied(str): the status-bar sentence after a copy.
        refused(Explanation): why nothing was copied (what Send would refuse).
    """

    copied = Signal(str)
    refused = Signal(object)

    def __init__(
        self,
        editors: EditorSet,
        library: Callable[[], Library],
        base_url: Callable[[], str],
        dialog_parent: QWidget,
    ) -> None:
        super().__init__(dialog_parent)
        self._editors = editors
        self._library = library
        self._base_url = base_url
        self._dialog_parent = dialog_parent
        #: The last text copied, for tests and for the status bar's word about it.
        self.last_code: str | None = None

    def copy(self, kind: CodeKind) -> None:
        self._library().send_with_variables(
            self._editors.spec(), lambda spec: self._copy_now(kind, spec)
        )
        self._relabel_variables_form()

    def _copy_now(self, kind: CodeKind, spec: PromptSpec) -> None:
        from zerogpu_desktop.workbench.request_code import request_code

        code = request_code(kind, spec, self._base_url())
        if isinstance(code, Explanation):
            self.refused.emit(code)
            return
        clipboard = QGuiApplication.clipboard()
        clipboard.setText(code)
        self.last_code = code
        self.copied.emit(COPIED_MESSAGES[kind])

    def _relabel_variables_form(self) -> None:
        """The form's button says Send; here it copies, and says so."""
        for dialog in self._dialog_parent.findChildren(VariablesDialog):
            if dialog.isVisible():
                buttons = dialog.findChild(QDialogButtonBox)
                ok = buttons.button(QDialogButtonBox.StandardButton.Ok) if buttons else None
                if ok is not None:
                    ok.setText("Copy")
                    ok.setAccessibleName("Copy with these values")
