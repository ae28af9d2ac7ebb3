"""The start-up and memory baselines: a bare PySide6 QMainWindow, nothing else.

    python tests/benchmarks/bare_window.py            # the bare window
    python tests/benchmarks/bare_window.py --qasync   # the same, as any qasync app starts
    python tests/benchmarks/bare_window.py --same-widgets [--qasync]
                                                      # the app's widgets, plain PySide6

Same size as the app's first start (1180 x 760), so both paint the same area.
bench_startup also freezes this script with build.spec (ZEROGPU_FREEZE_BASELINE) to compare
the frozen app with a frozen bare window.

``--qasync`` adds only what every asyncio-on-Qt app with widgets pays before its first
frame: importing asyncio and qasync, creating Qt's ``Qt`` namespace (its enums), and
running the window on a ``qasync.QEventLoop``. It shows how much of the app's figure is
the stack itself rather than the app.

``--same-widgets`` fills the window with the widgets of the app's first frame
(same_widgets_window.py): what PySide6 itself charges for that window.
"""

import sys

from PySide6.QtWidgets import QApplication, QMainWindow

TITLE = "Bare PySide6 window"


def main() -> int:
    with_qasync = "--qasync" in sys.argv[1:]
    same_widgets = "--same-widgets" in sys.argv[1:]
    if with_qasync:
        import asyncio

        import qasync
        from PySide6.QtCore import Qt
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setWindowTitle(TITLE)
    if same_widgets:
        from same_widgets_window import build  # this script's folder is on sys.path

        build(window)
    window.resize(1180, 760)
    if not with_qasync:
        window.show()
        return app.exec()
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    window.show()

    async def run() -> None:
        quitting = asyncio.Event()
        app.lastWindowClosed.connect(quitting.set)
        await quitting.wait()

    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        runner.run(run())
    return 0


if __name__ == "__main__":
    sys.exit(main())
