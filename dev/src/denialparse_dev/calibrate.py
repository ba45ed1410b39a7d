"""Fit the per-field confidence maps and write them into a pipeline's ``calibration.json``.

    python -m denialparse_dev.calibrate --model training/pipeline --held-out corpus/calibration

What a field's confidence means at run time is ``denialparse.understanding.calibration``: the
share of values at that support that were right. This script measures that share on letters the
model was never trained on, with the support as ``extract`` computes it (maps switched off):

* set A (``models/testset``) and set C (``models/testset3``, letters written by other people), in
  every form rendered under their ``forms/`` (text layer, scan, fax);
* held-out generated letters from a seed training never uses, as text and, for a share of them,
  rendered as scans and faxes and read back by our OCR (made here on first use).

Set B (``models/testset2``) is never read: it is where the maps are checked, blind.

A value where the letter says nothing (the label is null) counts as wrong: that is a value the
tool invented. Generated letters are easier than letters people wrote and far more numerous, so
together they weigh only ``GENERATED_WEIGHT_SHARE`` of each field's fit. Per field, isotonic
regression (scikit-learn) of right/wrong on support gives
blocks of supports with one share right; each block's share is pulled toward the field's overall
share by ``PRIOR_LETTERS`` pseudo-letters, so a block of five right letters does not claim 100 %.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from denialparse.files import atomic_write_bytes, atomic_write_text
from denialparse_dev import models_dir

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
log = logging.getLogger("calibrate")

MODELS = models_dir()
# Hand-labelled sets fitted on: A (not blind) and C (development set). B stays blind.
FIT_SETS = (MODELS / "testset", MODELS / "testset3")
# Fields whose confidence is mapped: the scored ones (evaluate.FIELDS) and the benefit manager.
MAPPED_FIELDS = ("denial_type", "payer", "plan_type", "therapy", "denial_reason", "letter_date",
                 "service_date", "member_id", "claim_id", "patient_name", "provider_name")
PRIOR_LETTERS = 3.0  # pseudo-letters at the field's overall share, added to every block
# Generated letters are easier than letters people wrote and far more numerous: together they
# weigh this share of a field's fit, the hand-labelled letters (sets A and C) the rest.
GENERATED_WEIGHT_SHARE = 0.25
MAX_SHARE = 0.99  # never certain
HELD_OUT_SEED = 973  # the recipe: 97<seed>, neither its training (<seed>) nor dev (9<seed>) letters


@dataclass(frozen=True)
class Observation:
    """One field value the pipeline gave: its support and whether it was right."""

    field: str
    support: float
    right: bool
    generated: bool  # from the held-out generated letters (not a hand-labelled set)


def corpora(held_out: Path) -> list[Path]:
    """Every labelled folder fitted on: each set's text and rendered forms, and the held-out."""
    folders = []
    for root in (*FIT_SETS, held_out):
        for folder in (root, root / "forms" / "pdf", root / "forms" / "scan", root / "forms" / "fax"):
            if (folder / "labels.jsonl").is_file():
                folders.append(folder)
    return folders


def make_held_out(out: Path, n: int, ocr_letters: int, seed: int) -> None:
    """Generate ``n`` letters into ``out``; render ``ocr_letters`` of them as scans and faxes."""
    from denialparse_dev import generate, testset_render

    if (out / "labels.jsonl").is_file():
        return
    generate.main([str(out), "--n", str(n), "--seed", str(seed)])
    plan = testset_render.RenderPlan(
        root=out, fonts=("Helvetica", "Times-Roman", "Courier"), no_letterhead=frozenset(),
        seed_base=seed * 10,
        scan_options=lambda i: {"dpi": (200, 300, 240)[i % 3], "skew_deg": (i % 9 - 4) / 4,
                                "rotate": 0, "noise": 0.3, "blur": 0.5,
                                "jpeg_quality": (70, None)[i % 2]},
        fax_fine=lambda i: i % 2 == 0,
    )
    letters = sorted(out.glob("*.txt"))[:ocr_letters]
    for i, txt in enumerate(letters):
        testset_render.render_one(plan, i, txt, out / "forms", ("pdf", "scan", "fax"))
    rendered = {t.stem for t in letters}
    lines = [line for line in (out / "labels.jsonl").read_text().splitlines()
             if line.strip() and json.loads(line)["id"] in rendered]
    for form in ("pdf", "scan", "fax"):
        atomic_write_bytes(out / "forms" / form / "labels.jsonl", ("\n".join(lines) + "\n").encode())


def observe(folder: Path, model: Path, generated: bool) -> list[Observation]:
    """Run the pipeline (maps off) over one labelled folder; one observation per value given."""
    from denialparse.evaluate import evaluate_corpus, read_labels
    from denialparse.options import Options
    from denialparse.understanding.calibration import raw_supports

    labels = {str(lab["id"]): lab for lab in read_labels(folder)}
    with raw_supports():
        report = evaluate_corpus(folder, options=Options(model_path=str(model))).to_json_dict()
    out = []
    for letter in report["per_letter"]:
        label = labels[letter["id"]]
        predicted = letter.get("predicted") or {}
        confidence = letter.get("confidence") or {}
        for field in MAPPED_FIELDS:
            support = confidence.get(field)
            if support is None or field not in label:
                continue  # nothing given, or a field this corpus doesn't label
            verdict = letter["verdicts"].get(field)
            if verdict is None:
                # The label is null: the letter doesn't say it, so any value was invented.
                if field == "payer" and label.get("payer_canonical"):
                    continue
                verdict = predicted.get(field) is None
            out.append(Observation(field, float(support), bool(verdict), generated))
    return out


def fit_field(obs: list[Observation]) -> dict[str, Any]:
    """One field's map: support knots and the (shrunk, monotone) share right at each."""
    import numpy as np
    from sklearn.isotonic import IsotonicRegression

    x = np.array([o.support for o in obs])
    y = np.array([1.0 if o.right else 0.0 for o in obs])
    w = np.array(weights(obs))
    base = float(np.average(y, weights=w))
    fitted = IsotonicRegression(increasing=True, out_of_bounds="clip").fit(
        x, y, sample_weight=w).predict(x)
    blocks: list[list[float]] = []  # [low, high support, weight, weight right, fitted], in order
    for xi, yi, wi, fi in sorted(zip(x, y, w, fitted, strict=True)):
        if blocks and abs(blocks[-1][4] - fi) < 1e-12:
            blocks[-1][1] = xi
            blocks[-1][2] += wi
            blocks[-1][3] += wi * yi
        else:
            blocks.append([xi, xi, wi, wi * yi, fi])
    shares = [(b[3] + PRIOR_LETTERS * base) / (b[2] + PRIOR_LETTERS) for b in blocks]
    # Shrinking blocks of different sizes can break the order: make it monotone again.
    monotone = IsotonicRegression(increasing=True).fit(
        range(len(shares)), shares, sample_weight=[b[2] for b in blocks]).predict(range(len(shares)))
    support: list[float] = []
    right: list[float] = []
    for b, share in zip(blocks, monotone, strict=True):
        for edge in sorted({b[0], b[1]}):
            if support and edge <= support[-1]:
                continue
            support.append(round(float(edge), 4))
            right.append(round(min(MAX_SHARE, float(share)), 4))
    return {"support": support, "right": right, "n": len(obs),
            "n_generated": sum(o.generated for o in obs), "share_right": round(base, 4)}


def weights(obs: list[Observation]) -> list[float]:
    """Per observation: 1 for a hand-labelled letter; generated ones share GENERATED_WEIGHT_SHARE.

    The weights are scaled so that they add up to the number of hand-labelled observations
    (PRIOR_LETTERS then means letters); with none of either kind, every weight is 1.
    """
    hand = sum(not o.generated for o in obs)
    generated = len(obs) - hand
    if not hand or not generated:
        return [1.0] * len(obs)
    per_generated = hand * GENERATED_WEIGHT_SHARE / (1 - GENERATED_WEIGHT_SHARE) / generated
    return [per_generated if o.generated else 1.0 for o in obs]


def reliability(obs: list[Observation], maps: dict[str, tuple[list[float], list[float]]],
                ) -> tuple[int, int]:
    """(right, n) among values whose (mapped) confidence is at least 0.90."""
    from denialparse.understanding.calibration import calibrate

    sure = [o for o in obs if calibrate(o.field, o.support, maps) >= 0.90]
    return sum(o.right for o in sure), len(sure)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", type=Path, required=True, help="the pipeline folder to calibrate")
    ap.add_argument("--held-out", type=Path, required=True,
                    help="folder of held-out generated letters (made here if missing)")
    ap.add_argument("--n", type=int, default=120, help="held-out letters to generate")
    ap.add_argument("--ocr-letters", type=int, default=40,
                    help="of which this many are also rendered as scan and fax and OCR'd")
    ap.add_argument("--seed", type=int, default=HELD_OUT_SEED)
    ap.add_argument("--text-cache", default=str(MODELS / "training" / "text-cache"),
                    help="keep OCR'd texts here between runs; '' to disable")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    from denialparse.understanding.calibration import field_maps
    from denialparse_dev.accuracy_report import memoise_read_text

    make_held_out(args.held_out, args.n, args.ocr_letters, args.seed)
    memoise_read_text(Path(args.text_cache) if args.text_cache else None)
    observations: list[Observation] = []
    for folder in corpora(args.held_out):
        found = observe(folder, args.model, generated=folder.is_relative_to(args.held_out))
        log.info("%s: %d values", folder, len(found))
        observations += found
    fields = {}
    for field in MAPPED_FIELDS:
        obs = [o for o in observations if o.field == field]
        if len(obs) >= 20:
            fields[field] = fit_field(obs)
    path = args.model / "calibration.json"
    calibration = json.loads(path.read_text()) if path.is_file() else {}
    calibration["fields"] = fields
    calibration["fields_method"] = (
        "isotonic regression of right/wrong on support per field (a value where the letter says "
        f"nothing counts as wrong), blocks shrunk toward the field's share by {PRIOR_LETTERS:g} "
        f"pseudo-letters; generated letters weigh {GENERATED_WEIGHT_SHARE:.0%} of each field; "
        f"fitted on {len(observations)} values from "
        + ", ".join(str(f.relative_to(MODELS)) if f.is_relative_to(MODELS) else f.name
                    for f in corpora(args.held_out)))
    atomic_write_text(path, json.dumps(calibration, indent=2) + "\n")
    before = reliability(observations, {})
    after = reliability(observations, field_maps(calibration))
    print(f"fitted {len(fields)} fields on {len(observations)} values -> {path}")
    for name, (r, n) in (("support", before), ("calibrated", after)):
        print(f"  {name} >= 0.90: {r}/{n} right ({100 * r / max(n, 1):.1f} %)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
