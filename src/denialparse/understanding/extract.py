"""Extraction stage: ``LetterText`` -> ``Fields`` + ``DenialTypeResult``.

The spaCy ``Doc`` never leaves this module. The pipeline is the trained one under
``models/denialparse-pipeline`` when it is there (``entity_tagger``, ``textcat_denial``,
``textcat_plan``),
plus the rule components of ``components.py`` (the model's entities are per-token BILUO tags,
decoded by ``entity_tags``); for each field the better-supported candidate wins,
and a value both the model and a rule agree on gets a higher confidence. Nothing is invented: a
field no candidate supports is ``None``.
"""

from __future__ import annotations

import bisect
import json
import logging
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from denialparse.exceptions import MissingDependencyError
from denialparse.types import (
    EXTRA_FIELD_NAMES,
    FIELD_NAMES,
    DenialType,
    DenialTypeResult,
    Evidence,
    Fields,
    FieldValue,
    LetterText,
    TextSource,
)
from denialparse.understanding import lexicon
from denialparse.understanding.entity_tags import TagScores, run_pipeline
from denialparse.understanding.rules import Candidate, clean_name, clean_therapy, parse_date

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

log = logging.getLogger(__name__)

RULES_ONLY = "none"
# NER label of the trained model -> field.
NER_FIELDS: dict[str, str] = {
    "PAYER": "payer",
    "THERAPY": "therapy",
    "PATIENT": "patient_name",
    "PROVIDER": "provider_name",
    "MEMBER_ID": "member_id",
    "CLAIM_ID": "claim_id",
    "LETTER_DATE": "letter_date",
    "SERVICE_DATE": "service_date",
}
NER_CONFIDENCE = 0.85  # when the model ships no calibration
REAL_WORLD_DISCOUNT = 0.85
MIN_WORDS_TO_CLASSIFY = 20
MODEL_ONLY_DENIAL_CAP = 0.6  # under the default review threshold (0.7)
AGREEMENT_BONUS = 0.06  # small: agreement must not lift a reference number over a claim number
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
_ALIAS_TO_CANONICAL = {
    alias.lower(): canonical
    for canonical, aliases in lexicon.PAYER_ALIASES.items()
    for alias in aliases
}


def bundled_model_path() -> Path | None:
    """The trained pipeline shipped with the package (wheel) or the repository (editable)."""
    package = Path(__file__).resolve().parents[1]
    for candidate in (package / "_model", package.parents[1] / "models" / "denialparse-pipeline"):
        if (candidate / "config.cfg").is_file():
            return candidate
    return None


@lru_cache(maxsize=4)
def load_pipeline(model_path: str | None = None) -> Language:
    """Load the pipeline once per process.

    Args:
        model_path: a spaCy pipeline directory; None = the bundled one (rules only when none is
            bundled); ``"none"`` = rules only.

    Raises:
        MissingDependencyError: an explicit model path that isn't a loadable pipeline.
    """
    import spacy

    from denialparse.understanding.components import add_rule_components
    from denialparse.understanding.entity_tags import speed_up_tokenizer

    path: Path | None
    if model_path == RULES_ONLY:
        path = None
    elif model_path:
        path = Path(model_path)
        if not (path / "config.cfg").is_file():
            raise MissingDependencyError(
                f"no spaCy pipeline at {path}: point --model at a trained pipeline directory, "
                "or run `denialparse train`"
            )
    else:
        path = bundled_model_path()
    if path is None:
        nlp = spacy.blank("en")
    else:
        try:
            nlp = spacy.load(path)
        except Exception as exc:  # spaCy raises many types for a broken directory
            raise MissingDependencyError(
                f"the pipeline at {path} does not load ({type(exc).__name__}): reinstall "
                "denialparse or retrain with `denialparse train`"
            ) from exc
    speed_up_tokenizer(nlp)
    add_rule_components(nlp)
    nlp.max_length = 2_000_000
    nlp.meta["denialparse_model_dir"] = str(path) if path else None
    return nlp


@lru_cache(maxsize=4)
def _calibration(model_dir: str | None) -> dict[str, Any]:
    if not model_dir:
        return {}
    path = Path(model_dir) / "calibration.json"
    if path.is_file():
        try:
            return dict(json.loads(path.read_text()))
        except (OSError, ValueError):
            log.warning("ignoring unreadable calibration file %s", path)
    return {}


@dataclass(frozen=True)
class Extraction:
    """What the extraction stage hands on."""

    fields: Fields
    denial_type: DenialTypeResult | None
    needs_review: list[str]


class _PageMap:
    """Maps offsets in the joined letter text back to (page, offset, bbox)."""

    def __init__(self, letter: LetterText) -> None:
        self.letter = letter
        self.offsets = letter.page_offsets()

    def evidence(self, start: int, end: int) -> Evidence:
        index = max(0, bisect.bisect_right(self.offsets, start) - 1)
        page = self.letter.pages[index]
        local_start = start - self.offsets[index]
        local_end = min(end - self.offsets[index], len(page.text))
        boxes = [w.bbox for w in page.words if w.start < local_end and w.end > local_start]
        bbox = None
        if boxes:
            bbox = [
                round(min(b[0] for b in boxes), 1),
                round(min(b[1] for b in boxes), 1),
                round(max(b[2] for b in boxes), 1),
                round(max(b[3] for b in boxes), 1),
            ]
        return Evidence(page=page.number, start=local_start, end=local_end, bbox=bbox)

    def reliability(self, start: int) -> float:
        """How far to trust text at ``start``: 1.0 for a text layer, the OCR confidence otherwise."""
        index = max(0, bisect.bisect_right(self.offsets, start) - 1)
        page = self.letter.pages[index]
        if page.source is not TextSource.OCR or page.confidence is None:
            return 1.0
        return min(1.0, 0.55 + 0.5 * page.confidence)


def extract(letter: LetterText, nlp: Language, *, review_threshold: float = 0.7) -> Extraction:
    """Read the fields and the denial type from the letter's text.

    Args:
        letter: the page texts from the text stage.
        nlp: the pipeline of ``load_pipeline``.
        review_threshold: fields under this confidence are listed in ``needs_review``.
    """
    text = letter.full_text()
    doc = nlp.make_doc(text)
    doc._.dp_text = text  # the rule components read the text; rebuilding it from tokens costs
    doc, tag_scores = run_pipeline(nlp, doc)
    pages = _PageMap(letter)
    calibration = _calibration(nlp.meta.get("denialparse_model_dir"))
    candidates: list[Candidate] = list(doc._.dp_candidates or [])
    candidates += _model_candidates(doc, calibration, tag_scores)

    values: dict[str, FieldValue | None] = {}
    for field in (*FIELD_NAMES, *EXTRA_FIELD_NAMES):
        if field == "plan_type":
            continue  # a document-level label, scored below
        values[field] = _choose([c for c in candidates if c.field == field], pages)
    values["plan_type"] = _plan_type(doc, pages, calibration)
    values["stated_deadline"] = values["stated_deadline"] or _relative_deadline(text, values, pages)
    codes = [code for code, _, _ in doc._.dp_codes or []]
    fields = Fields(**values, reference_codes=codes)
    denial = _denial_type(doc, pages, calibration)
    return Extraction(fields, denial, _needs_review(fields, denial, review_threshold))


def _model_candidates(doc: Doc, calibration: dict[str, Any],
                      tag_scores: TagScores | None = None) -> list[Candidate]:
    """Entities of the trained model as candidates (absent in the rules-only pipeline).

    An entity's confidence is its label's precision on held-out generated letters
    (``calibration.json``), discounted because generated letters are easier than real ones,
    times the tagger's own probability for the span (its least sure token).
    """
    precision: dict[str, float] = calibration.get("ner_precision", {})
    out: list[Candidate] = []
    from denialparse.understanding.entity_tags import predicted_entities

    for ent in predicted_entities(doc, tag_scores):
        field = NER_FIELDS.get(ent.label_)
        if not field:
            continue
        raw = ent.text
        value: str | None = re.sub(r"\s+", " ", raw).strip(" .,;:")
        if field in ("letter_date", "service_date"):
            parsed = parse_date(raw)
            value = parsed.isoformat() if parsed else None
        elif field == "payer":
            value = _canonical_payer(value) if value else None
        elif field in ("member_id", "claim_id"):
            # An ID has digits and some length: "1.LC" read off a smudged fax is not one.
            alnum = re.sub(r"[^A-Za-z0-9]", "", value or "")
            value = value if len(alnum) >= 5 and sum(c.isdigit() for c in alnum) >= 3 else None
        elif field == "therapy":
            value = clean_therapy(raw)  # what a rule would not take ("+-----+") the model can't
        elif field in ("patient_name", "provider_name"):
            if field == "patient_name" and not _looks_like_a_person(raw):
                continue  # a patient is a person: "Brazos Valley Fabrication, Inc." is not one
            value = clean_name(raw) or value  # "ROSALIND T. HARGROVE" -> "Rosalind T. Hargrove"
        if value:
            span_prob = getattr(ent._, "dp_prob", None)  # None for a transition NER's span
            conf = REAL_WORLD_DISCOUNT * precision.get(ent.label_, NER_CONFIDENCE)
            conf = round(conf * (span_prob if span_prob is not None else 1.0), 3)
            out.append(Candidate(field, value, raw, ent.start_char, ent.end_char, conf, "model"))
    return out


_CORPORATE_SUFFIX = re.compile(r",?\s+(?:inc|llc|l\.l\.c|corp|corporation|co|company|ltd)\.?$",
                               re.IGNORECASE)


def _canonical_payer(value: str) -> str:
    """A payer span as its brand: "Novitas Solutions, Inc" is the MAC alias "Novitas Solutions"."""
    for name in (value, _CORPORATE_SUFFIX.sub("", value)):
        canonical = _ALIAS_TO_CANONICAL.get(name.lower())
        if canonical:
            return canonical
    return value


_ORGANISATION = re.compile(
    r"\b(inc|llc|l\.l\.c|corp|co|company|plan|health|healthcare|insurance|associates|group|center|"
    r"centre|clinic|hospital|services|pharmacy|medical|employees?|trust|fund|department|unit|"
    r"county|city|state|school)\b\.?",
    re.IGNORECASE,
)


def _looks_like_a_person(raw: str) -> bool:
    words = raw.split()
    return 2 <= len(words) <= 5 and not re.search(r"\d", raw) and not _ORGANISATION.search(raw)


def _normalise(field: str, value: str) -> str:
    if field in ("member_id", "claim_id"):
        return re.sub(r"[^A-Za-z0-9]", "", value).upper()
    return re.sub(r"\W+", " ", value).strip().lower()


def _choose(candidates: list[Candidate], pages: _PageMap) -> FieldValue | None:
    """Group candidates by normalised value; the best-supported group wins."""
    if not candidates:
        return None
    groups: dict[str, list[Candidate]] = {}
    for c in candidates:
        groups.setdefault(_normalise(c.field, c.value), []).append(c)

    def support(group: list[Candidate]) -> float:
        best = max(c.confidence for c in group)
        sources = {c.source for c in group}
        bonus = AGREEMENT_BONUS if len(sources) > 1 else 0.0
        repeat = 0.03 * min(len(group) - 1, 3)
        return min(0.99, best + bonus + repeat)

    key = max(groups, key=lambda k: (support(groups[k]), -min(c.start for c in groups[k])))
    group = groups[key]
    # Prefer a rule's span for the printed value (its boundaries are the label's), else the model's.
    best = max(group, key=lambda c: (c.confidence, c.source == "rule", -c.start))
    reliability = pages.reliability(best.start)
    confidence = round(support(group) * reliability, 3)
    value = best.value
    if reliability < 1.0 and best.field in ("member_id", "claim_id"):
        value = _fix_ocr_digits(value)
    source = "+".join(sorted({c.source for c in group}))
    return FieldValue(
        value=value,
        raw=best.raw.strip(),
        confidence=confidence,
        evidence=pages.evidence(best.start, best.end),
        source=source,
    )


_OCR_DIGIT = {"O": "0", "o": "0", "D": "0", "I": "1", "l": "1", "|": "1", "S": "5", "B": "8", "Z": "2"}


def _fix_ocr_digits(value: str) -> str:
    """A letter OCR read between two digits of an ID is the digit it looks like (``58221O09``)."""
    return re.sub(r"(?<=\d)[OoDIl|SBZ](?=\d)", lambda m: _OCR_DIGIT[m.group(0)], value)


def _relative_deadline(text: str, values: dict[str, FieldValue | None], pages: _PageMap) -> FieldValue | None:
    """'within 60 days of the date of this notice' + the letter date -> a stated deadline."""
    from denialparse.understanding.rules import find_relative_deadline

    letter_date = values.get("letter_date")
    found = find_relative_deadline(text)
    if not found or letter_date is None:
        return None
    amount, unit, raw, start, end = found
    notice = date.fromisoformat(letter_date.value)
    if unit == "months":
        from denialparse.deadlines.compute import add_months

        due = add_months(notice, amount)
    else:
        due = notice + timedelta(days=amount)
    return FieldValue(
        value=due.isoformat(),
        raw=raw,
        confidence=round(min(letter_date.confidence, 0.85), 3),
        evidence=pages.evidence(start, end),
        source="rule",
    )


def _model_probs(doc: Doc, labels: set[str], calibration: dict[str, Any], component: str) -> dict[str, float]:
    """The text classifier's scores for ``labels``, temperature-scaled as calibration.json says."""
    probs = {k: float(v) for k, v in doc.cats.items() if k in labels}
    temperature = float(calibration.get(component, {}).get("temperature", 1.0))
    if probs and temperature != 1.0:
        scaled = {k: max(v, 1e-9) ** (1.0 / temperature) for k, v in probs.items()}
        total = sum(scaled.values())
        probs = {k: v / total for k, v in scaled.items()}
    return probs


def _plan_type(doc: Doc, pages: _PageMap, calibration: dict[str, Any]) -> FieldValue | None:
    from denialparse.understanding.classify import PLAN_LABELS, blend

    rule_scores = doc._.dp_plan_rules
    strength = max(rule_scores.raw.values(), default=0.0)
    model = _model_probs(doc, {*PLAN_LABELS, "unknown"}, calibration, "textcat_plan")
    if strength == 0 and not model:
        return None
    # Plan types are printed in words the law prescribes (ERISA, Medicare Advantage, TRICARE...):
    # a cue is strong evidence, so the rules are sharper and weigh more here than for denials.
    rule_probs = rule_scores.probabilities(PLAN_LABELS, sharpness=1.5) if strength else {}
    if rule_probs:
        # The letter printed plan-type wording, so "unknown" is not an answer any more.
        model = {k: v for k, v in model.items() if k != "unknown"}
        probs = blend(rule_probs, model, strength, max_rule_weight=0.85, base_rule_weight=0.35)
    else:
        probs = model
    label = max(probs, key=lambda k: probs[k])
    if label == "unknown" or probs[label] < 0.35:
        return None
    spans = rule_scores.evidence.get(label)
    if spans:
        start, end = spans[0]
        raw, evidence = (doc._.dp_text or doc.text)[start:end], pages.evidence(start, end)
    else:
        raw, evidence = "", None
    conf = probs[label] if strength else min(probs[label], 0.65)
    return FieldValue(value=label, raw=raw, confidence=round(conf, 3), evidence=evidence,
                      source="rule" if not model else ("rule+model" if strength else "model"))


def _denial_type(doc: Doc, pages: _PageMap, calibration: dict[str, Any]) -> DenialTypeResult | None:
    from denialparse.understanding.classify import DENIAL_LABELS, blend

    rule_scores = doc._.dp_denial_rules
    strength = max(rule_scores.raw.values(), default=0.0)
    model = _model_probs(doc, set(DENIAL_LABELS), calibration, "textcat_denial")
    if strength == 0 and not model:
        return None
    if strength == 0 and sum(not t.is_space and not t.is_punct for t in doc) < MIN_WORDS_TO_CLASSIFY:
        return None  # a few words with no denial wording: the classifier would only guess
    rule_probs = rule_scores.probabilities(DENIAL_LABELS, baseline="other")
    probs = blend(rule_probs, model, strength)
    scores = {label: round(probs.get(label, 0.0), 4) for label in DENIAL_LABELS}
    label = max(scores, key=lambda k: scores[k])
    spans = rule_scores.evidence.get(label, [])[:3]
    confidence = scores[label]
    if strength == 0:
        # No denial wording the rules know: the model may still be right (indirect wording),
        # but a person should look.
        confidence = min(confidence, MODEL_ONLY_DENIAL_CAP)
    return DenialTypeResult(
        label=DenialType(label),
        confidence=confidence,
        scores=scores,
        evidence=[pages.evidence(s, e) for s, e in spans],
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
