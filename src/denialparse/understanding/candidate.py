"""``Candidate``: one proposed value for a field, from a rule finder or the trained model."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Candidate:
    """A proposed value for a field, with where it was read.

    Attributes:
        field: the contract's field name (``member_id``, ``letter_date``...).
        value: the value as the contract writes it (an ISO date, a canonical payer...).
        raw: the text as printed.
        start: offset of ``raw`` in the letter's joined text.
        end: offset just past ``raw``.
        confidence: how sure the finder is, 0..1 (see ``confidence.py``).
        source: ``"rule"`` or ``"model"``.
    """

    field: str
    value: str
    raw: str
    start: int
    end: int
    confidence: float
    source: str = "rule"
