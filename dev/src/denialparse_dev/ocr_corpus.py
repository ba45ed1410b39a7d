"""OCR in the loop: render generated letters as text PDF / scan / fax, read them back with the
project's own ingest + text stages, and carry the labels over onto the text really read.

For each selected letter of a generated corpus (``spans.jsonl``), one form is rendered with
``letterforms`` (the same module the samples and the hand-written test sets use), read with
``denialparse.reading.ingest.load_document`` + ``denialparse.reading.text.read_text`` (text
layer for the PDF, tesseract for scans and faxes), and every entity is moved onto the new text
by a character alignment (``difflib.SequenceMatcher``). An entity whose aligned text differs
too much from the original is kept as *missing* annotation (neither taught as an entity nor as
"outside"), so OCR garbage is not taught as a label.

Usage::

    python -m denialparse_dev.ocr_corpus corpus/train corpus/train_ocr --share S --seed N --jobs 2

(``models/project.yml`` runs it with the recipe's shares and seeds.) Tesseract runs with
``OMP_THREAD_LIMIT=1``: the parallelism is the worker processes, one letter each.
"""

from __future__ import annotations

import argparse
import difflib
import json
import logging
import os
import random
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from denialparse.files import atomic_write_text

log = logging.getLogger("ocr_corpus")

FORM_WEIGHTS = (("pdf", 0.3), ("scan", 0.4), ("fax", 0.3))
FONTS = ("Helvetica", "Times-Roman", "Helvetica", "Courier")
MIN_ENT_RATIO = 0.8  # below this similarity an aligned entity becomes missing annotation


def align_spans(src: str, dst: str, spans: list[tuple[int, int]]) -> list[tuple[int, int] | None]:
    """Map character spans of ``src`` onto ``dst``.

    Args:
        src: the text the spans point into.
        dst: the text read back (OCR or text layer).
        spans: (start, end) pairs in ``src``.

    Returns:
        For each span, (start, end) in ``dst``, or None where no matched character falls in it.
    """
    # Align lower-cased, whitespace-normalised copies; both keep their lengths.
    a = "".join(" " if c.isspace() else c.lower() for c in src)
    b = "".join(" " if c.isspace() else c.lower() for c in dst)
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    mapping = [-1] * (len(a) + 1)
    for i, j, n in sm.get_matching_blocks():
        for k in range(n):
            mapping[i + k] = j + k
    out: list[tuple[int, int] | None] = []
    for s, e in spans:
        inside = [mapping[k] for k in range(s, e) if mapping[k] >= 0]
        if not inside:
            # Nothing of it was read: return the gap between its matched neighbours, so the
            # caller can mark that garbled stretch as missing rather than as "outside".
            left = next((mapping[k] + 1 for k in range(s - 1, -1, -1) if mapping[k] >= 0), 0)
            right = next((mapping[k] for k in range(e, len(a)) if mapping[k] >= 0), len(b))
            out.append((left, right) if left < right else None)
            continue
        out.append((min(inside), max(inside) + 1))
    return out


def carry_labels(rec: dict[str, Any], new_text: str) -> dict[str, Any]:
    """Move a record's entities onto ``new_text``; unreliable ones become missing."""
    src = rec["text"]
    spans = [(s, e) for s, e, _ in rec["ents"]]
    mapped = align_spans(src, new_text, spans + [tuple(m) for m in rec.get("missing", [])])
    ents, missing = [], []
    for (s, e, label), m in zip(rec["ents"], mapped[: len(spans)], strict=True):
        if m is None:
            continue
        ms, me = m
        got = new_text[ms:me].strip()
        if not got:
            continue
        ms = ms + (len(new_text[ms:me]) - len(new_text[ms:me].lstrip()))
        me = ms + len(got)
        ratio = difflib.SequenceMatcher(None, src[s:e].lower(), got.lower()).ratio()
        if ratio >= MIN_ENT_RATIO and me - ms <= 2 * (e - s) + 4:
            ents.append([ms, me, label])
        else:
            missing.append([ms, me])
    for m in mapped[len(spans):]:
        if m is not None:
            missing.append(list(m))
    out = dict(rec)
    out.update(text=new_text, ents=ents, missing=missing)
    return out


def _render_and_read(args: tuple[dict[str, Any], str, int]) -> dict[str, Any] | None:
    """Render one record in one form and read it back (runs in a worker process)."""
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    from denialparse.exceptions import DenialParseError
    from denialparse.options import Options
    from denialparse.reading.ingest import load_document
    from denialparse.reading.text import read_text
    from denialparse_dev import letterforms

    rec, form, seed = args
    rng = random.Random(seed)
    text = rec["text"]
    no_head = rec.get("structure") in ("portal", "ma", "msn", "msn_lines", "fax", "terse", "sms")
    letterhead, body = (None, text) if no_head else letterforms.split_letterhead(text)
    with tempfile.TemporaryDirectory(prefix="ocrloop-") as tmp:
        pdf = letterforms.render_text_pdf(body, Path(tmp) / "l.pdf", letterhead=letterhead,
                                          font=rng.choice(FONTS), seed=seed)
        path = pdf
        if form == "scan":
            path = letterforms.render_scan_pdf(
                pdf, Path(tmp) / "s.pdf", dpi=rng.choice([200, 240, 300]),
                skew_deg=rng.uniform(-1.5, 1.5), rotate=180 if rng.random() < 0.05 else 0,
                noise=rng.uniform(0.05, 0.6), blur=rng.uniform(0.3, 1.1),
                jpeg_quality=rng.choice([None, None, 60, 70, 85]), seed=seed)
        elif form == "fax":
            path = letterforms.render_fax_tiff(pdf, Path(tmp) / "f.tif",
                                               fine=rng.random() < 0.7, seed=seed)
        try:
            options = Options(ocr_jobs=1)
            letter = read_text(load_document(path, options), options)
        except DenialParseError as exc:
            log.warning("letter %s (%s) unreadable: %s", rec["id"], form, exc.code)
            return None
    out = carry_labels(rec, letter.full_text())
    out["id"] = f"{rec['id']}_{form}"
    out["form"] = form
    return out


def ocr_corpus(src_dir: Path, out_dir: Path, *, share: float, seed: int, jobs: int = 1,
               forms: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
    """Render and read back a share of ``src_dir``'s letters; write ``out_dir/spans.jsonl``.

    Args:
        src_dir: a generated corpus (``spans.jsonl``).
        out_dir: where the OCR'd records go.
        share: fraction of letters to render (each in one form).
        seed: picks letters, forms and rendering settings.
        jobs: worker processes (each runs tesseract single-threaded).
        forms: restrict to these forms (default: pdf, scan, fax by weight).

    Returns:
        The new records.
    """
    rng = random.Random(seed)
    with (src_dir / "spans.jsonl").open(encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh if line.strip()]
    chosen = [r for r in records if rng.random() < share]
    names = [f for f, _ in FORM_WEIGHTS if not forms or f in forms]
    weights = [w for f, w in FORM_WEIGHTS if not forms or f in forms]
    tasks = [(r, rng.choices(names, weights)[0], seed * 100_003 + i) for i, r in enumerate(chosen)]
    if jobs > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(_render_and_read, tasks, chunksize=2))
    else:
        results = [_render_and_read(t) for t in tasks]
    out = [r for r in results if r is not None]
    out_dir.mkdir(parents=True, exist_ok=True)
    atomic_write_text(out_dir / "spans.jsonl", "".join(json.dumps(r) + "\n" for r in out))
    kept = sum(len(r["ents"]) for r in out)
    lost = sum(len(r["missing"]) for r in out)
    log.info("ocr loop: %d letters, %d entities carried, %d left as missing", len(out), kept, lost)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("src_dir", type=Path)
    ap.add_argument("out_dir", type=Path)
    # No defaults: the recipe's shares and seeds are models/project.yml's vars, nowhere else.
    ap.add_argument("--share", type=float, required=True)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--forms", nargs="*", default=None)
    args = ap.parse_args(argv)
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # the workers (and their tesseracts) inherit it
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    ocr_corpus(args.src_dir, args.out_dir, share=args.share, seed=args.seed, jobs=args.jobs,
               forms=tuple(args.forms) if args.forms else None)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
