"""The Evaluate panel's setup and its edges: a preset as the prompt, a dropped file, the model
limit, no key, the token budget, and Esc in the panel."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.credentials.fake_backends import MemoryKeyring
from tests.fakeserver import FakeServer, Scenario
from tests.ui.conftest import MODEL, WindowFactory
from tests.ui.helpers import focused, type_model
from tests.ui.test_evaluate_panel import (
    CSV,
    open_panel,
    prepare,
    run_by_keys,
    wait_ended,
)
from zerogpu_desktop.credentials import KeyStore
from zerogpu_desktop.storage.presets.store import Preset
from zerogpu_desktop.ui.main_window import MainWindow
from zerogpu_desktop.workbench.evaluate.plan import MAX_MODELS
from zerogpu_desktop.workbench.evaluate.store import open_evaluation_store
from zerogpu_desktop.workbench.evaluate.types import EvaluationState


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    path = tmp_path / "capitals.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def test_a_preset_is_evaluated_by_its_own_prompt_and_name(
    qtbot: QtBot, window: MainWindow, server: FakeServer, dataset: Path, data_dir: Path
) -> None:
    store = window.attach_library().preset_store
    store.save(Preset("Capitals", MODEL, "Be brief.", "Name the capital of {{country}}."))
    type_model(qtbot, window, MODEL)
    panel = open_panel(qtbot, window)
    qtbot.keyClick(panel.setup.prompt_combo, Qt.Key.Key_Down)
    assert panel.setup.prompt_combo.currentText() == "Capitals"
    panel.open_dataset(dataset)
    qtbot.waitUntil(lambda: "3 cases" in panel.setup.dataset_label.text(), timeout=5000)
    run_by_keys(qtbot, window)
    wait_ended(qtbot, panel)
    sent = sorted(request.json["input"][-1]["content"] for request in server.requests)
    assert sent[0] == "Name the capital of Chile."
    evaluations = open_evaluation_store(data_dir)
    try:
        assert evaluations.listing()[0].info.title == "Capitals"
    finally:
        evaluations.close()


def test_a_file_dropped_on_the_panel_is_read_as_the_dataset(
    qtbot: QtBot, window: MainWindow, dataset: Path
) -> None:
    panel = open_panel(qtbot, window)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(dataset))])
    actions = Qt.DropAction.CopyAction
    enter = QDragEnterEvent(
        QPoint(20, 20), actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(panel, enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        QPointF(20, 20), actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(panel, drop)
    qtbot.waitUntil(lambda: "3 cases" in panel.setup.dataset_label.text(), timeout=5000)
    two = QMimeData()
    two.setUrls([QUrl.fromLocalFile(str(dataset)), QUrl.fromLocalFile(str(dataset))])
    refused = QDragEnterEvent(
        QPoint(20, 20), actions, two, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    refused.ignore()
    QApplication.sendEvent(panel, refused)
    assert not refused.isAccepted()


def test_a_model_past_the_limit_is_refused_in_words(qtbot: QtBot, window: MainWindow) -> None:
    panel = open_panel(qtbot, window)
    chooser = panel.setup.models_chooser
    chooser.set_models(tuple(f"model-{n}" for n in range(MAX_MODELS)))
    assert len(panel.setup.models()) == MAX_MODELS
    qtbot.keyClick(focused(window), Qt.Key.Key_I, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClicks(chooser.add_edit, "one-too-many")
    qtbot.keyClick(chooser.add_edit, Qt.Key.Key_Return)
    assert "one-too-many" not in panel.setup.models()
    assert panel.message_label.text() == (
        f"An evaluation compares at most {MAX_MODELS} models: untick one to add another."
    )


def test_without_a_key_nothing_is_sent_and_one_sentence_says_why(
    qtbot: QtBot, make_window: WindowFactory, server: FakeServer, dataset: Path
) -> None:
    window = make_window(key_store=KeyStore(backend=MemoryKeyring()))
    panel = prepare(qtbot, window, dataset)
    run_by_keys(qtbot, window)
    words = panel.message_label.text()
    assert "API key" in words
    assert "Traceback" not in words
    assert not panel.bridge.is_running
    assert server.requests == []


def test_the_token_budget_stops_the_evaluation_and_resume_is_offered(
    qtbot: QtBot, window: MainWindow, server: FakeServer, dataset: Path
) -> None:
    panel = prepare(qtbot, window, dataset)
    panel.setup.concurrency.setValue(1)
    panel.setup.budget.setValue(1)
    run_by_keys(qtbot, window)
    wait_ended(qtbot, panel)
    assert panel.last_state is EvaluationState.BUDGET
    assert len(server.requests) == 1
    assert panel.progress_label.text().startswith("Stopped at the token budget: 1 of 6 done")
    assert panel.resume_button.isVisible()


def test_escape_in_the_panel_cancels_the_evaluation(
    qtbot: QtBot, window: MainWindow, server: FakeServer, dataset: Path
) -> None:
    server.scenario = Scenario.slow(3.0)
    panel = prepare(qtbot, window, dataset)
    run_by_keys(qtbot, window)
    qtbot.waitUntil(lambda: len(server.requests) >= 2, timeout=5000)
    panel.grid.setFocus()
    qtbot.keyClick(panel.grid, Qt.Key.Key_Escape)
    wait_ended(qtbot, panel, timeout_ms=3000)
    assert panel.last_state is EvaluationState.CANCELLED


def test_a_large_dataset_is_counted_off_the_gui_thread(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    path = tmp_path / "large.csv"
    path.write_text("country\n" + "".join(f"Land {n}\n" for n in range(600)), encoding="utf-8")
    type_model(qtbot, window, MODEL)
    panel = open_panel(qtbot, window)
    panel.open_dataset(path)
    qtbot.waitUntil(lambda: "600 cases" in panel.setup.dataset_label.text(), timeout=5000)
    panel.setup.repeat.setValue(2)
    qtbot.waitUntil(
        lambda: panel.setup.estimate_label.text().startswith("1,200 calls · about "), timeout=5000
    )
