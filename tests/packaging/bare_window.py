"""The baseline for size and start-up: a bare PySide6-Essentials window, nothing else.

tests/packaging/build_and_measure.py freezes this with build.spec's own exclusion policy
(ZEROGPU_FREEZE_BASELINE) and compares the app with it.
"""

import sys

from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

TITLE = "Bare PySide6 window"


def main() -> int:
    app = QApplication(sys.argv)
    window = QMainWindow()
    window.setWindowTitle(TITLE)
    window.setCentralWidget(QLabel("Hello from a bare PySide6 window", window))
    window.resize(900, 600)
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
