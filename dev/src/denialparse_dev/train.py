"""Train the denialparse spaCy pipeline (entity tagger + two exclusive textcats) on a corpus.

The project's ``train`` step (``models/project.yml``)::

    python -m denialparse_dev.train --corpus corpus --config configs/pipeline.cfg \
        --out training/pipeline --epochs E --seed S

reads ``corpus/{train,train_ocr}/spans.jsonl`` (made by ``denialparse_dev.generate`` and
``denialparse_dev.ocr_corpus``) to train on and ``corpus/{dev,dev_ocr}`` to choose the epoch and
fit ``calibration.json``, and writes the candidate pipeline; ``denialparse_dev.promote`` copies
a checked candidate over the committed one. The labels it teaches are the contract's
(``denialparse.types``), in the committed pipeline's order.

Why a hand-written loop instead of ``spacy train``: the pipeline has *two* exclusive textcats
(``textcat_denial`` over the 12 denial types, ``textcat_plan`` over the 9 plan types). Both read
``doc.cats``, and spaCy's exclusive textcat refuses a ``doc.cats`` with two positive labels
(error E895), so each textcat must see its own reference cats. The loop below runs the components'
``update`` by hand (what ``Language.update`` does), giving each textcat its own examples over the
*same* predicted docs so the shared tok2vec gets all three gradients. The saved pipeline uses only
built-in factories and loads with plain ``spacy.load``.
"""

from __future__ import annotations

import json
import logging
import math
import random
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from denialparse.files import atomic_write_text
from denialparse.types import DENIAL_LABELS, ENTITY_LABELS, PLAN_LABELS
from denialparse.understanding.entity_tags import (
    OUTSIDE,
    predicted_entities,
    reference_tags,
    run_pipeline,
    speed_up_tokenizer,
)
from denialparse_dev.promote import swap_in_dir

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.training import Example

log = logging.getLogger(__name__)

__all__ = [
    "TrainMetrics",
    "entity_tag_labels",
    "evaluate_pipeline",
    "finish_pipeline",
    "fit_calibration",
    "read_records",
    "records_to_examples",
    "train_pipeline",
]

# textcat -> (the record key of its gold label, its labels in the committed pipeline's order)
TEXTCATS = {"textcat_denial": ("denial_type", DENIAL_LABELS),
            "textcat_plan": ("plan_type", PLAN_LABELS)}


def entity_tag_labels() -> tuple[str, ...]:
    """The entity tagger's labels: ``O``, then B/I/L/U of each entity label, labels sorted.

    This is the order the committed pipeline has (spaCy's tagger sorted them when it was first
    trained); giving it explicitly keeps a retrained pipeline's output columns in that order.
    """
    return (OUTSIDE,) + tuple(f"{move}-{label}" for label in sorted(ENTITY_LABELS)
                              for move in "BILU")


# ------------------------------------------------------------------------------------------
# records -> examples
# ------------------------------------------------------------------------------------------


@dataclass
class _Pair:
    """The two examples of one letter: (entity tags + denial cats) and (plan cats), same doc."""

    main: Example
    plan: Example


def records_to_examples(nlp: Language, records: Iterable[dict[str, Any]]) -> list[_Pair]:
    """Turn ``spans.jsonl`` records into training examples.

    Entities that don't fall on token boundaries are trimmed to the tokens inside them
    ("contract"); entities marked ``missing`` (and ones that can't be placed) are left as
    missing annotation rather than taught as "not an entity".

    Args:
        nlp: the pipeline whose tokenizer makes the docs.
        records: dicts with ``text``, ``ents`` ([start, end, label]), ``missing``,
            ``denial_type`` and ``plan_type``.

    Returns:
        One ``_Pair`` per record.
    """
    from spacy.training import Example

    pairs: list[_Pair] = []
    for rec in records:
        text = as_read(rec["text"])
        doc = nlp.make_doc(text)
        ents, missing = [], []
        for start, end, label in rec["ents"]:
            span = doc.char_span(start, end, label=label, alignment_mode="contract")
            if span is None or not span.text.strip():
                span = doc.char_span(start, end, alignment_mode="expand")
                if span is not None:
                    missing.append(span)
                continue
            ents.append(span)
        for start, end in rec.get("missing", []):
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is not None:
                missing.append(span)
        ents = _drop_overlaps(ents)
        missing = [m for m in missing if not any(m.start < e.end and e.start < m.end for e in ents)]
        ref = doc.copy()
        ref.set_ents(ents, missing=missing, default="outside")
        for token, tag in zip(ref, reference_tags(ref), strict=True):
            token.tag_ = tag
        ref.cats = {lab: float(lab == rec["denial_type"]) for lab in DENIAL_LABELS}
        ref_plan = nlp.make_doc(text)
        ref_plan.cats = {lab: float(lab == rec["plan_type"]) for lab in PLAN_LABELS}
        pred = nlp.make_doc(text)
        pairs.append(_Pair(Example(pred, ref), Example(pred, ref_plan)))
    return pairs


def as_read(text: str) -> str:
    """The text as the pipeline gets it: a form feed (page break) becomes a newline.

    ``LetterText.full_text()`` joins pages with a blank line; generated letters end a page with
    ``"\\n\\f"``, so replacing the form feed by a newline gives the same text at the same offsets.
    """
    return text.replace("\f", "\n")


def _drop_overlaps(spans: list[Any]) -> list[Any]:
    out: list[Any] = []
    for sp in sorted(spans, key=lambda s: (s.start, -(s.end - s.start))):
        if out and sp.start < out[-1].end:
            continue
        out.append(sp)
    return out


# ------------------------------------------------------------------------------------------
# evaluation on records
# ------------------------------------------------------------------------------------------


@dataclass
class TrainMetrics:
    """Scores of a pipeline on held-out generated letters."""

    ents: dict[str, dict[str, float]] = field(default_factory=dict)
    ents_f: float = 0.0
    denial_acc: float = 0.0
    plan_acc: float = 0.0
    n_docs: int = 0
    by_form: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def score(self) -> float:
        """One number to pick the best epoch: mean of entity F and the two accuracies."""
        return (self.ents_f + self.denial_acc + self.plan_acc) / 3


def evaluate_pipeline(nlp: Language, records: Sequence[dict[str, Any]]) -> TrainMetrics:
    """Entity P/R/F per label (exact spans) and textcat accuracies on labelled records.

    Args:
        nlp: a trained pipeline.
        records: ``spans.jsonl`` records (not trained on).

    Returns:
        The metrics.
    """
    counts = {lab: [0, 0, 0] for lab in ENTITY_LABELS}  # tp, fp, fn
    right = {"textcat_denial": 0, "textcat_plan": 0}
    form_right: dict[str, list[int]] = {}
    for rec in records:
        # One doc at a time, as ``extract`` runs it: entities come from the tagger's scores.
        doc, scores = run_pipeline(nlp, nlp.make_doc(as_read(rec["text"])))
        gold = set()
        for s, e, lab in rec["ents"]:
            sp = doc.char_span(s, e, alignment_mode="contract")
            if sp is not None:
                gold.add((sp.start_char, sp.end_char, lab))
        missing = [(s, e) for s, e in rec.get("missing", [])]
        pred = {(e.start_char, e.end_char, e.label_) for e in predicted_entities(doc, scores)
                if not any(s <= e.start_char < t for s, t in missing)}
        for lab in ENTITY_LABELS:
            g = {x for x in gold if x[2] == lab}
            p = {x for x in pred if x[2] == lab}
            counts[lab][0] += len(g & p)
            counts[lab][1] += len(p - g)
            counts[lab][2] += len(g - p)
        d_ok = max(DENIAL_LABELS, key=lambda k: doc.cats.get(k, 0.0)) == rec["denial_type"]
        p_ok = max(PLAN_LABELS, key=lambda k: doc.cats.get(k, 0.0)) == rec["plan_type"]
        right["textcat_denial"] += d_ok
        right["textcat_plan"] += p_ok
        fr = form_right.setdefault(rec.get("form", "plain"), [0, 0, 0])
        fr[0] += 1
        fr[1] += d_ok
        fr[2] += p_ok
    m = TrainMetrics(n_docs=len(records))
    tp_all = fp_all = fn_all = 0
    for lab, (tp, fp, fn) in counts.items():
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        m.ents[lab] = {"p": round(p, 4), "r": round(r, 4), "f": round(f, 4), "support": tp + fn}
        tp_all, fp_all, fn_all = tp_all + tp, fp_all + fp, fn_all + fn
    p = tp_all / (tp_all + fp_all) if tp_all + fp_all else 0.0
    r = tp_all / (tp_all + fn_all) if tp_all + fn_all else 0.0
    m.ents_f = round(2 * p * r / (p + r), 4) if p + r else 0.0
    n = max(1, len(records))
    m.denial_acc = round(right["textcat_denial"] / n, 4)
    m.plan_acc = round(right["textcat_plan"] / n, 4)
    m.by_form = {k: {"n": v[0], "denial_acc": round(v[1] / v[0], 4),
                     "plan_acc": round(v[2] / v[0], 4)} for k, v in form_right.items()}
    return m


# ------------------------------------------------------------------------------------------
# training loop
# ------------------------------------------------------------------------------------------


def train_pipeline(
    train_records: Sequence[dict[str, Any]],
    dev_records: Sequence[dict[str, Any]],
    out_dir: Path,
    *,
    config_path: Path,
    epochs: int,
    seed: int,
    max_seconds: float | None = None,
) -> TrainMetrics:
    """Train on ``train_records``, keep the epoch that scores best on ``dev_records``.

    Args:
        train_records: ``spans.jsonl`` records to train on.
        dev_records: held-out records (may be empty: then the last epoch is kept).
        out_dir: where the pipeline is written (``nlp.to_disk``), replacing what is there.
        config_path: the pipeline config (``models/configs/pipeline.cfg``): components, batcher,
            dropout, optimizer; the labels are filled in from ``denialparse.types``.
        epochs: passes over the training records.
        seed: random seed (shuffling, dropout, weights).
        max_seconds: stop after the epoch that crosses this wall-clock budget.

    Returns:
        The dev metrics of the kept pipeline (empty metrics without dev records).

    Raises:
        OutputError: ``out_dir`` can't be written.
    """
    from spacy.util import fix_random_seed, load_config, load_model_from_config, registry

    fix_random_seed(seed)
    config = load_config(config_path)
    config["initialize"]["components"] = {
        "entity_tagger": {"labels": list(entity_tag_labels())},
        **{name: {"labels": list(labels)} for name, (_key, labels) in TEXTCATS.items()},
    }
    nlp = load_model_from_config(config, auto_fill=True, validate=True)
    speed_up_tokenizer(nlp)
    pairs = records_to_examples(nlp, train_records)
    if not pairs:
        raise ValueError("no training records")
    nlp.initialize(lambda: [p.main for p in pairs[:200]])
    optimizer = nlp.create_optimizer()
    batcher = registry.resolve({"batcher": nlp.config["training"]["batcher"]})["batcher"]
    dropout = nlp.config["training"]["dropout"]
    rng = random.Random(seed)
    best: tuple[float, bytes] | None = None
    best_metrics = TrainMetrics()
    t0 = time.monotonic()
    for epoch in range(epochs):
        rng.shuffle(pairs)
        losses: dict[str, float] = {}
        for batch in batcher(pairs):
            _update(nlp, batch, optimizer, losses, drop=dropout)
        if dev_records:
            with nlp.select_pipes(enable=nlp.pipe_names), nlp.use_params(optimizer.averages):
                metrics = evaluate_pipeline(nlp, dev_records)
                if best is None or metrics.score > best[0]:
                    best = (metrics.score, nlp.to_bytes())
                    best_metrics = metrics
            log.info("epoch %d losses %s ents_f %.3f denial %.3f plan %.3f", epoch,
                     {k: round(v, 1) for k, v in losses.items()}, metrics.ents_f,
                     metrics.denial_acc, metrics.plan_acc)
        else:
            log.info("epoch %d losses %s", epoch, {k: round(v, 1) for k, v in losses.items()})
        if max_seconds is not None and time.monotonic() - t0 > max_seconds:
            log.info("time budget reached after epoch %d", epoch)
            break
    if best is not None:
        nlp.from_bytes(best[1])
    else:
        with nlp.use_params(optimizer.averages):
            best = (0.0, nlp.to_bytes())
        nlp.from_bytes(best[1])
    _save(nlp, out_dir)
    return best_metrics


def _update(nlp: Language, batch: Sequence[_Pair], sgd: Any, losses: dict[str, float],
            drop: float) -> None:
    """One optimisation step: what ``Language.update`` does, with per-textcat examples."""
    main = [p.main for p in batch]
    plan = [p.plan for p in batch]
    for name, proc in nlp.pipeline:
        examples = plan if name == "textcat_plan" else main
        proc.update(examples, sgd=None, losses=losses, drop=drop)  # type: ignore[attr-defined]
    for _name, proc in nlp.pipeline:
        if hasattr(proc, "finish_update"):
            proc.finish_update(sgd)


def _save(nlp: Language, out_dir: Path) -> None:
    """Write the pipeline next to ``out_dir`` and swap it in whole."""
    nlp.meta["name"] = "denialparse_pipeline"
    nlp.meta["description"] = ("denialparse: entity tagger (BILUO tags, see "
                               "denialparse.understanding.entity_tags) + denial-type and "
                               "plan-type textcats")
    swap_in_dir(out_dir, nlp.to_disk)


# ------------------------------------------------------------------------------------------
# calibration
# ------------------------------------------------------------------------------------------


def fit_calibration(nlp: Language, records: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Fit a softmax temperature per textcat and measure entity precision per label.

    Temperature ``T`` rescales the textcat probabilities as ``softmax(log(p) / T)``; it is the
    value (on a grid) that minimises the negative log-likelihood on held-out letters. Entity
    precision per label is what ``extract`` starts from for a model span of that label
    (discounted for real letters, times the span's own probability).

    Args:
        nlp: the trained pipeline.
        records: held-out records (ideally OCR'd, as the model will really see).

    Returns:
        A JSON-able dict (written to ``calibration.json``).
    """
    docs = list(nlp.pipe([as_read(r["text"]) for r in records], batch_size=32))
    out: dict[str, Any] = {"method": "temperature scaling of softmax(log p / T); entity "
                           "precision per label on held-out generated letters",
                           "n_docs": len(records)}
    for comp, (key, labels) in TEXTCATS.items():
        best_t, best_nll = 1.0, float("inf")
        for t in [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0]:
            nll = 0.0
            for rec, doc in zip(records, docs, strict=True):
                logits = [math.log(max(doc.cats.get(lab, 0.0), 1e-9)) / t for lab in labels]
                mx = max(logits)
                z = sum(math.exp(x - mx) for x in logits)
                gold = labels.index(rec[key])
                nll -= logits[gold] - mx - math.log(z)
            if nll < best_nll:
                best_t, best_nll = t, nll
        out[comp] = {"temperature": best_t, "nll_per_doc": round(best_nll / max(1, len(docs)), 4)}
    metrics = evaluate_pipeline(nlp, records)
    out["ner_precision"] = {lab: v["p"] for lab, v in metrics.ents.items()}
    out["ner_recall"] = {lab: v["r"] for lab, v in metrics.ents.items()}
    return out


# ------------------------------------------------------------------------------------------
# the project's train step: corpus -> candidate pipeline + calibration.json + metrics.json
# ------------------------------------------------------------------------------------------


def read_records(path: Path) -> list[dict[str, Any]]:
    """The records of one ``spans.jsonl`` (an empty list when the file is absent)."""
    if not path.is_file():
        return []
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def finish_pipeline(
    out_dir: Path,
    train: Sequence[dict[str, Any]],
    dev: Sequence[dict[str, Any]],
    metrics: TrainMetrics,
    *,
    seed: int,
    epochs: int,
) -> None:
    """Write ``calibration.json`` and ``metrics.json`` next to a freshly trained pipeline."""
    import spacy

    if dev:
        nlp = spacy.load(out_dir)
        _write_json(out_dir / "calibration.json", fit_calibration(nlp, dev))
    forms: dict[str, int] = {}
    for r in train:
        forms[r.get("form", "plain")] = forms.get(r.get("form", "plain"), 0) + 1
    _write_json(out_dir / "metrics.json", {
        "n_train": len(train), "n_dev": len(dev), "train_forms": forms, "seed": seed,
        "epochs": epochs, "dev_ents_f": metrics.ents_f, "dev_ents": metrics.ents,
        "dev_denial_acc": metrics.denial_acc, "dev_plan_acc": metrics.plan_acc,
        "dev_by_form": metrics.by_form,
    })


def _write_json(path: Path, data: dict[str, Any]) -> None:
    atomic_write_text(path, json.dumps(data, indent=2, sort_keys=True) + "\n")


def main(argv: list[str] | None = None) -> int:
    """``python -m denialparse_dev.train``: the spaCy project's train step."""
    import argparse

    ap = argparse.ArgumentParser(description="train the denialparse pipeline on a corpus")
    ap.add_argument("--corpus", type=Path, required=True,
                    help="folder with train/, train_ocr/, dev/, dev_ocr/ (spans.jsonl each)")
    ap.add_argument("--config", type=Path, required=True, help="the pipeline config")
    ap.add_argument("--out", type=Path, required=True, help="the candidate pipeline to write")
    # No defaults: the recipe's numbers are models/project.yml's vars, nowhere else.
    ap.add_argument("--epochs", type=int, required=True)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--max-seconds", type=float, default=None,
                    help="stop after the epoch that crosses this wall-clock budget")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    train = read_records(args.corpus / "train" / "spans.jsonl")
    train += read_records(args.corpus / "train_ocr" / "spans.jsonl")
    dev = read_records(args.corpus / "dev" / "spans.jsonl")
    dev += read_records(args.corpus / "dev_ocr" / "spans.jsonl")
    metrics = train_pipeline(train, dev, args.out, config_path=args.config, epochs=args.epochs,
                             seed=args.seed, max_seconds=args.max_seconds)
    finish_pipeline(args.out, train, dev, metrics, seed=args.seed, epochs=args.epochs)
    print(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
