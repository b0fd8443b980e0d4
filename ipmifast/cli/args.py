"""Argument parsing for the sub-commands that have their own options (sim, discover, pcap)."""

from __future__ import annotations

import argparse
from typing import NoReturn

from ipmifast.errors import UsageError


class UsageParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are ``UsageError`` (one line, exit 64) instead of argparse's exit 2."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message} (try: {self.prog} --help)")
