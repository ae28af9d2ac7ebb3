"""Calibration and remembered models: written at most once a second, no update ever lost."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

from tests.fakeserver import FakeServer
from tests.workbench.conftest import (
    CountingCalibrationStore,
    CountingSettingsStore,
    RunnerFactory,
    connection_to,
)
from zerogpu_desktop.storage.calibration import CalibrationStore
from zerogpu_desktop.storage.settings import SettingsStore
from zerogpu_desktop.workbench.learning import CalibrationBook, ModelMemory
from zerogpu_desktop.workbench.spec import PromptSpec

#: Long enough for the fake server to count more tokens than a sample needs.
PROMPT = "a sentence of plain words to count " * 8


def test_a_hundred_runs_write_each_file_at_most_once_a_second(
    fake_server: FakeServer, make_runner: RunnerFactory, tmp_path: Path
) -> None:
    calibration_store = CountingCalibrationStore(tmp_path)
    settings_store = CountingSettingsStore(tmp_path)
    runner = make_runner(
        concurrency=8,
        calibration=CalibrationBook(calibration_store),
        models=ModelMemory(settings_store),
    )
    specs = [PromptSpec(f"model-{i % 10}", user_prompt=PROMPT) for i in range(100)]

    async def go() -> float:
        warm_up = make_runner()  # the first client of a process loads the CA bundle: 0.5 s
        await warm_up.run(PromptSpec("m", user_prompt="hi"), connection_to(fake_server))
        await warm_up.aclose()
        started = time.monotonic()
        outcomes = await runner.run_many(specs, connection_to(fake_server))
        elapsed = time.monotonic() - started
        assert all(o.succeeded for o in outcomes)
        await runner.aclose()
        return elapsed

    elapsed = asyncio.run(go())
    # One write at the first change, one per second after it, one at the end: 100 runs in
    # under a second write each file at most twice (a slow machine gets its extra seconds).
    assert 1 <= calibration_store.saves <= 2 + int(elapsed)
    assert 1 <= settings_store.saves <= 2 + int(elapsed)
    # Every run's sample and every model reached the files.
    saved = json.loads((tmp_path / "calibration.json").read_text())["models"]
    assert sum(len(ratios) for ratios in saved.values()) == 100
    assert {entry.id for entry in SettingsStore(tmp_path).load().models} == {
        f"model-{i}" for i in range(10)
    }


def test_concurrent_updates_are_never_lost(tmp_path: Path) -> None:
    store = CountingCalibrationStore(tmp_path)
    book = CalibrationBook(store, interval=0.05)
    memory = ModelMemory(SettingsStore(tmp_path), interval=0.05)

    async def one_run(index: int) -> None:
        await asyncio.sleep(0.001 * (index % 7))
        book.learn(f"m{index}", PROMPT, 100)
        memory.remember(f"m{index}")
        await asyncio.sleep(0)  # a write may start here, while others still learn

    async def go() -> None:
        await asyncio.gather(*(one_run(i) for i in range(40)))
        await asyncio.sleep(0.06)  # a timed write in the middle of the runs
        await asyncio.gather(*(one_run(i) for i in range(40, 80)))
        await book.flush()
        await memory.flush()

    asyncio.run(go())
    assert store.saves >= 2  # the interval passed: written more than at the end
    assert set(CalibrationStore(tmp_path).load().samples) == {f"m{i}" for i in range(80)}
    assert len(SettingsStore(tmp_path).load().models) == 50  # MAX_MODELS, newest first
    assert SettingsStore(tmp_path).load().last_model == memory.settings.last_model


def test_nothing_learned_means_nothing_written(tmp_path: Path) -> None:
    store = CountingCalibrationStore(tmp_path)
    book = CalibrationBook(store)
    assert not book.learn("m", "hi", 2)  # too few tokens to learn from
    asyncio.run(book.flush())
    assert store.saves == 0


def test_model_memory_tells_of_each_change_and_keeps_limits(tmp_path: Path) -> None:
    seen: list[str] = []
    memory = ModelMemory(SettingsStore(tmp_path), lambda s: seen.append(s.last_model))

    async def go() -> None:
        memory.remember("a")
        memory.remember("a")  # no change: no call, no write
        memory.set_input_limit("b", 4096)
        await memory.flush()

    asyncio.run(go())
    assert seen == ["a", "b"]
    assert memory.input_limit_for("b") == 4096
    assert SettingsStore(tmp_path).load().input_limit_for("b") == 4096
    assert memory.writes == 1


def test_a_write_that_fails_is_logged_not_raised(tmp_path: Path) -> None:
    (tmp_path / "calibration.json").mkdir()  # cannot be replaced by a file
    book = CalibrationBook(CalibrationStore(tmp_path))

    async def go() -> None:
        book.learn("m", PROMPT, 100)
        await book.flush()

    asyncio.run(go())
    assert book.writes == 1
