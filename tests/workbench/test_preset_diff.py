"""The field diff the window and `presets diff` share: every field, labelled, as text."""

from __future__ import annotations

import dataclasses

from zerogpu_desktop.storage.presets.versions import PresetVersion
from zerogpu_desktop.workbench.preset_diff import DIFF_FIELDS, field_diffs, unified_diff_text

OLD = PresetVersion(
    number=1,
    created=1.0,
    name="Summary",
    model="m",
    system_prompt="You are terse.\nNo lists.",
    user_prompt="Summarise {{x}}",
    input_token_limit=None,
    response_format="text",
)


def test_every_field_is_listed_in_order_with_its_label() -> None:
    new = dataclasses.replace(OLD, number=2, model="m2", input_token_limit=8192)

    diffs = field_diffs(OLD, new)

    assert [(d.attribute, d.label) for d in diffs] == list(DIFF_FIELDS)
    assert [d.label for d in diffs if d.changed] == ["Model", "Input limit"]
    limit = diffs[3]
    assert (limit.old, limit.new) == ("", "8192")  # an unknown limit is shown as empty


def test_the_unified_diff_shows_each_changed_field_under_its_label() -> None:
    new = dataclasses.replace(OLD, number=3, system_prompt="You are terse.\nUse lists.")

    text = unified_diff_text("Summary", OLD, new)

    assert text == (
        "=== System prompt ===\n"
        "--- Summary v1 System prompt\n"
        "+++ Summary v3 System prompt\n"
        "@@ -1,2 +1,2 @@\n"
        " You are terse.\n"
        "-No lists.\n"
        "+Use lists.\n"
    )


def test_an_empty_field_is_diffed_as_empty_text() -> None:
    new = dataclasses.replace(OLD, number=2, user_prompt="", response_format="json_object")

    text = unified_diff_text("S", OLD, new)

    assert "=== User prompt ===\n--- S v1 User prompt\n+++ S v2 User prompt\n" in text
    assert "@@ -1 +0,0 @@\n-Summarise {{x}}\n" in text
    assert "=== Format ===" in text
    assert "=== Model ===" not in text


def test_equal_versions_say_so() -> None:
    same = dataclasses.replace(OLD, number=4, name="Renamed", created=9.0, restored_from=1)

    assert unified_diff_text("Summary", OLD, same).startswith("No differences.")
    assert not any(d.changed for d in field_diffs(OLD, same))


def test_a_difference_in_line_breaks_only_is_still_shown() -> None:
    new = dataclasses.replace(OLD, number=2, user_prompt="Summarise {{x}}\n")

    text = unified_diff_text("Summary", OLD, new)

    assert "=== User prompt ===" in text
    assert "only the line breaks differ" in text
