"""Columns for versions of one preset: each its version's prompts, all on one model."""

from __future__ import annotations

import dataclasses

import pytest

from zerogpu_desktop.storage.presets.types import Preset
from zerogpu_desktop.storage.presets.versions import PresetVersion
from zerogpu_desktop.workbench.compare import CompareError, version_columns
from zerogpu_desktop.workbench.spec import PromptSpec

PRESET = Preset(
    name="Summary",
    model="m-now",
    system_prompt="sys 3",
    user_prompt="user 3 {{x}}",
    input_token_limit=4096,
    preset_id="abc123",
    version=3,
)


def _version(number: int, model: str = "m-now", limit: int | None = 4096) -> PresetVersion:
    return PresetVersion(
        number=number,
        created=float(number),
        name="Summary",
        model=model,
        system_prompt=f"sys {number}",
        user_prompt=f"user {number} {{{{x}}}}",
        input_token_limit=limit,
        response_format="json_object" if number == 1 else "text",
    )


def test_each_version_is_a_column_on_the_preset_model() -> None:
    base = PromptSpec("ignored", "typed", "typed", {"x": "tides"})

    columns = version_columns(base, PRESET, [_version(1), _version(3)])

    assert [c.label for c in columns] == ["Summary v1", "Summary v3"]
    first, third = (c.spec for c in columns)
    assert (first.model, first.system_prompt, first.user_prompt) == (
        "m-now",
        "sys 1",
        "user 1 {{x}}",
    )
    assert first.response_format == "json_object"
    assert third.rendered().user_prompt == "user 3 tides"
    assert [(s.preset_name, s.preset_id, s.preset_version) for s in (first, third)] == [
        ("Summary", "abc123", 1),
        ("Summary", "abc123", 3),
    ]
    assert first.input_limit == 4096


def test_a_chosen_model_is_used_by_every_column_and_limits_stay_with_their_model() -> None:
    versions = [_version(1, model="m-old", limit=1000), _version(2, model="m-other", limit=2000)]

    columns = version_columns(PromptSpec("x"), PRESET, versions, model=" m-other ")

    assert {c.spec.model for c in columns} == {"m-other"}
    assert [c.spec.input_limit for c in columns] == [None, 2000]


@pytest.mark.parametrize("numbers", [[1], [1, 1], [1, 2, 3, 4, 5, 6, 7]])
def test_two_to_six_different_versions(numbers: list[int]) -> None:
    with pytest.raises(CompareError, match="Compare 2 to 6 different versions"):
        version_columns(PromptSpec("x"), PRESET, [_version(n) for n in numbers])


def test_a_preset_without_a_model_needs_one_chosen() -> None:
    nameless = dataclasses.replace(PRESET, model=" ")

    with pytest.raises(CompareError, match="has no model"):
        version_columns(PromptSpec(""), nameless, [_version(1), _version(2)])
    assert len(version_columns(PromptSpec(""), nameless, [_version(1), _version(2)], "m")) == 2
