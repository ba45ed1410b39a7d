"""The appeal address: where the letter says to send an appeal."""

from __future__ import annotations

import re

from denialparse.understanding import confidence as conf
from denialparse.understanding.candidate import Candidate

_APPEAL_ADDRESS = re.compile(
    r"(?:send|mail|submit|fax|write|address)(?:[^.\n]|\n(?!\s*\n)){0,120}?(?:appeal|request|"
    r"reconsideration|redetermination|grievance)(?:[^.\n]|\n(?!\s*\n)){0,160}?\b(?:to|at)\s*:?"
    r"[ \t]*\n(?:[ \t]*\n)?(?P<addr>(?:[ \t]*\S[^\n]*\n?){1,6})",
    re.IGNORECASE,
)


def find_appeal_address(text: str) -> list[Candidate]:
    """Where the letter says to send an appeal: the address block after 'send your appeal to:'."""
    out = []
    for m in _APPEAL_ADDRESS.finditer(text):
        lines = []
        for line in m["addr"].splitlines():
            if not line.strip():
                break
            lines.append(line.strip())
            if re.search(r"\b[A-Z]{2}\s+\d{5}(-\d{4})?\b", line):
                break  # the ZIP line ends a US address
        if lines and any(re.search(r"\d", ln) for ln in lines):
            raw = "\n".join(lines)
            start = text.index(lines[0], m.start("addr"))
            end = text.index(lines[-1], start) + len(lines[-1])
            out.append(Candidate("appeal_address", raw, raw, start, end, conf.APPEAL_ADDRESS))
    return out
