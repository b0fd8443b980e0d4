"""Tests of the command codecs (ipmifast.cmds)."""

import pytest

pytest.register_assert_rewrite("tests.cmds.table")
