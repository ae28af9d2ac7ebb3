"""Settings survive hand edits, old and new versions, and never hold an API key."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from zerogpu_desktop.api.defaults import DEFAULT_BASE_URL
from zerogpu_desktop.storage import (
    MAX_MODELS,
    MAX_RESPONSE_MB_LIMIT,
    ModelEntry,
    Settings,
    SettingsStore,
)


def _write(data_dir: Path, data: Any) -> None:
    (data_dir / "settings.json").write_text(json.dumps(data), encoding="utf-8")


def test_missing_file_gives_defaults_without_a_problem(tmp_path: Path) -> None:
    loaded = SettingsStore(tmp_path).read()

    assert loaded.value == Settings()
    assert loaded.problem is None


def test_round_trip(tmp_path: Path) -> None:
    settings = Settings(
        project_id="proj",
        base_url="http://127.0.0.1:8080",
        connect_timeout=2.5,
        read_timeout=60.0,
        max_retries=0,
        max_response_mb=3,
        models=(ModelEntry("a", 8192), ModelEntry("b")),
        last_model="a",
        markdown_output=False,
        monospace_editors=True,
    )
    SettingsStore(tmp_path).save(settings)

    assert SettingsStore(tmp_path).load() == settings
    assert json.loads((tmp_path / "settings.json").read_text(encoding="utf-8"))["version"] == 1


def test_unknown_keys_are_ignored(tmp_path: Path) -> None:
    _write(tmp_path, {"version": 7, "project_id": "p", "window_opacity": 0.5, "future": {"x": 1}})

    loaded = SettingsStore(tmp_path).read()

    assert loaded.value == Settings(project_id="p")
    assert loaded.problem is None


def test_each_wrong_value_falls_back_to_its_own_default(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "version": 1,
            "project_id": 42,
            "base_url": "   ",
            "connect_timeout": "10",
            "read_timeout": -1,
            "max_retries": True,
            "models": "gpt",
            "last_model": None,
            "markdown_output": "yes",
            "monospace_editors": 1,
        },
    )

    assert SettingsStore(tmp_path).load() == Settings()


def test_good_values_survive_next_to_bad_ones(tmp_path: Path) -> None:
    _write(tmp_path, {"read_timeout": 120, "max_retries": 99, "monospace_editors": True})

    loaded = SettingsStore(tmp_path).load()

    assert loaded.read_timeout == 120.0
    assert isinstance(loaded.read_timeout, float)
    assert loaded.max_retries == Settings().max_retries
    assert loaded.monospace_editors is True


def test_model_list_drops_bad_entries_one_by_one(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "models": [
                {"id": "a", "input_token_limit": 4096},
                "b",
                {"id": "c", "input_token_limit": "big"},
                {"id": ""},
                {"no_id": 1},
                17,
                {"id": "a", "input_token_limit": 1},
                {"id": "d", "input_token_limit": -5},
            ]
        },
    )

    models = SettingsStore(tmp_path).load().models

    assert models == (ModelEntry("a", 4096), ModelEntry("b"), ModelEntry("c"), ModelEntry("d"))


def test_model_list_is_capped(tmp_path: Path) -> None:
    _write(tmp_path, {"models": [f"m{i}" for i in range(MAX_MODELS + 10)]})

    assert len(SettingsStore(tmp_path).load().models) == MAX_MODELS


def test_corrupt_file_is_quarantined_and_reported_once(tmp_path: Path) -> None:
    (tmp_path / "settings.json").write_text('{"project_id": "p"', encoding="utf-8")
    store = SettingsStore(tmp_path)

    loaded = store.read()
    assert loaded.value == Settings()
    assert loaded.problem is not None
    assert "settings file" in loaded.problem
    assert [p.name[:22] for p in tmp_path.iterdir()] == ["settings.json.corrupt-"]

    store.save(Settings(project_id="new"))
    again = store.read()
    assert again.value == Settings(project_id="new")
    assert again.problem is None


def test_with_model_used_adds_new_model_first() -> None:
    base = Settings(models=(ModelEntry("a", 100),), last_model="a")

    used = base.with_model_used(" b ")

    assert used.models == (ModelEntry("b"), ModelEntry("a", 100))
    assert used.last_model == "b"
    assert base.models == (ModelEntry("a", 100),)  # unchanged


def test_with_model_used_moves_existing_model_and_keeps_its_limit() -> None:
    base = Settings(models=(ModelEntry("a", 100), ModelEntry("b", 200), ModelEntry("c")))

    used = base.with_model_used("b")

    assert used.models == (ModelEntry("b", 200), ModelEntry("a", 100), ModelEntry("c"))
    assert used.last_model == "b"
    assert used.input_limit_for("b") == 200


def test_with_model_used_caps_the_list_by_dropping_the_oldest() -> None:
    base = Settings(models=tuple(ModelEntry(f"m{i}") for i in range(MAX_MODELS)))

    used = base.with_model_used("new")

    assert len(used.models) == MAX_MODELS
    assert used.models[0] == ModelEntry("new")
    assert ModelEntry(f"m{MAX_MODELS - 1}") not in used.models


def test_with_model_used_ignores_blank_ids() -> None:
    base = Settings(last_model="a")

    assert base.with_model_used("  ") is base


def test_input_limit_for_unknown_model_is_none() -> None:
    settings = Settings(models=(ModelEntry("a", 100), ModelEntry("b")))

    assert settings.input_limit_for("a") == 100
    assert settings.input_limit_for("b") is None
    assert settings.input_limit_for("zzz") is None


@pytest.mark.parametrize("word", ["key", "secret", "password", "token", "credential"])
def test_settings_have_no_field_that_could_hold_a_secret(word: str) -> None:
    names = [field.name for field in dataclasses.fields(Settings)]

    assert not [name for name in names if word in name.lower()]


def test_save_refuses_anything_but_settings(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path)

    with pytest.raises(TypeError, match="expected Settings"):
        store.save({"api_key": "sk-123"})  # type: ignore[arg-type]
    assert not (tmp_path / "settings.json").exists()


def test_saved_file_holds_exactly_the_known_fields(tmp_path: Path) -> None:
    SettingsStore(tmp_path).save(Settings())

    data = json.loads((tmp_path / "settings.json").read_text(encoding="utf-8"))

    expected = {field.name for field in dataclasses.fields(Settings)} | {"version"}
    assert set(data) == expected


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        (1, 1),
        (MAX_RESPONSE_MB_LIMIT, MAX_RESPONSE_MB_LIMIT),
        (0, 16),
        (MAX_RESPONSE_MB_LIMIT + 1, 16),
        (-4, 16),
        (2.5, 16),
        ("32", 16),
        (True, 16),
    ],
)
def test_response_size_cap_is_read_within_its_range(
    tmp_path: Path, stored: object, expected: int
) -> None:
    _write(tmp_path, {"version": 1, "max_response_mb": stored})

    assert SettingsStore(tmp_path).load().max_response_mb == expected


def test_response_size_cap_is_saved(tmp_path: Path) -> None:
    SettingsStore(tmp_path).save(Settings(max_response_mb=64))

    data = json.loads((tmp_path / "settings.json").read_text(encoding="utf-8"))

    assert data["max_response_mb"] == 64


def test_read_returns_the_saved_settings_and_nothing_to_tell(tmp_path: Path) -> None:
    saved = Settings(project_id="proj", models=(ModelEntry("a", 100),), last_model="a")
    SettingsStore(tmp_path).save(saved)

    loaded = SettingsStore(tmp_path).read()

    assert loaded.value == saved
    assert loaded.problem is None


def test_the_default_base_url_is_the_clients(tmp_path: Path) -> None:
    assert Settings().base_url == DEFAULT_BASE_URL
    assert SettingsStore(tmp_path).read().value.base_url == DEFAULT_BASE_URL
