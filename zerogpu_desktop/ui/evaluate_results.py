"""The Evaluate panel's words, reads and files: progress in figures, one cell in full, the
dataset and export dialogs, a dropped file, the export itself.

Kept apart from the widgets so each is small and the words can be checked on their own.
The export runs on a thread of its own with its own connection to the store (SQLite is used
on the thread that opened it), so writing 10,000 results never stalls the window.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QMimeData, QObject, Qt
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog, QLabel, QWidget

from zerogpu_desktop.safe_text import safe_for_display
from zerogpu_desktop.ui.evaluate_detail import CellDetail, SentRequest
from zerogpu_desktop.ui.evaluate_setup import DATASET_FILTER
from zerogpu_desktop.ui.palette import tone
from zerogpu_desktop.workbench.evaluate.types import Case, EvaluationState

if TYPE_CHECKING:
    from zerogpu_desktop.storage.history.store import HistoryStore
    from zerogpu_desktop.workbench.evaluate.engine import EvaluationProgress, EvaluationReport
    from zerogpu_desktop.workbench.evaluate.plan import EvaluationPlan
    from zerogpu_desktop.workbench.evaluate.store import EvaluationStore
    from zerogpu_desktop.workbench.evaluate.types import CellResult

#: An export of a huge evaluation is given this long before it is abandoned.
EXPORT_SECONDS = 600.0
#: The Export dialog's formats, each with the extension it writes.
EXPORT_FORMATS = {
    "CSV (*.csv)": "csv",
    "JSON Lines (*.jsonl)": "jsonl",
    "HTML report (*.html)": "html",
}


def duration(seconds: float) -> str:
    """ "8 s", "3 min", "1 h 5 min": a time left is a guess, said roughly."""
    if seconds < 60:
        return f"{max(1, round(seconds))} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60} min"


def progress_words(progress: EvaluationProgress) -> str:
    """ "12 of 24 done · 10 passed · 1 failed · 1 error · 3,456 tokens · about 8 s left"."""
    errors = "error" if progress.errors == 1 else "errors"
    parts = [
        f"{progress.done:,} of {progress.total:,} done",
        f"{progress.passed:,} passed",
        f"{progress.failed:,} failed",
        f"{progress.errors:,} {errors}",
        f"{progress.tokens:,} tokens",
    ]
    eta = progress.eta_seconds
    if eta is not None and progress.done < progress.total:
        parts.append(f"about {duration(eta)} left")
    return " · ".join(parts)


def ended_words(report: EvaluationReport) -> str:
    """How the run ended, then its figures; a stopped run says what Resume would do."""
    figures = progress_words(report.progress)
    left = report.progress.total - report.progress.done
    if report.state is EvaluationState.FINISHED:
        return f"Finished: {figures}."
    if report.state is EvaluationState.BUDGET:
        return f"Stopped at the token budget: {figures}. Resume runs the {left:,} left."
    return f"Cancelled: {figures}. Resume runs the {left:,} left."


def read_detail(
    store: EvaluationStore,
    history: HistoryStore | None,
    plan: EvaluationPlan,
    evaluation_id: int,
    case_index: int,
    model_index: int,
) -> CellDetail | None:
    """One cell's repeats from the store, with what each sent; None while it has none."""
    from zerogpu_desktop.storage.history.types import HistoryError

    try:
        results = [
            result
            for result in store.results(evaluation_id, first_case=case_index, last_case=case_index)
            if result.key.model_index == model_index
        ]
    except HistoryError:
        return None
    if not results or not 0 <= model_index < len(plan.models):
        return None
    cases = plan.dataset.cases
    case = cases[case_index] if 0 <= case_index < len(cases) else None
    model = plan.models[model_index]
    title = f"{case_index + 1}. {case.title()}" if case else f"Case {case_index + 1}"
    requests = [_sent(result, history, plan, case, model) for result in results]
    return CellDetail(title, model, results, requests)


def _sent(
    result: CellResult,
    history: HistoryStore | None,
    plan: EvaluationPlan,
    case: Case | None,
    model: str,
) -> SentRequest | None:
    """The run as the history kept it; else the cell's spec rendered as the engine did."""
    from zerogpu_desktop.storage.history.types import HistoryError
    from zerogpu_desktop.templating import MissingVariablesError

    if history is not None and result.run_id is not None:
        try:
            record = history.get(result.run_id)
        except HistoryError:
            record = None
        if record is not None:
            return SentRequest(record.system_prompt, record.user_prompt)
    if case is None:
        return None
    try:
        rendered = plan.spec_for(case, model).rendered()
    except MissingVariablesError:
        return None
    return SentRequest(rendered.system_prompt, rendered.user_prompt)


@dataclass(slots=True)
class ExportJob:
    """One export: the stored evaluation to `path`, in the format its extension names."""

    data_dir: Path
    evaluation_id: int
    path: Path
    written: int = 0

    async def run(self) -> str | None:
        """Writes the file; a sentence when it could not be written, else None."""
        from zerogpu_desktop import background
        from zerogpu_desktop.storage.history.types import HistoryError

        try:
            self.written = await background.run(
                self._write, timeout=EXPORT_SECONDS, name="zerogpu-evaluate-export"
            )
        except ValueError as exc:
            return str(exc)
        except (OSError, HistoryError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            return f"The evaluation was not exported ({reason}); choose another folder or name."
        except TimeoutError:
            return "The export took too long and was stopped; try again, or export fewer results."
        return None

    def _write(self) -> int:
        from zerogpu_desktop.storage.history.types import HistoryError
        from zerogpu_desktop.workbench.evaluate.export import export_evaluation, export_format_for
        from zerogpu_desktop.workbench.evaluate.store import open_evaluation_store

        export_format_for(self.path)  # a name without a known extension writes nothing
        store = open_evaluation_store(self.data_dir)
        try:
            info = store.info(self.evaluation_id)
            if info is None:
                raise HistoryError("the evaluation is no longer in the history")
            cases = store.cases(self.evaluation_id)
            return export_evaluation(self.path, info, cases, store.results(self.evaluation_id))
        finally:
            store.close()


def export_dialog(
    parent: QWidget, folder: Path, stem: str, export: Callable[[Path], object]
) -> QFileDialog:
    """The save dialog of Export…; the chosen format's extension is added to a bare name."""
    dialog = QFileDialog(parent, "Export the evaluation", str(folder))
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setNameFilters(list(EXPORT_FORMATS))
    dialog.setDefaultSuffix("csv")
    dialog.selectFile(f"{stem}-evaluation.csv")
    dialog.filterSelected.connect(
        lambda name: dialog.setDefaultSuffix(EXPORT_FORMATS.get(name, "csv"))
    )
    dialog.fileSelected.connect(lambda path: export(Path(path)))
    return dialog


def dataset_dialog(
    parent: QWidget, folder: Path, open_file: Callable[[Path], object]
) -> QFileDialog:
    """Open dataset…: one existing .csv, .tsv, .jsonl or .json file (any file, if asked)."""
    dialog = QFileDialog(parent, "Open a dataset", str(folder))
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    dialog.setNameFilters([DATASET_FILTER, "All files (*)"])
    dialog.fileSelected.connect(lambda path: open_file(Path(path)))
    return dialog


class FileDrop(QObject):
    """Lets one local file be dropped on `target`; `opened` is called with it.

    `allowed` says whether a drop is taken now (not while an evaluation runs).
    """

    def __init__(
        self, target: QWidget, opened: Callable[[Path], None], allowed: Callable[[], bool]
    ) -> None:
        super().__init__(target)
        self._opened = opened
        self._allowed = allowed
        target.setAcceptDrops(True)
        target.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if isinstance(event, QDragEnterEvent) and dropped_file(event.mimeData()) is not None:
            event.acceptProposedAction()
            return True
        if isinstance(event, QDropEvent):
            path = dropped_file(event.mimeData())
            if path is not None and self._allowed():
                event.acceptProposedAction()
                self._opened(path)
            return True
        return False


def dropped_file(mime: QMimeData) -> Path | None:
    """The one local file being dropped, or None (several files, a link, text)."""
    urls = mime.urls() if mime.hasUrls() else []
    if len(urls) != 1 or not urls[0].isLocalFile():
        return None
    return Path(urls[0].toLocalFile())


class MessageLine(QLabel):
    """The panel's one line of news: a sentence in its colour, hidden when there is none.

    A problem is also spoken at once: someone who cannot see the line still hears why
    nothing ran.
    """

    def __init__(self, name: str, parent: QWidget) -> None:
        super().__init__("", parent)
        self.setAccessibleName(name)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def say(self, text: str, colour: str) -> None:
        shown = safe_for_display(text)
        self.setStyleSheet(f"color: {tone(colour)};")
        self.setText(shown)
        self.setAccessibleDescription(shown)
        self.setVisible(bool(shown))
        if shown and colour == "bad":
            announce(self, shown, assertive=True)


def announce(widget: QWidget, text: str, *, assertive: bool = False) -> None:
    """Asks assistive technology to speak `text` now (an evaluation ended, a refusal)."""
    event = QAccessibleAnnouncementEvent(widget, safe_for_display(text))
    politeness = QAccessible.AnnouncementPoliteness
    event.setPoliteness(politeness.Assertive if assertive else politeness.Polite)
    QAccessible.updateAccessibility(event)
