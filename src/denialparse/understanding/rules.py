"""Rule finders: regular expressions over the letter text that propose field candidates.

Each finder takes the whole letter text and returns ``Candidate``s with character offsets into it.
They are written for the text our own ingest produces (PDF text layers *and* tesseract
output), so labels tolerate OCR slips (``Member lD``, ``Claim #;``) and values may sit on the line
under their label (tables). The spaCy components in ``components.py`` run them; ``extract.py``
chooses among candidates and trained-model entities.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from denialparse.understanding import lexicon


@dataclass(frozen=True)
class Candidate:
    """A proposed value for a field, with where it was read."""

    field: str
    value: str
    raw: str
    start: int
    end: int
    confidence: float
    source: str = "rule"


# ---------------------------------------------------------------------------------------- dates
_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MONTH_RE = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
DATE_RE = re.compile(
    rf"(?P<mdy>\b{_MONTH_RE}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b)"
    rf"|(?P<dmy>\b\d{{1,2}}\s+{_MONTH_RE},?\s+\d{{4}}\b)"
    rf"|(?P<dmon>\b\d{{1,2}}-{_MONTH_RE}-(?:\d{{4}}|\d{{2}})\b)"
    r"|(?P<num>\b\d{1,2}[/-]\d{1,2}[/-](?:\d{4}|\d{2})\b)"
    r"|(?P<dot>\b\d{1,2}\.\d{1,2}\.\d{4}\b)"
    r"|(?P<iso>\b\d{4}-\d{2}-\d{2}\b)",
    re.IGNORECASE,
)


def parse_date(raw: str) -> date | None:
    """Parse one printed date (US order for numeric dates); None when it is not a real date."""
    s = raw.strip().lower()
    if re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{4}", s):
        s = s.replace(".", "/")
    s = re.sub(r"(?<=[a-z])-|-(?=[a-z])", " ", s).replace(",", " ").replace(".", " ")
    s = re.sub(r"\s+", " ", s).strip()
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", s):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := re.fullmatch(r"(\d{1,2})[/-](\d{1,2})[/-](\d{2,4})", s):
            year = int(m[3]) + (2000 if len(m[3]) == 2 else 0)
            return date(year, int(m[1]), int(m[2]))
        if m := re.fullmatch(r"([a-z]+)\s+(\d{1,2})(?:st|nd|rd|th)?\s+(\d{4})", s):
            return date(int(m[3]), _MONTHS[m[1][:3]], int(m[2]))
        if m := re.fullmatch(r"(\d{1,2})\s+([a-z]+)\s+(\d{4}|\d{2})", s):
            year = int(m[3]) + (2000 if len(m[3]) == 2 else 0)
            return date(year, _MONTHS[m[2][:3]], int(m[1]))
    except (ValueError, KeyError):
        return None
    return None


_LETTER_CTX = re.compile(
    r"((letter|notice|mail(ing|ed)?|issue[d]?|print(ed)?|sent|notification|decision|"
    r"determination|correspondence|statement)\s*date|date\s*(of\s*)?(this\s*)?(letter|notice|"
    r"mailing|decision|determination|statement)|date\s*(issued|mailed|sent|printed)|^\s*date|"
    r"^\s*(mailed|sent|issued|printed|notice|letter)(\s+on)?)"
    r"\s*[:.\-]?\s*$",
    re.IGNORECASE,
)
_SERVICE_CTX = re.compile(
    r"(dates?\s*(\(s\))?\s*of\s*(service|treatment|admission|visit|care)|\bDOS\b|service\s*"
    r"(dates?|period|from)|(received|provided|rendered|performed|dispensed|filled|scheduled|"
    r"furnished|requested)\s+(on|from|for)|from\s*date|dates?\s*(you\s*)?(received|were\s*seen)|"
    r"visit\s*date|admission\s*date|date\s*(of\s*)?(fill|dispensing|surgery|procedure)|"
    r"\bservice\s*:|(starting|beginning|admitted|admission)\s+(on\s+)?)"
    r"[^.\n]{0,25}$|^\s*(service|procedure|item|drug|medication)\s*:[^\n]*\bon\s+$",
    re.IGNORECASE,
)
_DEADLINE_CTX = re.compile(
    r"(\bby|before|no\s+later\s+than|on\s+or\s+before|until|deadline|must\s+be\s+(received|"
    r"postmarked|filed|submitted)\s*(by|on)?|appeal\s+by|request\s+by|expires?( on)?)\s*[:]?\s*$",
    re.IGNORECASE,
)
_IGNORE_CTX = re.compile(
    r"(birth|\bDOB\b|effective|received\s*(date|on)|date\s*(received|requested|of\s*request)|"
    r"request(ed)?\s*(date|on|dated)|dated|signed|coverage\s*(start|end|begin)|revised|rev\.?|"
    r"enroll|copyright|©)[^.\n]{0,25}$",
    re.IGNORECASE,
)


def _line_bounds(text: str, pos: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, len(text) if end == -1 else end


def _context_before(text: str, start: int) -> str:
    """Text before a value on its line; when the value begins its line, the line above (tables)."""
    line_start, _ = _line_bounds(text, start)
    before = text[line_start:start]
    if before.strip():
        return before
    if line_start == 0:
        return ""
    prev_start, prev_end = _line_bounds(text, line_start - 1)
    return text[prev_start:prev_end]


_SERVICE_HEADER = re.compile(
    r"\bDOS\b|dates?\s*(\(s\)\s*)?of\s*service|service\s*(dates?|provided|from)|\bfrom\s+date",
    re.IGNORECASE,
)


def _table_header_says_service(text: str, pos: int) -> bool:
    """A date in a table row whose header line (just above the row) names the date of service."""
    line_start, _ = _line_bounds(text, pos)
    if line_start == 0 or len(text[line_start:pos]) > 40:
        return False
    # Walk up over other rows (lines that also start with a row number or a date) to the header.
    cursor = line_start - 1
    for _ in range(6):
        prev_start, prev_end = _line_bounds(text, cursor)
        line = text[prev_start:prev_end]
        if _SERVICE_HEADER.search(line):
            return True
        if not DATE_RE.search(line) or prev_start == 0:
            return False
        cursor = prev_start - 1
    return False


def find_dates(text: str) -> list[Candidate]:
    """Every date with its role: letter_date, service_date, stated_deadline (others dropped)."""
    found: list[Candidate] = []
    found_unlabelled = False
    head_limit = max(600, len(text) // 5)
    for m in DATE_RE.finditer(text):
        parsed = parse_date(m.group(0))
        if parsed is None or not 1990 <= parsed.year <= 2100:
            continue
        ctx = _context_before(text, m.start())[-60:]
        same_line = text[_line_bounds(text, m.start())[0] : m.start()]
        sentence_ctx = text[max(0, m.start() - 80) : m.start()]
        role, conf = None, 0.0
        # A label on the same line decides; a bare label on the line above is a table header.
        if _IGNORE_CTX.search(same_line[-40:]):
            continue
        if _LETTER_CTX.search(ctx):
            role, conf = "letter_date", 0.95
        elif _SERVICE_CTX.search(ctx) or _SERVICE_CTX.search(sentence_ctx):
            role, conf = "service_date", 0.9
        elif _DEADLINE_CTX.search(sentence_ctx):
            role, conf = "stated_deadline", 0.85
        elif _table_header_says_service(text, m.start()):
            role, conf = "service_date", 0.8
        elif not same_line.strip() and m.start() < head_limit:
            line_end = _line_bounds(text, m.start())[1]
            if not text[m.end() : line_end].strip():
                # A date alone on its line near the top: the classic letter-date position.
                role, conf = "letter_date", 0.8
        elif m.start() < head_limit and not _SERVICE_CTX.search(ctx):
            # No label at all, near the top: maybe the letter date ("Tampa, FL   May 2, 2026").
            role, conf = "letter_date", 0.55 if not found_unlabelled else 0.0
            found_unlabelled = True
        if role and conf:
            found.append(Candidate(role, parsed.isoformat(), m.group(0), m.start(), m.end(), conf))
    return found


_RELATIVE_DEADLINE = re.compile(
    r"(?P<n>\d{1,3}|one|two|three|four|six|ten|thirty|sixty|sixty-five|ninety|one hundred"
    r"(?: and)? (?:twenty|eighty))\s+(?:\(\d{1,3}\)\s+)?(?:calendar\s+)?(?P<unit>days?|months?)\s+"
    r"(?:of|from|after)\s+(?:the\s+(?:mail(?:ing)?\s+|print(?:ed)?\s+|issue\s+)?date\s+(?:of|on)\s+)?"
    r"(?:this|the|our)\s+(?:letter|notice|decision|determination|denial\s+notice)",
    re.IGNORECASE,
)
_WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "six": 6, "ten": 10, "thirty": 30, "sixty": 60,
    "sixty-five": 65, "ninety": 90, "one hundred twenty": 120, "one hundred and twenty": 120,
    "one hundred eighty": 180, "one hundred and eighty": 180,
}


def find_relative_deadline(text: str) -> tuple[int, str, str, int, int] | None:
    """'60 days from the date of this notice' -> (60, "days", raw, start, end); None if absent.

    Only periods counted from the notice itself: a period counted from *receipt* depends on a
    date the letter can't know, and the deadline engine handles it by rule.
    """
    m = _RELATIVE_DEADLINE.search(text)
    if not m:
        return None
    n = re.sub(r"\s+", " ", m["n"].lower())
    amount = _WORD_NUMBERS.get(n) or int(n)
    unit = "months" if m["unit"].lower().startswith("month") else "days"
    return amount, unit, m.group(0), m.start(), m.end()


# ------------------------------------------------------------------------------------------ IDs
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
    ("member_id", re.compile(r"(?:(?<=\s)|^)(?P<label>ID|I\.D\.)\s*[:#]\s*" + _ID_VALUE, re.MULTILINE), 0.8),
    ("claim_id", re.compile(r"\b(?P<label>claim|reference|case)\s*:\s*" + _ID_VALUE, re.IGNORECASE), 0.85),
)


def find_ids(text: str) -> list[Candidate]:
    """member_id and claim_id candidates after their labels (same line, or the cell below)."""
    out: list[Candidate] = []
    for field, pattern, conf in _BARE_LABELS:
        for m in pattern.finditer(text):
            value = _clean_id(m["value"])
            if value:
                out.append(Candidate(field, value, m["value"], m.start("value"), m.end("value"), conf))
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
            conf = 0.92
            if field == "claim_id":
                conf = next((c for key, c in lexicon.CLAIM_LABEL_RANK if key in label), 0.6)
            if "\n" in text[m.end("label") : m.start("value")]:
                conf -= 0.1
            out.append(Candidate(field, value, m["value"], m.start("value"), m.end("value"), conf))
    return out


# ---------------------------------------------------------------------------------------- names
_CREDENTIALS = r"MD|M\.D\.|DO|D\.O\.|NP|PA-C|DPM|DDS|PhD|OTR/L|PT|DPT|FNP|APRN|RN|Jr\.?|Sr\.?|II|III|PA|LCSW|PsyD|OD|AuD|CCC-SLP"
_NAME = (
    r"(?P<name>(?:(?:Mr|Ms|Mrs|Miss|Dr)\.?[ \t]+)?[A-Z][A-Za-z'’\-]+,?(?:[ \t]+[A-Z]\.?)?"
    r"(?:[ \t]+[A-Z][A-Za-z'’\-]+){1,2}(?:,?[ \t]+(?:MD|M\.D\.|DO|D\.O\.|NP|PA-C|DPM|DDS|PhD|OTR/L|PT|"
    r"DPT|FNP|APRN|RN|Jr\.?|Sr\.?|II|III))?)"
)
_PATIENT_LABEL = re.compile(  # "Patient:", "Member name:", "Name:" at a line start, "Notice for"
    r"(?:(?i:\b(?:patient|member|enrollee|beneficiary|insured|subscriber|recipient|participant)"
    r"(?:'s)?(?:\s+name)?|^[ \t]*name)\s*:|(?i:notice\s+for))[ \t]*" + _NAME,
    re.MULTILINE,
)
_PROVIDER_LABEL = re.compile(
    r"(?i:\b(?:provider|prescriber|physician|practitioner|requesting\s+(?:provider|physician|"
    r"prescriber)|ordering\s+(?:provider|physician)|rendering\s+provider|treating\s+(?:provider|"
    r"physician)|doctor|requested\s+by|servicing\s+provider|attending\s+physician|prescribed\s+by)"
    r"(?:'s)?(?:\s+name)?)\s*[:,]?[ \t]*(?=(?:Dr\.?\s)|[A-Z])" + _NAME,
)
_DEAR = re.compile(r"^\s*Dear\s+" + _NAME + r"\s*[,:]", re.MULTILINE)
_NAME_STOP = re.compile(r"\b(ID|Number|Date|Plan|Group|Claim|Member|Provider|NPI|Address)\b")


def clean_name(raw: str) -> str | None:
    """A printed name as people write it: title case, "LAST, FIRST" turned, credentials kept."""
    cut = _NAME_STOP.search(raw)
    name = raw[: cut.start()] if cut else raw
    name = re.split(r"\s{2,}|\t", name)[0].strip(" ,")
    if len(name.split()) < 2:
        return None
    credential = re.search(r",?\s+(?:" + _CREDENTIALS + r")$", name)
    if "," in name and not credential:
        last, _, first = name.partition(",")  # "DOE, JANE" -> "JANE DOE"
        name = f"{first.strip()} {last.strip()}"
    words = name.split()
    if sum(w.isupper() and len(w) > 2 for w in words) >= 2:
        # "ROBERT T. KLINE" -> "Robert T. Kline"; credentials stay upper case
        creds = set(_CREDENTIALS.replace("\\.", ".").split("|"))
        name = " ".join(w.capitalize() if w.isupper() and len(w) > 2 and w.strip(",") not in creds else w for w in words)
    return name


_RECIPIENT = re.compile(
    r"^[ \t]*" + _NAME + r"[ \t]*\n[ \t]*(?:\d+[A-Za-z]?\s+\w|P\.?\s?O\.?\s+Box)", re.MULTILINE
)


def find_names(text: str) -> list[Candidate]:
    """patient_name and provider_name after their labels, from the salutation and the address block."""
    out: list[Candidate] = []
    head = text[: max(800, len(text) // 4)]
    for m in _RECIPIENT.finditer(head):
        name = clean_name(m["name"])
        if not name or re.search(r"(?i)\b(box|suite|street|department|unit|center|services)\b", name):
            continue
        is_doctor = bool(re.match(r"Dr\.?\s", m["name"]) or re.search(r",\s*(MD|DO)\b", m["name"]))
        field = "provider_name" if is_doctor else "patient_name"
        name = re.sub(r"^(?:Mr|Ms|Mrs|Miss)\.?\s+", "", name)
        out.append(Candidate(field, name, m["name"], m.start("name"), m.end("name"), 0.62))
    for field, pattern, conf in (
        ("patient_name", _PATIENT_LABEL, 0.88),
        ("provider_name", _PROVIDER_LABEL, 0.85),
    ):
        for m in pattern.finditer(text):
            name = clean_name(m["name"])
            if name:
                out.append(Candidate(field, name, m["name"], m.start("name"), m.end("name"), conf))
    for m in _DEAR.finditer(text):
        raw = m["name"]
        name = clean_name(raw)
        if not name:
            continue
        field = "provider_name" if re.match(r"Dr\.?\s", raw) or re.search(r",\s*(MD|DO)", raw) else "patient_name"
        out.append(Candidate(field, name, raw, m.start("name"), m.end("name"), 0.7))
    return out


# -------------------------------------------------------------------------------------- therapy
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
            out.append(Candidate("therapy", value, m["value"], m.start("value"), m.end("value"), 0.85))
    for i, pattern in enumerate(_THERAPY_SENTENCE):
        for m in pattern.finditer(text):
            value = clean_therapy(m["value"])
            if value and len(value.split()) <= 12:
                # The RE/subject line names the service on purpose: trust it like a label.
                conf = 0.82 if i == len(_THERAPY_SENTENCE) - 1 else 0.72 - 0.04 * i
                out.append(Candidate("therapy", value, m["value"], m.start("value"), m.end("value"), conf))
    return out


# ------------------------------------------------------------------------------------ sentences
@dataclass(frozen=True)
class Sentence:
    """A sentence (or a short line-block) of the letter with its offsets."""

    start: int
    end: int
    text: str


_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[A-Z(\"'•\-])|\n(?=\s*(?:[•\-*]|\d+[.)])\s)")
_HEADING = re.compile(r"[ \t]*[A-Z][^\n.;:,!?]{1,44}")


def split_sentences(text: str) -> list[Sentence]:
    """Paragraphs (blank lines) split into sentences; offsets index into ``text``.

    A short line without end punctuation followed by more lines is a heading ("Reason for
    denial") and stands alone, so it doesn't glue itself onto the first sentence under it.
    """
    out: list[Sentence] = []
    for para in re.finditer(r"\S(?:.|\n(?!\s*\n))*", text):
        base = para.start()
        chunk = para.group(0)
        body_start = 0
        while True:
            newline = chunk.find("\n", body_start)
            if newline == -1 or not _HEADING.fullmatch(chunk[body_start:newline]):
                break
            _add(out, chunk, base, body_start, newline)
            body_start = newline + 1
        pos = body_start
        for m in _SENTENCE_END.finditer(chunk, body_start):
            _add(out, chunk, base, pos, m.start() + 1)
            pos = m.end()
        _add(out, chunk, base, pos, len(chunk))
    return out


def _add(out: list[Sentence], chunk: str, base: int, start: int, end: int) -> None:
    piece = chunk[start:end]
    stripped = piece.strip()
    if stripped:
        s = base + start + (len(piece) - len(piece.lstrip()))
        out.append(Sentence(s, s + len(stripped), stripped))


BOILERPLATE = re.compile(
    r"(you (have|may have) the right|if you (disagree|want|would like|need|have questions)|"
    r"external review|independent review|how to (file|appeal|request)|to (file|request) an appeal|"
    r"you (can|may) (ask|request|file|appeal|call)|language assistance|free of charge|"
    r"discriminat|tty|if we (deny|denied|say no)|if your (request|appeal|claim) (is|was|involves)|"
    r"this notice|expedited|fast (appeal|decision)|appeal rights|call (us|customer|member)|"
    r"ombudsman|consumer assistance)",
    re.IGNORECASE,
)
_REASON_LABEL = re.compile(
    r"(?:\breason\s+for\s+(?:the\s+|our\s+|this\s+)?(?:denial|decision|determination)|\bdenial\s+reason|"
    r"^[ \t]*reason|\bwhy\s+(?:we|was|did)\s+[^:\n]{0,40}(?:denied|said\s+no|deny|decision)[^:\n]{0,20}|"
    r"\bbasis\s+for\s+(?:the\s+|our\s+)?(?:denial|decision)|\b(?:clinical\s+|decision\s+)?rationale|"
    r"^[ \t]*what\s+this\s+means|\bthe\s+reason\s+for\s+our\s+decision\s+is)\s*[:\-?]",
    re.IGNORECASE | re.MULTILINE,
)
_CODE_LINE = re.compile(r"^\s*(?:(?:CO|PR|OA|PI|CR)\s?-\s?[A-Z]?\d{1,3}|N\d{1,3}|M\d{1,3}|MA\d{1,3})\b")
_CAUSAL = re.compile(r"\b(because|due to|since|as the|as it|as this|is not|are not|does not|did not)\b", re.IGNORECASE)
REASON_MARKERS = re.compile(
    r"\b(because|reason|denied|deny|not (been )?(approved|covered|medically|met|on|in|a|eligible)|"
    r"does not|did not|do not|doesn't|cannot|exceed|requires?|must|unable)\b",
    re.IGNORECASE,
)


def score_denial_cues(sentence: str) -> dict[str, float]:
    """Sum of denial-type cue weights found in one sentence."""
    return dict(_score_denial_cues(sentence.lower()))


@lru_cache(maxsize=4096)
def _score_denial_cues(low: str) -> tuple[tuple[str, float], ...]:
    # Most sentences carry no cue at all: one pass of the combined pattern rules them out before
    # the ~100 cue patterns run one by one (and each sentence is scored twice per letter).
    patterns = _compiled_denial_cues()
    if not patterns[0].search(low):
        return ()
    scores: list[tuple[str, float]] = []
    for label, cues in patterns[1]:
        total = sum(weight for pattern, weight in cues if pattern.search(low))
        if total:
            scores.append((label, total))
    return tuple(scores)


@lru_cache(maxsize=1)
def _compiled_denial_cues() -> tuple[re.Pattern[str], list[tuple[str, list[tuple[re.Pattern[str], float]]]]]:
    every = "|".join(f"(?:{p})" for cues in lexicon.DENIAL_CUES.values() for p, _ in cues)
    per_label = [(label, [(re.compile(p), w) for p, w in cues])
                 for label, cues in lexicon.DENIAL_CUES.items()]
    return re.compile(every), per_label


def find_reason(text: str, sentences: list[Sentence]) -> list[Candidate]:
    """The sentence(s) that state why: labelled reason blocks, else the best-scoring sentences."""
    out: list[Candidate] = []
    for m in _REASON_LABEL.finditer(text):
        end = text.find("\n\n", m.end())
        end = len(text) if end == -1 else end
        block = text[m.end() : min(end, m.end() + 600)].strip()
        if len(block) < 15 or not re.search(r"[a-z]{3}", block) or _CODE_LINE.match(block):
            continue  # "Reason code: CO-50 ..." is a code, not the reason
        start = text.index(block, m.end())
        # Keep the first two sentences of the block: the reason, and usually its specifics.
        pieces = re.split(r"(?<=[.!?])\s+(?=[A-Z])", block)
        block = block[: len(" ".join(pieces[:2])) + 5].strip()
        block = block if block in text[start : start + len(block) + 5] else pieces[0]
        value = re.sub(r"\s+", " ", block)
        cues = score_denial_cues(value)
        conf = 0.88 if cues else 0.7
        out.append(Candidate("denial_reason", value, block, start, start + len(block), conf))
    for i, sent in enumerate(sentences):
        cues = score_denial_cues(sent.text)
        if not cues or BOILERPLATE.search(sent.text):
            continue
        strength = max(cues.values()) + (1.5 if REASON_MARKERS.search(sent.text) else 0)
        if _CAUSAL.search(sent.text):
            strength += 1.5
        if _CODE_LINE.match(sent.text):
            strength -= 2.5  # a code's printed description restates the code, not the case
        if strength < 3.0:
            continue
        start, end = sent.start, sent.end
        # A reason often continues in the next sentence ("Specifically, ..."); keep one more.
        if i + 1 < len(sentences):
            nxt = sentences[i + 1]
            if (
                nxt.start - end < 4
                and not BOILERPLATE.search(nxt.text)
                and (score_denial_cues(nxt.text) or re.match(r"(specifically|this is because|the (plan|policy|guideline)|per |in addition)", nxt.text, re.IGNORECASE))
            ):
                end = nxt.end
        raw = text[start:end]
        conf = min(0.92, 0.45 + 0.06 * strength)
        out.append(Candidate("denial_reason", re.sub(r"\s+", " ", raw), raw, start, end, conf))
    if not out:
        out += _reason_fallback(sentences, text)
    return out


_DENIAL_STATEMENT = re.compile(
    r"\b(we|the plan|your plan|it|this (request|service|claim|drug|item))\s+(have\s+|has\s+)?"
    r"(denied|deny|are denying|cannot approve|can ?not approve|did not approve|will not (cover|pay)|"
    r"decided not to|is not covered|was denied|were denied|is denied|not approved|are not able to "
    r"approve|must deny|cannot cover|can't (approve|cover))\b",
    re.IGNORECASE,
)


def _reason_fallback(sentences: list[Sentence], text: str) -> list[Candidate]:
    """No cue phrase fired: the sentence that states the denial, with its 'because' if it has one.

    Low confidence on purpose, so the reason is flagged for review.
    """
    for i, sent in enumerate(sentences):
        if BOILERPLATE.search(sent.text) or not _DENIAL_STATEMENT.search(sent.text):
            continue
        end = sent.end
        if not _CAUSAL.search(sent.text) and i + 1 < len(sentences):
            nxt = sentences[i + 1]
            if nxt.start - end < 4 and not BOILERPLATE.search(nxt.text):
                end = nxt.end  # "We cannot approve this request. The records show ..."
        raw = text[sent.start : end]
        return [Candidate("denial_reason", re.sub(r"\s+", " ", raw), raw, sent.start, end, 0.55)]
    return []


# ---------------------------------------------------------------------------------------- codes
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


# ------------------------------------------------------------------------------ address, payer
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
            out.append(Candidate("appeal_address", raw, raw, start, end, 0.8))
    return out


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
            conf = 0.6 if not out else 0.5
            out.append(Candidate("payer", name, name, start, start + len(name), conf))
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
        out.append(Candidate("administrator", name.strip(), name, start, start + len(name), 0.75))
    return out
