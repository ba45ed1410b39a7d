"""Dates: every printed date with its role (letter date, date of service, stated deadline).

A date's role comes from the label before it on its line, else the table header above it, else
where it sits (a bare date near the top is the letter date). Numeric dates are read in US order.
Also the deadline a letter states as a period ("within 60 days of the date of this notice").
"""

from __future__ import annotations

import re
from datetime import date

from denialparse.understanding import confidence as conf
from denialparse.understanding.candidate import Candidate

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


_UNLABELLED = "unlabelled"  # _date_role's answer for a bare date near the top


def find_dates(text: str) -> list[Candidate]:
    """Every date with its role: letter_date, service_date, stated_deadline (others dropped)."""
    found: list[Candidate] = []
    unlabelled_seen = False
    head_limit = max(600, len(text) // 5)
    for m in DATE_RE.finditer(text):
        parsed = parse_date(m.group(0))
        if parsed is None or not 1990 <= parsed.year <= 2100:
            continue
        same_line = text[_line_bounds(text, m.start())[0] : m.start()]
        # A label on the same line decides; a bare label on the line above is a table header.
        if _IGNORE_CTX.search(same_line[-40:]):
            continue
        role, confidence = _date_role(text, m, same_line, near_top=m.start() < head_limit)
        if role == _UNLABELLED:
            # Only the first unlabelled date near the top may be the letter date.
            role, confidence = "letter_date", confidence if not unlabelled_seen else 0.0
            unlabelled_seen = True
        if role and confidence:
            found.append(Candidate(role, parsed.isoformat(), m.group(0), m.start(), m.end(),
                                   confidence))
    return found


def _date_role(text: str, m: re.Match[str], same_line: str, *,
               near_top: bool) -> tuple[str | None, float]:
    """The role of the date ``m`` from its label, its table header or where it sits."""
    ctx = _context_before(text, m.start())[-60:]
    sentence_ctx = text[max(0, m.start() - 80) : m.start()]
    if _LETTER_CTX.search(ctx):
        return "letter_date", conf.LETTER_DATE_LABELLED
    if _SERVICE_CTX.search(ctx) or _SERVICE_CTX.search(sentence_ctx):
        return "service_date", conf.SERVICE_DATE_LABELLED
    if _DEADLINE_CTX.search(sentence_ctx):
        return "stated_deadline", conf.STATED_DEADLINE_LABELLED
    if _table_header_says_service(text, m.start()):
        return "service_date", conf.SERVICE_DATE_TABLE_HEADER
    if not same_line.strip() and near_top:
        line_end = _line_bounds(text, m.start())[1]
        if not text[m.end() : line_end].strip():
            # A date alone on its line near the top: the classic letter-date position.
            return "letter_date", conf.LETTER_DATE_ALONE_ON_LINE
        return None, 0.0
    if near_top and not _SERVICE_CTX.search(ctx):
        # No label at all, near the top: maybe the letter date ("Tampa, FL   May 2, 2026").
        return _UNLABELLED, conf.LETTER_DATE_UNLABELLED
    return None, 0.0


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
