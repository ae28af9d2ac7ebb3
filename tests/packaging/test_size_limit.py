"""The frozen build's size check: a goal that warns, a limit that fails CI."""

from __future__ import annotations

import pytest

from tests.packaging.build_and_measure import SIZE_GOAL, SIZE_LIMIT, size_verdict


def test_within_the_goal_passes_silently() -> None:
    assert size_verdict(1.145) == (0, None)


@pytest.mark.parametrize("ratio", [1.151, 1.18, 1.199])
def test_past_the_goal_but_within_the_limit_passes_with_a_warning(ratio: float) -> None:
    status, sentence = size_verdict(ratio)
    assert status == 0
    assert sentence is not None
    assert f"{ratio:.3f}x" in sentence
    assert "goal" in sentence


def test_past_the_limit_fails_and_says_what_to_do() -> None:
    status, sentence = size_verdict(1.201)
    assert status == 1
    assert sentence is not None
    assert "over the 1.20x limit" in sentence
    assert "build.spec" in sentence


def test_the_limit_leaves_room_above_the_goal() -> None:
    assert (SIZE_GOAL, SIZE_LIMIT) == (1.15, 1.20)
