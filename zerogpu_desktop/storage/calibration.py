"""Per-model token-estimate calibration (``calibration.json``).

Learned ratios make truncation warnings sharper with use; losing them
costs nothing but a few runs of relearning, so a broken file is simply
quarantined and learning starts over.
"""

from __future__ import annotations

from pathlib import Path

from zerogpu_desktop.api.tokens import TokenCalibration
from zerogpu_desktop.storage.atomic import load_json_or_quarantine, save_json
from zerogpu_desktop.storage.loaded import Loaded

CALIBRATION_FILE_NAME = "calibration.json"
CALIBRATION_VERSION = 1


class CalibrationStore:
    """Loads and saves a `TokenCalibration` in ``<data dir>/calibration.json``.

    Attributes:
        path: The calibration file.
    """

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / CALIBRATION_FILE_NAME

    def read(self) -> Loaded[TokenCalibration]:
        """Read what was learned; a missing or broken file means learning starts over."""
        result = load_json_or_quarantine(self.path, what="token calibration")
        if result.data is None:
            return Loaded(TokenCalibration(), result.problem)
        return Loaded(TokenCalibration.from_json(result.data.get("models")), result.problem)

    def load(self) -> TokenCalibration:
        """Just the value of ``read()``, for a caller with nobody to tell about the file.

        The sentence about a broken file exists only in what ``read()`` returns.
        """
        return self.read().value

    def save(self, calibration: TokenCalibration) -> None:
        save_json(
            self.path,
            {"version": CALIBRATION_VERSION, "models": calibration.to_json()},
            what="token calibration",
        )
