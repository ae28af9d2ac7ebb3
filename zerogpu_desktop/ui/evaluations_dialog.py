"""Earlier evaluations: reopen one in the grid, or see what changed since an earlier run.

Both read the stored evaluations through the panel's own store (the GUI thread's connection:
a listing and a regression are a few indexed queries). The regression view puts what a
prompt change must not do first — cases that went from pass to fail — then the fixes, then
the prompt's own diff, with every text from a dataset or a server escaped.
"""

from __future__ import annotations

import datetime as dt
import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from zerogpu_desktop.safe_text import safe_for_display
from zerogpu_desktop.storage.history.types import HistoryError
from zerogpu_desktop.ui.palette import tone
from zerogpu_desktop.workbench.evaluate.regression import (
    CaseChange,
    Regression,
    compare_evaluations,
)
from zerogpu_desktop.workbench.evaluate.store import EvaluationListing, EvaluationStore
from zerogpu_desktop.workbench.evaluate.types import titled

__all__ = ["EvaluationsDialog", "RegressionDialog", "regression_html"]

#: The newest evaluations listed.
LISTED = 200
COLUMNS = ("ID", "When", "Prompt", "Dataset", "Models", "Done", "Passed", "State")


def _row_texts(row: EvaluationListing) -> tuple[str, ...]:
    info = row.info
    total = row.cases * len(info.models) * info.repeat
    rate = f"{row.passed / row.results:.0%}" if row.results else "–"
    return (
        str(info.id),
        dt.datetime.fromtimestamp(info.created).strftime("%Y-%m-%d %H:%M"),
        safe_for_display(titled(info)),
        safe_for_display(info.dataset_name),
        safe_for_display(", ".join(info.models)),
        f"{row.results:,} / {total:,}",
        rate,
        info.state.value.capitalize(),
    )


class EvaluationsDialog(QDialog):
    """The stored evaluations, newest first: Open puts one in the grid, Compare shows changes.

    Signals:
        open_requested(int): the evaluation to show in the grid.
    """

    open_requested = Signal(int)

    def __init__(self, store: EvaluationStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.setWindowTitle("Earlier evaluations")
        self.setAccessibleName("Earlier evaluations")
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setAccessibleName("Evaluations")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.empty_label = QLabel("No evaluation has run yet.", self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.open_button = QPushButton("&Open", self)
        self.open_button.setAccessibleName("Open evaluation")
        self.compare_button = QPushButton("&Compare with earlier…", self)
        self.compare_button.setAccessibleName("Compare with the earlier evaluation")
        self.compare_button.setToolTip(
            "What changed since the latest earlier evaluation of the same dataset"
        )
        buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.compare_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label)
        layout.addWidget(buttons)
        self.open_button.clicked.connect(self._open)
        self.compare_button.clicked.connect(self._compare)
        self.table.activated.connect(lambda _index: self._open())
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.resize(860, 420)
        self.refresh()

    def refresh(self) -> None:
        try:
            rows = self.store.listing(LISTED)
        except HistoryError as exc:
            rows = []
            self.empty_label.setText(str(exc))
        self.table.setRowCount(len(rows))
        for number, row in enumerate(rows):
            for column, text in enumerate(_row_texts(row)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, row.info.id)
                self.table.setItem(number, column, item)
        self.empty_label.setVisible(not rows)
        if rows:
            self.table.selectRow(0)
            self.table.setFocus()
        self._update_buttons()

    def selected_id(self) -> int | None:
        item = self.table.item(self.table.currentRow(), 0)
        return int(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def _update_buttons(self) -> None:
        chosen = self.selected_id()
        self.open_button.setEnabled(chosen is not None)
        earlier = chosen is not None and self.store.earlier_of_same_dataset(chosen) is not None
        self.compare_button.setEnabled(earlier)

    def _open(self) -> None:
        chosen = self.selected_id()
        if chosen is not None:
            self.open_requested.emit(chosen)
            self.accept()

    def _compare(self) -> None:
        chosen = self.selected_id()
        earlier = self.store.earlier_of_same_dataset(chosen) if chosen is not None else None
        if chosen is None or earlier is None:
            return
        regression = compare_evaluations(self.store, chosen, earlier)
        if regression is not None:
            RegressionDialog(regression, self).open()


def _change_html(change: CaseChange) -> str:
    reason = f" — {html.escape(change.reason)}" if change.reason else ""
    return (
        f"<li>Case {change.case_index + 1} ({html.escape(change.title)}) on "
        f"<b>{html.escape(change.model)}</b>: {change.old.value} → "
        f"<b>{change.new.value}</b>{reason}</li>"
    )


def regression_html(regression: Regression) -> str:
    """The regression as rich text for a QTextBrowser: changes first, then the prompt diff."""
    parts = [
        f"<p>Evaluation {regression.new.id} against {regression.old.id}: "
        f"{regression.matched:,} cases matched, <b>{len(regression.broke):,} went from pass "
        f"to fail</b>, {len(regression.fixed):,} from fail to pass.</p>"
    ]
    if not regression.same_dataset:
        parts.append("<p>The dataset files differ: cases are matched by their variables.</p>")
    for title, changes in (
        ("Pass → fail", regression.broke),
        ("Fail → pass", regression.fixed),
        ("Other changes", regression.other),
    ):
        if changes:
            items = "".join(_change_html(change) for change in changes)
            parts.append(f"<h3>{title}</h3><ul>{items}</ul>")
    if regression.prompt_diff:
        lines = []
        for line in regression.prompt_diff:
            colour = (
                tone("ok") if line.startswith("+") else tone("bad") if line.startswith("-") else ""
            )
            text = html.escape(line)
            lines.append(f'<span style="color:{colour}">{text}</span>' if colour else text)
        parts.append("<h3>What changed in the prompt</h3><pre>" + "\n".join(lines) + "</pre>")
    else:
        parts.append("<p>The prompt is the same in both.</p>")
    return "".join(parts)


class RegressionDialog(QDialog):
    """What changed between two evaluations of a dataset, read-only and selectable."""

    def __init__(self, regression: Regression, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Evaluation {regression.new.id} against {regression.old.id}")
        self.view = QTextBrowser(self)
        self.view.setAccessibleName("Changes between evaluations")
        self.view.setOpenLinks(False)
        self.view.setHtml(regression_html(regression))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
        self.resize(760, 520)
