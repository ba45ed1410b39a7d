"""Denial-type and plan-type scoring: rule scores, and their blend with the trained text classifiers.

Rules (``lexicon.DENIAL_CUES``, CARC / NCPDP codes) give raw scores; a softmax turns them into
probabilities over the 12 labels. Appeal-rights boilerplate ("if your denial was based on medical
necessity you may ask for external review") is discounted so it doesn't outvote the real reason.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from denialparse.types import DenialType, PlanType
from denialparse.understanding import lexicon
from denialparse.understanding.rules import BOILERPLATE, REASON_MARKERS, Sentence, score_denial_cues

DENIAL_LABELS: tuple[str, ...] = tuple(t.value for t in DenialType)
PLAN_LABELS: tuple[str, ...] = tuple(t.value for t in PlanType if t is not PlanType.UNKNOWN)


@dataclass(frozen=True)
class RuleScores:
    """Raw rule scores per label and the spans that earned the winner its score."""

    raw: dict[str, float]
    evidence: dict[str, list[tuple[int, int]]]

    def probabilities(
        self, labels: tuple[str, ...], baseline: str | None = None, sharpness: float = 1.0
    ) -> dict[str, float]:
        """Softmax over ``labels``; ``baseline`` gets a small prior so an empty letter isn't 1/12."""
        raw = {label: sharpness * self.raw.get(label, 0.0) for label in labels}
        if baseline:
            raw[baseline] = raw.get(baseline, 0.0) + 0.5
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
        weight = 0.3 if BOILERPLATE.search(sent.text) else 1.0
        if weight == 1.0 and REASON_MARKERS.search(sent.text):
            weight = 1.5
        for label, score in cues.items():
            raw[label] = raw.get(label, 0.0) + score * weight
            if weight >= 1.0:
                evidence.setdefault(label, []).append((sent.start, sent.end))
    for code, start, end in codes:
        label = _code_label(code)
        if label:
            raw[label] = raw.get(label, 0.0) + 3.0
            evidence.setdefault(label, []).append((start, end))
    # Repeated boilerplate mentions shouldn't snowball: compress large totals.
    raw = {label: 6.0 * math.log1p(score / 3.0) for label, score in raw.items()}
    return RuleScores(raw, evidence)


def _code_label(code: str) -> str | None:
    if code.startswith("NCPDP-"):
        return lexicon.NCPDP_TO_DENIAL.get(code.removeprefix("NCPDP-"))
    if code in ("DUR-TD", "DUR-ID"):
        return "duplicate_therapy"
    bare = code.split("-", 1)[-1]
    return lexicon.CARC_TO_DENIAL.get(bare)


def plan_rule_scores(text: str) -> RuleScores:
    """Score the plan types from the wording the law makes plans print."""
    raw: dict[str, float] = {}
    evidence: dict[str, list[tuple[int, int]]] = {}
    low = text.lower()
    if len(low) != len(text):  # a few characters lower-case to two: keep the offsets right
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    for label, cues in _compiled_plan_cues():
        for pattern, weight in cues:
            matches = list(pattern.finditer(low))
            if matches:
                # A cue counts a little more when repeated, but not linearly.
                raw[label] = raw.get(label, 0.0) + weight * (1 + 0.2 * min(len(matches) - 1, 3))
                evidence.setdefault(label, []).extend((m.start(), m.end()) for m in matches[:2])
    # Part D letters also say "Medicare" and often "Medicare Advantage" in boilerplate: a drug
    # coverage determination is Part D when both are present.
    if raw.get("medicare_part_d", 0) >= 3 and raw.get("medicare_advantage", 0) > 0:
        raw["medicare_advantage"] *= 0.5
    return RuleScores(raw, evidence)


@lru_cache(maxsize=1)
def _compiled_plan_cues() -> list[tuple[str, list[tuple[re.Pattern[str], float]]]]:
    # Matched against lower-cased text (the cues are written in lower case): case-insensitive
    # matching is a third slower in ``re``.
    return [(label, [(re.compile(p), w) for p, w in cues])
            for label, cues in lexicon.PLAN_CUES.items()]


def blend(
    rule_probs: dict[str, float],
    model_probs: dict[str, float] | None,
    rule_strength: float,
    *,
    max_rule_weight: float = 0.7,
    base_rule_weight: float = 0.15,
) -> dict[str, float]:
    """Blend rule and model probabilities; the rules' weight grows with how much evidence they saw.

    Args:
        rule_probs: softmax of rule scores.
        model_probs: the trained classifier's scores (None when the pipeline has none).
        rule_strength: the winning raw rule score (0 when no cue fired).
        max_rule_weight: the rules' weight when their evidence is strong. Plan types are printed
            in words the law prescribes, so their rules deserve more than denial-type cues do.
    """
    if not model_probs:
        return rule_probs
    w_rules = min(max_rule_weight, base_rule_weight + 0.08 * rule_strength)
    labels = set(rule_probs) | set(model_probs)
    mixed = {
        label: w_rules * rule_probs.get(label, 0.0) + (1 - w_rules) * model_probs.get(label, 0.0)
        for label in labels
    }
    total = sum(mixed.values()) or 1.0
    return {label: round(v / total, 4) for label, v in mixed.items()}
