"""What an evaluation will run, chosen in the Evaluate panel: prompt, dataset, models, numbers.

The form turns its choices into an `EvaluationPlan` and says before anything is sent what it
will cost: the calls (cases × models × repeat) and the estimated input tokens. A dataset is
read off the GUI thread (a file may be 64 MiB), and so is the estimate of a large one.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from zerogpu_desktop.safe_text import safe_for_display
from zerogpu_desktop.ui.editors import EditorSet
from zerogpu_desktop.ui.evaluate_models import ModelChooser
from zerogpu_desktop.ui.tasks import TaskKeeper
from zerogpu_desktop.workbench.evaluate.plan import (
    CURRENT_PROMPT,
    MAX_CONCURRENCY,
    MAX_REPEAT,
    EvaluationPlan,
    PlanError,
)
from zerogpu_desktop.workbench.evaluate.types import Dataset, DatasetError
from zerogpu_desktop.workbench.spec import PromptSpec

if TYPE_CHECKING:
    from collections.abc import Callable

    from zerogpu_desktop.storage.presets.store import PresetStore

#: What the Open dialog offers, and what a drop may be.
DATASET_SUFFIXES = (".csv", ".tsv", ".jsonl", ".json")
DATASET_FILTER = "Datasets (*.csv *.tsv *.jsonl *.json)"
#: Reading a dataset file is given this long.
DATASET_LOAD_SECONDS = 60.0
#: The estimate waits for typing to pause this long (ms).
ESTIMATE_DELAY_MS = 200
#: Up to this many cases the tokens are counted at once (a few ms); more, off the GUI thread.
COUNT_HERE_CASES = 500
MAX_BUDGET = 1_000_000_000
#: The dataset line names this many of its columns.
SHOWN_COLUMNS = 6
NO_DATASET = "No dataset yet: open a .csv, .tsv, .jsonl or .json file, or drop one here."


class EvaluateSetup(QWidget):
    """The left side of the Evaluate panel.

    Signals:
        message(str): a sentence to show (a dataset opened).
        problem(str): a sentence about what is wrong (a dataset that cannot be used).
    """

    message = Signal(str)
    problem = Signal(str)

    def __init__(
        self,
        editors: EditorSet,
        presets: PresetStore,
        tasks: TaskKeeper,
        demo: Callable[[], bool],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._editors = editors
        self._presets = presets
        self._tasks = tasks
        self._demo = demo
        self.dataset: Dataset | None = None
        self.dataset_path: Path | None = None
        self._estimate_generation = 0
        self._base_tokens: tuple[tuple[object, ...], int] | None = None

        self.prompt_combo = QComboBox(self)
        self.prompt_combo.setAccessibleName("Prompt to evaluate")
        self.prompt_combo.view().setAccessibleName("Prompts")
        self.prompt_combo.setToolTip("The editors' prompt as it is now, or a saved preset")
        self.open_button = QPushButton("Open &dataset…", self)
        self.open_button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.open_button.setAccessibleName("Open dataset")
        self.open_button.setToolTip("A .csv, .tsv, .jsonl or .json file, one row per case")
        self.dataset_label = QLabel(NO_DATASET, self)
        self.dataset_label.setAccessibleName("Dataset")
        self.dataset_label.setWordWrap(True)
        self.models_chooser = ModelChooser(self)
        self.concurrency = _spin(self, "Concurrency", 1, MAX_CONCURRENCY, 4)
        self.concurrency.setToolTip("How many requests are in flight at once")
        self.repeat = _spin(self, "Repeat", 1, MAX_REPEAT, 1)
        self.repeat.setToolTip("How many times each case runs on each model")
        self.budget = _spin(self, "Token budget", 0, MAX_BUDGET, 0)
        self.budget.setSingleStep(1000)
        self.budget.setSpecialValueText("No limit")
        self.budget.setToolTip("Stop starting new calls once this many tokens were used")
        self.estimate_label = QLabel("", self)
        self.estimate_label.setAccessibleName("Estimate")
        self.estimate_label.setWordWrap(True)

        # Labels beside their fields: the dock is short, and every row must fit without a
        # scroll bar at 1440×900.
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.setVerticalSpacing(5)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(_buddy("&Prompt:", self.prompt_combo, self), self.prompt_combo)
        form.addRow(QLabel("Dataset:", self), self.open_button)
        form.addRow(self.dataset_label)
        form.addRow(_buddy("Mod&els:", self.models_chooser.list, self), self.models_chooser)
        numbers = QHBoxLayout()
        numbers.addWidget(self.concurrency)
        numbers.addWidget(_buddy("Repea&t:", self.repeat, self))
        numbers.addWidget(self.repeat)
        numbers.addStretch(1)
        form.addRow(_buddy("Co&ncurrency:", self.concurrency, self), numbers)
        form.addRow(_buddy("Token &budget:", self.budget, self), self.budget)
        form.addRow(self.estimate_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addStretch(1)

        self._estimate_timer = QTimer(self)
        self._estimate_timer.setSingleShot(True)
        self._estimate_timer.setInterval(ESTIMATE_DELAY_MS)
        self._estimate_timer.timeout.connect(self.update_estimate)
        self.prompt_combo.currentIndexChanged.connect(self._estimate_soon)
        self.models_chooser.changed.connect(self._estimate_soon)
        self.models_chooser.message.connect(self.message)
        self.models_chooser.problem.connect(self.problem)
        for spin in (self.repeat, self.concurrency, self.budget):
            spin.valueChanged.connect(self._estimate_soon)
        editors.settled.connect(self._on_editors_settled)
        self.refresh_choices()

    # -- choices --------------------------------------------------------------------------

    def refresh_choices(self) -> None:
        """The presets and models as they are now; what was chosen stays chosen."""
        chosen = self.prompt_combo.currentText()
        names = [preset.name for preset in self._presets.list()]
        self.prompt_combo.blockSignals(True)
        self.prompt_combo.clear()
        self.prompt_combo.addItem(CURRENT_PROMPT)
        for name in names:
            self.prompt_combo.addItem(safe_for_display(name), name)
        found = self.prompt_combo.findText(chosen) if chosen else 0
        self.prompt_combo.setCurrentIndex(max(0, found))
        self.prompt_combo.blockSignals(False)

        self.models_chooser.offer_window_models(self._editors.model_picker, self._demo())
        self._estimate_soon()

    def models(self) -> tuple[str, ...]:
        """The ticked models, in list order."""
        return self.models_chooser.models()

    # -- the dataset ----------------------------------------------------------------------

    def open_dataset(self, path: Path) -> None:
        """Reads `path` off the GUI thread; the panel shows what it holds or what is wrong."""
        self._tasks.spawn(self._load(path))

    async def _load(self, path: Path) -> None:
        from zerogpu_desktop import background
        from zerogpu_desktop.workbench.evaluate.dataset import load_dataset

        self.dataset_label.setText(f"Reading {safe_for_display(path.name)}…")
        dataset: Dataset | None = None
        try:
            dataset = await background.run(
                load_dataset, path, timeout=DATASET_LOAD_SECONDS, name="zerogpu-dataset-load"
            )
        except DatasetError as exc:
            problem = str(exc)
        except TimeoutError:
            problem = f"{path.name} took too long to read; choose a smaller file or a local copy."
        if not shiboken6.isValid(self):
            return  # the window closed while the file was read
        if dataset is None:
            self._show_dataset()
            self.problem.emit(problem)
            return
        self.dataset, self.dataset_path = dataset, path
        self._show_dataset()
        cases = len(dataset.cases)
        self.message.emit(f"Opened {dataset.name}: {cases:,} case{'s' if cases != 1 else ''}.")
        self._estimate_soon()

    def _show_dataset(self) -> None:
        dataset = self.dataset
        if dataset is None:
            self.dataset_label.setText(NO_DATASET)
            return
        cases = len(dataset.cases)
        shown = dataset.columns[:SHOWN_COLUMNS]
        more = len(dataset.columns) - len(shown)
        columns = ", ".join(shown) + (f" and {more} more" if more else "") if shown else "none"
        self.dataset_label.setText(
            safe_for_display(
                f"{dataset.name} · {cases:,} case{'s' if cases != 1 else ''} · columns: {columns}"
            )
        )

    # -- the plan -------------------------------------------------------------------------

    def prompt(self) -> tuple[PromptSpec, str]:
        """The chosen prompt and its title (the preset's name, or "Current prompt")."""
        name = self.prompt_combo.currentData()
        if isinstance(name, str):
            preset = self._presets.get(name)
            if preset is not None:
                spec = PromptSpec(
                    "",
                    preset.system_prompt,
                    preset.user_prompt,
                    variables=preset.variables,
                    response_format=preset.response_format,
                    preset_name=preset.name,
                    preset_id=preset.preset_id,
                    preset_version=preset.version,
                )
                return spec, preset.name
        spec = replace(self._editors.spec(), model="", input_limit=None)
        return spec, CURRENT_PROMPT

    def plan(self) -> EvaluationPlan:
        """The evaluation the form describes, checked.

        Raises:
            PlanError: no dataset, no model, an empty prompt, a number out of range.
            DatasetError: the dataset lacks a variable the prompt uses.
        """
        dataset = self.dataset
        if dataset is None:
            raise PlanError(
                "Open a dataset first: a .csv, .tsv, .jsonl or .json file with one row per case."
            )
        spec, title = self.prompt()
        given = set(dataset.columns) | set(spec.variables)
        for name in spec.variable_names():
            if name not in given:
                raise DatasetError(
                    f"{dataset.name} has no column “{name}”, which the prompt uses as "
                    f"{{{{{name}}}}}: add the column to the file or take the variable out."
                )
        budget = self.budget.value()
        plan = EvaluationPlan(
            spec,
            title,
            dataset,
            self.models(),
            repeat=self.repeat.value(),
            concurrency=self.concurrency.value(),
            max_total_tokens=budget or None,
        )
        plan.check()
        return plan

    # -- the estimate ---------------------------------------------------------------------

    def _on_editors_settled(self) -> None:
        if self.prompt_combo.currentIndex() == 0:
            self._estimate_soon()

    def _estimate_soon(self) -> None:
        self._estimate_timer.start()

    def update_estimate(self) -> None:
        """'24 calls · about 1,900 input tokens', counted off the GUI thread when needed."""
        dataset = self.dataset
        models = len(self.models())
        if dataset is None:
            self.estimate_label.setText("Open a dataset to see what the evaluation costs.")
            return
        calls = len(dataset.cases) * models * self.repeat.value()
        if models == 0:
            self.estimate_label.setText("0 calls: tick at least one model.")
            return
        spec, _title = self.prompt()
        identity = (
            dataset.fingerprint,
            spec.system_prompt,
            spec.user_prompt,
            tuple(sorted(spec.variables.items())),
        )
        known = self._base_tokens
        per_pass = known[1] if known is not None and known[0] == identity else None
        if per_pass is not None:
            self._show_estimate(calls, per_pass * models * self.repeat.value())
            return
        self._estimate_generation += 1
        if len(dataset.cases) <= COUNT_HERE_CASES:
            self._counted(identity, _count_tokens(spec, dataset))
            return
        self.estimate_label.setText(f"{calls:,} calls · counting the input tokens…")
        self._tasks.spawn(self._count(self._estimate_generation, identity, spec, dataset))

    async def _count(
        self, generation: int, identity: tuple[object, ...], spec: PromptSpec, dataset: Dataset
    ) -> None:
        from zerogpu_desktop import background

        tokens = await background.run(
            _count_tokens, spec, dataset, timeout=60, name="zerogpu-evaluate-estimate"
        )
        if not shiboken6.isValid(self) or generation != self._estimate_generation:
            return  # the window closed, or the inputs changed, while it counted
        self._counted(identity, tokens)

    def _counted(self, identity: tuple[object, ...], tokens: int | None) -> None:
        if tokens is None:
            self.estimate_label.setText("The prompt uses a variable the dataset has no column for.")
            return
        self._base_tokens = (identity, tokens)
        self.update_estimate()

    def _show_estimate(self, calls: int, tokens: int) -> None:
        text = (
            f"{calls:,} call{'s' if calls != 1 else ''} · about {_rounded(tokens):,} input tokens"
        )
        self.estimate_label.setText(text)
        self.estimate_label.setAccessibleDescription(text)


def _count_tokens(spec: PromptSpec, dataset: Dataset) -> int | None:
    """The input tokens of one pass over the dataset; None when a variable has no value."""
    try:
        return EvaluationPlan(spec, "", dataset, ("-",)).estimate().input_tokens
    except ValueError:  # Run says which variable, in words
        return None


def _rounded(tokens: int) -> int:
    """Two significant figures: an estimate is not a count."""
    if tokens < 100:
        return tokens
    scale: int = 10 ** (len(str(tokens)) - 2)
    return (tokens + scale // 2) // scale * scale


def _spin(parent: QWidget, name: str, low: int, high: int, value: int) -> QSpinBox:
    spin = QSpinBox(parent)
    spin.setRange(low, high)
    spin.setValue(value)
    spin.setAccessibleName(name)
    spin.setGroupSeparatorShown(True)
    return spin


def _buddy(text: str, widget: QWidget, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setBuddy(widget)
    return label
