"""Denial type and plan type: rule scores, printed codes, the blend with the trained classifiers.

All of classification is here:

1. Rule scores. Denial-type cue phrases (``data/denial_cues.toml``) are scored per sentence;
   appeal-rights boilerplate ("if your denial was based on medical necessity you may ask for
   external review") is discounted so it doesn't outvote the real reason, and a sentence with
   reason wording ("because", "does not meet") counts more. Each printed CARC / NCPDP / DUR code
   (``data/codes.toml``) adds to its denial type. Plan-type cues (``data/plan_cues.toml``) are
   scored over the whole letter; the regulation a notice's appeal rights cite weighs most, and a
   cue in a sentence about other coverage ("If you have Medicare ...", "Other resources") counts
   for little, since notice forms print such paragraphs about every other program. The same test
   keeps a payer named there from being the letter's payer (``finders/payers.py``). The
   pipeline's classifier component stores both
   :class:`RuleScores` on the ``Doc``.
2. Blend. A softmax turns the rule scores into probabilities, which are blended with the trained
   text classifiers (``textcat_denial``, ``textcat_plan``; temperature-scaled as the model's
   ``calibration.json`` says); the rules weigh more the more evidence they saw.
3. Result. :func:`denial_type` and :func:`plan_type` give the winner with its confidence, caps
   and floors applied (``confidence.py``).

The reason finder (``finders/reasons.py``) uses the same cue scores to pick the reason sentence.
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from denialparse.types import (
    DENIAL_LABELS,
    PLAN_LABELS,
    DenialType,
    DenialTypeResult,
    FieldValue,
    PlanType,
)
from denialparse.understanding import confidence as conf
from denialparse.understanding import lexicon

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from denialparse.understanding.page_map import PageMap
    from denialparse.understanding.sentences import Sentence

# The plan types a rule cue can point at: every plan type but "unknown" (no cue says that).
STATED_PLAN_LABELS: tuple[str, ...] = tuple(t for t in PLAN_LABELS if t != PlanType.UNKNOWN.value)
MIN_WORDS_TO_CLASSIFY = 20  # fewer words and no denial wording: no denial type (never a guess)
CODE_SCORE = 3.0  # raw score a printed code adds to its denial type
BOILERPLATE_WEIGHT = 0.3  # a cue in appeal-rights boilerplate counts this much ...
REASON_SENTENCE_WEIGHT = 1.5  # ... and one in a sentence with reason wording this much

# --------------------------------------------------------------------------- denial-type cues
BOILERPLATE = re.compile(
    r"(you (have|may have) the right|if you (disagree|want|would like|need|have questions)|"
    r"external review|independent review|how to (file|appeal|request)|to (file|request) an appeal|"
    r"you (can|may) (ask|request|file|appeal|call)|language assistance|free of charge|"
    r"discriminat|tty|if we (deny|denied|say no)|if your (request|appeal|claim) (is|was|involves)|"
    r"this notice|expedited|fast (appeal|decision)|appeal rights|call (us|customer|member)|"
    r"ombudsman|consumer assistance)",
    re.IGNORECASE,
)
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


# ------------------------------------------------------------------------------- rule scores
@dataclass(frozen=True)
class RuleScores:
    """Raw rule scores per label and the spans that earned each label its score."""

    raw: dict[str, float]
    evidence: dict[str, list[tuple[int, int]]]

    def probabilities(
        self, labels: tuple[str, ...], baseline: str | None = None, sharpness: float = 1.0
    ) -> dict[str, float]:
        """Softmax over ``labels``; ``baseline`` gets a small prior so an empty letter isn't 1/12."""
        raw = {label: sharpness * self.raw.get(label, 0.0) for label in labels}
        if baseline:
            raw[baseline] = raw.get(baseline, 0.0) + conf.DENIAL_BASELINE_PRIOR
        top = max(raw.values())
        exp = {label: math.exp(score - top) for label, score in raw.items()}
        total = sum(exp.values())
        return {label: round(v / total, 4) for label, v in exp.items()}


def denial_rule_scores(sentences: list[Sentence], codes: list[tuple[str, int, int]]) -> RuleScores:
    """Score the 12 denial types from cue phrases in sentences and the printed codes."""
    raw: dict[str, float] = {}
    evidence: dict[str, list[tuple[int, int]]] = {}
    for sent in sentences:
        cues = score_denial_cues(sent.text)
        if not cues:
            continue
        weight = BOILERPLATE_WEIGHT if BOILERPLATE.search(sent.text) else 1.0
        if weight == 1.0 and REASON_MARKERS.search(sent.text):
            weight = REASON_SENTENCE_WEIGHT
        for label, score in cues.items():
            raw[label] = raw.get(label, 0.0) + score * weight
            if weight >= 1.0:
                evidence.setdefault(label, []).append((sent.start, sent.end))
    for code, start, end in codes:
        label = code_denial_type(code)
        if label:
            raw[label] = raw.get(label, 0.0) + CODE_SCORE
            evidence.setdefault(label, []).append((start, end))
    # Repeated boilerplate mentions shouldn't snowball: compress large totals.
    raw = {label: 6.0 * math.log1p(score / 3.0) for label, score in raw.items()}
    return RuleScores(raw, evidence)


def code_denial_type(code: str) -> str | None:
    """The denial type a printed code stands for (``CO-197`` -> prior_auth), None if unknown."""
    if code.startswith("NCPDP-"):
        return lexicon.NCPDP_TO_DENIAL.get(code.removeprefix("NCPDP-"))
    if code in ("DUR-TD", "DUR-ID"):
        return "duplicate_therapy"
    bare = code.split("-", 1)[-1]
    return lexicon.CARC_TO_DENIAL.get(bare)


def plan_rule_scores(text: str) -> RuleScores:
    """Score the plan types from the wording the law makes plans print.

    A cue counts in full where the letter speaks of itself ("Your Medicare Advantage plan", "under
    29 CFR 2560.503-1"); where it speaks of someone else's coverage ("If you have Medicare, ...",
    "Medicaid members should ...", an "Other resources" paragraph) it counts for much less: official
    notice forms print such paragraphs about every other program.
    """
    raw: dict[str, float] = {}
    evidence: dict[str, list[tuple[int, int]]] = {}
    others: dict[str, list[tuple[int, int]]] = {}
    low = lowered(text)
    # Cues match across the letter's line breaks (same length: the offsets stay right).
    flat = low.replace("\n", " ")
    for label, cues in _compiled_plan_cues():
        for pattern, weight in cues:
            own, other = [], []
            for m in pattern.finditer(flat):
                (other if about_other_coverage(low, m.start(), m.end()) else own).append(m)
            if own:
                # A cue counts a little more when repeated, but not linearly.
                score = weight * (1 + 0.2 * min(len(own) - 1, 3))
            elif other:
                score = weight * conf.PLAN_CUE_OTHER_COVERAGE_WEIGHT
            else:
                continue
            raw[label] = raw.get(label, 0.0) + score
            evidence.setdefault(label, []).extend((m.start(), m.end()) for m in own[:2])
            others.setdefault(label, []).extend((m.start(), m.end()) for m in other[:2])
    for label, spans in others.items():  # the letter's own wording is the better evidence
        evidence.setdefault(label, []).extend(spans)
    # Part D letters also say "Medicare" and often "Medicare Advantage" in boilerplate: a drug
    # coverage determination is Part D when both are present.
    if raw.get("medicare_part_d", 0) >= 3 and raw.get("medicare_advantage", 0) > 0:
        raw["medicare_advantage"] *= 0.5
    return RuleScores(raw, evidence)


# A sentence whose condition is coverage the reader may not have: "If you have Medicare ...",
# "if your plan is a Medicare Advantage plan", "If you are a Medicaid member, ask ..." (matched on
# the sentence up to the end of the cue). Not "If you have questions about your plan".
_CONDITION_ON_COVERAGE = re.compile(
    r"\b(?:if|unless|whether)\s+(?:you|your\s+(?:plan|coverage|insurance)|the\s+(?:member|patient|"
    r"enrollee|claimant)|this\s+(?:plan|notice|letter))\s+(?:also\s+|currently\s+)?(?:have|has|are|"
    r"is|were|was|get|gets|receive|receives|qualify|qualifies)\b"
    r"(?!\s+(?:any\s+)?(?:questions?|concerns?|problems?|trouble|difficulty|not)\b)"
    r"[^,.;:!?]{0,60}?\b(?:medicare|medicaid|chip|tricare|fehb|marketplace|plan|coverage|insurance|"
    r"enrolled|member|eligible|benefits)\b"
    # ... or offers it: "You may be eligible for Medicaid or CHIP", "you might qualify for ..."
    r"|\b(?:may|might|could)\s+(?:also\s+)?(?:be\s+eligible|qualify|apply)\b"
)
# A sentence addressed to another program's readers: "Medicare Advantage members should ...".
_OTHER_READERS = re.compile(
    r"\b(?:medicare|medicaid|advantage|chip|tricare|fehb|marketplace|federal|part\s+d)\s+"
    r"(?:(?:health\s+)?plan\s+)?(?:members|enrollees|beneficiaries|participants|recipients)\s+"
    r"(?:should|may|can|must|need)\b"
)
# A paragraph about other programs: "Other resources", "Other rights", the taglines.
_OTHER_PARAGRAPH = re.compile(
    r"\b(?:other|additional)\s+(?:resources|rights|help|programs|information|coverage)\b|"
    r"language\s+assistance|nondiscrimination|discrimination\s+is\s+against"
)
_SENTENCE_END = re.compile(r"[.!?;]\s|\n\s*\n")


def lowered(text: str) -> str:
    """The text in lower case, with the same offsets (a few characters lower-case to two)."""
    low = text.lower()
    if len(low) != len(text):
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return low


def about_other_coverage(low: str, start: int, end: int) -> bool:
    """Whether the words at ``low[start:end]`` (of the lower-cased letter) speak of coverage other
    than the letter's own: a plan-type cue or a payer's name there says little about the letter."""
    sentences, paragraphs = _boundaries(low)
    i = bisect.bisect_right(sentences, start) - 1
    sentence_head = low[max(sentences[i] if i >= 0 else 0, start - 300):start]
    if _CONDITION_ON_COVERAGE.search(sentence_head + low[start:end]):
        return True
    if _OTHER_READERS.search(sentence_head + low[start:end + 40]):
        return True
    j = bisect.bisect_right(paragraphs, start) - 1
    paragraph = paragraphs[j] if j >= 0 else 0
    return bool(_OTHER_PARAGRAPH.search(low, paragraph, paragraph + 60))


@lru_cache(maxsize=2)
def _boundaries(low: str) -> tuple[list[int], list[int]]:
    """Where the letter's sentences and paragraphs start (found once per letter, not per cue)."""
    return ([m.end() for m in _SENTENCE_END.finditer(low)],
            [m.end() for m in re.finditer(r"\n[ \t]*\n", low)])


@lru_cache(maxsize=1)
def _compiled_plan_cues() -> list[tuple[str, list[tuple[re.Pattern[str], float]]]]:
    # Matched against lower-cased text (the cues are written in lower case): case-insensitive
    # matching is a third slower in ``re``.
    return [(label, [(re.compile(p), w) for p, w in cues])
            for label, cues in lexicon.PLAN_CUES.items()]


# --------------------------------------------------------------------------------- the blend
def blend(
    rule_probs: dict[str, float],
    model_probs: dict[str, float] | None,
    rule_strength: float,
    *,
    max_rule_weight: float = conf.DENIAL_RULE_WEIGHT_MAX,
    base_rule_weight: float = conf.DENIAL_RULE_WEIGHT_BASE,
) -> dict[str, float]:
    """Blend rule and model probabilities; the rules' weight grows with how much evidence they saw.

    Args:
        rule_probs: softmax of rule scores.
        model_probs: the trained classifier's scores (None when the pipeline has none).
        rule_strength: the winning raw rule score (0 when no cue fired).
        max_rule_weight: the rules' weight when their evidence is strong. Plan types are printed
            in words the law prescribes, so their rules deserve more than denial-type cues do.
        base_rule_weight: the rules' weight with no evidence.
    """
    if not model_probs:
        return rule_probs
    w_rules = min(max_rule_weight, base_rule_weight + conf.RULE_WEIGHT_STEP * rule_strength)
    labels = set(rule_probs) | set(model_probs)
    mixed = {
        label: w_rules * rule_probs.get(label, 0.0) + (1 - w_rules) * model_probs.get(label, 0.0)
        for label in labels
    }
    total = sum(mixed.values()) or 1.0
    return {label: round(v / total, 4) for label, v in mixed.items()}


def model_probs(doc: Doc, labels: set[str], calibration: dict[str, Any],
                component: str) -> dict[str, float]:
    """The text classifier's scores for ``labels``, temperature-scaled as calibration.json says."""
    probs = {k: float(v) for k, v in doc.cats.items() if k in labels}
    temperature = float(calibration.get(component, {}).get("temperature", 1.0))
    if probs and temperature != 1.0:
        scaled = {k: max(v, 1e-9) ** (1.0 / temperature) for k, v in probs.items()}
        total = sum(scaled.values())
        probs = {k: v / total for k, v in scaled.items()}
    return probs


# ------------------------------------------------------------------------------- the results
def plan_type(doc: Doc, pages: PageMap, calibration: dict[str, Any]) -> FieldValue | None:
    """The plan type (a field), or None when neither the rules nor the model say enough."""
    rule_scores: RuleScores = doc._.dp_plan_rules
    strength = max(rule_scores.raw.values(), default=0.0)
    model = model_probs(doc, set(PLAN_LABELS), calibration, "textcat_plan")
    if strength == 0 and not model:
        return None
    # Plan types are printed in words the law prescribes (ERISA, Medicare Advantage, TRICARE...):
    # a cue is strong evidence, so the rules are sharper and weigh more here than for denials.
    rule_probs = (rule_scores.probabilities(STATED_PLAN_LABELS, sharpness=conf.PLAN_RULE_SHARPNESS)
                  if strength else {})
    if rule_probs:
        # The letter printed plan-type wording, so "unknown" is not an answer any more.
        model = {k: v for k, v in model.items() if k != "unknown"}
        probs = blend(rule_probs, model, strength, max_rule_weight=conf.PLAN_RULE_WEIGHT_MAX,
                      base_rule_weight=conf.PLAN_RULE_WEIGHT_BASE)
    else:
        probs = model
    label = max(probs, key=lambda k: probs[k])
    if label == "unknown" or probs[label] < conf.PLAN_TYPE_FLOOR:
        return None
    spans = rule_scores.evidence.get(label)
    if spans:
        start, end = spans[0]
        raw, evidence = (doc._.dp_text or doc.text)[start:end], pages.evidence(start, end)
    else:
        raw, evidence = "", None
    confidence = probs[label] if strength else min(probs[label], conf.MODEL_ONLY_PLAN_CAP)
    return FieldValue(value=label, raw=raw, confidence=round(confidence, 3), evidence=evidence,
                      source="rule" if not model else ("rule+model" if strength else "model"))


def denial_type(doc: Doc, pages: PageMap, calibration: dict[str, Any]) -> DenialTypeResult | None:
    """The denial type, or None for a letter with no denial wording that is too short to guess."""
    rule_scores: RuleScores = doc._.dp_denial_rules
    strength = max(rule_scores.raw.values(), default=0.0)
    model = model_probs(doc, set(DENIAL_LABELS), calibration, "textcat_denial")
    if strength == 0 and not model:
        return None
    if strength == 0 and _word_count(doc) < MIN_WORDS_TO_CLASSIFY:
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
        confidence = min(confidence, conf.MODEL_ONLY_DENIAL_CAP)
    return DenialTypeResult(
        label=DenialType(label),
        confidence=confidence,
        scores=scores,
        evidence=[pages.evidence(s, e) for s, e in spans],
    )


def _word_count(doc: Doc) -> int:
    return sum(not t.is_space and not t.is_punct for t in doc)
