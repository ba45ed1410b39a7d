"""The trained model's entities as field candidates, next to the rule finders' (absent rules-only).

An entity's confidence is its label's precision on held-out generated letters (the model's
``calibration.json``), discounted because generated letters are easier than real ones, times the
entity tagger's own probability for the span (its least sure token). Each value is cleaned as a
rule would clean it: a date is parsed, a payer mapped to its brand, a name or therapy trimmed.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from denialparse.types import ENTITY_FIELDS
from denialparse.understanding import confidence as conf
from denialparse.understanding.candidate import Candidate
from denialparse.understanding.entity_tags import TagScores, predicted_entities
from denialparse.understanding.finders.dates import parse_date
from denialparse.understanding.finders.names import clean_name
from denialparse.understanding.finders.payers import canonical_payer, without_department
from denialparse.understanding.finders.therapy import clean_therapy, named_elsewhere

if TYPE_CHECKING:
    from spacy.tokens import Doc



def model_candidates(doc: Doc, calibration: dict[str, Any],
                     tag_scores: TagScores | None = None) -> list[Candidate]:
    """Entities of the trained model as candidates.

    A therapy span is cleaned and checked as a rule's is (``clean_therapy``): what a rule would
    not take ("+-----+", "the above drug", a heading, the labelled diagnosis, the member's name)
    the model can't.

    Args:
        doc: the annotated doc.
        calibration: the model's ``calibration.json`` (``{}`` when it ships none).
        tag_scores: the entity tagger's probabilities (None for a transition NER, or no model).
    """
    precision: dict[str, float] = calibration.get("ner_precision", {})
    # A span the letter prints as the diagnosis, or a person's name, is not the therapy, however
    # the tagger read it.
    elsewhere = named_elsewhere(getattr(doc._, "dp_text", None) or doc.text)
    out: list[Candidate] = []
    for ent in predicted_entities(doc, tag_scores):
        field = ENTITY_FIELDS.get(ent.label_)
        if not field:
            continue
        raw = ent.text
        value = clean_therapy(raw, elsewhere) if field == "therapy" else _clean_value(field, raw)
        if field == "patient_name" and not looks_like_a_person(raw):
            continue  # a patient is a person: "Brazos Valley Fabrication, Inc." is not one
        if value:
            span_prob = getattr(ent._, "dp_prob", None)  # None for a transition NER's span
            label_precision = precision.get(ent.label_, conf.NER_PRECISION_DEFAULT)
            confidence = conf.REAL_WORLD_DISCOUNT * label_precision
            confidence = round(confidence * (span_prob if span_prob is not None else 1.0), 3)
            out.append(Candidate(field, value, raw, ent.start_char, ent.end_char, confidence,
                                 "model"))
    return out


def _clean_value(field: str, raw: str) -> str | None:
    """The span as the field's value, cleaned as the rules clean theirs; None when it isn't one."""
    value: str | None = re.sub(r"\s+", " ", raw).strip(" .,;:")
    if field in ("letter_date", "service_date"):
        parsed = parse_date(raw)
        return parsed.isoformat() if parsed else None
    if field == "payer":
        # A letterhead department ("Finance Center", "Pharmacy Services") is not the payer.
        value = without_department(value) if value else None
        return canonical_payer(value) if value else None
    if field in ("member_id", "claim_id"):
        # An ID has digits and some length: "1.LC" read off a smudged fax is not one.
        alnum = re.sub(r"[^A-Za-z0-9]", "", value or "")
        return value if len(alnum) >= 5 and sum(c.isdigit() for c in alnum) >= 3 else None
    if field in ("patient_name", "provider_name"):
        return clean_name(raw) or value  # "ROSALIND T. HARGROVE" -> "Rosalind T. Hargrove"
    return value


_ORGANISATION = re.compile(
    r"\b(inc|llc|l\.l\.c|corp|co|company|plan|health|healthcare|insurance|associates|group|center|"
    r"centre|clinic|hospital|services|pharmacy|medical|employees?|trust|fund|department|unit|"
    r"county|city|state|school)\b\.?",
    re.IGNORECASE,
)


def looks_like_a_person(raw: str) -> bool:
    """Two to five words, no digits, no organisation word ("Clinic", "Inc", "County"...)."""
    words = raw.split()
    return 2 <= len(words) <= 5 and not re.search(r"\d", raw) and not _ORGANISATION.search(raw)
