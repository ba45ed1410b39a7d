"""Payers: known brands (the span ruler's matches), unknown letterhead names, administrators, and
the plan a benefit manager names ("on behalf of Acme Health Plan").

The brands and their aliases are data (``data/payers.toml``); the span ruler that finds them is
added by ``pipeline.py``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from denialparse.understanding import confidence as conf
from denialparse.understanding import lexicon
from denialparse.understanding.candidate import Candidate

if TYPE_CHECKING:
    from collections.abc import Iterable

    from spacy.tokens import Span

_PAYER_WORD = re.compile(
    r"(?i:health\s*plan|health(?:care)?|insurance|assurance|benefits?|blue\s*cross|blue\s*shield|"
    r"mutual|hmo|care|plan|life|rx|pharmacy|cooperative|co-op|alliance|partners|network|trust|"
    r"company|corporation|association|administrators|solutions)(?=\b|[A-Z]|$)"
)
_NOT_A_PAYER_LINE = re.compile(
    r"(?i)^(dear|re|to|from|member|patient|provider|page|date|notice|important|customer|phone|fax|"
    r"attn|attention|subject|your|this|the\s+(?:plan|following))\b|@|www\.|\.com|\d{3}|\b(p\.?o\.?|"
    r"box|suite|street|st\.|ave|avenue|road|rd\.|drive|blvd|parkway|pkwy)\b|services?\s*$|department"
)


def find_unknown_payer(text: str) -> list[Candidate]:
    """A letterhead line that looks like an insurer's name, for payers the lexicon doesn't know.

    The first short line near the top that contains a payer word ("Health", "Insurance", "Plan",
    "Blue Cross"...) and is not an address, phone or salutation line.
    """
    head = text[: max(500, len(text) // 6)]
    out = []
    pos = 0
    for n, line in enumerate(head.splitlines(keepends=True)):
        start = pos + len(line) - len(line.lstrip())
        pos += len(line)
        name = line.strip()
        if n > 12 or not name:
            continue
        name = re.split(r"\s{3,}|\s[|•·]\s", name)[0].strip(" ,")
        words = name.split()
        if not (1 <= len(words) <= 8) or not name[0].isupper() or _NOT_A_PAYER_LINE.search(name):
            continue
        if _PAYER_WORD.search(name):
            # First payer-like line wins; a later one (a department or a plan name) is weaker.
            confidence = conf.UNKNOWN_PAYER_FIRST_LINE if not out else conf.UNKNOWN_PAYER_LATER_LINE
            out.append(Candidate("payer", name, name, start, start + len(name), confidence))
    return out


_ADMINISTERED_BY = re.compile(
    r"(?:administered|processed|managed)\s+by\s+(?P<name>[A-Z][A-Za-z&.\- ]{1,40}?)"
    r"(?=[,.;\n(]|\s+on\s+behalf|\s+for\s)"
    r"|(?P<tpa>\b(?:" + "|".join(re.escape(n) for n in sorted(lexicon.ADMINISTRATORS)) + r")\b)"
)


def find_administrator(text: str) -> list[Candidate]:
    """A TPA or PBM named as administering the plan ('administered by UMR')."""
    out = []
    for m in _ADMINISTERED_BY.finditer(text):
        name = m["name"] or m["tpa"]
        start = m.start("name") if m["name"] else m.start("tpa")
        out.append(Candidate("administrator", name.strip(), name, start, start + len(name),
                             conf.ADMINISTRATOR))
    return out


_PLAN_NAME = r"(?P<name>[A-Z][\w&.'\-]*(?:[ \t]+(?:of|and|&|[A-Z][\w&.'\-]*)){0,6})"
_NAMED_PLAN = re.compile(
    r"\b(?:on\s+behalf\s+of|for\s+members\s+of)\s+(?:the\s+|your\s+)?" + _PLAN_NAME
    + r"|\b[Yy]our\s+" + _PLAN_NAME.replace("name", "yours")
    + r"(?=\s+(?:health\s+)?(?:plan|coverage|benefits?|policy)\b)"
)


def find_named_plan(text: str) -> list[Candidate]:
    """The plan a benefit manager decides for: "on behalf of Acme Health Plan", "your Aetna plan".

    Internal candidates (field ``named_plan``): they become the payer only when the letter's payer
    is a benefit manager (a PBM, a radiology or utilization-review company). A name that is not a
    payer's (no payer word, no known brand) or is itself a benefit manager is not a plan.
    """
    out = []
    for m in _NAMED_PLAN.finditer(text):
        group = "name" if m["name"] else "yours"
        name = m[group].rstrip(" .,")
        value = _brand_in(name)
        if value is None and not _PAYER_WORD.search(name):
            continue
        value = value or name
        if value in lexicon.BENEFIT_MANAGERS:
            continue
        start = m.start(group)
        out.append(Candidate("named_plan", value, name, start, start + len(name), conf.NAMED_PLAN))
    return out


def _brand_in(name: str) -> str | None:
    """The canonical payer whose alias comes first in the name, the longest at that place
    ("Aetna Medicare Advantage" -> Aetna, "Blue Cross Blue Shield of Michigan" -> itself)."""
    found = []
    for alias, canonical in _STRONG_ALIASES:
        m = re.search(r"(?<!\w)" + re.escape(alias) + r"(?!\w)", name, re.IGNORECASE)
        if m:
            found.append((m.start(), -len(alias), canonical))
    return min(found)[2] if found else None


def known_payers(text: str, spans: Iterable[Span]) -> list[Candidate]:
    """Payer brands the span ruler found (``spans``), weighted towards the letterhead.

    Args:
        text: the letter's text.
        spans: the ruler's spans: label = canonical payer, text = the alias as printed.
    """
    head = max(600, len(text) // 6)
    out: list[Candidate] = []
    for span in spans:
        alias = span.text
        in_head = span.start_char < head
        if alias.upper() in lexicon.WEAK_ALIASES and not in_head:
            continue
        confidence = conf.PAYER_ALIAS_IN_LETTERHEAD if in_head else conf.PAYER_ALIAS_IN_BODY
        confidence = conf.PAYER_LOW_PRIORITY_ALIASES.get(alias.upper(), confidence)
        out.append(Candidate("payer", span.label_, alias, span.start_char, span.end_char,
                             confidence))
    return out


def ruler_patterns() -> Iterable[dict[str, str]]:
    """The span ruler's patterns: every alias, labelled with its canonical payer."""
    for canonical, aliases in lexicon.PAYER_ALIASES.items():
        for alias in aliases:
            yield {"label": canonical, "pattern": alias, "id": alias}


_ALIAS_TO_CANONICAL = {
    alias.lower(): canonical
    for canonical, aliases in lexicon.PAYER_ALIASES.items()
    for alias in aliases
}
_STRONG_ALIASES = [
    (alias, canonical) for canonical, aliases in lexicon.PAYER_ALIASES.items() for alias in aliases
    if alias.upper() not in lexicon.WEAK_ALIASES
]
_CORPORATE_SUFFIX = re.compile(r",?\s+(?:inc|llc|l\.l\.c|corp|corporation|co|company|ltd)\.?$",
                               re.IGNORECASE)


def canonical_payer(value: str) -> str:
    """A payer name as its brand: "Novitas Solutions, Inc" is the MAC alias "Novitas Solutions"."""
    for name in (value, _CORPORATE_SUFFIX.sub("", value)):
        canonical = _ALIAS_TO_CANONICAL.get(name.lower())
        if canonical:
            return canonical
    return value
