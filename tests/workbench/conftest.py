"""Fixtures for the run engine: a Runner over a temp data folder, a connection to a server."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import TEST_KEY, TEST_PROJECT
from tests.fakeserver import FakeServer
from zerogpu_desktop.api.tokens import TokenCalibration
from zerogpu_desktop.overrides import RunOverrides
from zerogpu_desktop.storage.calibration import CalibrationStore
from zerogpu_desktop.storage.history.types import RunRecord
from zerogpu_desktop.storage.settings import Settings, SettingsStore
from zerogpu_desktop.workbench.connection import Connection, resolve_connection
from zerogpu_desktop.workbench.learning import CalibrationBook, ModelMemory
from zerogpu_desktop.workbench.runner import Runner


class CountingCalibrationStore(CalibrationStore):
    """A real store that counts its writes and keeps the last value written."""

    def __init__(self, data_dir: Path) -> None:
        super().__init__(data_dir)
        self.saves = 0
        self.saved: TokenCalibration | None = None

    def save(self, calibration: TokenCalibration) -> None:
        self.saves += 1
        self.saved = calibration
        super().save(calibration)


class CountingSettingsStore(SettingsStore):
    """A real store that counts its writes."""

    def __init__(self, data_dir: Path) -> None:
        super().__init__(data_dir)
        self.saves = 0

    def save(self, settings: Settings) -> None:
        self.saves += 1
        super().save(settings)


class MemoryHistory:
    """A `HistorySink` that keeps the rows in a list, numbered from 1."""

    def __init__(self) -> None:
        self.records: list[RunRecord] = []

    async def record(self, record: RunRecord) -> int | None:
        self.records.append(record)
        return len(self.records)


def connection_to(server: FakeServer, **settings: Any) -> Connection:
    values: dict[str, Any] = {"base_url": server.base_url, "project_id": TEST_PROJECT}
    values.update(settings)
    return resolve_connection(Settings(**values), RunOverrides(), api_key=TEST_KEY)


RunnerFactory = Callable[..., Runner]


@pytest.fixture
def make_runner(tmp_path: Path) -> RunnerFactory:
    """Builds a Runner whose learning is written to `tmp_path` through counting stores."""

    def make(**kwargs: Any) -> Runner:
        kwargs.setdefault("source", "window")
        kwargs.setdefault("calibration", CalibrationBook(CountingCalibrationStore(tmp_path)))
        kwargs.setdefault("models", ModelMemory(CountingSettingsStore(tmp_path)))
        return Runner(**kwargs)

    return make
