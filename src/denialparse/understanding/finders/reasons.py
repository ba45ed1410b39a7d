"""The denial reason: labelled reason blocks, and the sentences with the strongest denial wording."""

from __future__ import annotations

import re

from denialparse.understanding import confidence as conf
from denialparse.understanding.candidate import Candidate
from denialparse.understanding.classify import BOILERPLATE, REASON_MARKERS, score_denial_cues
from denialparse.understanding.finders.codes import CODE_LINE
from denialparse.understanding.sentences import Sentence

_REASON_LABEL = re.compile(
    r"(?:\breason\s+for\s+(?:the\s+|our\s+|this\s+)?(?:denial|decision|determination)|\bdenial\s+reason|"
    r"^[ \t]*reason|\bwhy\s+(?:we|was|did)\s+[^:\n]{0,40}(?:denied|said\s+no|deny|decision)[^:\n]{0,20}|"
    r"\bbasis\s+for\s+(?:the\s+|our\s+)?(?:denial|decision)|\b(?:clinical\s+|decision\s+)?rationale|"
    r"^[ \t]*what\s+this\s+means|\bthe\s+reason\s+for\s+our\s+decision\s+is)\s*[:\-?]",
    re.IGNORECASE | re.MULTILINE,
)
_CAUSAL = re.compile(r"\b(because|due to|since|as the|as it|as this|is not|are not|does not|did not)\b", re.IGNORECASE)


# How strongly a sentence states the reason: its best cue weight, plus these.
_MARKER_STRENGTH = 1.5  # reason wording ("denied", "does not", "must")
_CAUSAL_STRENGTH = 1.5  # a cause ("because", "due to", "is not")
_CODE_LINE_STRENGTH = -2.5  # a code's printed description restates the code, not the case
_MIN_STRENGTH = 3.0  # weaker sentences are not the reason
_CONTINUATION = re.compile(r"(specifically|this is because|the (plan|policy|guideline)|per |in addition)",
                           re.IGNORECASE)


def find_reason(text: str, sentences: list[Sentence]) -> list[Candidate]:
    """The sentence(s) that state why: labelled reason blocks, then the best-scoring sentences.

    With neither, the sentence that states the denial (low confidence, so it is reviewed).
    """
    out = _labelled_reasons(text) + _reason_sentences(text, sentences)
    if not out:
        out += _reason_fallback(sentences, text)
    return out


def _labelled_reasons(text: str) -> list[Candidate]:
    """The first two sentences of each block under a reason label ("Reason for denial:")."""
    out: list[Candidate] = []
    for m in _REASON_LABEL.finditer(text):
        end = text.find("\n\n", m.end())
        end = len(text) if end == -1 else end
        block = text[m.end() : min(end, m.end() + 600)].strip()
        if len(block) < 15 or not re.search(r"[a-z]{3}", block) or CODE_LINE.match(block):
            continue  # "Reason code: CO-50 ..." is a code, not the reason
        start = text.index(block, m.end())
        # Keep the first two sentences of the block: the reason, and usually its specifics.
        pieces = re.split(r"(?<=[.!?])\s+(?=[A-Z])", block)
        block = block[: len(" ".join(pieces[:2])) + 5].strip()
        block = block if block in text[start : start + len(block) + 5] else pieces[0]
        value = re.sub(r"\s+", " ", block)
        cues = score_denial_cues(value)
        confidence = conf.REASON_BLOCK_WITH_CUE if cues else conf.REASON_BLOCK_WITHOUT_CUE
        out.append(Candidate("denial_reason", value, block, start, start + len(block), confidence))
    return out


def _reason_sentences(text: str, sentences: list[Sentence]) -> list[Candidate]:
    """Sentences with strong denial wording (not boilerplate), each with its continuation."""
    out: list[Candidate] = []
    for i, sent in enumerate(sentences):
        cues = score_denial_cues(sent.text)
        if not cues or BOILERPLATE.search(sent.text):
            continue
        strength = max(cues.values()) + (_MARKER_STRENGTH if REASON_MARKERS.search(sent.text) else 0)
        if _CAUSAL.search(sent.text):
            strength += _CAUSAL_STRENGTH
        if CODE_LINE.match(sent.text):
            strength += _CODE_LINE_STRENGTH
        if strength < _MIN_STRENGTH:
            continue
        start, end = sent.start, sent.end
        # A reason often continues in the next sentence ("Specifically, ..."); keep one more.
        if i + 1 < len(sentences):
            nxt = sentences[i + 1]
            if (
                nxt.start - end < 4
                and not BOILERPLATE.search(nxt.text)
                and (score_denial_cues(nxt.text) or _CONTINUATION.match(nxt.text))
            ):
                end = nxt.end
        raw = text[start:end]
        confidence = min(conf.REASON_SENTENCE_CAP,
                         conf.REASON_SENTENCE_BASE + conf.REASON_SENTENCE_STEP * strength)
        value = re.sub(r"\s+", " ", raw)
        out.append(Candidate("denial_reason", value, raw, start, end, confidence))
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
        return [Candidate("denial_reason", re.sub(r"\s+", " ", raw), raw, sent.start, end,
                          conf.REASON_FALLBACK)]
    return []
