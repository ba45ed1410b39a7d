"""Benchmark: the extraction pipeline on extracted text, one core, letters per second.

    .venv/bin/python bench/bench_pipeline.py [--letters 300] [--model DIR ...]

For each pipeline directory (default: the bundled one; pass ``--model`` several times to compare,
e.g. an older pipeline from ``git archive``) it prints:

- load: ``spacy.load`` of the directory, seconds (goal < 1 s);
- trained: the trained components alone (tokenizer + ``nlp.pipe``), letters/s (goal >= 100);
- per component: ms per letter for the tokenizer and each trained component;
- extract: the whole extraction stage per letter as ``denialparse extract`` runs it (trained
  components + rule components + choosing the fields), letters/s; also with rules only.

The letters are generated (``denialparse_dev.generate``, the dev package; fixed seed, about 1900 characters and
400 tokens each). One process, ``OMP_NUM_THREADS=1``; the best of three passes is reported,
because on a shared machine the slow passes measure the neighbours.
"""

from __future__ import annotations

import argparse
import os
import random
import time
from collections.abc import Callable
from pathlib import Path

os.environ["OMP_NUM_THREADS"] = "1"
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def best_of(passes: int, run: Callable[[], None]) -> float:
    """Fastest wall-clock seconds of ``passes`` runs."""
    best = float("inf")
    for _ in range(passes):
        t0 = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - t0)
    return best


def letters(n: int) -> list[str]:
    from denialparse_dev import generate

    rng = random.Random(4242)
    return [generate.make_letter(rng, f"b{i}").text.replace("\f", "\n") for i in range(n)]


def bench_trained(model: Path, texts: list[str]) -> dict[str, float]:
    import spacy

    t0 = time.perf_counter()
    nlp = spacy.load(model)
    load_s = time.perf_counter() - t0
    list(nlp.pipe(texts[:20]))
    secs = best_of(3, lambda: [None for _ in nlp.pipe(texts, batch_size=32)])
    out = {"load_s": load_s, "trained_letters_per_s": len(texts) / secs}
    docs = [nlp.make_doc(t) for t in texts]
    out["ms tokenizer"] = 1000 * best_of(3, lambda: [nlp.make_doc(t) for t in texts]) / len(texts)
    for name, proc in nlp.pipeline:
        t0 = time.perf_counter()
        docs = list(proc.pipe(docs, batch_size=32))
        out[f"ms {name}"] = 1000 * (time.perf_counter() - t0) / len(texts)
    return out


def bench_extract(model: str, texts: list[str]) -> float:
    from denialparse.types import LetterText, PageText, TextSource
    from denialparse.understanding.extract import extract
    from denialparse.understanding.pipeline import load_pipeline

    nlp = load_pipeline(model)
    docs = [LetterText(source=TextSource.PLAIN,
                       pages=[PageText(number=1, source=TextSource.PLAIN, text=t)]) for t in texts]
    for d in docs[:20]:
        extract(d, nlp)
    secs = best_of(3, lambda: [extract(d, nlp) for d in docs])
    return len(texts) / secs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--letters", type=int, default=300)
    ap.add_argument("--model", type=Path, action="append", default=None,
                    help="pipeline directory (repeat to compare); default: the bundled one")
    args = ap.parse_args(argv)
    from denialparse.understanding.pipeline import bundled_model_path

    models = args.model or [bundled_model_path()]
    texts = letters(args.letters)
    print(f"{len(texts)} generated letters, {sum(map(len, texts)) // len(texts)} characters each "
          "on average, one core, best of 3 passes\n")
    rows: list[tuple[str, dict[str, float]]] = []
    for model in models:
        result = bench_trained(model, texts)
        result["extract_letters_per_s"] = bench_extract(str(model), texts)
        rows.append((str(model), result))
    rules_only = bench_extract("none", texts)
    keys = sorted({k for _, r in rows for k in r}, key=lambda k: (not k.startswith("load"),
                                                                 k.startswith("ms"), k))
    width = max(len(k) for k in keys) + 2
    for name, result in rows:
        print(name)
        for k in keys:
            if k in result:
                print(f"  {k:<{width}} {result[k]:8.2f}")
        print()
    print(f"rules only: extract_letters_per_s {rules_only:.1f}")
    print("goals: load_s < 1, trained_letters_per_s >= 100")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
