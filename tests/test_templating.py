"""Prompt variables: filled, missing, escaped, repeated, odd spacing, unicode, not-a-placeholder."""

from __future__ import annotations

import pytest

from zerogpu_desktop.templating import (
    MissingVariablesError,
    find_variables,
    missing_variables,
    render,
)


def test_filled_variables_are_substituted() -> None:
    text = "Write about {{topic}} in a {{tone}} tone."

    assert render(text, {"topic": "tides", "tone": "calm"}) == "Write about tides in a calm tone."


def test_missing_variables_block_rendering_and_are_all_named_in_order() -> None:
    text = "{{topic}} / {{tone}} / {{audience}}"

    with pytest.raises(MissingVariablesError) as caught:
        render(text, {"audience": "kids"})

    assert caught.value.names == ("topic", "tone")
    assert str(caught.value) == "Fill in the variables: topic, tone"


def test_an_explicit_empty_value_counts_as_filled() -> None:
    assert render("a{{x}}b", {"x": ""}) == "ab"
    assert missing_variables({"x": ""}, "{{x}}") == []


def test_extra_values_are_ignored() -> None:
    assert render("{{a}}", {"a": "1", "unused": "2"}) == "1"


def test_escaped_placeholder_is_literal_and_not_a_variable() -> None:
    text = r"Jinja uses \{{name}} syntax; fill {{name}}."

    assert find_variables(text) == ["name"]
    assert render(text, {"name": "Ada"}) == "Jinja uses {{name}} syntax; fill Ada."


def test_escaped_braces_that_are_not_a_placeholder_become_plain_braces() -> None:
    assert render(r"\{{ and \{{}} and \{{ x }}", {}) == "{{ and {{}} and {{ x }}"


def test_double_backslash_is_a_literal_backslash_before_a_placeholder() -> None:
    assert render(r"C:\\{{dir}}", {"dir": "temp"}) == "C:\\temp"
    assert render(r"\\\{{dir}}", {"dir": "temp"}) == "\\{{dir}}"


def test_backslashes_elsewhere_are_ordinary_text() -> None:
    text = r"a\nb \\ c\{ d\} {{x}}"

    assert render(text, {"x": "1"}) == r"a\nb \\ c\{ d\} 1"


def test_text_without_braces_is_returned_unchanged() -> None:
    text = "No variables here \\{ \\\\ }} {"

    assert render(text, {}) == text
    assert find_variables(text) == []


def test_repeated_variables_are_listed_once_and_all_filled() -> None:
    text = "{{x}} and {{ x }} and {{y}} and {{x}}"

    assert find_variables(text) == ["x", "y"]
    assert render(text, {"x": "1", "y": "2"}) == "1 and 1 and 2 and 1"


def test_variables_across_texts_are_unique_in_first_appearance_order() -> None:
    system = "You write for {{audience}}."
    user = "Explain {{topic}} to {{audience}} in {{language}}."

    assert find_variables(system, user) == ["audience", "topic", "language"]
    assert missing_variables({"topic": "t"}, system, user) == ["audience", "language"]


def test_spaces_and_tabs_inside_braces_are_allowed() -> None:
    assert find_variables("{{ a }} {{\tb\t}} {{c }} {{  d}}") == ["a", "b", "c", "d"]


def test_names_may_hold_digits_underscore_dash_and_dot() -> None:
    text = "{{user.name}} {{tone-2}} {{_x9}} {{3}}"

    assert find_variables(text) == ["user.name", "tone-2", "_x9", "3"]


def test_unicode_names_and_values() -> None:
    text = "{{città}}: {{名前}} 👋"

    assert find_variables(text) == ["città", "名前"]
    assert render(text, {"città": "Zürich", "名前": "太郎 😀\u200d"}) == "Zürich: 太郎 😀\u200d 👋"


@pytest.mark.parametrize(
    "text",
    [
        "{{}}",
        "{{ two words }}",
        "{{name",
        "{{name}",
        "{ {name}}",
        "{{na\nme}}",
        "{{\nname\n}}",
        "{{na$me}}",
        '{"json": {"nested": 1}}',
        "}} {{",
    ],
)
def test_invalid_placeholders_stay_literal(text: str) -> None:
    assert find_variables(text) == []
    assert render(text, {}) == text


def test_triple_braces_keep_the_outer_brace() -> None:
    assert render("{{{x}}}", {"x": "1"}) == "{1}"


def test_values_are_inserted_verbatim_and_never_expanded_again() -> None:
    values = {"a": "{{b}}", "b": "never", "c": r"\{{b}} and \\"}

    assert render("{{a}} {{c}}", values) == r"{{b}} \{{b}} and \\"


def test_error_is_a_value_error_so_generic_handlers_catch_it() -> None:
    with pytest.raises(ValueError, match="Fill in the variables: x"):
        render("{{x}}", {})
