"""Identifiers: the member ID and the claim number after their labels.

The labels are data (``data/id_labels.toml``); how sure each label is lives in ``confidence.py``
(a plan's member ID beats a state Medicaid ID, which beats a Medicare number; a claim number
beats a reference, which beats a case number). A value is read on the label's line, or in the
cell under the label (a table's header row over its value row), or on the line under a label
that ends its line.
"""

from __future__ import annotations

import re

from denialparse.understanding import confidence as conf
from denialparse.understanding import lexicon
from denialparse.understanding.candidate import Candidate
from denialparse.understanding.finders.dates import DATE_RE

# An ID, possibly cut into groups by the spaces of a card number or of OCR ("W12345 6789",
# "20-2601 1-447-203", "XZM 4418 2093 7"). A further group is digits only and must end before
# a word, a date or an amount goes on ("12345678 Group", "88120934 04/02/2026", "2026031188 150.00"
# stop at the first group).
_GROUP = r"(?:[ ][0-9][0-9\-]{0,11}(?![\w/]|[.,]\d))"
_FIRST = r"(?:[A-Z0-9][A-Z0-9\-]{3,24}|(?-i:[A-Z]{2,4})(?=[ ][0-9]))"
_ID_VALUE = rf"(?P<value>{_FIRST}{_GROUP}{{0,3}})"
_ID_STOP = {"NUMBER", "DATE", "NAME", "ID", "NO", "CLAIM", "MEMBER", "GROUP", "PLAN"}
# A Medicare contract (and plan benefit package) number: the plan's, never the member's.
_CONTRACT_NUMBER = re.compile(r"[HRSE]\d{4}(?:-\d{3})?")
# "Claim #:", "Claim number;" (OCR), "**Claim:**" (a letter in Markdown).
_SEPARATORS = r"[ \t]*[:;#.\-*]*[ \t]*"
# A second ID printed after the first on the same label ("H5216-038 / 6641902577").
_ALTERNATE = re.compile(r"[ \t]*/[ \t]*" + _ID_VALUE, re.IGNORECASE)
_VALUE_HERE = re.compile(_SEPARATORS + _ID_VALUE, re.IGNORECASE)
_CELL = re.compile(r"\S+(?: \S+)*")  # a table cell: words apart by single spaces
_NEXT_LINE = re.compile(r"(?:[ \t]*\n)?(?P<line>[^\n]*)")  # the next line, over one blank line
_WHOLE_CELL = re.compile(_ID_VALUE + r"$", re.IGNORECASE)


def _clean_id(raw: str, field: str) -> str | None:
    value = raw.strip().strip(".,;:-")
    if not re.search(r"\d", value) or value.upper() in _ID_STOP:
        return None
    if DATE_RE.fullmatch(value) or re.fullmatch(r"\d{1,3}", value):
        return None
    if field == "member_id" and _CONTRACT_NUMBER.fullmatch(value):
        return None
    return value


_BARE_LABELS = (
    # "ID:", and as OCR reads it on a fax, "1D:", "|D:".
    ("member_id", re.compile(r"(?:(?<=\s)|^)(?P<label>[I1|]D|I\.D\.)\s*[:#][\s*]*" + _ID_VALUE,
                             re.MULTILINE), conf.MEMBER_ID_BARE_LABEL),
    ("claim_id", re.compile(r"\b(?P<label>claim|reference|case)\s*:[\s*]*" + _ID_VALUE, re.IGNORECASE),
     conf.CLAIM_ID_BARE_LABEL),
    # "Claims > Claim 8C2F-11948-004", "your claim 2026031188412": no colon, so a long value only.
    ("claim_id", re.compile(r"\b(?P<label>claim)[ \t]+(?P<value>(?=[A-Z0-9\-]*\d)[A-Z0-9][A-Z0-9\-]{5,24})\b",
                            re.IGNORECASE), conf.CLAIM_ID_NO_COLON),
)
# OCR reads "m" as "rn": "Medicare Nurnber".
_LABELS = {field: re.compile(rf"(?P<label>\b(?:{labels.replace('number', 'nu(?:m|rn)ber')}))",
                             re.IGNORECASE)
           for field, labels in lexicon.ID_LABELS.items()}


def _label_confidence(field: str, label: str) -> float:
    """How sure a value after this label is of being the field (first key in the label wins)."""
    label = label.lower()
    if field == "claim_id":
        ranked, default = conf.CLAIM_LABEL_CONFIDENCE, conf.CLAIM_ID_OTHER_LABEL
    else:
        ranked, default = conf.MEMBER_LABEL_CONFIDENCE, conf.MEMBER_ID_LABELLED
    return next((c for key, c in ranked if key in label), default)


def _cell_below(text: str, label: re.Match[str]) -> re.Match[str] | None:
    """The value in the cell under the label, on the next non-blank line.

    A header row ("Member ID      Claim #") puts each value under its own label, so the cell
    that overlaps the label's columns is taken; a label alone before its line ends takes the
    next line when that line holds one cell.
    """
    line_start = text.rfind("\n", 0, label.start()) + 1
    line_end = text.find("\n", label.end())
    if line_end < 0:
        return None
    below = _NEXT_LINE.match(text, line_end + 1)
    if below is None:
        return None
    cells = list(_CELL.finditer(below["line"]))
    left, right = label.start() - line_start, label.end() - line_start
    alone = not text[label.end():line_end].strip(" \t:#.-")
    overlapping = [c for c in cells if c.start() < right and c.end() > left]
    cell = cells[0] if alone and len(cells) == 1 else next(iter(overlapping), None)
    if cell is None:
        return None
    return _WHOLE_CELL.match(
        text, below.start("line") + cell.start(), below.start("line") + cell.end())


def _labelled(text: str, field: str) -> list[Candidate]:
    """Candidates after the field's labels: on the label's line, else in the cell below."""
    out: list[Candidate] = []
    for label in _LABELS[field].finditer(text):
        confidence = _label_confidence(field, label["label"])
        here = _VALUE_HERE.match(text, label.end())
        found = [here, _ALTERNATE.match(text, here.end())] if here else []
        found = [m for m in found if m and _clean_id(m["value"], field)]
        if not found:
            below = _cell_below(text, label)
            found = [below] if below else []
            confidence -= conf.VALUE_ON_NEXT_LINE_PENALTY
        for m in found:
            value = _clean_id(m["value"], field)
            if value:
                out.append(Candidate(field, value, m["value"], m.start("value"), m.end("value"),
                                     confidence))
    return out


def find_ids(text: str) -> list[Candidate]:
    """member_id and claim_id candidates after their labels (same line, or the cell below)."""
    out: list[Candidate] = []
    for field, pattern, confidence in _BARE_LABELS:
        for m in pattern.finditer(text):
            value = _clean_id(m["value"], field)
            if value:
                out.append(Candidate(field, value, m["value"], m.start("value"), m.end("value"), confidence))
    for field in lexicon.ID_LABELS:
        out += _labelled(text, field)
    return out
