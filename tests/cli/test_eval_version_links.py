"""Evaluations stored before presets had versions name the version with the same content,
in `eval list` as in the window's Earlier… list."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import run_cli
from tests.fakeserver import FakeServer
from tests.storage.history.test_rating_writer_and_links import evaluation_info
from zerogpu_desktop.storage.presets.store import Preset, PresetStore
from zerogpu_desktop.workbench.evaluate.store import open_evaluation_store
from zerogpu_desktop.workbench.evaluate.types import Case, titled
from zerogpu_desktop.workbench.evaluate.version_links import link_to_versions


def _stored(folder: Path, title: str, system: str, user: str) -> int:
    """An evaluation as the previous schema kept it: a title and a fingerprint, no version."""
    info = evaluation_info(title, system, user)
    store = open_evaluation_store(folder)
    try:
        return store.create(info, ["city"], [Case(0, {"city": "Oslo"})], source="cli")
    finally:
        store.close()


def test_old_evaluations_get_the_first_version_with_their_content(tmp_path: Path) -> None:
    presets = PresetStore(tmp_path)
    presets.save(Preset("Guide", "m", "Be brief.", "About {{city}}"))
    presets.save(Preset("Guide", "m", "Be thorough.", "About {{city}}"))
    presets.restore("Guide", 1)  # v3 has v1's content: the evaluation ran v1
    first = _stored(tmp_path, "guide", "Be brief.", "About {{city}}")
    second = _stored(tmp_path, "Guide", "Be thorough.", "About {{city}}")
    edited = _stored(tmp_path, "Guide", "Be brief.", "Something never saved")
    store = open_evaluation_store(tmp_path)
    try:
        assert link_to_versions(store, presets) == 2
        assert link_to_versions(store, presets) == 0
        versions = {}
        for evaluation in (first, second, edited):
            info = store.info(evaluation)
            assert info is not None
            versions[evaluation] = info.prompt_version
        assert versions == {first: 1, second: 2, edited: None}
        shown = store.info(second)
        assert shown is not None
        assert titled(shown) == "Guide v2"
    finally:
        store.close()


def test_eval_list_links_and_shows_the_version(
    cli_env: FakeServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    presets = PresetStore(tmp_path)
    presets.save(Preset("Guide", "m", "", "About {{city}}"))
    evaluation = _stored(tmp_path, "Guide", "", "About {{city}}")
    code, out, err = run_cli(["eval", "list"], capsys)
    assert code == 0, err
    fields = out.splitlines()[0].split("\t")
    assert fields[0] == str(evaluation)
    assert fields[2] == "Guide v1"
