"""Field confidences mapped to how often such a value is right, per field.

The understanding stage scores each value by its support (``extract._support``: the best
candidate's confidence, agreement, repeats, OCR reliability). Support orders values well but is
not a probability: on letters nobody here wrote, a therapy at 0.80 support was right far less
often than 80 % of the time. The station and the appeal decide from the number whether a person
must look, so it must mean what it says.

The map is fitted by the recipe's ``calibrate`` step (models/project.yml; isotonic regression
of "was it right" on the support, per field) on letters the model was not trained on — the hand-written set A, set C
(letters written by other people) and held-out generated letters read back by OCR — and stored in
the model's ``calibration.json`` under ``"fields"``: per field, ascending support knots and the
share right at each. Between knots the map is linear; outside, it is the end value. A field with
no map keeps its support (the rules-only mode, ``--model none``, has none).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

_DISABLED = False


@contextmanager
def raw_supports() -> Iterator[None]:
    """Within this block ``calibrate`` returns the support unchanged (to fit the map on it)."""
    global _DISABLED
    previous, _DISABLED = _DISABLED, True
    try:
        yield
    finally:
        _DISABLED = previous


def field_maps(model_calibration: Mapping[str, Any]) -> dict[str, tuple[list[float], list[float]]]:
    """The per-field maps of a model's ``calibration.json``: field -> (support knots, share right).

    Malformed entries are skipped (the field then keeps its support), never guessed at.
    """
    maps: dict[str, tuple[list[float], list[float]]] = {}
    for field, entry in (model_calibration.get("fields") or {}).items():
        try:
            xs = [float(x) for x in entry["support"]]
            ys = [float(y) for y in entry["right"]]
        except (KeyError, TypeError, ValueError):
            continue
        if xs and len(xs) == len(ys) and xs == sorted(xs):
            maps[field] = (xs, ys)
    return maps


def calibrate(field: str, support: float,
              maps: Mapping[str, tuple[list[float], list[float]]]) -> float:
    """The share of values of ``field`` at this support that were right when the map was fitted."""
    if _DISABLED or field not in maps:
        return support
    xs, ys = maps[field]
    i = bisect.bisect_left(xs, support)
    if i == 0:
        return round(ys[0], 3)
    if i == len(xs):
        return round(ys[-1], 3)
    x0, x1, y0, y1 = xs[i - 1], xs[i], ys[i - 1], ys[i]
    share = y0 if x1 == x0 else y0 + (y1 - y0) * (support - x0) / (x1 - x0)
    return round(share, 3)
