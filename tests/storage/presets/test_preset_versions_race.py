"""Two processes changing one preset at once never give one version number to two contents.

Real processes on one real data folder: the lock is between processes, so threads in one
would prove nothing.
"""

from __future__ import annotations

import json
import multiprocessing
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

from zerogpu_desktop.storage.presets.lock import PresetsBusyError, presets_lock
from zerogpu_desktop.storage.presets.store import Preset, PresetStore

ROUNDS = 50


def _save_many(data_dir: str, tag: str, out: str) -> None:
    """Save the preset ROUNDS times, a new store each time, as separate commands would."""
    numbers: list[tuple[int, str]] = []
    for round_number in range(ROUNDS):
        store = PresetStore(Path(data_dir))
        preset = store.get("Greet")
        assert preset is not None
        text = f"{tag}-{round_number}"
        numbers.append((store.save(replace(preset, system_prompt=text)).version, text))
    Path(out).write_text(json.dumps(numbers), encoding="utf-8")


def test_two_processes_saving_at_once_never_share_a_version_number(tmp_path: Path) -> None:
    PresetStore(tmp_path).save(
        Preset(name="Greet", model="m", system_prompt="", user_prompt="Hello")
    )
    context = multiprocessing.get_context("spawn")
    outs = {tag: tmp_path / f"{tag}.json" for tag in ("A", "B")}
    workers = [
        context.Process(target=_save_many, args=(str(tmp_path), tag, str(out)))
        for tag, out in outs.items()
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0

    store = PresetStore(tmp_path)
    stored = {v.number: v.system_prompt for v in store.versions("Greet")}
    returned = [pair for out in outs.values() for pair in json.loads(out.read_text())]
    numbers = [number for number, _ in returned]
    assert len(set(numbers)) == len(numbers) == 2 * ROUNDS
    for number, text in returned:
        assert stored[number] == text
    assert len(stored) == 2 * ROUNDS + 1


def test_a_change_waits_a_bounded_time_for_another_process(tmp_path: Path) -> None:
    store = PresetStore(tmp_path)
    held = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with presets_lock(tmp_path):
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(5)
    started = time.monotonic()
    try:
        with pytest.raises(PresetsBusyError) as caught, presets_lock(tmp_path, wait=0.3):
            pass
    finally:
        release.set()
        holder.join()
    assert time.monotonic() - started < 5
    assert str(caught.value) == "Another ZeroGPU Desktop is saving presets; try again."
    assert (
        store.save(Preset(name="After", model="m", system_prompt="", user_prompt="")).version == 1
    )  # released again
