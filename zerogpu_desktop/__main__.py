"""`python -m zerogpu_desktop` runs the same entry point as the `zerogpu-desktop` script."""

import sys

from zerogpu_desktop.app import main

sys.exit(main())
