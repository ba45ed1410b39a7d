"""``denialparse evaluate CORPUS``: score the full pipeline on labelled letters.

A corpus is a folder of letters (``ID.pdf``, ``ID.tif``, ``ID.png``, ``ID.jpg`` or ``ID.txt``)
with a ``labels.jsonl``, one object per letter (contract, "Labelled letters"). A null label means
the letter doesn't say it, and that field is not scored for that letter.

Scoring (the contract's rules):
    * ``denial_type``, ``plan_type``, ``letter_date``, ``service_date``: exact.
    * ``payer``: the canonical brand or a known alias of it; so is the optional ``benefit_manager``
      (the PBM, radiology or utilization-review company or TPA that decided for the plan), scored
      only on letters whose label has that key.
    * ``member_id``, ``claim_id``: exact after dropping spaces and punctuation.
    * ``therapy``, ``denial_reason`` (and the optional ``patient_name``, ``provider_name``):
      fuzzy, by token overlap, since the printed span's boundaries are a matter of taste.

A field the pipeline left empty where the label has a value counts as wrong. A letter the
pipeline can't read counts as wrong on every scored field and is listed under failures.
"""

from __future__ import annotations

import json
import logging
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from denialparse.exceptions import DenialParseError, InputFileError
from denialparse.types import FIELD_NAMES

if TYPE_CHECKING:
    from denialparse.options import Options
    from denialparse.types import LetterResult

log = logging.getLogger(__name__)

__all__ = [
    "FIELDS",
    "EvaluationReport",
    "FieldScore",
    "LetterScore",
    "brand_matches",
    "evaluate_corpus",
    "format_report",
    "ids_match",
    "payer_matches",
    "score_letter",
    "token_overlap",
]

# Scored fields, in report order: the denial type, then the contract's fields (the last two,
# patient and provider, are optional label keys, scored only when a corpus labels them), then the
# benefit manager (an addition to the contract, also optional).
FIELDS: tuple[str, ...] = ("denial_type", *FIELD_NAMES, "benefit_manager")
LETTER_SUFFIXES: tuple[str, ...] = (".pdf", ".tif", ".tiff", ".png", ".jpg", ".jpeg", ".txt")
FUZZY_THRESHOLD = 0.5

# Words that say nothing about *which* therapy or reason it is ("100 MG TABLET").
_STOP = frozenset(
    "a an the of for to and or in on at by with from your you we our this that is are was were be "
    "been it its as not no mg mcg ml g unit units tablet tablets tab tabs capsule capsules cap "
    "caps pen pens injection solution er dr xr extended release oral per".split()
)


@dataclass
class FieldScore:
    """How many letters got one field right, out of how many were scored."""

    right: int = 0
    scored: int = 0

    @property
    def accuracy(self) -> float | None:
        """right / scored, or None when nothing was scored."""
        return self.right / self.scored if self.scored else None


@dataclass
class LetterScore:
    """One letter's per-field verdicts (None = not scored) and what was predicted."""

    id: str
    path: str | None
    verdicts: dict[str, bool | None]
    predicted: dict[str, str | None] = field(default_factory=dict)
    error: str | None = None
    confidence: dict[str, float | None] = field(default_factory=dict)


@dataclass
class EvaluationReport:
    """Per-field scores on a corpus, with the per-letter detail behind them."""

    corpus: str
    model: str
    fields: dict[str, FieldScore]
    letters: list[LetterScore]
    seconds: float = 0.0

    @property
    def failures(self) -> list[LetterScore]:
        """Letters the pipeline could not read."""
        return [x for x in self.letters if x.error]

    def to_json_dict(self) -> dict[str, Any]:
        """A JSON-able summary: per field right/scored/accuracy, per letter verdicts."""
        return {
            "corpus": self.corpus,
            "model": self.model,
            "letters": len(self.letters),
            "seconds": round(self.seconds, 2),
            "fields": {
                name: {"right": s.right, "scored": s.scored,
                       "accuracy": None if s.accuracy is None else round(s.accuracy, 4)}
                for name, s in self.fields.items()
            },
            "failures": [{"id": x.id, "error": x.error} for x in self.failures],
            "per_letter": [
                {"id": x.id, "verdicts": x.verdicts, "predicted": x.predicted,
                 "confidence": x.confidence}
                for x in self.letters
            ],
        }


# ------------------------------------------------------------------------------------------
# scoring rules
# ------------------------------------------------------------------------------------------


def _norm_name(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", s.lower()).strip()


def _aliases() -> dict[str, set[str]]:
    """Canonical brand (normalised) -> its normalised aliases, from the payer lexicon."""
    from denialparse.understanding import lexicon

    table: dict[str, set[str]] = {}
    for canonical, aliases in lexicon.PAYER_ALIASES.items():
        table.setdefault(_norm_name(canonical), set()).update(
            {_norm_name(canonical), *(_norm_name(a) for a in aliases)}
        )
    return table


def payer_matches(pred_value: str | None, pred_raw: str | None, label: dict[str, Any]) -> bool:
    """The canonical brand, or a known alias of it, or the printed name of the label.

    Args:
        pred_value: the pipeline's ``payer.value`` (canonical brand, or the printed name).
        pred_raw: the pipeline's ``payer.raw`` (as printed).
        label: the letter's labels (``payer``, ``payer_canonical``).

    Returns:
        Whether the prediction names the labelled payer.
    """
    return brand_matches(pred_value, pred_raw, label.get("payer_canonical") or label.get("payer"),
                         label.get("payer"))


def brand_matches(pred_value: str | None, pred_raw: str | None, *names: str | None) -> bool:
    """Whether the prediction (value or as printed) is one of ``names`` or a known alias of one."""
    wanted = [_norm_name(n) for n in names if n]
    if not wanted or not (pred_value or pred_raw):
        return False
    table = _aliases()
    # A printed name stands for its brand: "Carelon Health" accepts "Carelon Medical Benefits ...".
    brands = {canonical for canonical, aliases in table.items() if aliases & set(wanted)}
    accepted = set(wanted).union(*(table.get(n, set()) for n in {*wanted, *brands}))
    return any(p and _norm_name(p) in accepted for p in (pred_value, pred_raw))


def normalise_id(s: str) -> str:
    """An ID without spaces and punctuation, upper-cased ("U1234 5678-01" -> "U1234567801")."""
    return re.sub(r"[^0-9A-Za-z]", "", s).upper()


def ids_match(pred: str | None, gold: str) -> bool:
    """Exact match after dropping spaces and punctuation."""
    return pred is not None and normalise_id(pred) == normalise_id(gold) != ""


def _tokens(s: str) -> set[str]:
    words = set(re.findall(r"[a-z0-9]+", s.lower()))
    content = {w for w in words if w not in _STOP and not w.isdigit()}
    return content or words


def token_overlap(pred: str | None, gold: str) -> float:
    """Overlap coefficient of content tokens: |P & G| / min(|P|, |G|).

    "Ubrelvy" against "UBRELVY 100 MG TABLET" scores 1.0 (the same drug, narrower span), while
    "tablet" scores 0.0 because dose forms and strengths are not content words.
    """
    if not pred:
        return 0.0
    p, g = _tokens(pred), _tokens(gold)
    if not p or not g:
        return 0.0
    return len(p & g) / min(len(p), len(g))


def score_letter(result: LetterResult | None, label: dict[str, Any]) -> dict[str, bool | None]:
    """Verdict per field for one letter (None where the label is null or absent).

    Args:
        result: the pipeline's result, or None when the letter could not be read.
        label: the letter's labels.

    Returns:
        Field name -> True / False / None.
    """
    verdicts: dict[str, bool | None] = {}
    for name in FIELDS:
        gold = label.get(name)
        if name == "payer" and not gold:
            gold = label.get("payer_canonical")
        if gold is None or gold == "":
            verdicts[name] = None
            continue
        if result is None:
            verdicts[name] = False
            continue
        verdicts[name] = _verdict(name, result, label, str(gold))
    return verdicts


def _verdict(name: str, result: LetterResult, label: dict[str, Any], gold: str) -> bool:
    if name == "denial_type":
        return result.denial_type is not None and result.denial_type.label.value == gold
    fv = getattr(result.fields, name)
    if fv is None:
        return False
    if name == "payer":
        return payer_matches(fv.value, fv.raw, label)
    if name == "benefit_manager":
        return brand_matches(fv.value, fv.raw, gold)
    if name in ("member_id", "claim_id"):
        return ids_match(fv.value, gold) or ids_match(fv.raw, gold)
    if name in ("therapy", "denial_reason", "patient_name", "provider_name"):
        return max(token_overlap(fv.value, gold), token_overlap(fv.raw, gold)) >= FUZZY_THRESHOLD
    return bool(fv.value == gold)


# ------------------------------------------------------------------------------------------
# running a corpus
# ------------------------------------------------------------------------------------------


def read_labels(corpus: Path) -> list[dict[str, Any]]:
    """The corpus's ``labels.jsonl``.

    Raises:
        InputFileError: no ``labels.jsonl``, or a line that isn't a JSON object with an ``id``.
    """
    path = corpus / "labels.jsonl"
    if not path.is_file():
        raise InputFileError(f"{corpus} has no labels.jsonl: a corpus is a folder of letters "
                             "with one label object per line in labels.jsonl")
    labels = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError as exc:
            raise InputFileError(f"{path}:{n} is not JSON ({exc.msg}); fix that line") from exc
        if not isinstance(obj, dict) or not obj.get("id"):
            raise InputFileError(f"{path}:{n} has no \"id\"; every label needs the letter's id")
        labels.append(obj)
    return labels


def find_letter(corpus: Path, letter_id: str) -> Path | None:
    """``corpus/ID.<suffix>`` for the first supported suffix that exists."""
    for suffix in LETTER_SUFFIXES:
        p = corpus / f"{letter_id}{suffix}"
        if p.is_file():
            return p
    return None


def _predicted(result: LetterResult) -> tuple[dict[str, str | None], dict[str, float | None]]:
    """Per scored field: the value the pipeline gave, and its confidence."""
    values: dict[str, str | None] = {}
    confidences: dict[str, float | None] = {}
    if result.denial_type:
        values["denial_type"] = result.denial_type.label.value
        confidences["denial_type"] = result.denial_type.confidence
    else:
        values["denial_type"] = confidences["denial_type"] = None
    for name in FIELDS[1:]:
        fv = getattr(result.fields, name)
        values[name] = fv.value if fv else None
        confidences[name] = fv.confidence if fv else None
    return values, confidences


def evaluate_corpus(corpus: Path, *, options: Options | None = None) -> EvaluationReport:
    """Run ``process_letter`` on every labelled letter of ``corpus`` and score it.

    Args:
        corpus: a folder with letters and ``labels.jsonl``.
        options: run options; ``Options(model_path="none")`` scores the rules alone.

    Returns:
        The report (per field right / scored, per letter verdicts).

    Raises:
        InputFileError: the corpus has no usable ``labels.jsonl``.
        MissingDependencyError: tesseract or the model is missing (not a per-letter failure:
            nothing could be scored).
    """
    from denialparse import api
    from denialparse.options import Options as _Options

    options = options or _Options()
    labels = read_labels(Path(corpus))
    scores = {name: FieldScore() for name in FIELDS}
    letters: list[LetterScore] = []
    t0 = time.monotonic()
    for label in labels:
        path = find_letter(Path(corpus), str(label["id"]))
        result: LetterResult | None = None
        error: str | None = None
        if path is None:
            error = "letter file not found"
        else:
            try:
                result = api.process_letter(path, options=options)
            except InputFileError as exc:
                error = exc.code
            except DenialParseError:
                raise
        verdicts = score_letter(result, label)
        for name, ok in verdicts.items():
            if ok is not None:
                scores[name].scored += 1
                scores[name].right += int(ok)
        predicted, confidence = _predicted(result) if result else ({}, {})
        letters.append(LetterScore(
            id=str(label["id"]), path=str(path) if path else None, verdicts=verdicts,
            predicted=predicted, error=error, confidence=confidence,
        ))
        log.info("scored letter %s", label["id"])
    model = options.model_path or "bundled"
    return EvaluationReport(corpus=str(corpus), model=model, fields=scores, letters=letters,
                            seconds=time.monotonic() - t0)


def format_report(report: EvaluationReport) -> str:
    """The human report: one line per field, right / scored and accuracy, then failures."""
    lines = [f"corpus {report.corpus}: {len(report.letters)} letters (model: {report.model})",
             f"{'field':<15}{'right':>7}{'scored':>8}{'accuracy':>10}"]
    for name, s in report.fields.items():
        if not s.scored:
            continue
        acc = f"{s.accuracy:.3f}" if s.accuracy is not None else "-"
        lines.append(f"{name:<15}{s.right:>7}{s.scored:>8}{acc:>10}")
    right = sum(s.right for s in report.fields.values())
    scored = sum(s.scored for s in report.fields.values())
    if scored:
        lines.append(f"{'all fields':<15}{right:>7}{scored:>8}{right / scored:>10.3f}")
    for x in report.failures:
        lines.append(f"failed: {x.id}: {x.error}")
    return "\n".join(lines)
