"""Per-model token-estimate calibration (``calibration.json``).

Learned ratios make truncation warnings sharper with use; losing them
costs nothing but a few runs of relearning, so a broken file is simply
quarantined and learning starts over.
"""

from __future__ import annotations

from pathlib import Path

from zerogpu_desktop.api.tokens import TokenCalibration
from zerogpu_desktop.storage.atomic import load_json_or_quarantine, save_json

CALIBRATION_FILE_NAME = "calibration.json"
CALIBRATION_VERSION = 1


class CalibrationStore:
    """Loads and saves a `TokenCalibration` in ``<data dir>/calibration.json``."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / CALIBRATION_FILE_NAME
        self.last_problem: str | None = None

    def load(self) -> TokenCalibration:
        result = load_json_or_quarantine(self.path, what="token calibration")
        self.last_problem = result.problem
        if result.data is None:
            return TokenCalibration()
        return TokenCalibration.from_json(result.data.get("models"))

    def save(self, calibration: TokenCalibration) -> None:
        save_json(
            self.path,
            {"version": CALIBRATION_VERSION, "models": calibration.to_json()},
            what="token calibration",
        )
