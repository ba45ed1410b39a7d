"""Check a trained pipeline: plain ``spacy.load``, components, labels, size < 50 MB, load < 1 s.

    python -m denialparse_dev.check_pipeline training/pipeline --letters N

The labels must be the contract's (``denialparse.types``) in the committed pipeline's order,
so that ``extract`` reads the right columns. Speed is measured and reported, not required: the
trained part alone (tok2vec + entity tagger + two textcats) on generated letters' text, one
process, one thread. The figures go to ``<pipeline>/bench.json`` (and from there into the
accuracy report). ``denialparse_dev.promote`` runs the same checks before it copies anything.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")

EXPECTED_PIPES = ["tok2vec", "entity_tagger", "textcat_denial", "textcat_plan"]
MAX_SIZE_BYTES = 50e6
MAX_LOAD_S = 1.0


@dataclass
class CheckResult:
    """What ``check`` measured, and what is wrong (empty: the pipeline passes)."""

    bench: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def expected_labels() -> dict[str, tuple[str, ...]]:
    """Component -> the labels it must have, in order."""
    from denialparse.types import DENIAL_LABELS, PLAN_LABELS
    from denialparse_dev.train import entity_tag_labels

    return {"entity_tagger": entity_tag_labels(), "textcat_denial": DENIAL_LABELS,
            "textcat_plan": PLAN_LABELS}


def check(pipeline: Path, letters: int) -> CheckResult:
    """Load ``pipeline`` with plain spaCy, check it, time it; write ``bench.json`` into it."""
    import spacy

    from denialparse.files import atomic_write_text
    from denialparse_dev import generate

    result = CheckResult()
    size = sum(p.stat().st_size for p in pipeline.rglob("*") if p.is_file())
    t0 = time.perf_counter()
    nlp = spacy.load(pipeline)
    load_s = time.perf_counter() - t0
    if nlp.pipe_names != EXPECTED_PIPES:
        result.problems.append(f"components {nlp.pipe_names}, expected {EXPECTED_PIPES}")
        return result
    for name, labels in expected_labels().items():
        if tuple(nlp.get_pipe(name).labels) != labels:
            result.problems.append(f"{name} labels differ from denialparse.types (or their order)")
    rng = random.Random(4242)
    texts = [generate.make_letter(rng, f"b{i}").text for i in range(letters)]
    chars = sum(len(t) for t in texts) / max(1, len(texts))
    list(nlp.pipe(texts[:20]))  # warm up
    secs = float("inf")
    for _ in range(3):  # best of three: on a shared machine the slow passes measure the neighbours
        t0 = time.perf_counter()
        for _ in nlp.pipe(texts, batch_size=32):
            pass
        secs = min(secs, time.perf_counter() - t0)
    result.bench = {"size_mb": round(size / 1e6, 2), "load_s": round(load_s, 3),
                    "letters_per_s": round(len(texts) / secs, 1), "mean_chars": round(chars),
                    "pipes": nlp.pipe_names}
    atomic_write_text(pipeline / "bench.json", json.dumps(result.bench, indent=2) + "\n")
    if size >= MAX_SIZE_BYTES:
        result.problems.append(f"{size / 1e6:.1f} MB on disk (limit {MAX_SIZE_BYTES / 1e6:.0f})")
    if load_s >= MAX_LOAD_S:
        result.problems.append(f"spacy.load took {load_s:.2f} s (limit {MAX_LOAD_S:.0f})")
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pipeline", type=Path)
    ap.add_argument("--letters", type=int, required=True,
                    help="generated letters to time the pipeline on")
    args = ap.parse_args(argv)
    result = check(args.pipeline, args.letters)
    print(json.dumps(result.bench))
    for problem in result.problems:
        print(f"check failed: {problem}", file=sys.stderr)
    return 1 if result.problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
