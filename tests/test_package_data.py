"""Packaged data files are read one way, and a missing or broken one says how to fix it."""

from __future__ import annotations

import pytest

from denialparse.exceptions import MissingDependencyError
from denialparse.package_data import read_toml


def _broken(what: str) -> MissingDependencyError:
    return MissingDependencyError(f"broken ({what}); reinstall", code="bad_data")


def test_reads_a_packaged_toml() -> None:
    rules = read_toml("denialparse.deadlines", "data", "deadline_rules.toml", broken=_broken)
    assert rules["schema_version"] == 1 and rules["rule"]


def test_a_missing_file_raises_the_callers_error() -> None:
    with pytest.raises(MissingDependencyError, match=r"broken \(FileNotFoundError\); reinstall"):
        read_toml("denialparse.deadlines", "data", "nope.toml", broken=_broken)
