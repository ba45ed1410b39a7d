"""Payers: known brands (the span ruler's matches), unknown letterhead and signature names (never a
department, a title or a template's placeholder), the name a plan prints about itself (its
Medicare-contract disclaimer, its nondiscrimination notice), administrators, and the plan a
benefit manager names ("on behalf of Acme Health Plan", "Plan: Acme Employee Benefit Plan").

The brands and their aliases are data (``data/payers.toml``); the span ruler that finds them is
added by ``pipeline.py``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from denialparse.understanding import confidence as conf
from denialparse.understanding import lexicon
from denialparse.understanding.candidate import Candidate
from denialparse.understanding.classify import about_other_coverage, lowered

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


# A letterhead line that names a part of the payer, not the payer: "Finance Center", "Utilization
# Management Department", "Pharmacy Services", "Appeals Unit", "Customer Care Center". Such a line
# is made of these words only; a name before them ("Acme Health Plan Appeals Unit") is kept.
_DEPARTMENT_WORDS = frozenset(
    "finance financial center centre department dept unit division office team desk operations "
    "service services management utilization review appeals appeal grievance grievances claims "
    "claim authorization authorizations prior pre precertification pre-certification pharmacy "
    "clinical member members customer provider billing payment payments benefit benefits "
    "program programs medical care case coordination quality relations support correspondence "
    "intake resolution determination determinations coverage reconsideration reconsiderations "
    "prescription drug specialty behavioral utilization-management um pa of and & the for"
    .split()
)
_DEPARTMENT_HEAD = re.compile(
    r"(?i)\b(?:department|dept\.?|unit|center|centre|division|office|team|desk|operations|services?|"
    r"management|review)\s*$"
)
# The words that make a name a health plan's ("... Health Plan", "... Health", "... Insurance
# Company", "... HMO", "... Blue Cross ...", "... Medicaid", "... Care"), at its end or anywhere.
_PLAN_LIKE = re.compile(
    r"(?i)(?:\b(?:health\s*plan|health|healthcare|health\s+care|insurance(?:\s+company)?|assurance|"
    r"hmo|care|medicaid|mutual|plan)(?:\s+(?:of|for)\s+[A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,2})?"
    r"(?:,?\s+(?:inc|llc|co|corp)\.?)?$)|\bblue\s*(?:cross|shield)\b|\bhealth\s*plan\b|\bhmo\b"
)
# "Plan: Acme Health Plan", "Health plan name: ...", "Insurer: ...": the label is not the name.
_PLAN_LABEL = re.compile(
    r"(?i)^(?:(?:health\s+)?plan(?:\s+(?:name|sponsor))?|insurer|issuer|carrier|insurance\s+company)"
    r"\s*:\s*"
)


# Words that alone name no one: "Health Plan", "Insurance Company", "Your Plan".
_GENERIC_WORDS = frozenset(
    "health plan plans insurance insurer company healthcare your our the a an group".split()
)
# A template's placeholder where the payer's name goes: "MCC Letterhead", "[Plan logo]".
_PLACEHOLDER = re.compile(r"(?i)\b(?:letterhead|logo|insert|placeholder)\b|[<>\[\]{}]")


def _words(name: str) -> list[str]:
    return [w.strip(",.:;()*").lower() for w in name.split()]


def is_department(name: str) -> bool:
    """Whether a name is a payer's department or service ("Pharmacy Services"), not a payer."""
    words = _words(name)
    return bool(words) and all(w in _DEPARTMENT_WORDS for w in words)


def without_department(name: str) -> str | None:
    """The payer's name without a department after it ("Acme Health Plan Appeals Unit" -> "Acme
    Health Plan"); None when the name names no one: a department ("Finance Center"), generic words
    ("Health Plan") or a template's placeholder ("MCC Letterhead")."""
    words = _words(name)
    if (is_department(name) or all(w in _GENERIC_WORDS | _DEPARTMENT_WORDS for w in words)
            or _PLACEHOLDER.search(name)):
        return None
    if not _DEPARTMENT_HEAD.search(name):
        return name
    cut = len(words)
    while cut > 1 and words[cut - 1] in _DEPARTMENT_WORDS:
        cut -= 1
    # Only a department with a function word is cut: "Magellan Health Services" is a company.
    tail = set(words[cut:])
    if tail & {"department", "dept", "unit", "division", "office", "team", "desk", "operations"} \
            or len(tail) >= 2:
        return " ".join(name.split()[:cut]).strip(" ,-")
    return name


# What follows a payer's name on its line: a wide gap, a bar, or a dash before the letter's title
# ("Northstar Insurance - Prior Authorization Denial").
_AFTER_NAME = re.compile(r"\s{3,}|\s[|•·]\s|\s[-–—]\s")
_CLOSING = re.compile(r"(?im)^[\W_]*(?:sincerely|regards|respectfully|best regards|thank you)\b.*$")
SIGNATURE_LINES = 5  # lines after the closing that may name the payer


def find_unknown_payer(text: str) -> list[Candidate]:
    """Letterhead and signature lines that look like an insurer's name, for payers the lexicon
    doesn't know.

    Short lines near the top (or under the closing "Sincerely,") that contain a payer word
    ("Health", "Insurance", "Plan", "Blue Cross"...) and are not an address, phone, salutation or
    a department ("Finance Center", "Pharmacy Services"). A line that reads like a health plan's
    name ("... Health Plan", "... Insurance Company", "... HMO") is surer than another payer-like
    line ("... Benefits Network"), and the first of each kind surer than a later one; the
    signature is the least sure.
    """
    head = text[: max(500, len(text) // 6)]
    out = []
    seen: set[bool] = set()
    for start, name in _lines(head, 0, 13):
        name, start = _payer_name(name, start)
        if name:
            plan_like = bool(_PLAN_LIKE.search(name))
            confidence = (conf.UNKNOWN_PAYER_PLAN_NAME if plan_like
                          else conf.UNKNOWN_PAYER_OTHER_NAME)
            if plan_like in seen:
                confidence -= conf.UNKNOWN_PAYER_LATER_LINE_PENALTY
            seen.add(plan_like)
            out.append(Candidate("payer", name, name, start, start + len(name), confidence))
    closings = list(_CLOSING.finditer(text))
    if closings:
        end = closings[-1].end()
        for start, name in _lines(text[end:], end, SIGNATURE_LINES):
            name, start = _payer_name(name, start)
            if name:
                out.append(Candidate("payer", name, name, start, start + len(name),
                                     conf.UNKNOWN_PAYER_SIGNATURE))
                break
    return out


def _lines(text: str, offset: int, limit: int) -> list[tuple[int, str]]:
    """The first ``limit`` lines of ``text`` (blank ones counted), stripped, with their offsets."""
    out = []
    pos = offset
    for line in text.splitlines(keepends=True)[:limit]:
        name = line.strip()
        if name:
            out.append((pos + len(line) - len(line.lstrip()), name))
        pos += len(line)
    return out


def _payer_name(line: str, start: int) -> tuple[str | None, int]:
    """The payer's name a line gives, and where it starts; None when the line gives none."""
    lead = len(line) - len(line.lstrip("*#_ "))
    name = _AFTER_NAME.split(line[lead:])[0].strip(" ,*_")
    start += lead
    label = _PLAN_LABEL.match(name)
    if label:
        start += label.end()
        name = name[label.end():].strip(" ,")
    name = without_department(name) or ""
    words = name.split()
    if (not (1 <= len(words) <= 8) or not name[0].isupper() or _NOT_A_PAYER_LINE.search(name)
            or ":" in name):  # another label's line ("Plan ID: ...")
        return None, start
    return (name, start) if _PAYER_WORD.search(name) else (None, start)


# Sentences the law makes a plan print about itself, which name it: "Acme Health Plan is an HMO
# plan with a Medicare contract", "Enrollment in Acme Health Plan depends on contract renewal",
# "Acme Health Plan complies with applicable Federal civil rights laws" (the trigger is found
# first, then the name before it, as for the named plan).
_SELF_STATEMENT = re.compile(
    r"(?i:[ \t]+is\s+an?\s+(?:[\w\-]+\s+){0,3}(?:plan|organization)\s+with\s+a\s+medicare\s+"
    r"contract|[ \t]+depends\s+on\s+contract\s+renewal|[ \t]+complies\s+with\s+(?:all\s+)?"
    r"(?:applicable\s+)?(?:federal|state)\s+civil\s+rights\s+laws)"
)


def find_payer_in_disclaimer(text: str) -> list[Candidate]:
    """The plan's name in the sentences the law makes it print about itself (its Medicare contract
    disclaimer, its nondiscrimination notice): real letters whose letterhead is a logo name it
    there."""
    out = []
    for m in _SELF_STATEMENT.finditer(text):
        line_start = max(text.rfind("\n", 0, m.start()) + 1, m.start() - 120)
        before = _NAME_BEFORE.search(text, line_start, m.start())
        if not before:
            continue
        name, start = before[0], before.start()
        lead = _LEADING_ARTICLE.match(name)
        if lead:
            name, start = name[lead.end():], start + lead.end()
        name = _STRAY_PERIOD.sub("", name).rstrip(" .,")
        if name and not is_department(name):
            value = canonical_payer(name)
            out.append(Candidate("payer", value, name, start, start + len(name),
                                 conf.PAYER_IN_DISCLAIMER))
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


def _plan_name(group: str) -> str:
    """A capitalised name of up to nine words on one line, in the named group ``group`` (an
    employer's plan has a long name: "Hill Country Regional Hospital Employee Medical Plan")."""
    return rf"(?P<{group}>[A-Z][\w&.'\-]*(?:[ \t]+(?:of|and|&|[A-Z][\w&.'\-]*)){{0,8}})"


# The ways a benefit manager's letter names the plan it decides for; the group says which.
_NAMED_PLAN = re.compile(
    # "on behalf of Acme Health Plan", "for members of Acme Health Plan"
    r"\b(?:on\s+behalf\s+of|for\s+members\s+of)\s+(?:the\s+|your\s+)?" + _plan_name("behalf")
    # "your Aetna Choice POS II plan"
    + r"|\b[Yy]our\s+" + _plan_name("yours")
    + r"(?=\s+(?:health\s+)?(?:plan|coverage|benefits?|policy)\b)"
    # "the prescription benefit of your Acme Health Plan", "Pharmacy Benefit Manager for Acme"
    + r"|\b(?i:(?:pharmacy|prescription(?:\s+drug)?|drug|radiology|imaging|behavioral\s+health|"
    r"specialty)\s+benefits?(?:\s+manager)?\s+(?:of|for|under|through)\s+(?:the\s+|your\s+)?)"
    + _plan_name("benefit")
    # "for Acme Health Plan members"
    + r"|\b(?:for|to)\s+(?:the\s+)?" + _plan_name("members")
    + r"(?=\s+(?:members|enrollees|participants|beneficiaries)\b)"
    # "Plan: Acme Employee Health Plan", "Plan sponsor: ..." (a labelled line)
    + r"|(?:^|(?<=\n))[ \t]*(?i:(?:health[ \t]+)?plan(?:[ \t]+(?:name|sponsor))?)[ \t]*:[ \t]*"
    + _plan_name("labelled")
)
# ... and the words after a plan's name that say it is one (found first, then the name before
# them: a pattern that tried a name at every capital letter would be slow on long letters).
_PLAN_BEFORE = re.compile(
    # "Acme Pharmacy Benefit Management", "TRICARE Pharmacy Program": the plan whose benefit it is
    r"[ \t]+(?:(?P<pharmacy>(?i:pharmacy|prescription(?:[ \t]+drug)?|drug)[ \t]+"
    r"(?i:benefits?|program|plan)\b)"
    # "Acme Health Plan has delegated ...", "... has contracted with"
    r"|(?P<delegator>(?:has[ \t]+)?(?:delegated|contracted[ \t]+with)\b)"
    # "Acme Health Medicare Advantage", "Acme Health HMO": the plan before its product
    r"|(?P<product>(?:Medicare[ \t]+Advantage|Medicaid|HMO|PPO|EPO|D-?SNP)\b))"
)
_NAME_BEFORE = re.compile(r"[A-Z][\w&.'\-]*(?:[ \t]+(?:of|and|&|[A-Z][\w&.'\-]*)){0,8}$")
_NAMED_PLAN_GROUPS = ("behalf", "yours", "benefit", "members", "labelled")
# A name ends where its sentence does ("Acme Health Plan. Your ..."), not at "L.A. Care" nor at a
# period OCR put inside it ("Blue. Cross and Blue Shield"): the next word must start a sentence.
_SENTENCE_AFTER_NAME = re.compile(
    r"\.\s+(?=(?:The|Your|You|We|Our|This|These|If|It|Please|For|To|In|As|On|Call|See|A|An)\b)"
)
_STRAY_PERIOD = re.compile(r"(?<=[a-z]{3})\.(?=\s)")  # "Blue. Cross" -> "Blue Cross"
# Where the wording itself says the name is a plan's, it needs no payer word ("Blue Advantage").
_PLAN_BY_WORDING = frozenset({"benefit", "pharmacy", "delegator"})
_LEADING_ARTICLE = re.compile(r"^(?:The|Your|Our|This|A|An)\s+")
# The product after a plan's name is not part of it: "Aetna Medicare Advantage" is Aetna's plan.
_PRODUCT_SUFFIX = re.compile(
    r"(?:\s+(?:Medicare(?:\s+Advantage)?|Medicaid|Part\s+D|HMO|PPO|EPO|POS|D-?SNP|SNP))+$"
)


def find_named_plan(text: str) -> list[Candidate]:
    """The plan a benefit manager decides for: "on behalf of Acme Health Plan", "your Aetna plan",
    "the prescription benefit of your Acme Health Plan", "Acme Health Plan has delegated ...",
    "for Acme Health Plan members", "Acme Health Medicare Advantage", "Plan: Acme Health Plan".

    Internal candidates (field ``named_plan``): they become the payer only when the letter's payer
    is a benefit manager (a PBM, a radiology or utilization-review company). A name that is not a
    payer's (no payer word, no known brand), a program rather than a plan ("Medicare") or itself a
    benefit manager is not a plan.
    """
    found: list[tuple[str, str, int]] = []  # (group, name, start)
    for m in _NAMED_PLAN.finditer(text):
        group = next(g for g in _NAMED_PLAN_GROUPS if m[g])
        found.append((group, _SENTENCE_AFTER_NAME.split(m[group])[0], m.start(group)))
    for m in _PLAN_BEFORE.finditer(text):
        line_start = max(text.rfind("\n", 0, m.start()) + 1, m.start() - 120)
        before = _NAME_BEFORE.search(text, line_start, m.start())
        if before:
            group = next(g for g in ("pharmacy", "delegator", "product") if m[g])
            found.append((group, before[0], before.start()))
    out = []
    starts: set[int] = set()  # "Your Aetna Medicare Advantage plan" is found twice
    for group, printed, start in found:
        name = _STRAY_PERIOD.sub("", printed.rstrip(" .,"))
        article = _LEADING_ARTICLE.match(name)
        start += article.end() if article else 0
        name = _PRODUCT_SUFFIX.sub("", name[article.end():] if article else name)
        if not name:
            continue
        value = _brand_in(name)
        if value is None and not _PAYER_WORD.search(name) and group not in _PLAN_BY_WORDING:
            continue
        value = value or name
        if value in lexicon.BENEFIT_MANAGERS or value.upper() in conf.PAYER_LOW_PRIORITY_ALIASES:
            continue
        if start in starts:
            continue
        starts.add(start)
        out.append(Candidate("named_plan", value, name, start, start + len(name), conf.NAMED_PLAN))
    return out


def _brand_in(name: str) -> str | None:
    """The canonical payer whose alias begins the name, the longest there ("Aetna Choice POS II"
    -> Aetna, "Blue Cross Blue Shield of Michigan" -> itself); None when no brand begins it."""
    m = _BRAND_AT_START.match(name)
    return _ALIAS_TO_CANONICAL[m[0].lower()] if m else None


def known_payers(text: str, spans: Iterable[Span]) -> list[Candidate]:
    """Payer brands the span ruler found (``spans``), weighted towards the letterhead.

    Args:
        text: the letter's text.
        spans: the ruler's spans: label = canonical payer, text = the alias as printed.
    """
    head = max(600, len(text) // 6)
    out: list[Candidate] = []
    low = ""
    for span in spans:
        alias = span.text
        low = low or lowered(text)
        if about_other_coverage(low, span.start_char, span.end_char):
            continue  # "If you have Medicare, ..." names someone else's coverage
        in_head = span.start_char < head
        if alias.upper() in lexicon.WEAK_ALIASES and not in_head:
            continue
        confidence = conf.PAYER_ALIAS_IN_LETTERHEAD if in_head else conf.PAYER_ALIAS_IN_BODY
        if span.label_ in lexicon.PROGRAMS:
            confidence = conf.PAYER_PROGRAM
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
# Every strong alias, the longest first (so the longest one at a place wins), matched at the start.
_BRAND_AT_START = re.compile(
    "(?:" + "|".join(re.escape(a) for a, _ in sorted(_STRONG_ALIASES, key=lambda x: -len(x[0])))
    + r")(?!\w)",
    re.IGNORECASE,
)
_CORPORATE_SUFFIX = re.compile(r",?\s+(?:inc|llc|l\.l\.c|corp|corporation|co|company|ltd)\.?$",
                               re.IGNORECASE)


def canonical_payer(value: str) -> str:
    """A payer name as its brand: "Novitas Solutions, Inc" is the MAC alias "Novitas Solutions"."""
    for name in (value, _CORPORATE_SUFFIX.sub("", value)):
        canonical = _ALIAS_TO_CANONICAL.get(name.lower())
        if canonical:
            return canonical
    return value
