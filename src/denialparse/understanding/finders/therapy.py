"""Therapy: the denied service, drug, item or device, from labels, claim tables and sentences.

A therapy is a noun phrase that names a drug, a service, a procedure or a device. Letters often
refer back to it ("the above drug", "coverage of the requested service(s)"), print a case
placeholder or a heading where a finder looks, or name the diagnosis nearby.
:func:`is_therapy_phrase` turns those down, for these rules and for the trained model's spans
alike (``model_candidates.py``), so the thing named where the letter names it wins (a label, the
RE line, the claim table) and, with nothing named, the field stays empty.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from denialparse.understanding import confidence as conf
from denialparse.understanding import lexicon
from denialparse.understanding.candidate import Candidate
from denialparse.understanding.finders.dates import DATE_RE

# Between a label and its value: a colon, a dash, or dot leaders ("Procedure ...... Knee MRI").
_SEPARATOR = r":|-|\.{3,}|\u2026+"
# "Drug Name/Strength: ...", "RE: Service requested - ...", the value on the label's line or, when
# the label ends its line, on the next. The label's words are checked by _is_therapy_label.
_THERAPY_LABEL = re.compile(
    r"^[ \t]*(?:re\s*:\s*)?(?P<label>[A-Za-z][A-Za-z /()]{1,45}?)[ \t]*"
    r"(?P<sep>" + _SEPARATOR + r")[ \t]*"
    r"(?P<next>\n[ \t]*)?(?P<value>[^\n]{3,120})"
    # a value wrapped onto an indented line of its own (not another "Label: value" line)
    r"(?P<more>\n[ \t]{4,}(?![^\n]{0,40}:)[^\s][^\n]{2,120})?",
    re.IGNORECASE | re.MULTILINE,
)
# A sentence's value: up to a full stop (not the point of "0.5 mL"), a semicolon or a blank line.
_VALUE = r"(?P<value>(?:[^.;:\n]|(?<=\d)\.(?=\d)|\n(?!\s*\n)){3,110}?)"
_VALUE_END = (
    r"(?=\s+(?:because|for\s+(?:your|the|you|chronic|treatment|dates?|services?|a\s|an\s)|to\s+treat|"
    r"prescribed|ordered|performed|provided|rendered|received|from\s|dated|on\s+\w+\s+\d|as\s|"
    r"since|due\s+to|based|under|at\s|"
    r"which|that|and\s+(?:it|we|this)|(?:is|was|has\s+been|have\s+been|are|were)\s)|[.,;:]|\n\s*\n)"
)
_TO_COVER = r"to\s+(?:cover|approve|pay\s+for)"  # "your request to cover X"
_THERAPY_SENTENCE = (
    re.compile(  # "coverage for X is denied"
        r"(?i:coverage|payment|request|authori[sz]ation|approval|pre-?certification|benefits?)\s+"
        r"(?i:request\s+)?(?i:for|of)\s+" + _VALUE + r"\s+(?i:is|was|has\s+been|have\s+been|are|were)"
        r"\s+(?i:denied|not\s+approved|not\s+covered|rejected|declined)"
    ),
    re.compile(  # "we denied your request for X because"
        r"(?i:we|plan|have|has)\s+(?i:denied|cannot\s+approve|can\s*not\s+approve|did\s+not\s+approve|"
        r"are\s+unable\s+to\s+approve|(?:will|cannot|can\s*not|did|do)\s+not\s+(?:cover|pay\s+for)|"
        r"cannot\s+(?:cover|pay\s+for)|are\s+denying|decided\s+not\s+to\s+cover|"
        r"are\s+not\s+able\s+to\s+approve)\s+(?i:your\s+|the\s+)?(?i:request\s+for\s+|coverage\s+"
        r"(?:of|for)\s+|payment\s+(?:of|for)\s+|prior\s+authori[sz]ation\s+(?:request\s+)?for\s+)?"
        + _VALUE + _VALUE_END
    ),
    re.compile(  # "the request (from Clinic) for X for your left arm", "asked us to approve X"
        r"(?:(?i:request(?:ed)?|claim)(?:\s+from\s+(?:[^.\n]|\n(?!\s*\n)){2,60}?)?"
        r"\s+(?i:for|of|" + _TO_COVER + r")"
        r"|(?i:asked\s+us\s+to\s+(?:approve|cover|pay\s+for)|prescription\s+for))"
        r"(?:\s+(?i:coverage|approval|prior\s+authori[sz]ation|payment)\s+(?i:of|for))?\s+"
        + _VALUE + _VALUE_END
    ),
    re.compile(  # "denial of coverage for X"
        r"(?i:denial|denied\s+request)\s+(?i:of|for)\s+(?:(?i:coverage|payment)\s+(?i:of|for)\s+)?"
        + _VALUE + _VALUE_END
    ),
    re.compile(  # "RE: Coverage decision for X (CPT 97799)"
        r"^[ \t]*(?i:re|subject|regarding)\s*:[^\n]*?\b(?i:for|of|regarding)\s+"
        r"(?P<value>[^\n]{3,100})$",
        re.MULTILINE,
    ),
)
# A subject line that is the therapy itself: "RE: HUMIRA PEN 40 MG/0.4 ML" (a strength or a
# CPT/HCPCS code says so; "RE: Member John Smith" is not one).
_SUBJECT_IS_THERAPY = re.compile(
    r"^[ \t]*(?:re|subject|regarding)\s*:[ \t]*(?P<value>[^\n]{3,100})$",
    re.IGNORECASE | re.MULTILINE,
)
_STRENGTH_OR_CODE = re.compile(
    r"\b\d+(?:\.\d+)?\s*(?:mg|mcg|ml|units?|iu)\b|\b(?:CPT|HCPCS)\b", re.IGNORECASE
)
# A claim's service line: "Line 1: CPT 72148 - MRI, lumbar spine without contrast".
_SERVICE_LINE = re.compile(
    r"^[ \t]*(?:service\s+)?line\s*(?:#|no\.?)?\s*\d{1,3}\s*[:\-][ \t]*(?P<value>[^\n]{3,120})",
    re.IGNORECASE | re.MULTILINE,
)
# "the services listed below that you received:", "the following drug(s) you requested:" and
# the service after the colon or on the next line (a notice form's blank, filled in). Not "the
# reasons listed below:": the words before say a service, drug or item follows.
_THINGS = (r"(?:services?|items?|drugs?|medications?|procedures?|treatments?|equipment|supplies|"
           r"devices?|tests?)(?:\(s\))?")
_LISTED_BELOW = re.compile(
    r"\b(?:" + _THINGS + r"(?:\s*/\s*" + _THINGS + r")?\s+(?:listed|shown|described)\s+below"
    r"|the\s+following\s+(?:[a-z]+\s+){0,2}?" + _THINGS + r")\b"
    r"(?:[^\n.:]|\n(?!\s*\n)){0,80}:[ \t]*(?:\n[ \t]*){0,2}(?P<value>[^\n]{3,120})",
    re.IGNORECASE,
)
# A claim table: a header row with a column naming the service, and the first row under it.
_COLUMN = re.compile(
    r"(?:(?:requested\s+)?(?:service|procedure|drug|medication|item)s?(?:\(s\))?"
    r"(?:\s+(?:description|name|requested|billed|provided|rendered))?"
    r"(?:\s*(?:&|and)\s*(?:billing\s+)?codes?)?"
    r"|description(?:\s+of\s+services?)?"
    r"|(?:procedure\s+)?codes?(?:\(s\))?\s*/\s*description|drug\s+name\s*/\s*strength)",
    re.IGNORECASE,
)
_RAN_TOGETHER = -1  # _service_column's index for a header whose columns ran together
_MAX_TABLE_ROWS = 15
_AMOUNT = re.compile(r"\$?\d[\d,]*\.\d{2}\b")  # "$1,840.00", "0.00": not a code
_DENIED_ROW = re.compile(r"\b(?:denied|not\s+covered|rejected|not\s+payable)\b", re.IGNORECASE)
_CELL_GAP = re.compile(r"[ \t]*\|[ \t]*|[ \t]{2,}|\t")  # cells: between bars, or 2+ spaces
_RULE_LINE = re.compile(r"^[\s+\-=|_]*$")  # "+-----+-----+" between a header and its rows
_MONEY_COLUMN = re.compile(r"\b(?:billed|charges?|charged|amount|paid|allowed)\b", re.IGNORECASE)
# A claim table, not a summary of benefits ("Service | You pay | Plan pays"): a column of amounts,
# dates, codes, quantities or decisions next to the service.
_CLAIM_COLUMN = re.compile(
    r"\b(?:billed|charges?|charged|amount|paid|allowed|dates?|dos|codes?|cpt|hcpcs|ndc|qty|"
    r"quantity|units|status|decision|determination)\b",
    re.IGNORECASE,
)
# A row whose columns a PDF's text layer ran together: the first words after its leading dates
# and codes, up to the first amount ("07/29/2025 CT angiography, coronary $2,960.00 $0.00").
_CODE = r"(?:\d{5}|[A-Z]\d{4}|\d{4}[A-Z])"
_RUN_TOGETHER_ROW = re.compile(
    rf"^[\s|]*(?:(?:{DATE_RE.pattern}|{_CODE})[\s|]+)+(?P<value>[A-Za-z][^$\n|]{{2,100}}?)[\s|]+\$",
    re.IGNORECASE,
)

_THERAPY_JUNK = re.compile(
    r"^(your|the|this|a|an|our)\s+|\s*\((?:the\s+)?\"?(?:service|drug|item)\"?\)$"
    r"|^(?:prior\s+)?(?:request|claim|coverage|payment|authori[sz]ation|approval)\s+(?:request\s+)?"
    r"(?:for|of|to\s+cover)\s+",
    re.IGNORECASE,
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
# Where a printed therapy ends: a following column label (also one a PDF's text layer ran into
# the value: "Repatha 140 mg/mL Prescriber NPI: 1234"), or the date it was given on.
_TAIL = re.compile(
    r"\s+(?:Date|DOS|Member|Claim|Reference|NPI|Quantity|Qty)\b.*$"
    r"|\s+[A-Z][a-z]+(?:\s+(?:[a-z]+|[A-Z]{2,4}|#))?(?:\s+[a-z]+)?\s*[:#]\s.*$"
    r"|,?\s+(?:on|from|dated)\s+(?:\d{1,2}/|[A-Z][a-z]{2,8}\.?\s+\d).*$"
    r"|,?\s+(?:requested|ordered|prescribed|performed|provided)\s+by\b.*$"
)
_LEADING_DATE = re.compile(r"^(?:" + DATE_RE.pattern + r")[\s|]+", re.IGNORECASE)
# A case placeholder left in a template: "[name of service]", "<drug>", "____".
_PLACEHOLDER = re.compile(r"[\[\]<>{}]|_{3,}|\b[Xx]{4,}\b")
# A fragment cut short: it ends on a preposition, article, conjunction or title ("presence of",
# "consultation with Dr" cut at the period of "Dr.").
_FRAGMENT_END = re.compile(
    r"\b(?:of|for|to|with|without|and|or|the|a|an|in|on|by|at|from|per|as|than|dr|mr|mrs|ms)$",
    re.IGNORECASE,
)
# "X for Y", "X to treat Y": when Y is a diagnosis, the therapy is X.
_FOR_CONDITION = re.compile(r"(?P<thing>.{3,}?)\s+(?:for|to\s+treat)\s+(?P<condition>.+)$")
# A head of generic words before a dash or colon: "Prior Authorization \u2014 CPAP device".
_HEAD = re.compile(r"(?P<head>[^:\u2013\u2014]{2,60}?)\s*(?::|\u2013|\u2014|\s-\s)\s*(?P<rest>.+)")
# A clause, not a noun phrase: it opens with a pronoun, conjunction or verb, or holds a finite verb.
_CLAUSE = re.compile(
    r"^(?:it|its|they|them|he|she|we|you|which|who|whom|that|because|since|if|when|while|so|but|"
    r"and|or|nor|is|are|was|were|be|been|has|have|had|do|does|did|will|would|shall|should|may|"
    r"might|can|could|cannot|must|not|to|please|there|here|why|how|denied|approved|none)\b"
    r"|\b(?:because|since|although|unless|whether)\b"
    r"|(?-i:\b(?:it|we|you|they|is|are|was|were|has\s+been|have\s+been|will\s+be|cannot|"
    r"does\s+not|did\s+not)\b)",
    re.IGNORECASE,
)
# An ICD-10 diagnosis code ("F33.1", "M17.11"), and a code or strength that marks a therapy
# (CPT "95810", HCPCS "Q9967", NDC "0002-8215-01", "30 mg").
_ICD10 = re.compile(r"\b[A-TV-Z]\d{2}\.\d{1,4}[A-Z]?\b")
_THERAPY_MARK = re.compile(
    r"\b(?:\d{5}|[A-Z]\d{4}|\d{4}[A-Z]|\d{4,5}-\d{3,4}-\d{1,2})\b"
    r"|\b\d+(?:\.\d+)?\s*(?:mg|mcg|ml|g|units?|iu|%)(?:\b|/)",
    re.IGNORECASE,
)
# "Dear Ms. Ruiz,", "Hi Dana,", "Member name: Dana Ruiz": the people a letter is about.
_PERSON_LINE = re.compile(
    r"^[ \t]*(?:(?:dear|hi|hello)\s+(?P<greeted>[^,:\n]{2,60})[,:]"
    r"|(?:member|patient|enrollee|beneficiary|subscriber)(?:\s+name)?\s*:[ \t]*"
    r"(?P<labelled>[^\n]{2,60}))",
    re.IGNORECASE | re.MULTILINE,
)
_TITLES = frozenset({"mr", "mrs", "ms", "miss", "dr", "sir", "madam", "doctor"})
_DIAGNOSIS_LINE = re.compile(
    r"^[ \t]*(?:(?:primary|principal|secondary|admitting)\s+)?(?:diagnos[ie]s|dx|condition|"
    r"icd(?:-?10)?(?:\s+codes?)?)(?:\s+codes?)?(?:\(s\))?[ \t]*(?:" + _SEPARATOR + r")[ \t]*"
    r"(?P<value>[^\n]{3,160})",
    re.IGNORECASE | re.MULTILINE,
)


def _words(value: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", value.lower())


@dataclass(frozen=True)
class NamedElsewhere:
    """What a letter names that is not the therapy (:func:`named_elsewhere`).

    Attributes:
        diagnoses: the labelled diagnoses, lower case words ("major depressive disorder").
        people: words of the names it addresses or labels as the member, lower case.
    """

    diagnoses: tuple[str, ...] = ()
    people: frozenset[str] = frozenset()


_NOTHING_ELSEWHERE = NamedElsewhere()


def is_therapy_phrase(value: str, elsewhere: NamedElsewhere = _NOTHING_ELSEWHERE) -> bool:
    """Whether ``value`` can name a therapy: a noun phrase, not a reference, placeholder or heading.

    Args:
        value: a cleaned candidate ("Otezla 30 mg tablet", "the above drug").
        elsewhere: the letter's diagnoses and people: a phrase printed as the diagnosis, or a
            person's name ("a claim for Dana Ruiz"), is not the therapy.
    """
    words = _words(value)
    if _PLACEHOLDER.search(value) or _CLAUSE.search(value) or _FRAGMENT_END.search(value):
        return False
    if all(w in lexicon.THERAPY_GENERIC_WORDS or w.isdigit() for w in words):
        return False  # "the requested service(s)", "coverage of the above drug"
    letters = re.sub(r"[^A-Za-z]", "", value)
    if letters.isupper() and any(w in lexicon.THERAPY_HEADING_WORDS for w in words):
        return False  # "NOTICE OF DENIAL OF MEDICAL COVERAGE"
    if (_ICD10.search(value) or _names_a_diagnosis(value)) and not _THERAPY_MARK.search(value):
        return False
    lowered = f" {' '.join(words)} "
    return (not any(lowered in f" {d} " for d in elsewhere.diagnoses)
            and not _is_a_person(value, elsewhere.people))


def _is_a_person(value: str, people: frozenset[str]) -> bool:
    """"Dana Ruiz (member ID 5512)": capitalised words, one a name the letter addresses/labels."""
    words = re.findall(r"[A-Za-z][A-Za-z'.-]*", value.split("(")[0])
    return (0 < len(words) <= 4 and all(w[0].isupper() for w in words)
            and any(w.lower().strip(".") in people for w in words))


def _names_a_diagnosis(phrase: str) -> bool:
    """"Moderate plaque psoriasis": the phrase ends on a diagnosis word (``therapy_words.toml``)."""
    words = _words(phrase)
    return bool(words) and words[-1] in lexicon.THERAPY_DIAGNOSIS_WORDS


def named_elsewhere(text: str) -> NamedElsewhere:
    """The diagnoses printed after a label ("Diagnosis: F33.1 Major depressive disorder") and the
    people the letter addresses ("Dear Ms. Ruiz,") or labels ("Member name: Dana Ruiz")."""
    diagnoses = tuple(" ".join(_words(m["value"])) for m in _DIAGNOSIS_LINE.finditer(text))
    people = frozenset(w for m in _PERSON_LINE.finditer(text)
                       for w in _name_words(m["greeted"] or m["labelled"]))
    return NamedElsewhere(diagnoses, people)


def _name_words(name: str) -> set[str]:
    """"Ms. Dana Q. Ruiz   ID: 44" -> {"dana", "ruiz"}: capitalised words up to the next field."""
    words: set[str] = set()
    for token in re.split(r"[ \t]{2,}", name.strip())[0].split()[:5]:
        word = token.strip(",.;:")
        if word.lower() in _TITLES or re.fullmatch(r"[A-Z]\.?", token):
            continue  # a title or an initial
        if (token.endswith(":") or not re.fullmatch(r"[A-Z][a-z'-]+", word)
                or word.lower() in lexicon.THERAPY_GENERIC_WORDS):
            break  # "Group:", "Member ID", a number: the name has ended
        words.add(word.lower())
    return words


def clean_therapy(raw: str, elsewhere: NamedElsewhere = _NOTHING_ELSEWHERE) -> str | None:
    """A therapy as printed, trimmed of labels and junk; None for what can't be one."""
    value = re.split(r"[ \t]{2,}|\t", raw.strip())[0]
    value = re.sub(r"\s+", " ", value).strip(" :-,.\"'")
    previous = None
    while previous != value:
        previous = value
        value = _THERAPY_JUNK.sub("", value).strip()
    value = _TAIL.sub("", _LEADING_DATE.sub("", value)).strip(" ,").lstrip("/ ")
    head = _HEAD.match(value)
    if head and all(w in lexicon.THERAPY_GENERIC_WORDS for w in _words(head["head"])):
        value = head["rest"]
    for_condition = _FOR_CONDITION.match(value)
    if for_condition and _names_a_diagnosis(for_condition["condition"]):
        value = for_condition["thing"]  # "CPAP device for obstructive sleep apnea"
    if value.endswith(")") and value.count(")") > value.count("("):
        value = value[:-1].rstrip()  # "Total Knee Arthroplasty)": the span lost its "("
    if len(value) < 3 or _NOT_A_THERAPY.match(value) or not re.search(r"[A-Za-z]{3}", value):
        return None
    return value if is_therapy_phrase(value, elsewhere) else None


def _is_therapy_label(label: str) -> bool:
    """"Drug Name/Strength", "Requested item": label words only, one saying what is named."""
    words = _words(label)
    return (all(w in lexicon.THERAPY_LABEL_WORDS for w in words)
            and any(w in lexicon.THERAPY_LABEL_HEADS for w in words))


def _labelled(text: str, elsewhere: NamedElsewhere) -> list[Candidate]:
    out = []
    for m in _THERAPY_LABEL.finditer(text):
        if not _is_therapy_label(m["label"]) or (m["next"] and m["sep"] == "-"):
            continue
        raw, end = m["value"], m.end("value")
        if m["more"] and not re.search(r"[ \t]{2,}", raw.strip()):  # one column: it wrapped
            raw, end = f"{raw.strip()} {m['more'].strip()}", m.end("more")
        value = clean_therapy(raw, elsewhere)
        if value:
            confidence = conf.THERAPY_LABELLED
            if m["next"]:
                confidence -= conf.VALUE_ON_NEXT_LINE_PENALTY
            out.append(Candidate("therapy", value, raw, m.start("value"), end, confidence))
    for pattern, confidence in ((_SERVICE_LINE, conf.THERAPY_LABELLED),
                                (_LISTED_BELOW, conf.THERAPY_LISTED_BELOW),
                                (_SUBJECT_IS_THERAPY, conf.THERAPY_SUBJECT_LINE)):
        for m in pattern.finditer(text):
            value = clean_therapy(m["value"], elsewhere)
            if pattern is _SUBJECT_IS_THERAPY and not _STRENGTH_OR_CODE.search(value or ""):
                continue
            if value:
                out.append(Candidate("therapy", value, m["value"], m.start("value"),
                                     m.end("value"), confidence))
    return out


def _cells(line: str) -> list[tuple[str, int]]:
    """A table line's cells with their offsets in the line (empty cells between bars kept)."""
    cells, start = [], 0
    for gap in _CELL_GAP.finditer(line):
        cells.append((line[start:gap.start()], start))
        start = gap.end()
    cells.append((line[start:], start))
    return cells


def _looks_like_header(line: str) -> bool:
    """Column names, not prose: every word capitalised ("DATE OF SERVICE SERVICE AMOUNT BILLED")."""
    words = re.findall(r"[A-Za-z]+", line)
    return len(words) >= 3 and all(w[0].isupper() or w in ("of", "and", "or", "per")
                                   for w in words)


def _through_code(cell: str) -> str:
    """A run-together cell up to its code: "Blepharoplasty, upper eyelid (15823) No" (a column)."""
    m = re.search(rf"\((?:CPT|HCPCS)?\s*{_CODE}\)", cell)
    return cell[: m.end()] if m else cell


def _service_column(header: str) -> tuple[int, int] | None:
    """(index of the service column, number of cells) if ``header`` heads a claim table.

    The index is _RAN_TOGETHER when a PDF's text layer ran the columns together with single spaces.
    """
    cells = [c.strip() for c, _ in _cells(header)]
    columns = [k for k, c in enumerate(cells) if _COLUMN.fullmatch(c)]
    if len(cells) >= 2 and len(columns) == 1 and _CLAIM_COLUMN.search(header):
        return columns[0], len(cells)
    if (len(cells) < 3 and _looks_like_header(header) and _MONEY_COLUMN.search(header)
            and _COLUMN.search(header)):
        return _RAN_TOGETHER, 0
    return None


def _service_cell(row: str, row_start: int, column: int, n_cells: int) -> tuple[str, int] | None:
    """The row's cell under the service column, with its offset in the text."""
    if column == _RAN_TOGETHER:
        m = _RUN_TOGETHER_ROW.match(row)
        return (_through_code(m["value"]), row_start + m.start("value")) if m else None
    cells = _cells(row)
    if len(cells) != n_cells:
        return None  # a wrapped cell's second line, a total, a note
    cell, offset = cells[column]
    return cell, row_start + offset


def _is_denied_row(row: str) -> bool:
    """A row the plan paid nothing on: it says so, or its amount after the billed one is zero."""
    amounts = [float(re.sub(r"[^\d.]", "", a)) for a in _AMOUNT.findall(row)]
    return bool(_DENIED_ROW.search(row)) or (len(amounts) >= 2 and amounts[1] == 0)


def _table_rows(text: str, elsewhere: NamedElsewhere) -> list[Candidate]:
    """A claim table's service: under its service column, in the first denied row (or the first)."""
    out = []
    lines, offset = [], 0
    for line in text.split("\n"):
        lines.append((line, offset))
        offset += len(line) + 1
    for i, (header, _) in enumerate(lines):
        column = _service_column(header) if header.strip() else None
        if column is None:
            continue
        rows = []
        for row, row_start in lines[i + 1 : i + 1 + _MAX_TABLE_ROWS]:
            if not row.strip():
                break
            found = None if _RULE_LINE.match(row) else _service_cell(row, row_start, *column)
            if found and (value := clean_therapy(found[0], elsewhere)):
                rows.append((_is_denied_row(row), value, *found))
        if rows:
            _, value, raw, start = next((r for r in rows if r[0]), rows[0])
            out.append(Candidate("therapy", value, raw, start, start + len(raw),
                                 conf.THERAPY_TABLE_ROW))
    return out


def _names_and_codes(value: str) -> bool:
    """A code or strength with words naming the thing ("CPT 72148" alone refers to it by code)."""
    if not _THERAPY_MARK.search(value):
        return False
    words = re.sub(r"\b(?:cpt|hcpcs|ndc|code)\b", "", _THERAPY_MARK.sub("", value), flags=re.I)
    return bool(re.search(r"[A-Za-z]{3}", words))


def _sentences(text: str, elsewhere: NamedElsewhere) -> list[Candidate]:
    out = []
    for i, pattern in enumerate(_THERAPY_SENTENCE):
        for m in pattern.finditer(text):
            value = clean_therapy(m["value"], elsewhere)
            if not value or len(value.split()) > 12:
                continue
            # The RE/subject line names the service on purpose: trust it like a label.
            if i == len(_THERAPY_SENTENCE) - 1:
                confidence = conf.THERAPY_SUBJECT_LINE
            else:
                confidence = conf.THERAPY_SENTENCE - conf.THERAPY_SENTENCE_STEP * i
                if _names_and_codes(value):  # "polysomnography (CPT 95810)": surely a therapy
                    confidence += conf.THERAPY_CODED_BONUS
            out.append(Candidate("therapy", value, m["value"], m.start("value"), m.end("value"),
                                 confidence))
    return out


def find_therapy(text: str) -> list[Candidate]:
    """The denied service, drug, item or device: labels and tables first, then denial sentences."""
    elsewhere = named_elsewhere(text)
    return _labelled(text, elsewhere) + _table_rows(text, elsewhere) + _sentences(text, elsewhere)
