"""Train the pipeline from an already generated (and OCR'd) corpus: the project's train step.

    python scripts/train_from_corpus.py --corpus corpus --out denialparse-pipeline

Reads ``corpus/{train,train_ocr}/spans.jsonl`` for training and ``corpus/{dev,dev_ocr}`` for
choosing the epoch and fitting ``calibration.json``; the loop itself is
``denialparse.train.train_pipeline``.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from denialparse.train import finish_pipeline, read_records, train_pipeline


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=Path("corpus"))
    ap.add_argument("--out", type=Path, default=Path("denialparse-pipeline"))
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--max-seconds", type=float, default=None)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    train = read_records(args.corpus / "train" / "spans.jsonl")
    train += read_records(args.corpus / "train_ocr" / "spans.jsonl")
    dev = read_records(args.corpus / "dev" / "spans.jsonl")
    dev += read_records(args.corpus / "dev_ocr" / "spans.jsonl")
    metrics = train_pipeline(train, dev, args.out, epochs=args.epochs, seed=args.seed,
                             max_seconds=args.max_seconds)
    finish_pipeline(args.out, train, dev, metrics, seed=args.seed, ocr_share=None)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
