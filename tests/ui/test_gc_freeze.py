"""Once start-up has settled, what is alive is frozen, so an oldest-generation collection on
the GUI thread no longer walks the app's modules and widgets (about 100 ms after a large
evaluation, against a 50 ms stall budget)."""

from __future__ import annotations

import gc

import pytest
from pytestqt.qtbot import QtBot

from zerogpu_desktop.ui import gc_guard


def test_what_start_up_left_alive_is_frozen_after_it_settles(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gc_guard, "FREEZE_AFTER_MS", 20)
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    collector = gc_guard.GuiThreadGarbageCollector()
    try:
        assert not gc.isenabled()
        qtbot.waitUntil(lambda: gc.get_freeze_count() > 1000, timeout=2000)
    finally:
        collector.stop()
        gc.unfreeze()
