"""Extraction stage: ``LetterText`` -> ``Fields`` + ``DenialTypeResult``; combining candidates.

The pipeline of ``pipeline.py`` annotates the letter: the rule finders' candidates (``finders/``),
the trained model's entities (``model_candidates.py``) and the rule scores of the denial and plan
type (``classify.py``). For each field the better-supported candidate wins: candidates are grouped
by normalised value, a group's support is its best confidence plus a bonus when the model and a
rule agree and a little for each repeat (``confidence.py``). Nothing is invented: a field no
candidate supports is ``None``. The spaCy ``Doc`` never leaves this module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, TypeVar

from denialparse.options import Options
from denialparse.types import (
    EXTRA_FIELD_NAMES,
    FIELD_NAMES,
    DenialTypeResult,
    Fields,
    FieldValue,
    LetterText,
)
from denialparse.understanding import calibration, classify, lexicon
from denialparse.understanding import confidence as conf
from denialparse.understanding.candidate import Candidate
from denialparse.understanding.entity_tags import run_pipeline
from denialparse.understanding.finders.dates import find_relative_deadline
from denialparse.understanding.model_candidates import model_candidates
from denialparse.understanding.page_map import PageMap
from denialparse.understanding.pipeline import load_calibration

if TYPE_CHECKING:
    from spacy.language import Language

DEFAULT_REVIEW_THRESHOLD: float = Options.model_fields["review_threshold"].default
# Fields a physician's appeal can't do without: missing ones are flagged for review.
REVIEW_WHEN_MISSING: tuple[str, ...] = (
    "payer",
    "plan_type",
    "therapy",
    "denial_reason",
    "letter_date",
    "member_id",
    "patient_name",
)


@dataclass(frozen=True)
class Extraction:
    """What the extraction stage hands on."""

    fields: Fields
    denial_type: DenialTypeResult | None
    needs_review: list[str]


def extract(letter: LetterText, nlp: Language, *,
            review_threshold: float = DEFAULT_REVIEW_THRESHOLD) -> Extraction:
    """Read the fields and the denial type from the letter's text.

    Args:
        letter: the page texts from the reading stage.
        nlp: the pipeline of ``pipeline.load_pipeline``.
        review_threshold: fields under this confidence are listed in ``needs_review``.
    """
    text = letter.full_text()
    doc = nlp.make_doc(text)
    doc._.dp_text = text  # the rule components read the text; rebuilding it from tokens costs
    doc, tag_scores = run_pipeline(nlp, doc)
    pages = PageMap(letter)
    model_calibration = load_calibration(nlp.meta.get("denialparse_model_dir"))
    candidates: list[Candidate] = list(doc._.dp_candidates or [])
    candidates += model_candidates(doc, model_calibration, tag_scores)

    values: dict[str, FieldValue | None] = {}
    for field in (*FIELD_NAMES, *EXTRA_FIELD_NAMES):
        if field == "plan_type":
            continue  # a document-level label, scored below
        values[field] = best_supported([c for c in candidates if c.field == field], pages)
    values["plan_type"] = classify.plan_type(doc, pages, model_calibration)
    values["payer"], values["benefit_manager"] = _plan_and_benefit_manager(
        values["payer"], values["administrator"], candidates, pages)
    values["stated_deadline"] = values["stated_deadline"] or _relative_deadline(text, values, pages)
    codes = [code for code, _, _ in doc._.dp_codes or []]
    maps = calibration.field_maps(model_calibration)
    fields = Fields(**{name: _calibrated(name, value, maps) for name, value in values.items()},
                    reference_codes=codes)
    denial = _calibrated("denial_type", classify.denial_type(doc, pages, model_calibration), maps)
    return Extraction(fields, denial, _needs_review(fields, denial, review_threshold))


_Scored = TypeVar("_Scored", FieldValue, DenialTypeResult)


def _calibrated(name: str, value: _Scored | None,
                maps: dict[str, tuple[list[float], list[float]]]) -> _Scored | None:
    """The value with its support replaced by how often such a value was right (calibration.py)."""
    if value is None:
        return None
    return value.model_copy(
        update={"confidence": calibration.calibrate(name, value.confidence, maps)})


def _plan_and_benefit_manager(
    payer: FieldValue | None, administrator: FieldValue | None,
    candidates: list[Candidate], pages: PageMap,
) -> tuple[FieldValue | None, FieldValue | None]:
    """The payer as the plan whose coverage it is, and the benefit manager that decided for it.

    When the best payer is a benefit manager (a PBM, a radiology or utilization-review company)
    and the letter names the plan it decides for ("on behalf of Acme Health Plan", "your Aetna
    plan"), the plan is the payer. With no plan named, the manager stays the payer
    too: a plan is never invented. Otherwise the benefit manager is the administrator the letter
    names ("administered by UMR"), if any.
    """
    if payer is None or not _is_benefit_manager(payer):
        return payer, administrator
    # Only a plan the letter names as the one decided for: another brand in the text is often the
    # manager's own parent or sibling ("by Evernorth" is Cigna's, "optum Rx" reads as Optum).
    plan = best_supported([c for c in candidates if c.field == "named_plan"], pages)
    return (plan or payer), payer


def _is_benefit_manager(payer: FieldValue) -> bool:
    """A manager by its brand, or by the name printed: a TPA such as UMR is an alias of its parent
    insurer (UnitedHealthcare) in the lexicon, yet decides for the employer's plan."""
    printed = re.sub(r"\s+", " ", payer.raw).strip().casefold()
    return payer.value in lexicon.BENEFIT_MANAGERS or printed in lexicon.BENEFIT_MANAGER_NAMES


def _normalise(field: str, value: str) -> str:
    if field in ("member_id", "claim_id"):
        return re.sub(r"[^A-Za-z0-9]", "", value).upper()
    return re.sub(r"\W+", " ", value).strip().lower()


def _support(group: list[Candidate]) -> float:
    """How well candidates with one value support it: the best, plus agreement and repeats."""
    best = max(c.confidence for c in group)
    sources = {c.source for c in group}
    bonus = conf.AGREEMENT_BONUS if len(sources) > 1 else 0.0
    repeat = conf.REPEAT_BONUS * min(len(group) - 1, conf.REPEAT_BONUS_MAX_REPEATS)
    return min(conf.SUPPORT_CAP, best + bonus + repeat)


def best_supported(candidates: list[Candidate], pages: PageMap) -> FieldValue | None:
    """One field's value: candidates grouped by normalised value, the best-supported group wins.

    Ties go to the value printed first. The printed span is the group's surest candidate's (a
    rule's on a tie: its boundaries are the label's); text read by OCR is trusted less.
    """
    if not candidates:
        return None
    groups: dict[str, list[Candidate]] = {}
    for c in candidates:
        groups.setdefault(_normalise(c.field, c.value), []).append(c)
    key = max(groups, key=lambda k: (_support(groups[k]), -min(c.start for c in groups[k])))
    group = groups[key]
    best = max(group, key=lambda c: (c.confidence, c.source == "rule", -c.start))
    reliability = pages.reliability(best.start)
    confidence = round(_support(group) * reliability, 3)
    value = best.value
    if pages.read_by_ocr(best.start) and best.field in ("member_id", "claim_id"):
        value, confidence = _read_ocr_id(value, confidence)
    elif pages.read_by_ocr(best.start) and best.field in ("payer", "named_plan") \
            and value not in lexicon.PAYER_ALIASES:
        mended = _mend_plan_name(value)
        if mended != value:
            value, confidence = mended, round(confidence - conf.OCR_NAME_FIXED_PENALTY, 3)
    source = "+".join(sorted({c.source for c in group}))
    return FieldValue(
        value=value,
        raw=best.raw.strip(),
        confidence=confidence,
        evidence=pages.evidence(best.start, best.end),
        source=source,
    )


def _mend_plan_name(name: str) -> str:
    """A word of a plan's name that OCR got one letter wrong ("Benelit") is the plan word it is."""
    def mend(m: re.Match[str]) -> str:
        word = m.group(0)
        for known in lexicon.PLAN_NAME_WORDS:
            if len(known) == len(word) and sum(
                    a != b for a, b in zip(known, word.lower(), strict=True)) == 1:
                spelled = lexicon.PLAN_NAME_WORDS[known]
                return spelled.upper() if word.isupper() else spelled
        return word
    return re.sub(r"[A-Za-z]{5,}", lambda m: m.group(0) if m.group(0).lower() in
                  lexicon.PLAN_NAME_WORDS else mend(m), name)


_OCR_DIGIT = {"O": "0", "o": "0", "D": "0", "I": "1", "l": "1", "|": "1", "S": "5", "B": "8", "Z": "2",
              "L": "1"}
# A Medicare Beneficiary Identifier has no S, L, O, I, B or Z (CMS left them out because they
# pass for digits), so one read in an MBI-shaped value is the digit it looks like. Positions:
# digit 1-9, letter, letter-or-digit, digit, letter, letter-or-digit, digit, letter, letter,
# digit, digit; hyphens after the 4th and 7th.
_MBI_DIGIT = r"[0-9OoIlLSBZ|]"
_MBI_LETTER = r"[AC-HJKMNP-RT-Y]"
_MBI_EITHER = r"[0-9AC-HJKMNP-RT-YOoIlLSBZ|]"
_MBI_SHAPE = re.compile(
    rf"{_MBI_DIGIT}{_MBI_LETTER}{_MBI_EITHER}{_MBI_DIGIT}-?{_MBI_LETTER}{_MBI_EITHER}{_MBI_DIGIT}-?"
    rf"{_MBI_LETTER}{_MBI_LETTER}{_MBI_DIGIT}{_MBI_DIGIT}"
)
# What OCR may have read wrong in an ID, nothing saying which: a letter that passes for a digit,
# touching a digit, in a run of one or two letters ("US822140903" may be U5822140903; a run of
# three is a card's alpha prefix, "YPB844103392"), or a symbol no ID prints ("K@834107702").
_AMBIGUOUS_OCR_ID = re.compile(
    r"(?<![A-Za-z])[A-Za-z]?[OoDIl|SBZ](?=\d)|(?<=\d)[OoDIl|SBZ][A-Za-z]?(?![A-Za-z])|[^\w\- ]"
)


def _fix_ocr_digits(value: str) -> str:
    """A letter OCR read where an ID has a digit is the digit it looks like.

    Between two digits (``58221O09``), or anywhere in an MBI-shaped value (``1EG4-TE5-MK7B``).
    """
    if _MBI_SHAPE.fullmatch(value):
        return re.sub(r"[OoIlLSBZ|]", lambda m: _OCR_DIGIT[m.group(0)], value)
    return re.sub(r"(?<=\d)[OoDIl|SBZ](?=\d)", lambda m: _OCR_DIGIT[m.group(0)], value)


def _read_ocr_id(value: str, confidence: float) -> tuple[str, float]:
    """An ID read by OCR, its look-alike letters fixed; less sure when that was needed or unsure."""
    fixed = _fix_ocr_digits(value)
    if _AMBIGUOUS_OCR_ID.search(fixed):
        confidence = min(confidence, conf.OCR_ID_AMBIGUOUS_CAP)
    elif fixed != value:
        confidence -= conf.OCR_ID_FIXED_PENALTY
    return fixed, round(max(0.0, confidence), 3)


def _relative_deadline(text: str, values: dict[str, FieldValue | None],
                       pages: PageMap) -> FieldValue | None:
    """'within 60 days of the date of this notice' + the letter date -> a stated deadline."""
    letter_date = values.get("letter_date")
    found = find_relative_deadline(text)
    if not found or letter_date is None:
        return None
    amount, unit, raw, start, end = found
    notice = date.fromisoformat(letter_date.value)
    if unit == "months":
        from denialparse.deadlines.calendar import add_months

        due = add_months(notice, amount)
    else:
        due = notice + timedelta(days=amount)
    return FieldValue(
        value=due.isoformat(),
        raw=raw,
        confidence=round(min(letter_date.confidence, conf.RELATIVE_DEADLINE_CAP), 3),
        evidence=pages.evidence(start, end),
        source="rule",
    )


def _needs_review(fields: Fields, denial: DenialTypeResult | None, threshold: float) -> list[str]:
    review = []
    for name in Fields.model_fields:
        value = getattr(fields, name)
        if isinstance(value, FieldValue):
            if value.confidence < threshold:
                review.append(name)
        elif value is None and name in REVIEW_WHEN_MISSING:
            review.append(name)
    if denial is None or denial.confidence < threshold:
        review.append("denial_type")
    return review
