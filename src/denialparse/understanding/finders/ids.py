"""Identifiers: the member ID and the claim number after their labels.

The labels are data (``data/id_labels.toml``); how sure each claim-ish label is lives in
``confidence.py``. A value may sit on the line under its label (a table's cell).
"""

from __future__ import annotations

import re

from denialparse.understanding import confidence as conf
from denialparse.understanding import lexicon
from denialparse.understanding.candidate import Candidate
from denialparse.understanding.finders.dates import DATE_RE

_ID_VALUE = r"(?P<value>[A-Z0-9][A-Z0-9\-]{3,24}(?:[ ][0-9]{2,8}){0,2})"
_ID_STOP = {"NUMBER", "DATE", "NAME", "ID", "NO", "CLAIM", "MEMBER", "GROUP", "PLAN"}


def _clean_id(raw: str) -> str | None:
    value = raw.strip().strip(".,;:-")
    if not re.search(r"\d", value) or value.upper() in _ID_STOP:
        return None
    if DATE_RE.fullmatch(value) or re.fullmatch(r"\d{1,3}", value):
        return None
    return value


_BARE_LABELS = (
    ("member_id", re.compile(r"(?:(?<=\s)|^)(?P<label>ID|I\.D\.)\s*[:#]\s*" + _ID_VALUE, re.MULTILINE),
     conf.MEMBER_ID_BARE_LABEL),
    ("claim_id", re.compile(r"\b(?P<label>claim|reference|case)\s*:\s*" + _ID_VALUE, re.IGNORECASE),
     conf.CLAIM_ID_BARE_LABEL),
)


def find_ids(text: str) -> list[Candidate]:
    """member_id and claim_id candidates after their labels (same line, or the cell below)."""
    out: list[Candidate] = []
    for field, pattern, confidence in _BARE_LABELS:
        for m in pattern.finditer(text):
            value = _clean_id(m["value"])
            if value:
                out.append(Candidate(field, value, m["value"], m.start("value"), m.end("value"), confidence))
    for field, labels in lexicon.ID_LABELS.items():
        pattern = re.compile(
            rf"(?P<label>\b(?:{labels}))\s*[:#.\-]*\s*(?:\n\s*)?{_ID_VALUE}", re.IGNORECASE
        )
        for m in pattern.finditer(text):
            label = m["label"].lower()
            if field == "member_id" and re.match(r"(group|plan)\b", label):
                continue
            value = _clean_id(m["value"])
            if value is None:
                continue
            confidence = conf.MEMBER_ID_LABELLED
            if field == "claim_id":
                confidence = next((c for key, c in conf.CLAIM_LABEL_CONFIDENCE if key in label),
                                  conf.CLAIM_ID_OTHER_LABEL)
            if "\n" in text[m.end("label") : m.start("value")]:
                confidence -= conf.VALUE_ON_NEXT_LINE_PENALTY
            out.append(Candidate(field, value, m["value"], m.start("value"), m.end("value"), confidence))
    return out
