"""The Compare window in a real window, against the loopback server, driven by the keyboard.

Ctrl+Shift+Enter opens it; the models are ticked and added with keys; Ctrl+Enter sends the
prompt to every column at once. A slow column never holds back the others, a failing one says
why in its own column, Esc cancels all, every column is a history run of source "compare",
and a rating with its note lands on that run.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from pytestqt.qtbot import QtBot

from tests.fakeserver import FakeServer
from tests.ui.conftest import MODEL
from tests.ui.helpers import CTRL, focused, type_model, type_user_prompt
from tests.ui.test_accessibility import interactive_widgets, unnamed
from zerogpu_desktop.storage.presets.store import Preset
from zerogpu_desktop.ui.compare_column import CompareColumnView
from zerogpu_desktop.ui.compare_entry import compare_window_of
from zerogpu_desktop.ui.compare_window import CompareWindow
from zerogpu_desktop.ui.main_window import MainWindow
from zerogpu_desktop.ui.variables_dialog import VariablesDialog

SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier
SLOW = "scenario:slow"
FAILING = "scenario:status-503"
RUN_TIMEOUT_MS = 15_000


def open_compare(qtbot: QtBot, window: MainWindow) -> CompareWindow:
    """Ctrl+Shift+Enter from the prompt: the Compare window, in front, keyboard on its mode."""
    qtbot.keyClick(focused(window), Qt.Key.Key_Return, CTRL | SHIFT)
    compare = window.compare_window
    assert compare is not None
    qtbot.waitExposed(compare)
    qtbot.waitUntil(compare.isActiveWindow, timeout=3000)
    qtbot.waitUntil(lambda: compare.focusWidget() is compare.setup.mode_combo, timeout=3000)
    return compare


def add_model(qtbot: QtBot, compare: CompareWindow, model: str) -> None:
    add = compare.setup.models_chooser.add_edit
    add.setFocus()
    qtbot.keyClicks(add, model)
    qtbot.keyClick(add, Qt.Key.Key_Return)


def wait_done(qtbot: QtBot, compare: CompareWindow) -> None:
    qtbot.waitUntil(lambda: not compare.bridge.is_running, timeout=RUN_TIMEOUT_MS)
    assert compare.columns, compare.status_label.text()
    qtbot.waitUntil(
        lambda: all(view.history_id is not None for view in compare.columns),
        timeout=RUN_TIMEOUT_MS,
    )


def test_three_models_side_by_side_a_slow_and_a_failing_column(
    qtbot: QtBot, window: MainWindow, server: FakeServer
) -> None:
    type_model(qtbot, window, MODEL)
    type_user_prompt(qtbot, window, "Name a river.")
    compare = open_compare(qtbot, window)
    assert compare.accessibleName() == "Compare"
    add_model(qtbot, compare, SLOW)
    add_model(qtbot, compare, FAILING)
    assert compare.setup.models_chooser.models() == (MODEL, SLOW, FAILING)

    started = time.monotonic()
    qtbot.keyClick(compare.focusWidget(), Qt.Key.Key_Return, CTRL)
    labels = [view.label for view in compare.columns]
    assert labels == [MODEL, SLOW, FAILING], compare.status_label.text()
    fast, slow, failing = compare.columns
    qtbot.waitUntil(lambda: fast.answer is not None, timeout=RUN_TIMEOUT_MS)
    assert slow.answer is None  # the slow column is still waiting; the fast one is shown
    assert slow.state.text().startswith(f"Waiting for {SLOW}…")
    qtbot.waitUntil(lambda: failing.state.text() != "" and failing.answer is None)
    wait_done(qtbot, compare)
    assert time.monotonic() - started < 4.0  # 2 s for the slow one, in parallel
    assert fast.answer == "Echo: Name a river."
    assert fast.browser.toPlainText() == "Echo: Name a river."
    assert fast.figures.text().startswith("In ")
    assert " tokens · " in fast.figures.text()
    assert "truncat" in fast.figures.text().lower()
    assert slow.answer == "Echo: Name a river."
    assert failing.answer is None
    assert "503" in failing.state.text() or "server" in failing.state.text().lower()
    assert compare.status_label.text() == "2 of 3 columns answered; 1 did not (each says why)."
    assert sorted(request.json["model"] for request in server.requests) == sorted(
        [MODEL, SLOW, FAILING]
    )
    store = window.session.history.store
    assert store is not None
    runs = store.page(0, 10, batch_runs=True)
    assert sorted(run.source for run in runs) == ["compare"] * 3
    assert unnamed(interactive_widgets(compare)) == []
    # What a screen reader gets (Qt's accessibility interface is what AT-SPI serves).
    figures = QAccessible.queryAccessibleInterface(fast.figures)
    assert figures.text(QAccessible.Text.Name) == f"Figures of {MODEL}"
    spoken = figures.text(QAccessible.Text.Description)
    assert spoken.startswith("In ")
    assert "tokens" in spoken
    assert "truncat" in spoken.lower()
    state = QAccessible.queryAccessibleInterface(failing.state)
    assert state.text(QAccessible.Text.Description) == failing.state.text()


def test_esc_cancels_every_column_and_each_is_recorded(
    qtbot: QtBot, window: MainWindow, server: FakeServer
) -> None:
    type_user_prompt(qtbot, window, "Wait for it.")
    compare = open_compare(qtbot, window)
    compare.setup.models_chooser.set_models((SLOW, MODEL))
    compare.run()
    qtbot.waitUntil(lambda: compare.columns[1].answer is not None, timeout=RUN_TIMEOUT_MS)
    assert compare.bridge.is_running
    qtbot.keyClick(compare.focusWidget() or compare, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not compare.bridge.is_running, timeout=5000)
    slow = compare.columns[0]
    assert slow.answer is None
    assert "cancel" in slow.state.text().lower()
    qtbot.waitUntil(lambda: slow.history_id is not None, timeout=5000)
    store = window.session.history.store
    assert store is not None
    record = store.get(slow.history_id or 0)
    assert record is not None
    assert record.source == "compare"
    assert record.error_title is not None
    assert compare.isVisible()  # Esc cancelled; a second Esc closes the window
    qtbot.keyClick(compare.focusWidget() or compare, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not compare.isVisible(), timeout=3000)


def test_rating_a_column_stores_it_on_the_run_and_history_finds_the_note(
    qtbot: QtBot, window: MainWindow, server: FakeServer
) -> None:
    type_user_prompt(qtbot, window, "Rate me.")
    compare = open_compare(qtbot, window)
    compare.setup.models_chooser.set_models((MODEL, "acme/second"))
    compare.run()
    wait_done(qtbot, compare)
    first, second = compare.columns
    first.good_button.setFocus()
    qtbot.keyClick(first.good_button, Qt.Key.Key_Space)
    second.note_edit.setFocus()
    qtbot.keyClicks(second.note_edit, "rambles about otters")
    qtbot.keyClick(second.bad_button, Qt.Key.Key_Space)
    store = window.session.history.store
    assert store is not None

    def stored() -> None:
        good = store.get(first.history_id or 0)
        bad = store.get(second.history_id or 0)
        assert good is not None
        assert good.rating == "good"
        assert bad is not None
        assert bad.rating == "bad"
        assert bad.rating_note == "rambles about otters"

    qtbot.waitUntil(stored, timeout=5000)
    found = store.page(0, 10, "otters", batch_runs=True)
    assert [run.id for run in found] == [second.history_id]
    assert [run.id for run in store.page(0, 10, batch_runs=True, rating="good")] == [
        first.history_id
    ]
    # Pressing Good again clears the rating.
    qtbot.keyClick(first.good_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: (store.get(first.history_id or 0) or first).rating is None)


def test_use_this_model_puts_the_columns_model_in_the_window(
    qtbot: QtBot, window: MainWindow, server: FakeServer
) -> None:
    type_model(qtbot, window, MODEL)
    type_user_prompt(qtbot, window, "Which one?")
    compare = open_compare(qtbot, window)
    add_model(qtbot, compare, "acme/better")
    compare.run()
    wait_done(qtbot, compare)
    better = compare.columns[1]
    better.use_button.setFocus()
    qtbot.keyClick(better.use_button, Qt.Key.Key_Space)
    assert window.model_picker.model() == "acme/better"
    assert "acme/better" in compare.status_label.text()


def test_different_only_folds_what_every_answer_shares(
    qtbot: QtBot, window: MainWindow, server: FakeServer
) -> None:
    type_user_prompt(qtbot, window, "Same for all.")
    compare = open_compare(qtbot, window)
    compare.setup.models_chooser.set_models((MODEL, "acme/twin"))
    compare.run()
    wait_done(qtbot, compare)
    first, second = compare.columns
    qtbot.waitUntil(lambda: first.browser.toPlainText() == "Echo: Same for all.")
    compare.different_check.setChecked(True)
    qtbot.waitUntil(lambda: first.browser.toPlainText() == "" == second.browser.toPlainText())
    assert "1 paragraph shared by every answer folded" in first.browser.accessibleDescription()
    compare.different_check.setChecked(False)
    qtbot.waitUntil(lambda: second.browser.toPlainText() == "Echo: Same for all.")


def test_ctrl_shift_enter_in_the_evaluate_panel_runs_the_evaluation_not_compare(
    qtbot: QtBot, window: MainWindow
) -> None:
    qtbot.keyClick(focused(window), Qt.Key.Key_E, CTRL)
    panel = window.evaluate
    assert panel is not None
    qtbot.waitUntil(lambda: focused(window) is panel.setup.prompt_combo, timeout=3000)
    qtbot.keyClick(focused(window), Qt.Key.Key_Return, CTRL | SHIFT)
    assert window.compare_window is None  # the key stayed with the panel
    assert panel.message_label.text() != ""  # no dataset yet: the panel said so
    assert QApplication.activeWindow() is window


def test_two_versions_of_a_preset_side_by_side_with_the_changed_words_marked(
    qtbot: QtBot, window: MainWindow, server: FakeServer
) -> None:
    presets = window.attach_library().preset_store
    presets.save(Preset("Trip", MODEL, "", "Tell me about {{city}} in spring."))
    presets.save(Preset("Trip", MODEL, "", "Tell me about {{city}} in winter."))
    presets.remember_variables("Trip", {"city": "Oslo"})
    compare_window_of(window, window).compare_versions("Trip", [1, 2])
    compare = window.compare_window
    assert compare is not None
    dialog = wait_for_variables(qtbot)
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    ok.click()
    wait_done(qtbot, compare)
    assert len(compare.columns) == 2, compare.status_label.text()
    old, new = compare.columns
    assert (old.label, new.label) == ("Trip v1", "Trip v2")
    assert old.answer == "Echo: Tell me about Oslo in spring."
    assert new.answer == "Echo: Tell me about Oslo in winter."
    assert [request.json["model"] for request in server.requests] == [MODEL, MODEL]

    compare.mark_check.setChecked(True)
    qtbot.waitUntil(lambda: "1 changed passage marked" in new.browser.accessibleDescription())
    assert marked_words(old) == ["spring"]
    assert marked_words(new) == ["winter"]
    store = window.session.history.store
    assert store is not None
    versions = sorted(
        (record.preset_name, record.preset_version)
        for view in (old, new)
        if (record := store.get(view.history_id or 0)) is not None
    )
    assert versions == [("Trip", 1), ("Trip", 2)]


def wait_for_variables(qtbot: QtBot) -> VariablesDialog:
    found: list[VariablesDialog] = []

    def shown() -> None:
        dialogs = [
            widget
            for widget in QApplication.topLevelWidgets()
            if isinstance(widget, VariablesDialog) and widget.isVisible()
        ]
        assert dialogs
        found[:] = dialogs

    qtbot.waitUntil(shown, timeout=3000)
    return found[0]


def marked_words(view: CompareColumnView) -> list[str]:
    """The runs of text the column shows underlined (the changed words' mark)."""
    words: list[str] = []
    block = view.browser.document().begin()
    while block.isValid():
        iterator = block.begin()
        while not iterator.atEnd():
            fragment = iterator.fragment()
            if fragment.charFormat().fontUnderline():
                words.append(fragment.text())
            iterator += 1
        block = block.next()
    return words


def test_the_presets_panels_compare_answers_opens_compare_with_those_versions(
    qtbot: QtBot, window: MainWindow, server: FakeServer
) -> None:
    library = window.attach_library()
    library.preset_store.save(Preset("Tone", MODEL, "Be kind.", "Greet me."))
    library.preset_store.save(Preset("Tone", MODEL, "Be curt.", "Greet me."))
    library.presets.refresh(select="Tone")
    library.presets.compare_versions_requested.emit("Tone", [1, 2])
    compare = window.compare_window
    assert compare is not None
    qtbot.waitUntil(lambda: len(compare.columns) == 2, timeout=5000)
    wait_done(qtbot, compare)
    assert [view.label for view in compare.columns] == ["Tone v1", "Tone v2"]
    systems = sorted(request.json["input"][0]["content"] for request in server.requests)
    assert systems == ["Be curt.", "Be kind."]


def test_restoring_the_loaded_presets_version_puts_it_in_the_editors(
    qtbot: QtBot, window: MainWindow
) -> None:
    library = window.attach_library()
    store = library.preset_store
    store.save(Preset("Tone", MODEL, "Be kind.", "Greet me."))
    latest = store.save(Preset("Tone", MODEL, "Be curt.", "Greet me."))
    library.load_preset(latest)
    assert window.system_editor.text() == "Be curt."
    library.presets.refresh(select="Tone")
    view = library.presets.versions
    qtbot.waitUntil(lambda: view.list.count() == 2, timeout=3000)
    view.list.setCurrentRow(view.list.count() - 1)  # v1, the oldest, is last
    view.restore_selected()
    assert window.system_editor.text() == "Be kind."
    assert not library.has_unsaved_changes()
    loaded = library.loaded_preset
    assert loaded is not None
    assert loaded.version == 3
