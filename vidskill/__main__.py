"""Run vidskill as `python -m vidskill`."""

from __future__ import annotations

import sys

from vidskill.cli import main

if __name__ == "__main__":
    sys.exit(main())
