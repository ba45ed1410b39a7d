"""Printed codes: CARC (claim adjustment reason), RARC (remark), NCPDP reject, DUR conflict.

What each code says about the denial type is data (``data/codes.toml``), read by ``classify.py``.
"""

from __future__ import annotations

import re

# A line that starts with a code: what follows is the code's printed description.
CODE_LINE = re.compile(
    r"^\s*(?:(?:CO|PR|OA|PI|CR)\s?-\s?[A-Z]?\d{1,3}|N\d{1,3}|M\d{1,3}|MA\d{1,3})\b"
)
_CARC = re.compile(r"\b(?P<group>CO|PR|OA|PI|CR)\s?[-–]\s?(?P<code>[A-Z]?\d{1,3})\b")
_CARC_LABELLED = re.compile(
    r"\b(?:CARC|claim adjustment reason code|(?:adjustment\s+)?reason\s+codes?|denial\s+codes?)"
    r"\s*(?:\(CARC\))?\s*[:#]?\s*(?P<codes>(?:[A-Z]?\d{1,3}(?:\s*(?:,|and|/)\s*)?)+)",
    re.IGNORECASE,
)
_RARC = re.compile(
    r"\b(?:RARC|remark\s+codes?)\s*[:#]?\s*(?P<codes>(?:(?:N|M|MA)\d{1,3}(?:\s*(?:,|and|/)\s*)?)+)",
    re.IGNORECASE,
)
_NCPDP = re.compile(
    r"\b(?i:NCPDP|reject(?:ion)?)\s*(?i:reject\s*)?(?i:code)?\s*[:#]?\s*(?P<code>\d{2,3}|[A-Z]{2})\b"
)
_DUR = re.compile(r"\b(?:DUR|conflict)\s+(?:conflict\s+)?code\s*[:#]?\s*(?P<code>TD|ID|DD|ER|LD)\b", re.IGNORECASE)


def find_codes(text: str) -> list[tuple[str, int, int]]:
    """CARC (``CO-50``, or ``50`` when printed without a group), RARC (``N20``), NCPDP (``NCPDP-75``)."""
    codes: list[tuple[str, int, int]] = []
    for m in _CARC.finditer(text):
        codes.append((f"{m['group']}-{m['code']}", m.start(), m.end()))
    for m in _CARC_LABELLED.finditer(text):
        for c in re.finditer(r"[A-Z]?\d{1,3}", m["codes"]):
            codes.append((c.group(0), m.start("codes") + c.start(), m.start("codes") + c.end()))
    for m in _RARC.finditer(text):
        for c in re.finditer(r"(?:N|M|MA)\d{1,3}", m["codes"]):
            codes.append((c.group(0), m.start("codes") + c.start(), m.start("codes") + c.end()))
    for m in _NCPDP.finditer(text):
        codes.append((f"NCPDP-{m['code']}", m.start(), m.end()))
    for m in _DUR.finditer(text):
        codes.append((f"DUR-{m['code'].upper()}", m.start(), m.end()))
    seen: set[str] = set()
    unique = []
    for code in sorted(codes, key=lambda c: c[1]):
        if code[0] not in seen:
            seen.add(code[0])
            unique.append(code)
    return unique
