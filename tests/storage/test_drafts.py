"""The unsent prompt survives restarts, whatever text it holds."""

from __future__ import annotations

import json
from pathlib import Path

from zerogpu_desktop.storage import Draft, DraftStore

UNICODE = 'Grüße, 世界! שלום 👩‍💻 e\u0301 \t tabs\r\nCRLF and \\ backslash "quotes" \u2028 end'


def test_missing_draft_is_empty(tmp_path: Path) -> None:
    loaded = DraftStore(tmp_path).read()

    assert loaded.value == Draft()
    assert loaded.problem is None


def test_unicode_round_trip(tmp_path: Path) -> None:
    draft = Draft(model="m-ü", system_prompt=UNICODE, user_prompt=UNICODE[::-1])

    DraftStore(tmp_path).save(draft)

    assert DraftStore(tmp_path).load() == draft


def test_large_drafts_round_trip(tmp_path: Path) -> None:
    big = (UNICODE + "\n") * (300_000 // len(UNICODE))
    assert len(big.encode("utf-8")) > 300_000
    draft = Draft(model="m", system_prompt=big[:1000], user_prompt=big)

    assert DraftStore(tmp_path).save(draft)

    assert DraftStore(tmp_path).load() == draft


def test_unchanged_draft_is_not_rewritten(tmp_path: Path) -> None:
    store = DraftStore(tmp_path)
    draft = Draft(model="m", user_prompt="hello")

    assert store.save(draft) is True
    assert store.save(draft) is False
    assert store.save(Draft(model="m", user_prompt="hello!")) is True


def test_loaded_draft_counts_as_written(tmp_path: Path) -> None:
    DraftStore(tmp_path).save(Draft(user_prompt="x"))
    store = DraftStore(tmp_path)

    draft = store.load()

    assert store.save(draft) is False


def test_draft_deleted_behind_our_back_is_written_again(tmp_path: Path) -> None:
    store = DraftStore(tmp_path)
    draft = Draft(user_prompt="x")
    store.save(draft)
    (tmp_path / "draft.json").unlink()

    assert store.save(draft) is True
    assert DraftStore(tmp_path).load() == draft


def test_wrong_types_fall_back_per_field(tmp_path: Path) -> None:
    (tmp_path / "draft.json").write_text(
        json.dumps({"model": 3, "system_prompt": "sys", "user_prompt": ["a"]}), encoding="utf-8"
    )

    assert DraftStore(tmp_path).load() == Draft(system_prompt="sys")


def test_corrupt_draft_is_quarantined_with_its_text_kept(tmp_path: Path) -> None:
    broken = '{"user_prompt": "a long prompt the user typed'
    (tmp_path / "draft.json").write_text(broken, encoding="utf-8")
    store = DraftStore(tmp_path)

    loaded = store.read()

    assert loaded.value == Draft()
    assert loaded.problem is not None
    assert "draft file" in loaded.problem
    (kept,) = tmp_path.glob("draft.json.corrupt-*")
    assert kept.read_text(encoding="utf-8") == broken


def test_read_returns_the_saved_draft_and_still_skips_an_unchanged_save(tmp_path: Path) -> None:
    DraftStore(tmp_path).save(Draft("m", "s", "u"))
    store = DraftStore(tmp_path)

    loaded = store.read()

    assert loaded.value == Draft("m", "s", "u")
    assert loaded.problem is None
    assert store.save(Draft("m", "s", "u")) is False  # what was read counts as written
