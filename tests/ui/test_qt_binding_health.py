"""The Qt binding must not leak or drop references on every signal: the app lives on signals.

PySide6 6.12.0 on CPython 3.11 (where None and True are not immortal) drops
one reference to True on every ``Signal.emit()`` and one to None on every
call of a Python slot from C++. After a few thousand keystrokes, timer ticks
or sends the interpreter aborts with "Fatal Python error: none_dealloc" (or
"bool_dealloc"). 6.11.3 is fine. This test fails with a clear message instead
of the whole test run aborting somewhere else later.
"""

from __future__ import annotations

import sys

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QPushButton

#: Few enough that a broken binding cannot exhaust None's or True's references here.
CALLS = 50


class _Emitter(QObject):
    fired = Signal(bool)


def test_emitting_a_signal_keeps_references_balanced(qapp: object) -> None:
    emitter = _Emitter()
    received: list[bool] = []
    emitter.fired.connect(received.append)
    before = sys.getrefcount(True), sys.getrefcount(False)
    for _ in range(CALLS):
        emitter.fired.emit(True)
    received.clear()
    after = sys.getrefcount(True), sys.getrefcount(False)
    assert after == before, (
        f"PySide6 {pyside_version}: Signal.emit() changed the reference counts of "
        f"True/False by {after[0] - before[0]}/{after[1] - before[1]} over {CALLS} emits; "
        "the app will abort with 'Fatal Python error: bool_dealloc'. "
        "Use a PySide6 release without this bug (6.11.x works)."
    )


def test_calling_a_python_slot_keeps_references_balanced(qapp: object) -> None:
    button = QPushButton()
    calls: list[None] = []
    button.clicked.connect(lambda: calls.append(None))
    before = sys.getrefcount(None)
    for _ in range(CALLS):
        button.click()
    calls.clear()
    after = sys.getrefcount(None)
    assert after >= before, (
        f"PySide6 {pyside_version}: calling a Python slot from Qt dropped {before - after} "
        f"references to None over {CALLS} calls; the app will abort with "
        "'Fatal Python error: none_dealloc' after a few thousand keystrokes. "
        "Use a PySide6 release without this bug (6.11.x works)."
    )
