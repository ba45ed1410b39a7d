"""Data files shipped inside the package (rules, plan text, lexicons), read the one way.

``importlib.resources`` finds them the same from a checkout, a wheel or a zipped package; no
path is ever built from ``__file__``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from importlib import resources
from typing import Any


def read_toml(package: str, *parts: str, broken: Callable[[str], Exception]) -> dict[str, Any]:
    """The TOML file ``parts`` inside ``package``.

    Args:
        package: the owning package, e.g. ``"denialparse.deadlines"``.
        parts: the path below it, e.g. ``("data", "deadline_rules.toml")``.
        broken: builds the error to raise (from what went wrong) when the file is missing or is
            not valid TOML, so each data file says how to fix itself.
    """
    resource = resources.files(package).joinpath(*parts)
    try:
        return tomllib.loads(resource.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise broken(type(e).__name__) from e
