"""Therapy: the denied service, drug, item or therapy, from labelled lines and denial sentences."""

from __future__ import annotations

import re

from denialparse.understanding import confidence as conf
from denialparse.understanding.candidate import Candidate

_THERAPY_LABEL = re.compile(
    r"^[ \t]*(?:re:?\s*)?(?:requested\s+)?(?:service|services|item|drug|medication|medicine|"
    r"procedure|treatment|therapy|prescription|product|equipment|dme|description\s+of\s+"
    r"(?:service|item|request)|service\s+(?:requested|denied|description|billed|provided|rendered)|drug\s+(?:requested|"
    r"name|denied)|medication\s+(?:requested|name)|item\s+requested|what\s+(?:was|you)\s+"
    r"requested|request(?:ed)?\s+for|service/item|drug/item|procedure\s+(?:requested|code))"
    r"(?:\(s\))?\s*[:\-][ \t]*(?P<value>[^\n]{3,120})",
    re.IGNORECASE | re.MULTILINE,
)
_VALUE = r"(?P<value>(?:[^.;:\n]|\n(?!\s*\n)){3,110}?)"
_VALUE_END = (
    r"(?=\s+(?:because|for\s+(?:your|the|you|chronic|treatment|dates?|services?|a\s|an\s)|to\s+treat|"
    r"prescribed|ordered|from\s|dated|on\s+\w+\s+\d|as\s|since|due\s+to|based|under|at\s|"
    r"which|that|and\s+(?:it|we|this)|(?:is|was|has\s+been|have\s+been|are|were)\s)|[.,;:]|\n\s*\n)"
)
_THERAPY_SENTENCE = (
    re.compile(  # "coverage for X is denied"
        r"(?i:coverage|payment|request|authori[sz]ation|approval|pre-?certification|benefits?)\s+"
        r"(?i:request\s+)?(?i:for|of)\s+" + _VALUE + r"\s+(?i:is|was|has\s+been|have\s+been|are|were)"
        r"\s+(?i:denied|not\s+approved|not\s+covered|rejected|declined)"
    ),
    re.compile(  # "we denied your request for X because"
        r"(?i:we|plan|have|has)\s+(?i:denied|cannot\s+approve|can\s*not\s+approve|did\s+not\s+approve|"
        r"are\s+unable\s+to\s+approve|will\s+not\s+cover|are\s+denying|decided\s+not\s+to\s+cover|"
        r"are\s+not\s+able\s+to\s+approve)\s+(?i:your\s+|the\s+)?(?i:request\s+for\s+|coverage\s+"
        r"(?:of|for)\s+|payment\s+(?:of|for)\s+|prior\s+authori[sz]ation\s+(?:request\s+)?for\s+)?"
        + _VALUE + _VALUE_END
    ),
    re.compile(  # "the request (from Clinic) for X for your left arm", "asked us to approve X"
        r"(?:(?i:request(?:ed)?)(?:\s+from\s+(?:[^.\n]|\n(?!\s*\n)){2,60}?)?\s+(?i:for|of)"
        r"|(?i:asked\s+us\s+to\s+(?:approve|cover|pay\s+for)|prescription\s+for))"
        r"(?:\s+(?i:coverage|approval|prior\s+authori[sz]ation|payment)\s+(?i:of|for))?\s+"
        + _VALUE + _VALUE_END
    ),
    re.compile(  # "denial of coverage for X"
        r"(?i:denial|denied\s+request)\s+(?i:of|for)\s+(?:(?i:coverage|payment)\s+(?i:of|for)\s+)?"
        + _VALUE + _VALUE_END
    ),
    re.compile(  # "RE: Coverage decision for X (CPT 97799)"
        r"^[ \t]*(?i:re|subject)\s*:[^\n]*?\b(?i:for|of|regarding)\s+(?P<value>[^\n]{3,100})$",
        re.MULTILINE,
    ),
)
_THERAPY_JUNK = re.compile(
    r"^(your|the|this|a|an|our)\s+|\s*\((?:the\s+)?\"?(?:service|drug|item)\"?\)$", re.IGNORECASE
)
_NOT_A_THERAPY = re.compile(
    r"^(it|this|that|them|this request|coverage decision|(a |an )?(appeal|reconsideration|"
    r"redetermination|exception)|(an? )?(review|copy|expedited|fast|hearing|reconsideration|"
    r"external|independent|information|redetermination)\b.*|.*\b(listed|shown) (below|above)\b.*|"
    r"the (request|claim|service|services|item)|your (request|claim|appeal)|"
    r"coverage|payment|benefits?|the following|appeal|review|reconsideration|medicare|"
    r"services?|claim|request)$",
    re.IGNORECASE,
)


def clean_therapy(raw: str) -> str | None:
    """A therapy as printed, trimmed of labels and junk; None for what can't be one."""
    value = re.split(r"[ \t]{2,}|\t", raw.strip())[0]
    value = re.sub(r"\s+", " ", value).strip(" :-,.\"'")
    previous = None
    while previous != value:
        previous = value
        value = _THERAPY_JUNK.sub("", value).strip()
    value = re.sub(r"\s+(?:Date|DOS|Member|Claim|Reference|NPI|Quantity|Qty)\b.*$", "", value)
    if len(value) < 3 or _NOT_A_THERAPY.match(value) or not re.search(r"[A-Za-z]{3}", value):
        return None
    return value


def find_therapy(text: str) -> list[Candidate]:
    """The denied service, drug, item or therapy: labelled lines first, then denial sentences."""
    out: list[Candidate] = []
    for m in _THERAPY_LABEL.finditer(text):
        value = clean_therapy(m["value"])
        if value:
            out.append(Candidate("therapy", value, m["value"], m.start("value"), m.end("value"),
                                   conf.THERAPY_LABELLED))
    for i, pattern in enumerate(_THERAPY_SENTENCE):
        for m in pattern.finditer(text):
            value = clean_therapy(m["value"])
            if value and len(value.split()) <= 12:
                # The RE/subject line names the service on purpose: trust it like a label.
                confidence = (conf.THERAPY_SUBJECT_LINE if i == len(_THERAPY_SENTENCE) - 1
                              else conf.THERAPY_SENTENCE - conf.THERAPY_SENTENCE_STEP * i)
                out.append(Candidate("therapy", value, m["value"], m.start("value"), m.end("value"),
                                     confidence))
    return out
