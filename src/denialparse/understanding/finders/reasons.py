"""The denial reason: what a letter gives as the reason, wherever and however it prints it.

Candidates, strongest first: the block under a reason heading ("Reason for denial:", "Why we
denied your request", "Explanation:"), a list of unmet criteria, the "Reason" cell of a claim
table, the sentences with the strongest denial wording, a decision line ("The request is
denied.") with the sentences that give its why, a reason code's printed description, and last a
sentence with weaker reason wording ("does not show", "records show"). Of the
candidates read from wording, one printed inside a longer one is folded into it: the longer one
says more of the reason. Those the letter prints as its reason (a label, a list, a table cell)
keep their own boundaries.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterator
from functools import lru_cache
from itertools import islice

from denialparse.understanding import confidence as conf
from denialparse.understanding.candidate import Candidate
from denialparse.understanding.classify import BOILERPLATE, REASON_MARKERS, score_denial_cues
from denialparse.understanding.finders.codes import CODE_LINE
from denialparse.understanding.sentences import Sentence

# A sentence's denial cues, asked by several candidates (its own, the one that may run on into it).
_cues = lru_cache(maxsize=4096)(score_denial_cues)

# --------------------------------------------------------------------------------- reason labels
# A label that can only introduce a reason; it may run on a little ("Reason for denial of your
# claim:") and may stand alone on its line as a heading, with the reason on the next lines.
_STRONG_LABEL = (
    r"reasons?(?:\s*\(s\))?\s+(?:for|of)\s+(?:the\s+|our\s+|this\s+|my\s+|your\s+)?"
    r"(?:denial|decision|determination|non-?coverage|adverse\s+(?:benefit\s+)?determination|action)"
    r"|(?:denial|decision|determination)\s+reasons?(?:\s*\(s\))?"
    r"|why\s+(?:we|was|did|your|the|this)\b[^:\n]{0,40}?(?:denied|said\s+no|deny|decision|"
    r"not\s+(?:approved|covered)|stop(?:ping)?|ending|reduc\w+|won't|will\s+not|can't|cannot)"
    r"|basis\s+(?:for|of)\s+(?:the\s+|our\s+|this\s+)?(?:denial|decision|determination)"
    r"|(?:clinical\s+|decision\s+|denial\s+)?rationale"
    r"|the\s+reason\s+for\s+our\s+decision\s+is|reason\s+(?:code\s+)?description"
    r"|we\s+(?:denied|are\s+denying|cannot\s+approve|can't\s+approve)\s+(?:this|your|the)\s+"
    r"(?:request|claim|service|drug|item)s?\s+because"
)
# A word that is a reason label only as a heading or a line's own label ("Explanation:",
# "Reason:", "REMARKS"): mid-sentence or followed by more words it is something else
# ("Explanation of Benefits").
_WEAK_LABEL = (
    r"reasons?(?:\s*\(s\))?|explanation(?:\s+of\s+(?:the\s+|our\s+|this\s+)?"
    r"(?:decision|denial|determination))?|what\s+this\s+means|message|remarks?|comments?"
)
_LINE_START = r"^[ \t]*(?:[-•*]\s*|\d{1,2}[.)]\s*)?"
# Labels that often carry something else than a reason: their block must read like one.
_NEEDS_WORDING = re.compile(rf"{_LINE_START}(?:message|remarks?|comments?|what\s+this\s+means)\W*$",
                            re.IGNORECASE)
_LABEL = re.compile(
    # a strong label anywhere, then a colon or dash on the same line
    rf"\b(?:{_STRONG_LABEL})[^:\n.?]{{0,40}}?[ \t]*[:?\-–][ \t]*"
    # a strong label heading alone on its line
    rf"|{_LINE_START}(?:{_STRONG_LABEL})[^:\n.?]{{0,40}}?[ \t]*$"
    # a weak label opening its line, then a colon, a table gap or the end of the line
    rf"|{_LINE_START}(?:{_WEAK_LABEL})[ \t]*(?::[ \t]*|[ \t]{{2,}}|\t|$)"
    # "Reason:" after a sentence on the same line ("We could not approve X. Reason: ...")
    r"|(?<=[.!?] )reasons?(?:\s*\(s\))?:[ \t]*",
    re.IGNORECASE | re.MULTILINE,
)
# "You do not meet the following criteria:", "Criteria not met:": the list under it is the reason,
# and the line itself says what the list is.
_CRITERIA_INTRO = re.compile(
    r"^[^\n]{0,160}?\b(?:(?:do|does|did|has|have)\s+not|doesn't|didn't|hasn't|haven't)\s+"
    r"(?:meet|met|satisfy|satisfied)\b[^\n]{0,120}?:[ \t]*$"
    r"|^[ \t]*(?:the\s+following\s+)?(?:clinical\s+)?(?:criteria|requirements?|conditions?)\s+"
    r"(?:(?:was|were|are|is|has|have)\s+)?(?:been\s+)?(?:not\s+met|unmet)[^\n]{0,60}?:[ \t]*$"
    r"|^[ \t]*unmet\s+(?:clinical\s+)?(?:criteria|requirements?)[^\n]{0,60}?:[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)

# Wording that gives a why without a denial-type cue: what the records show or lack, a rule the
# plan has, an exclusion. Weaker than a cue: alone it makes only a low-confidence candidate.
_REASON_WORDING = re.compile(
    r"\b(?:does|do|did)\s+not\s+(?:show|meet|support|document|indicate|include|demonstrate|"
    r"qualify|need)|\b(?:doesn't|don't|didn't)\s+(?:show|meet|support|qualify|need)|"
    r"\bnot\s+(?:been\s+)?(?:\w+ly\s+)?(?:met|documented|shown|supported|provided|submitted|"
    r"received|eligible|enrolled)|"
    r"\b(?:criteria|criterion|guidelines?|policy)\b(?!\s*(?:number|no\b|#|id\b))|"
    r"\brecords?\s+(?:show|indicate)|"
    r"\bno\s+(?:record|documentation|evidence|proof|history)|\bexclude[sd]?\b|\blacks?\b|"
    r"\bmissing\b|\b(?:coverage|eligibility)\b[^.]{0,60}\b(?:ended|terminated|lapsed)|"
    r"\b(?:primary|secondary)\s+(?:payer|insurer|insurance|coverage)|\brequires?\b|\brequired\b|"
    r"\bmust\b|\bonly\s+(?:covers?|pays?|when|if)\b|\bbecause\b|\bdue\s+to\b|"
    r"\bnot\s+(?:a\s+)?covered\b|"
    r"\bexceed(?:s|ed)?\b|\blimit(?:s|ed)?\b",
    re.IGNORECASE,
)
# Sentences that are never the reason even with reason wording: who decided, what to do next.
_NOT_A_REASON = re.compile(
    r"^(?:this|the|our)\s+decision\s+was\s+(?:made|reviewed)|^(?:if|please|sincerely|thank)\b|"
    r"^(?:your|an|the|to)\s+appeals?\b|\bdecisi[o0]ns?\s+(?:are|is)\s+(?:made|based)\b|"
    # what the letter is not: "This letter does not mean the service is experimental."
    r"\b(?:does|do|will)\s+not\s+(?:mean|change|affect)\b|"
    r"\bis\s+not\s+a\s+decision\s+(?:about|on)\b|"
    # a rule about drugs or services in general, not this request
    r"^(?:certain|some|many|most)\s+(?:drugs|medications|medicines|services|plans|items)\b|"
    r"^you\s+(?:may|can|have|must\s+(?:ask|file|request|send|call))\b|^dear\b|"
    r"\byou\s+(?:\w+\s+)?(?:have|has)\s+the\s+right\b|"
    r"\b(?:reviewed|made)\s+by\s+(?:dr\.?|a\s+(?:physician|doctor|pharmacist|nurse))|"
    # what the member owes, what to ask for next: not why
    r"\b(?:have|has)\s+to\s+pay\b|\bnot\s+responsible\b|\byou\s+(?:may\s+)?owe\b|"
    r"\bbill\s+(?:the\s+)?(?:member|patient|enrollee)|"
    r"\b(?:ask|request|apply)\s+(?:us\s+)?(?:for\s+)?(?:an?\s+)?(?:[\w-]+\s+){0,2}"
    r"(?:exception|appeal|review|redetermination|reconsideration|hearing)",
    re.IGNORECASE,
)
# A code's own line ("Adjustment: CO-29 The time limit ...") restates the code, not the case: a
# reason does not run on into it.
_CODE_MENTION = re.compile(r"\b(?:CO|PR|OA|PI|CR)\s?-\s?[A-Z]?\d{1,3}\b|"
                           r"\b(?:reason|remark|adjustment)\s+codes?\b", re.IGNORECASE)
# A code opening a value ("CO50 - ...", "MN-02 - ...", "N130"): what follows is the code's own
# standard wording.
_LEADING_CODE = re.compile(r"(?:[A-Z]{1,4}-?\s?\d{1,4}[A-Z]?|[A-Z]\d{2,4})\b")
# ... also after its label ("Denial reason: CO50 - ...", "CARC CO-50: ...").
_CODE_LED = re.compile(
    rf"(?:[A-Za-z][\w ()/#'-]{{0,40}}:\s*)?(?:CARC\s*|RARC\s*)?{_LEADING_CODE.pattern}"
    # ... or a pharmacy reject code ("Reject code 70 - ...", "Pharmacy reject: 608 - ...")
    r"|(?i:[a-z][\w ()/-]{0,30}?\b(?:codes?|rejects?)\b\s*[:#]?\s*)"
    r"[A-Z]{0,4}-?\d{1,4}\s*[-–—:]")
# A line that is a label of its own ("Amount billed: $220.00"): a reason block stops before it.
_KEY_VALUE_LINE = re.compile(r"[ \t]*[A-Z][\w ()/#'&.-]{1,30}:[ \t]+\S")
_HEADING_LINE = re.compile(r"[ \t]*[A-Z][^\n.;:,!?]{1,44}")
_LIST_ITEM = re.compile(r"[ \t]*(?:[-•*·o▪]|\d{1,2}[.)]|[a-z][.)])[ \t]+\S")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[A-Z(\"'])")
_CAUSAL = re.compile(r"\b(because|due to|since|as the|as it|as this|is not|are not|does not|did not)\b",
                     re.IGNORECASE)
_BLOCK_MAX_CHARS = 700
_BLOCK_MAX_SENTENCES = 3
_LIST_MAX_CHARS = 900
_SHORT_BLOCK = 200  # a heading's first paragraph this short goes on into the next


def find_reason(text: str, sentences: list[Sentence]) -> list[Candidate]:
    """Every candidate reason the letter prints (see the module docstring), nested ones folded."""
    printed_as_reason = _labelled_reasons(text) + _criteria_lists(text) + _table_cells(text)
    # A decision line in the appeal-rights section still says what was denied and why ("Sessions
    # marked CO-97 were denied because ..."); other wording there is about contesting it.
    outside = _outside_appeal_sections(text, sentences)
    worded = (_reason_sentences(text, outside) + _decision_chains(text, sentences)
              + _code_descriptions(text) + _worded_sentences(text, outside))
    return printed_as_reason + _fold_nested(worded)


# ------------------------------------------------------------------------------ labelled blocks
def _labelled_reasons(text: str) -> list[Candidate]:
    """The block under each reason label: its first sentences, or the whole list it introduces."""
    out: list[Candidate] = []
    for m in _LABEL.finditer(text):
        if BOILERPLATE.search(_line_at(text, m.start())):
            continue  # "If you disagree with the reason for our decision:"
        found = _block(text, m.end(), same_line=bool(_rest_of_line(text, m.end()).strip()),
                       after_colon=m.group(0).rstrip().endswith(":"))
        if found is None:
            continue
        start, end, _ = found
        value = _clean(text[start:end])
        if not _says_something(value):
            continue  # "Reason code: CO-50" is a code, not the reason
        strong = _cues(value) or _REASON_WORDING.search(value)
        if _NEEDS_WORDING.match(m.group(0)) and not strong:
            continue  # a "Message:" or "Remarks" that gives no why
        confidence = conf.REASON_BLOCK_WITH_CUE if strong else conf.REASON_BLOCK_WITHOUT_CUE
        if _LEADING_CODE.match(value):
            # "Denial reason: CO50 - Non-covered services ...": a code's standard wording, which
            # a letter often explains in its own words elsewhere
            confidence = conf.REASON_CODE_DESCRIPTION
        out.append(Candidate("denial_reason", value, text[start:end], start, end, confidence))
    return out


def _criteria_lists(text: str) -> list[Candidate]:
    """"You do not meet the following criteria:" with the list under it."""
    out: list[Candidate] = []
    for m in _CRITERIA_INTRO.finditer(text):
        found = _block(text, m.end(), same_line=False, after_colon=True)
        if found is None:
            continue
        start = m.start() + len(m.group(0)) - len(m.group(0).lstrip())
        end = found[1]
        value = _clean(text[start:end])
        out.append(Candidate("denial_reason", value, text[start:end], start, end,
                             conf.REASON_CRITERIA_LIST))
    return out


def _block(text: str, pos: int, *, same_line: bool,
           after_colon: bool = False) -> tuple[int, int, bool] | None:
    """The reason block starting at ``pos``: (start, end, is a list), or None when there is none.

    On the label's line when text follows it there, else from the next non-blank line. The block
    runs to a blank line, a heading, another "Label: value" line or a code's own line; under a
    line ending with a colon, the list (bulleted or indented lines) is the block. A heading alone
    on its line over a short paragraph takes the next paragraph too. Then it keeps its first
    sentences.
    """
    kept: list[tuple[int, int]] = []
    blanks = 0
    in_list = False
    for start, end in _lines_from(text, pos):
        line = text[start:end]
        intro = after_colon if not kept else _ends_with_colon(text, kept)
        if not line.strip():
            short = not same_line and not in_list and sum(e - s for s, e in kept) < _SHORT_BLOCK
            if kept and not intro and not short:
                break
            blanks += 1
            if blanks > 2:
                break
            continue
        item = bool(_LIST_ITEM.match(line)) or ((intro or in_list) and line[:1] in " \t")
        if in_list and not item:
            break  # the list ended
        if not kept and not same_line and not item and _KEY_VALUE_LINE.match(line):
            return None  # a heading over a key-value table ("Explanation of claim decision")
        if kept and not item and _ends_block(line, text[kept[-1][0]:kept[-1][1]], blanks):
            break
        in_list = in_list or item
        kept.append((start, end))
        blanks = 0
        if sum(e - s for s, e in kept) > (_LIST_MAX_CHARS if in_list else _BLOCK_MAX_CHARS):
            break
    if not kept:
        return None
    first = text[kept[0][0]:kept[0][1]]
    start = kept[0][0] + len(first) - len(first.lstrip())
    end = kept[-1][1]
    if not in_list:
        end = start + _first_sentences(text[start:end])
    return (start, end, in_list) if end > start else None


def _ends_with_colon(text: str, kept: list[tuple[int, int]]) -> bool:
    return text[kept[-1][0]:kept[-1][1]].rstrip().endswith(":")


def _list_under(text: str, end: int) -> int:
    """End of the list a candidate ending with a colon introduces ("... intolerance of:")."""
    if not text[:end].rstrip().endswith(":"):
        return end
    found = _block(text, end, same_line=True, after_colon=True)
    return found[1] if found and found[2] else end


def _lines_from(text: str, pos: int) -> Iterator[tuple[int, int]]:
    """(start, end) of the rest of the line at ``pos``, then of each following line."""
    while pos <= len(text):
        end = text.find("\n", pos)
        end = len(text) if end == -1 else end
        yield pos, end
        if end >= len(text):
            return
        pos = end + 1


def _ends_block(line: str, previous: str, blanks: int) -> bool:
    """A line that starts something else: a heading, another label, a code's own line."""
    if _KEY_VALUE_LINE.match(line) or _LABEL.match(line):
        return True
    if CODE_LINE.match(line) and not line[:1].isspace():
        return True
    heading = _HEADING_LINE.fullmatch(line.rstrip())
    return bool(heading) and (blanks > 0 or previous.rstrip().endswith((".", "!", "?", ":")))


def _first_sentences(block: str) -> int:
    """Length of the block's first sentences: at most a few, none of them appeal-rights text."""
    pos = 0
    count = 0
    for piece in _split_keep(block):
        stripped = piece.strip()
        if count and (BOILERPLATE.search(stripped) or _NOT_A_REASON.search(stripped)
                      or _CODE_MENTION.search(stripped)):
            break
        pos += len(piece)
        count += 1
        if count >= _BLOCK_MAX_SENTENCES:
            break
    return len(block[:pos].rstrip())


def _split_keep(block: str) -> list[str]:
    """The block's sentences, each with the space after it (they join back to the block)."""
    pieces, pos = [], 0
    for m in _SENTENCE_SPLIT.finditer(block):
        pieces.append(block[pos:m.end()])
        pos = m.end()
    pieces.append(block[pos:])
    return pieces


# --------------------------------------------------------------------------------- claim tables
_REASON_COLUMN = re.compile(
    r"(?:denial\s+|deny\s+|adjustment\s+)?reasons?(?:\s+for\s+denial)?|remarks?|explanation|"
    r"comments?|message",
    re.IGNORECASE,
)
_CELL = re.compile(r"\S+(?: \S+)*")  # a table cell: words parted by single spaces
_COLUMN_SLACK = 4  # a cell may start this many characters off its header
_TABLE_ROWS = 12  # rows read under a header


def _table_cells(text: str) -> list[Candidate]:
    """The "Reason" column of a claim table: its cells that say something, under one another."""
    out: list[Candidate] = []
    for header_start, header_end in _lines_from(text, 0):
        header = text[header_start:header_end]
        cells = list(_CELL.finditer(header))
        column = next((i for i, c in enumerate(cells) if _REASON_COLUMN.fullmatch(c.group(0))),
                      None)
        if column is None or len(cells) < 3:
            continue
        col_start = cells[column].start()
        col_end = cells[column + 1].start() if column + 1 < len(cells) else None
        found: list[tuple[int, int]] = []
        for start, end in islice(_lines_from(text, min(header_end + 1, len(text))), _TABLE_ROWS):
            row = text[start:end]
            if not row.strip():
                break
            for cell in _CELL.finditer(row):
                near = abs(cell.start() - col_start) <= _COLUMN_SLACK
                inside = col_start - _COLUMN_SLACK <= cell.start() and (col_end is None or
                                                                         cell.start() < col_end)
                if near or (inside and col_end is None):
                    found.append((start + cell.start(), start + cell.end()))
                    break
        out += _cell_candidates(text, found)
    return out


def _cell_candidates(text: str, spans: list[tuple[int, int]]) -> list[Candidate]:
    """The distinct cells that say something, as one candidate (a code alone says nothing)."""
    seen: dict[str, tuple[int, int]] = {}
    for start, end in spans:
        value = _clean(text[start:end])
        if _says_something(value) and value.lower() not in seen:
            seen[value.lower()] = (start, end)
    if not seen:
        return []
    start, end = min(s for s, _ in seen.values()), max(e for _, e in seen.values())
    value = "; ".join(_clean(text[s:e]) for s, e in seen.values())
    strong = _cues(value) or _REASON_WORDING.search(value)
    confidence = conf.REASON_TABLE_CELL_WITH_CUE if strong else conf.REASON_TABLE_CELL
    return [Candidate("denial_reason", value, text[start:end], start, end, confidence)]


# -------------------------------------------------------------------------------- sentences
# How strongly a sentence states the reason: its best cue weight, plus these.
_MARKER_STRENGTH = 1.5  # reason wording ("denied", "does not", "must")
_CAUSAL_STRENGTH = 1.5  # a cause ("because", "due to", "is not")
_CODE_LINE_STRENGTH = -2.5  # a code's printed description restates the code, not the case
_HEADLINE_STRENGTH = -2.0  # a line in capitals is a heading or a category ("DENIED - STEP THERAPY")
_HEADLINE_MAX = 80  # ... when that short: a longer one in capitals is a table row or a letter
_FORM_FIELDS_STRENGTH = -2.5  # "Provider  Acme (OUT-OF-NETWORK)\nService date ...": a form's fields
_MIN_STRENGTH = 3.0  # weaker sentences are not the reason
_CONTINUATION = re.compile(r"(specifically|this is because|the (plan|policy|guideline)|per |in addition)",
                           re.IGNORECASE)
_MAX_FOLLOWING = 2  # a reason runs on for at most this many more sentences
_WEAK_CUE = 1.0  # a cue weighing less ("prior authorization" alone) does not say why


def _reason_sentences(text: str, sentences: list[Sentence]) -> list[Candidate]:
    """Sentences with strong denial wording (not boilerplate), each with its continuation."""
    out: list[Candidate] = []
    for i, sent in enumerate(sentences):
        cues = _cues(sent.text)
        if not cues or BOILERPLATE.search(sent.text) or _NOT_A_REASON.search(sent.text):
            continue
        strength = max(cues.values()) + (_MARKER_STRENGTH if REASON_MARKERS.search(sent.text) else 0)
        if _CAUSAL.search(sent.text):
            strength += _CAUSAL_STRENGTH
        if CODE_LINE.match(sent.text) or _CODE_LED.match(sent.text):
            strength += _CODE_LINE_STRENGTH
        if len(sent.text) <= _HEADLINE_MAX and not re.search(r"[a-z]", sent.text):
            strength += _HEADLINE_STRENGTH
        if _is_form_fields(sent.text):
            strength += _FORM_FIELDS_STRENGTH
        if strength < _MIN_STRENGTH:
            continue
        end = _run_on(text, sentences, i, lambda s: not _NOT_A_REASON.search(s)
                      and not _CODE_MENTION.search(s) and bool(
            _cues(s) or _CONTINUATION.match(s) or _REASON_WORDING.search(s)))
        confidence = min(conf.REASON_SENTENCE_CAP,
                         conf.REASON_SENTENCE_BASE + conf.REASON_SENTENCE_STEP * strength)
        out.append(_span_candidate(text, sent.start, end, confidence))
    return out


# A sentence that states the decision: "We cannot approve ...", "Your request has been denied",
# "... has been determined as not medically necessary", "We can't pay this claim".
_DECISION = re.compile(
    r"\b(?:denied|deny|denying|not\s+approved|(?:cannot|can\s+not|can't|could\s+not|couldn't|"
    r"did\s+not|will\s+not|won't|(?:are|is|was|were)\s+not\s+able\s+to|unable\s+to|must\s+not)\s+"
    r"(?:approve|cover|pay|authori[sz]e)|not\s+(?:been\s+)?paid|not\s+payable|"
    r"decided\s+not\s+to|not\s+(?:been\s+)?authori[sz]ed|determined\s+(?:to\s+be|as)\s+not|"
    r"(?:decision|determination)\s+is\s+unfavou?rable|adverse\s+(?:benefit\s+)?determination\s+"
    r"(?:is|was)|upheld\s+(?:the|our)\s+(?:denial|decision))\b",
    re.IGNORECASE,
)
_BECAUSE = re.compile(r"\b(?:because|due\s+to|since|as\s+(?:the|it|this|your))\b", re.IGNORECASE)
# A decision line that concludes the sentences before it ("The claim is therefore denied.").
_CONCLUDES = re.compile(r"\b(?:therefore|thus|for\s+th(?:is|ese)\s+reasons?|as\s+a\s+result|"
                        r"accordingly|consequently)\b", re.IGNORECASE)


def _decision_chains(text: str, sentences: list[Sentence]) -> list[Candidate]:
    """A decision line with the sentences that say why: the next ones, or the ones it concludes.

    A decision line alone ("We have denied your request.") is kept too, under review, when the
    letter gives no more.
    """
    out: list[Candidate] = []
    for i, sent in enumerate(sentences):
        if (BOILERPLATE.search(sent.text) or not _DECISION.search(sent.text) or _is_label(sent.text)
                or CODE_LINE.match(sent.text)):
            continue  # a code's description ("CO-100 ... is denied when ...") is no decision line
        if _CONCLUDES.search(sent.text):
            start = _run_back(text, sentences, i)
            if start < sent.start:
                out.append(_span_candidate(text, start, sent.end, conf.REASON_DECISION_CHAIN))
                continue
        end = _run_on(text, sentences, i, _gives_a_why, cross_paragraph=True)
        says_why = end > sent.end or _BECAUSE.search(sent.text)  # "... denied because ..."
        if not says_why:
            # No wording we know says why: the next sentence of the paragraph often does anyway
            # ("Payment is denied. The service was provided after the authorization ended.")
            end = _run_on(text, sentences, i, _may_say_why, cross_paragraph=True)
        confidence = conf.REASON_DECISION_CHAIN if says_why else conf.REASON_FALLBACK
        out.append(_span_candidate(text, sent.start, end, confidence))
    return out


def _code_descriptions(text: str) -> list[Candidate]:
    """A reason code's printed description and the lines under it ("CO-4: The procedure ...").

    The description is the code's standard wording; lines under it often say what was wrong with
    this claim, so the candidate keeps them.
    """
    out: list[Candidate] = []
    for m in re.finditer(r"^[ \t]*(?:(?:CARC|RARC|reason\s+code|remark\s+code|code)s?\s*[:#]?\s*)?",
                         text, re.IGNORECASE | re.MULTILINE):
        code = CODE_LINE.match(_rest_of_line(text, m.end()))
        if not code:
            continue
        desc_start = m.end() + code.end()
        desc_start += len(text[desc_start:]) - len(text[desc_start:].lstrip(" \t:-–"))
        found = _block(text, desc_start, same_line=True)
        if found is None:
            continue
        start, end, _ = found
        value = _clean(text[start:end])
        if not _says_something(value):
            continue
        out.append(Candidate("denial_reason", value, text[start:end], start, end,
                             conf.REASON_CODE_DESCRIPTION))
    return out


def _worded_sentences(text: str, sentences: list[Sentence]) -> list[Candidate]:
    """Sentences with weaker reason wording ("records show", "does not show"): under review."""
    out: list[Candidate] = []
    for i, sent in enumerate(sentences):
        if not _gives_a_why(sent.text) or _DECISION.search(sent.text) or _is_label(sent.text):
            continue
        end = _run_on(text, sentences, i, _gives_a_why)
        out.append(_span_candidate(text, sent.start, end, conf.REASON_WORDING_ONLY))
    return out


# ----------------------------------------------------------------------------------- helpers
# A heading over appeal rights ("YOUR APPEAL RIGHTS", "What you can do if you disagree"): what
# follows says how to contest the decision, not why it was made, whatever words it uses.
_APPEAL_HEADING = re.compile(
    r"^[ \t]*[^\n.]{0,40}\b(?:appeals?|your\s+rights?|right\s+to|disagree|grievances?|complaints?|"
    r"fair\s+hearing|external\s+review|what\s+you\s+can\s+do|next\s+steps|"
    r"how\s+to\s+(?:ask|file|request))"
    r"\b[^\n.]{0,40}$",
    re.IGNORECASE | re.MULTILINE,
)
_NEXT_HEADING = re.compile(r"\n[ \t]*\n[ \t]*([A-Z][^\n.;:!?]{1,58}[?:]?)[ \t]*(?=\n)")


def _outside_appeal_sections(text: str, sentences: list[Sentence]) -> list[Sentence]:
    """The sentences not under an appeal-rights heading (to the next heading after a blank line)."""
    sections: list[tuple[int, int]] = []
    for m in _APPEAL_HEADING.finditer(text):
        if _LABEL.match(m.group(0)) or (sections and m.start() < sections[-1][1]):
            continue  # "Reason for denial and your appeal rights" heads a reason
        end = len(text)
        for nxt in _NEXT_HEADING.finditer(text, m.end()):
            if not _APPEAL_HEADING.match(nxt.group(1)):
                end = nxt.start()
                break
        sections.append((m.start(), end))
    if not sections:
        return sentences
    return [s for s in sentences if not any(a <= s.start < b for a, b in sections)]


def _is_form_fields(sentence: str) -> bool:
    """A form's fields: lines most of them "Label  value" or "Label: value", or three or more
    lines that each open with a capital and end without punctuation (as a text layer prints
    "Provider Acme Clinic" with the gap lost). Wrapped prose has lines that go on in lower case.
    """
    lines = [line.strip() for line in sentence.splitlines() if line.strip()]
    fields = sum(bool(_FIELD_LINE.match(line)) for line in lines)
    if fields >= 2 and 2 * fields >= len(lines):
        return True
    return len(lines) >= 3 and all(line[0].isupper() for line in lines) and not any(
        line.endswith((".", "!", "?", ",", ";")) for line in lines[:-1])


_FIELD_LINE = re.compile(r"[ \t]*[A-Z][\w&/()#'.-]*(?: [\w&/()#'.-]+){0,3}?(?::[ \t]*|[ \t]{2,})\S")


@lru_cache(maxsize=4096)  # a sentence is asked again by each candidate that may run on into it
def _gives_a_why(sentence: str) -> bool:
    """A sentence that says why (a cue or reason wording), not appeal rights or a sign-off."""
    if (BOILERPLATE.search(sentence) or _NOT_A_REASON.search(sentence)
            or _CODE_MENTION.search(sentence) or _CODE_LED.match(sentence)
            or _is_form_fields(sentence)):
        return False
    cues = _cues(sentence)
    return bool((cues and max(cues.values()) >= _WEAK_CUE) or _REASON_WORDING.search(sentence))


def _may_say_why(sentence: str) -> bool:
    """Not appeal rights, a sign-off, a code's line or a form's fields."""
    return not (BOILERPLATE.search(sentence) or _NOT_A_REASON.search(sentence)
                or _CODE_MENTION.search(sentence) or _is_form_fields(sentence))


def _run_on(text: str, sentences: list[Sentence], i: int, keep: Callable[[str], bool], *,
            cross_paragraph: bool = False) -> int:
    """End offset of sentence ``i`` and of up to two next ones that ``keep`` accepts.

    The next sentences must be in the same paragraph; with ``cross_paragraph`` the first may
    open the next one (a decision line standing alone, its reason under it).
    """
    end = sentences[i].end
    for k, nxt in enumerate(sentences[i + 1 : i + 1 + _MAX_FOLLOWING]):
        gap = text[end:nxt.start]
        close = len(gap) < 4 and not _BLANK_LINE.search(gap)
        close = close or (cross_paragraph and k == 0 and len(gap) < 8)
        if not close or BOILERPLATE.search(nxt.text) or not keep(nxt.text):
            break
        end = nxt.end
    return end


def _run_back(text: str, sentences: list[Sentence], i: int) -> int:
    """Start offset of up to two sentences before ``i`` in its paragraph that give a why."""
    start = sentences[i].start
    for prev in reversed(sentences[max(0, i - _MAX_FOLLOWING) : i]):
        gap = text[prev.end:start]
        if len(gap) >= 4 or _BLANK_LINE.search(gap) or not _gives_a_why(prev.text):
            break
        start = prev.start
    return start


def _is_label(sentence: str) -> bool:
    """A reason heading standing alone ("Why we denied your request"): the block under it counts."""
    m = _LABEL.match(sentence)
    return bool(m) and not sentence[m.end():].strip()


def _span_candidate(text: str, start: int, end: int, confidence: float) -> Candidate:
    end = _list_under(text, end)
    raw = text[start:end]
    return Candidate("denial_reason", _clean(raw), raw, start, end, confidence)


def _fold_nested(candidates: list[Candidate]) -> list[Candidate]:
    """Drop a candidate printed inside a longer one; the longer keeps the better confidence."""
    order = sorted(range(len(candidates)), key=lambda i: (candidates[i].start, -candidates[i].end))
    starts = [candidates[i].start for i in order]
    before_end = -1  # the furthest end of a candidate starting before the current one
    here_end = -1  # ... of one starting where it does, seen so far (longer ones come first)
    here = None
    kept: list[tuple[int, float]] = []
    for k, i in enumerate(order):
        c = candidates[i]
        if c.start != here:
            before_end, here_end, here = max(before_end, here_end), -1, c.start
        if before_end < c.end and here_end <= c.end:
            inside = (candidates[j] for j in order[k : bisect_left(starts, c.end)])
            kept.append((i, max(d.confidence for d in inside if d.end <= c.end)))
        here_end = max(here_end, c.end)
    out = []
    for i, best in sorted(kept):
        c = candidates[i]
        out.append(c if best == c.confidence else Candidate(
            c.field, c.value, c.raw, c.start, c.end, best, c.source))
    return out


def _clean(raw: str) -> str:
    """One line: list bullets become "; ", runs of space one space."""
    value = re.sub(r"\n[ \t]*(?:[-•*·▪]|\d{1,2}[.)])[ \t]+", "; ", "\n" + raw.strip())
    return re.sub(r"\s+", " ", value).replace(":;", ":").strip(" ;")


def _says_something(value: str) -> bool:
    """At least a few words, not only codes and amounts."""
    return len(value) >= 12 and len(re.findall(r"[A-Za-z]{3,}", value)) >= 3


def _rest_of_line(text: str, pos: int) -> str:
    end = text.find("\n", pos)
    return text[pos : len(text) if end == -1 else end]


def _line_at(text: str, pos: int) -> str:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return text[start : len(text) if end == -1 else end]
