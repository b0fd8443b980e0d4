"""``python -m ipmifast`` and the ``ipmifast`` console script."""

from __future__ import annotations

import sys

from ipmifast.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
