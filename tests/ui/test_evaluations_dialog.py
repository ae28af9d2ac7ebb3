"""Earlier evaluations: listed newest first, reopened by Enter, and compared with the earlier
run of the same dataset — pass→fail first, then fail→pass, then the prompt's diff."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.cli.conftest import command_environment
from tests.fakeserver import FakeServer
from zerogpu_desktop.app import main
from zerogpu_desktop.ui.evaluations_dialog import EvaluationsDialog, RegressionDialog
from zerogpu_desktop.workbench.evaluate.store import open_evaluation_store

DATA = "country,__expected\nFrance,contains:France\nChile,contains:Santiago\n"


@pytest.fixture
def two_evaluations(
    fake_server: FakeServer, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    for name, value in command_environment(fake_server.base_url, data_dir).items():
        monkeypatch.setenv(name, value)
    dataset = data_dir / "cases.csv"
    dataset.write_text(DATA, encoding="utf-8")
    common = ["eval", "run", "--model", "m", "--data", str(dataset)]
    assert main([*common, "--prompt", "Capital of {{country}}? <b>Santiago</b>"]) == 0
    assert main([*common, "--prompt", "Capital of {{country}}?"]) == 10  # Chile broke
    return data_dir


def test_earlier_evaluations_are_listed_and_enter_reopens_one(
    qtbot: QtBot, two_evaluations: Path
) -> None:
    store = open_evaluation_store(two_evaluations)
    dialog = EvaluationsDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.table.rowCount() == 2
    assert [dialog.table.item(row, 0).text() for row in range(2)] == ["2", "1"]  # type: ignore[union-attr]
    assert dialog.table.item(0, 6).text() == "50%"  # type: ignore[union-attr]
    assert dialog.compare_button.isEnabled()
    with qtbot.waitSignal(dialog.open_requested, timeout=2000) as opened:
        qtbot.keyClick(dialog.table, Qt.Key.Key_Return)
    assert opened.args == [2]
    store.close()


def test_compare_puts_pass_to_fail_first_and_shows_the_prompt_diff_escaped(
    qtbot: QtBot, two_evaluations: Path
) -> None:
    store = open_evaluation_store(two_evaluations)
    dialog = EvaluationsDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.compare_button.click()
    shown = [child for child in dialog.children() if isinstance(child, RegressionDialog)]
    assert len(shown) == 1
    text = shown[0].view.toPlainText()
    assert "1 went from pass to fail" in text
    assert text.index("Pass → fail") < text.index("What changed in the prompt")
    assert "Case 2 (Chile) on m: passed → failed" in text
    assert "-Capital of {{country}}? <b>Santiago</b>" in text  # markup shown, not applied
    shown[0].close()
    store.close()
