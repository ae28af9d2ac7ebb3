"""The History panel's preset filter goes by the preset's id: a rename keeps its runs, a name
deleted and created again starts a new preset, and a name only the history knows is offered
and filtered by name. A comparison's runs are listed without asking for evaluation runs."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from zerogpu_desktop.storage.history.store import HistoryStore, RunRecord
from zerogpu_desktop.storage.presets.store import Preset, PresetStore
from zerogpu_desktop.ui.history_model import PROMPT
from zerogpu_desktop.ui.history_panel import HistoryPanel


def _record(store: HistoryStore, prompt: str, name: str, version: int, **fields: object) -> int:
    run = RunRecord("m", "", prompt, "answer", preset_name=name, preset_version=version)
    return store.record(RunRecord(**{**run.__dict__, **fields}))


def _panel(qtbot: QtBot, store: HistoryStore, presets: PresetStore) -> HistoryPanel:
    panel = HistoryPanel(store)
    qtbot.addWidget(panel)
    panel.set_presets(presets)
    panel.ensure_loaded()
    return panel


def _offered(panel: HistoryPanel) -> list[str]:
    combo = panel.filters.preset_combo
    return [combo.itemText(number) for number in range(combo.count())]


def _choose(panel: HistoryPanel, name: str) -> None:
    combo = panel.filters.preset_combo
    number = _offered(panel).index(name)
    combo.setCurrentIndex(number)
    combo.activated.emit(number)


def _prompts(panel: HistoryPanel) -> list[str]:
    model = panel.model
    return [str(model.index(row, PROMPT).data()) for row in range(model.rowCount())]


def test_the_preset_filter_goes_by_the_presets_id_and_follows_a_rename(
    qtbot: QtBot, tmp_path: Path
) -> None:
    presets = PresetStore(tmp_path)
    greet = presets.save(Preset("Greet", "m", "", "Say hi"))
    gone = presets.save(Preset("Gone", "m", "", "Bye"))
    with HistoryStore(tmp_path) as store:
        _record(store, "before ids", "Hello", 1)  # a run from before runs knew ids
        _record(store, "as greet", "Greet", 1, preset_id=greet.preset_id)
        _record(store, "of gone", "Gone", 1, preset_id=gone.preset_id)
        _record(store, "a column", "Greet", 2, preset_id=greet.preset_id, source="compare")
        presets.rename("Greet", "Hello")
        presets.delete("Gone")
        presets.save(Preset("Gone", "m", "", "Back again"))  # a new preset, same name
        panel = _panel(qtbot, store, presets)
        # "Greet" is Hello's old name, not a preset of its own.
        assert _offered(panel) == ["All presets", "Gone", "Hello"]
        _choose(panel, "Hello")
        assert _prompts(panel) == ["a column", "as greet", "before ids"]
        versions = panel.filters.version_combo
        assert [versions.itemText(n) for n in range(versions.count())] == [
            "All versions",
            "v2",
            "v1",
        ]
        _choose(panel, "Gone")
        assert _prompts(panel) == []  # the deleted "Gone"'s run is not the new one's
        _choose(panel, "Hello")
        presets.rename("Hello", "Hi")
        panel.refresh()
        assert panel.filters.preset_combo.currentText() == "Hi"  # followed by its id
        # A run from before ids knows only the name "Hello", which is no preset's now.
        assert _prompts(panel) == ["a column", "as greet"]
        assert _offered(panel) == ["All presets", "Gone", "Hello", "Hi"]


def test_a_name_only_the_history_knows_is_offered_and_filtered_by_name(
    qtbot: QtBot, tmp_path: Path
) -> None:
    presets = PresetStore(tmp_path)
    with HistoryStore(tmp_path) as store:
        _record(store, "old one", "Retired", 3, preset_id="no-longer-a-preset")
        _record(store, "newer one", "retired", 1)
        panel = _panel(qtbot, store, presets)
        assert _offered(panel) == ["All presets", "Retired"]
        _choose(panel, "Retired")
        assert _prompts(panel) == ["newer one", "old one"]


def test_rated_good_lists_a_comparisons_runs_but_not_an_evaluations_cells(
    qtbot: QtBot, tmp_path: Path
) -> None:
    presets = PresetStore(tmp_path)
    with HistoryStore(tmp_path) as store:
        column = store.record(RunRecord("m", "", "a column", "x", source="compare"))
        cell = store.record(RunRecord("m", "", "a cell", "y", source="evaluate"))
        store.rate(column, "good")
        store.rate(cell, "good")
        panel = _panel(qtbot, store, presets)
        rating = panel.filters.rating_combo
        number = rating.findText("Rated good")
        rating.setCurrentIndex(number)
        rating.activated.emit(number)
        assert _prompts(panel) == ["a column"]
        panel.batch_box.setChecked(True)
        assert _prompts(panel) == ["a cell", "a column"]
