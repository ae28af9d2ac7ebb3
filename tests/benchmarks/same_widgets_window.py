"""The start-up floor: the app's first frame rebuilt in plain PySide6, with no app code.

    python tests/benchmarks/bare_window.py --same-widgets [--qasync]

The bare QMainWindow is the issue's baseline, but it paints no text and creates
no Qt enums. This script builds the widgets the app's first frame shows — menu
bar and shortcuts, model row, two prompt editors in a vertical splitter, the
output view, the status bar and three tabbed docks — straight from PySide6, so
what it costs over the bare window is what PySide6 itself charges for this
window. bench_startup and bench_memory report it as information: the distance
from here to the app is the app's own code. tests/ui/test_benchmark_replica.py
keeps its widgets the same as the app's first frame.
"""

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDockWidget,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QStatusBar,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

SHORTCUTS = (
    *("Ctrl+Return", "Esc", "Ctrl+Q", "Ctrl+,", "Ctrl+S", "Ctrl+Shift+C", "Ctrl+M", "Ctrl+L"),
    # New prompt and its undo, the three Copy as code, Evaluate, Compare, the shortcuts
    # list, About.
    *("Ctrl+N", "Ctrl+Z", "", "", "", "Ctrl+E", "Ctrl+Shift+Return", "F1", ""),
)


def model_row(parent: QWidget) -> QHBoxLayout:
    row = QHBoxLayout()
    picker = QWidget(parent)
    picker_layout = QHBoxLayout(picker)
    picker_layout.setContentsMargins(0, 0, 0, 0)
    combo = QComboBox(picker)
    combo.setEditable(True)
    picker_layout.addWidget(QLabel("&Model:", picker))
    picker_layout.addWidget(combo, 1)
    picker_layout.addWidget(QLabel("Input &limit:", picker))
    limit = QSpinBox(picker)
    limit.setRange(0, 10_000_000)
    limit.setSpecialValueText("unknown")
    picker_layout.addWidget(limit)
    picker_layout.addWidget(QLabel("F&ormat:", picker))
    response_format = QComboBox(picker)
    response_format.setEditable(True)
    response_format.addItems(["text", "json_object"])
    picker_layout.addWidget(response_format)
    # The app's row is a widget that can wrap the preset label and Settings under the model.
    holder = QWidget(parent)
    holder_layout = QHBoxLayout(holder)
    holder_layout.setContentsMargins(0, 0, 0, 0)
    picker.setParent(holder)
    holder_layout.addWidget(picker, 1)
    beside = QWidget(holder)
    beside_layout = QHBoxLayout(beside)
    beside_layout.setContentsMargins(0, 0, 0, 0)
    beside_layout.addWidget(QLabel("", beside), 1)
    beside_layout.addWidget(QPushButton("Settings…", beside))
    holder_layout.addWidget(beside)
    row.addWidget(holder, 1)
    return row


def prompt(caption: str, placeholder: str, parent: QWidget) -> QWidget:
    box = QWidget(parent)
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(QLabel(caption, box))
    editor = QPlainTextEdit(box)
    editor.setPlaceholderText(placeholder)
    layout.addWidget(editor, 1)
    return box


def output(parent: QWidget) -> QWidget:
    box = QWidget(parent)
    bar = QHBoxLayout()
    bar.addWidget(QLabel("&Output", box))
    bar.addStretch(1)
    bar.addWidget(QCheckBox("Render &Markdown", box))
    bar.addWidget(QPushButton("&Copy all", box))
    bar.addWidget(QPushButton("Sa&ve…", box))
    stack = QStackedWidget(box)
    browser = QTextBrowser(stack)
    browser.setPlaceholderText("The answer appears here. Press Ctrl+Enter to send.")
    stack.addWidget(browser)
    stack.addWidget(QPlainTextEdit(stack))
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addLayout(bar)
    layout.addWidget(stack, 1)
    return box


def build(window: QMainWindow) -> None:
    central = QWidget(window)
    layout = QVBoxLayout(central)
    layout.addLayout(model_row(central))
    banner = QFrame(central)
    banner.hide()
    layout.addWidget(banner)
    prompts = QSplitter(Qt.Orientation.Vertical, central)
    prompts.addWidget(prompt("S&ystem prompt", "Optional: how the model should behave", prompts))
    prompts.addWidget(prompt("&User prompt", "What you want to ask. Ctrl+Enter sends.", prompts))
    left = QWidget(central)
    left_layout = QVBoxLayout(left)
    left_layout.setContentsMargins(0, 0, 0, 0)
    left_layout.addWidget(prompts, 1)
    send_row = QHBoxLayout()
    send_row.addWidget(QLabel("Ctrl+Enter to send · Esc to cancel", left))
    send_row.addStretch(1)
    send_row.addWidget(QPushButton("Send", left))
    left_layout.addLayout(send_row)
    main = QSplitter(Qt.Orientation.Horizontal, central)
    main.addWidget(left)
    main.addWidget(output(main))
    layout.addWidget(main, 1)
    window.setCentralWidget(central)

    status = QStatusBar(window)
    status.addWidget(QLabel("Ready", status), 1)
    for _ in range(3):
        status.addPermanentWidget(QLabel("", status))
    window.setStatusBar(status)

    menus = [window.menuBar().addMenu(name) for name in ("&File", "&Run", "&View")]
    for index, keys in enumerate(SHORTCUTS):
        action = QAction(keys, window)
        action.setShortcut(QKeySequence(keys))
        window.addAction(action)
        menus[index % len(menus)].addAction(action)

    docks = []
    for title in ("Presets", "History", "Usage"):
        dock = QDockWidget(title, window)
        dock.setWidget(QWidget(dock))
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetMovable
        )
        window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
        docks.append(dock)
    window.tabifyDockWidget(docks[0], docks[1])
    window.tabifyDockWidget(docks[1], docks[2])
    docks[0].raise_()
