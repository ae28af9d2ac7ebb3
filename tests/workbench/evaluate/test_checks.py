"""Checks: promptfoo's syntax read strictly, every kind judged both ways, and always bounded."""

from __future__ import annotations

import random
import time

import pytest

from zerogpu_desktop.workbench.evaluate import checks
from zerogpu_desktop.workbench.evaluate.checks import (
    CHECK_TIME_LIMIT_SECONDS,
    AnswerFacts,
    CheckSyntaxError,
    judge,
    judge_all,
    parse_check,
)
from zerogpu_desktop.workbench.evaluate.levenshtein import edit_distance_at_most
from zerogpu_desktop.workbench.evaluate.types import CheckOutcome

TIMED_OUT = "Check timed out after 1 s."


def verdict(check: str, answer: str, tokens: int | None = 7, latency: float | None = 0.5) -> str:
    """ "" when the check passes on the answer, else the reason it fails."""
    outcome = judge(parse_check(check), AnswerFacts(answer, tokens, latency))
    assert outcome.check == check
    assert outcome.passed == (outcome.reason == "")
    return outcome.reason


def syntax_error(check: str) -> str:
    with pytest.raises(CheckSyntaxError) as raised:
        parse_check(check)
    message = str(raised.value)
    assert message[0].isupper(), message
    assert message.endswith("."), message
    return message


@pytest.mark.parametrize(
    ("check", "passing", "failing", "why"),
    [
        ("contains:Paris", "It is Paris.", "It is Lyon.", 'does not contain "Paris".'),
        ("icontains:PARIS", "paris", "lyon", 'does not contain "PARIS" (ignoring case).'),
        ("contains-any:Rome, Oslo,,", "Oslo", "Nice", 'contains none of "Rome" and "Oslo".'),
        ("icontains-any:A,b", "B", "c", 'contains none of "A" and "b" (ignoring case).'),
        ("contains-all:a, b ,c", "c b a", "a only", 'is missing "b" and "c".'),
        ("contains-all:a,b", "b a", "a", 'does not contain "b".'),
        ("icontains-all:A,B", "b a", "a", 'does not contain "B" (ignoring case).'),
        ("starts-with:Yes", "\n Yes, it is.", "No. Yes.", 'does not start with "Yes".'),
        (r"regex:^\d+-\d$", "55-1", "55-12", r'does not match the regular expression "^\d+-\d$".'),
        ("is-json", ' {"a": [1, 2.5, null]} ', "{'a': 1}", "is not valid JSON."),
        ("is-json", "42", "NaN", "is not valid JSON."),
        (
            "contains-json",
            'So: {"a": 1}.',
            "So: {a: 1} [x",
            "contains no valid JSON object or array.",
        ),
        ("levenshtein(2):Paris", "Pariss ", "Lyon", 'is 5 edits from "Paris" (at most 2 allowed).'),
        ("levenshtein:kitten", "sitting", "dog", 'is 6 edits from "kitten" (at most 5 allowed).'),
        ("Answer: 42", " Answer: 42\n", "Answer: 43", 'is not exactly "Answer: 42".'),
        ("Paris", "Paris", "paris", 'is not exactly "Paris".'),
        ("equals:  not-sure ", "not-sure", "sure", 'is not exactly "not-sure".'),
        ("equals:python", "python", "Python", 'is not exactly "python".'),
    ],
)
def test_each_check_passes_and_fails(check: str, passing: str, failing: str, why: str) -> None:
    assert verdict(check, passing) == ""
    assert verdict(check, failing) == f"The answer {why}"


@pytest.mark.parametrize(
    ("check", "passing", "failing", "why"),
    [
        ("not-contains:sorry", "Sure.", "I'm sorry.", 'contains "sorry", which it must not.'),
        ("not-icontains:NO", "ok", "No!", 'contains "NO" (ignoring case), which it must not.'),
        ("not-contains-any:x,y", "abc", "y x", 'contains "x" and "y", which it must not.'),
        ("not-icontains-any:X", "a", "x", 'contains "X" (ignoring case), which it must not.'),
        ("not-contains-all:a,b", "a", "a b", 'contains all of "a" and "b", which it must not.'),
        (
            "not-icontains-all:A",
            "b",
            "a",
            'contains all of "A" (ignoring case), which it must not.',
        ),
        ("not-starts-with:No", "Yes", "No way", 'starts with "No", which it must not.'),
        ("not-regex:\\d", "x", "1", 'matches the regular expression "\\d", which it must not.'),
        ("not-is-json", "hello", "[1]", "is valid JSON, which it must not be."),
        ("not-contains-json", "{oops}", 'x ["a"] y', "contains JSON, which it must not."),
        (
            "not-levenshtein(1):Paris",
            "Lyon",
            "Pari",
            'is 1 edit from "Paris"; it must be more than 1.',
        ),
        ("not-equals:Paris", "Lyon", " Paris ", 'is exactly "Paris", which it must not be.'),
    ],
)
def test_each_check_negated(check: str, passing: str, failing: str, why: str) -> None:
    assert verdict(check, passing) == ""
    assert verdict(check, failing) == f"The answer {why}"


@pytest.mark.parametrize(
    ("check", "tokens", "latency", "reason"),
    [
        ("max-output-tokens:100", 100, 0.1, ""),
        ("max-output-tokens:100", 1_250, 0.1, "Used 1,250 output tokens; the limit is 100."),
        ("max-output-tokens(0)", 1, 0.1, "Used 1 output token; the limit is 0."),
        ("max-output-tokens:5", None, 0.1, "Usage unknown: the server reported no output tokens."),
        ("latency:1500", 1, 1.5, ""),
        ("latency(700)", 1, 0.7, ""),
        ("latency:1500", 1, 1.85, "Took 1,850 ms; the limit is 1,500 ms."),
        ("latency(1500)", 1, None, "Latency unknown: no time was measured for this answer."),
    ],
)
def test_usage_and_latency(
    check: str, tokens: int | None, latency: float | None, reason: str
) -> None:
    assert verdict(check, "any answer", tokens, latency) == reason


@pytest.mark.parametrize(
    ("check", "named"),
    [
        ("llm-rubric:Is polite", "llm-rubric"),
        ("not-llm-rubric:Is rude", "llm-rubric"),
        ("model-graded-closedqa:Mentions Paris", "model-graded-closedqa"),
        ("similar(0.8):The capital is Paris", "similar"),
        ("not-similar:Lyon", "similar"),
        ("javascript:output.length < 100", "javascript"),
        ("python:len(output) < 100", "python"),
        ("file://checks/grade.py", "file://"),
        ("grade:Is it correct?", "grade"),
        ("fn:output.includes('x')", "fn"),
        ("rouge-n(0.5):Paris is the capital", "rouge-n"),
        ("cost(0.01)", "cost"),
        ("moderation", "moderation"),
        ("not-is-xml", "is-xml"),
        ("is-valid-openai-tools-call", "is-valid-openai-tools-call"),
        ("perplexity-score(0.5)", "perplexity-score"),
        ("trajectory:tool-used:search", "trajectory"),
        ("factuality:Paris is in France", "factuality"),
    ],
)
def test_promptfoo_checks_that_need_a_model_or_code_are_refused(check: str, named: str) -> None:
    message = syntax_error(check)
    assert message.startswith(f'The "{named}" check is not supported: ZeroGPU Desktop runs only')


def test_a_bare_refused_name_says_how_to_expect_it_as_text() -> None:
    assert syntax_error("human").endswith('to expect this exact text, write "equals:human".')
    assert verdict("equals:human", "human") == ""


@pytest.mark.parametrize(
    ("check", "message"),
    [
        ("", "The check is empty."),
        ("   \n ", "The check is empty."),
        ("contains:", 'The check "contains:" has nothing to look for; write it after the colon'),
        ("regex", "has nothing to look for"),
        ("levenshtein(x):Paris", "needs a whole number of edits from 0 to 1,000"),
        ("levenshtein(1001):Paris", "needs a whole number of edits from 0 to 1,000"),
        ("levenshtein(2.5):Paris", "needs a whole number of edits"),
        ("levenshtein(3:Paris", "has a ( with no )"),
        ("levenshtein(3)Paris", 'needs a ":" right after the ")"'),
        ("contains(3):Paris", "takes no number in parentheses"),
        ("latency:fast", "needs a whole number of milliseconds from 0 to 1,000,000,000"),
        ("latency:1_500", "needs a whole number of milliseconds"),
        ("latency:1,500", "needs a whole number of milliseconds"),
        ("latency(1500):2000", "needs a whole number of milliseconds"),
        ("latency", "needs a whole number of milliseconds"),
        ("max-output-tokens:-1", "needs a whole number of tokens"),
        ("max-output-tokens:1000000001", "allows more than 1,000,000,000 tokens"),
        ("not-latency:100", 'The check "not-latency:100" cannot be negated'),
        ('is-json:{"type": "object"}', "gives a JSON schema, which is not supported"),
        ("contains-any: , ,", "lists no values"),
        ("contains-all:" + "x," * 1001, "lists 1,001 values; the limit is 1,000"),
        ("regex:a(b", 'The regular expression "a(b" is not valid: missing ) at position 3.'),
        ("regex:[z-a]", "is not valid: bad character range"),
        ("regex:" + "a" * 10_001, "is 10,001 characters long; the limit is 10,000"),
        ("regex:(?:(?:a{1000}){1000}){1000}", "repeat counts multiply out to more than 100,000"),
        ("regex:\\d{999999,1000000}", "repeat counts multiply out"),
        ("regex:" + "(" * 101 + ")" * 101, "nests groups more than 100 deep"),
        ("regex:(?x)a  # spaced", "verbose flag"),
        ("regex:[[:alpha:]]", "POSIX classes"),
        ("not-foo:x", 'The check "not-foo:x" is not a known check'),
        ("not-Paris", 'or write "equals:not-Paris" to expect that exact text.'),
        ("not-", "is not a known check"),
        ("x" * (1024 * 1024 + 1), "characters long; the limit is 1,048,576."),
    ],
)
def test_syntax_errors_are_one_sentence_about_the_check(check: str, message: str) -> None:
    assert message in syntax_error(check)


@pytest.mark.parametrize(
    "pattern",
    [
        r"[A-Z]{2}\d{6}",
        r"\p{L}{3,}",
        r"\N{GRINNING FACE}{2}",
        r"(?i)^(yes|no)\b",
        r"a{1,100000}",
        r"[)]{3}",
    ],
)
def test_ordinary_patterns_compile(pattern: str) -> None:
    assert verdict(f"regex:{pattern}", "12") != ""


@pytest.mark.parametrize(
    "pattern",
    [
        r"(?:(?:a{1000})[)]){1000}",  # a ")" in a set closes no group
        r"(?:(?:a{1000})\)){1000}",  # nor does an escaped one
        r"(?:(?#)(?:a{1000})){1000}",  # nor one that ends a comment
        r"(?:[\]](?:\p{L}{1000})){1000}",
    ],
)
def test_repeats_behind_sets_escapes_and_comments_are_counted(pattern: str) -> None:
    assert "repeat counts multiply out" in syntax_error(f"regex:{pattern}")


def test_equals_takes_any_other_text_and_keeps_the_check_as_written() -> None:
    written = "  Answer: 42 (final)  "
    check = parse_check(written)
    assert check.text == written
    assert judge_all(
        [check, parse_check("contains:42")], AnswerFacts("Answer: 42 (final)", 1, 1.0)
    ) == (
        CheckOutcome(written, True, ""),
        CheckOutcome("contains:42", True, ""),
    )
    for text in ("Contains:Paris", "contains Paris", "is-json.", "notes: fine", "file: a.txt"):
        assert verdict(text, text) == ""


def test_the_argument_is_taken_as_written() -> None:
    assert verdict("contains: Paris", "Paris!") == 'The answer does not contain " Paris".'
    assert verdict("contains:a,b", "x a,b y") == ""
    assert verdict("regex:a|b", "b") == ""


def test_javascript_named_groups_work() -> None:
    assert verdict(r"regex:(?<year>\d{4})-(?<month>\d{2})", "Born 1999-04.") == ""
    assert verdict(r"regex:(?<year>\d{4})", "Born in ninety-nine.") != ""
    assert parse_check(r"regex:(?<year>\d{4})").pattern.search("in 2024").group("year") == "2024"


def test_unicode_is_compared_with_casefold_and_by_character() -> None:
    assert verdict("icontains:STRASSE", "Die Straße ist lang.") == ""
    assert verdict("icontains:straße", "DIE STRASSE") == ""
    assert verdict("icontains-all:ÉTÉ,ΣΊΣΥΦΟΣ", "un été avec σίσυφος") == ""
    assert verdict("contains:🙂", "Hello 🙂!") == ""
    assert verdict("contains:🙂", "Hello 🙃!") == 'The answer does not contain "🙂".'
    assert verdict("levenshtein(1):café 🙂", "cafe 🙂") == ""
    assert (
        verdict("levenshtein(0):🙂", "🙃") == 'The answer is 1 edit from "🙂" (at most 0 allowed).'
    )


def test_reasons_quote_at_most_sixty_characters_on_one_line() -> None:
    expected = "line one\nline two " + "x" * 100
    reason = verdict(f"contains:{expected}", "nothing")
    shown = reason.split('"')[1]
    assert len(shown) == 60
    assert shown.startswith("line one\\nline two xx")
    assert shown.endswith("…")
    assert "\n" not in reason
    assert (
        verdict("contains-any:a,b,c,d,e", "z")
        == 'The answer contains none of "a", "b", "c" and 2 more.'
    )


def test_a_fenced_json_answer_is_named() -> None:
    assert verdict("is-json", '```json\n{"a": 1}\n```') == (
        "The answer is not valid JSON (it is inside a ``` code block)."
    )
    assert verdict("contains-json", '```json\n{"a": 1}\n```') == ""


def test_json_checks_do_not_build_or_recurse_without_bound() -> None:
    assert verdict("is-json", "[" * 100_000 + "]" * 100_000) == (
        "The answer's JSON is nested too deeply to check."
    )
    assert verdict("is-json", "[" + "9" * 100_000 + "]") == ""
    crowded = "{x " * (checks.JSON_STARTS_TRIED + 1) + '{"late": true}'
    for check in ("contains-json", "not-contains-json"):
        assert verdict(check, crowded).startswith('The answer has over 300 "{" or "["')
    assert verdict("contains-json", "{x " * 10 + '{"early": true}') == ""


@pytest.mark.parametrize("check", [r"regex:(a|aa)+$", r"not-regex:(a|aa)+$"])
def test_a_catastrophic_pattern_times_out_and_never_passes(check: str) -> None:
    started = time.monotonic()
    assert verdict(check, "a" * 40 + "b") == TIMED_OUT
    assert time.monotonic() - started < 3 * CHECK_TIME_LIMIT_SECONDS + 1


def test_the_classic_nested_quantifier_fails_in_bounded_time() -> None:
    started = time.monotonic()
    assert verdict(r"regex:(a+)+$", "a" * 40 + "b") != ""
    assert time.monotonic() - started < 3


def test_a_long_edit_distance_gives_up_after_the_limit() -> None:
    started = time.monotonic()
    assert verdict("levenshtein(1000):" + "ba" * 100_000, "ab" * 100_000) == TIMED_OUT
    assert time.monotonic() - started < 3 * CHECK_TIME_LIMIT_SECONDS + 1


def test_a_megabyte_answer_against_a_short_value_is_judged_at_once() -> None:
    answer = "Paris " * 200_000
    started = time.monotonic()
    reason = verdict("levenshtein(1000):Paris", answer)
    assert reason == 'The answer is more than 1,000 edits from "Paris" (at most 1,000 allowed).'
    assert verdict("not-levenshtein(3):Paris", answer) == ""
    assert time.monotonic() - started < 1


def test_every_check_on_a_huge_answer_ends_in_about_a_second() -> None:
    answer = "lorem ipsum dolor " * 900_000  # 16 MB
    listed = ",".join(f"word{number}" for number in range(1_000))
    for check in (
        "contains:Paris",
        "icontains:PARIS",
        "not-contains:Paris",
        f"contains-any:{listed}",
        r"regex:\d+",
        "is-json",
        "contains-json",
        "starts-with:lorem",
        "Paris",
    ):
        started = time.monotonic()
        verdict(check, answer)
        assert time.monotonic() - started < 3 * CHECK_TIME_LIMIT_SECONDS, check


def test_a_check_that_breaks_fails_instead_of_raising(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object) -> tuple[bool, str, str]:
        raise KeyError("unexpected")

    monkeypatch.setitem(checks._JUDGES, parse_check("contains:x").kind, broken)
    assert verdict("not-contains:x", "y") == "The check could not be judged on this answer."


def test_the_edit_distance_matches_the_full_table() -> None:
    def full_table(first: str, second: str) -> int:
        previous = list(range(len(second) + 1))
        for row, letter in enumerate(first, start=1):
            current = [row]
            for column, other in enumerate(second, start=1):
                substitution = previous[column - 1] + (letter != other)
                current.append(min(previous[column] + 1, current[-1] + 1, substitution))
            previous = current
        return previous[-1]

    chooser = random.Random(20240517)
    deadline = time.monotonic() + 30
    for _ in range(3_000):
        first = "".join(chooser.choices("ab c", k=chooser.randint(0, 10)))
        second = "".join(chooser.choices("ab c", k=chooser.randint(0, 10)))
        limit = chooser.randint(0, 12)
        distance = full_table(first, second)
        expected = distance if distance <= limit else None
        assert edit_distance_at_most(first, second, limit, deadline) == expected, (first, second)
