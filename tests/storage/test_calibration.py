"""What the token estimate learned survives restarts; a broken file only restarts learning."""

from __future__ import annotations

from pathlib import Path

from zerogpu_desktop.api.tokens import TokenCalibration
from zerogpu_desktop.storage.calibration import CalibrationStore


def test_read_returns_what_was_saved(tmp_path: Path) -> None:
    learned = TokenCalibration.from_json({"model-a": [1.1, 1.2, 1.3]})
    CalibrationStore(tmp_path).save(learned)

    loaded = CalibrationStore(tmp_path).read()

    assert loaded.value.to_json() == {"model-a": [1.1, 1.2, 1.3]}
    assert loaded.problem is None


def test_a_broken_file_starts_learning_over_and_says_so_once(tmp_path: Path) -> None:
    (tmp_path / "calibration.json").write_text('{"models": [', encoding="utf-8")

    first = CalibrationStore(tmp_path).read()
    second = CalibrationStore(tmp_path).read()

    assert first.value.to_json() == {}
    assert first.problem is not None
    assert first.problem.startswith("The token calibration file")
    assert second.problem is None  # moved aside: the next start has nothing to tell
