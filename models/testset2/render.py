"""Render the second hand-written, blind test set (test set B) into the forms the evaluator reads.

    .venv/bin/python models/testset2/render.py             # all letters, all forms
    .venv/bin/python models/testset2/render.py --forms fax # one form

For every ``models/testset2/<id>.txt`` this writes ``forms/pdf/<id>.pdf`` (text layer),
``forms/scan/<id>.pdf`` (image-only scan) and ``forms/fax/<id>.tif`` (G4 fax), and copies
``labels.jsonl`` into each form folder, so that ``denialparse evaluate models/testset2/forms/scan``
scores the same labels on another rendering. The ``.txt`` files themselves form a fourth corpus
(``denialparse evaluate models/testset2``).

This set is blind: written after the rules were tuned, never trained on and never tuned on; the
training corpus and rule work must not read from this folder. Rendering parameters vary per
letter but are fixed by the letter's position in the sorted list, so the output is deterministic;
the seeds and scanner/fax settings differ from ``models/testset/render.py`` so that the two sets'
renders do not share noise patterns.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "scripts"))

import letterforms  # noqa: E402 - path set up above

log = logging.getLogger("testset2.render")

FORMS = ("pdf", "scan", "fax")
FONTS = ("Times-Roman", "Helvetica", "Courier", "Helvetica", "Times-Roman")
# The MSN, the Medicare remittance and the MedImpact decision print as plain forms, with no
# letterhead block set apart (letters whose first block is long are kept whole anyway).
NO_LETTERHEAD = {"t19", "t20", "t28"}
SEED_BASE = 5000  # testset uses 1000


def scan_options(i: int) -> dict[str, object]:
    """Scanner settings for the i-th letter: a spread of office scanners, not one."""
    return {
        "dpi": (240, 300, 200, 300)[i % 4],
        "skew_deg": ((i * 53) % 27 - 13) / 10.0,  # -1.3 .. +1.3 degrees
        "rotate": 180 if i % 13 == 4 else 0,  # now and then a sheet goes in upside down
        "noise": 0.2 + (i % 4) * 0.1,
        "blur": 0.45 + (i % 3) * 0.3,
        "jpeg_quality": (75, None, 65, 85, None, 55)[i % 6],  # None: black-and-white G4
    }


def render_one(i: int, txt: Path, out_root: Path, forms: tuple[str, ...]) -> None:
    """Render one letter into the requested forms."""
    letter_id = txt.stem
    text = txt.read_text(encoding="utf-8")
    if letter_id in NO_LETTERHEAD:
        letterhead, body = None, text
    else:
        letterhead, body = letterforms.split_letterhead(text)
    seed = SEED_BASE + i
    with tempfile.TemporaryDirectory(prefix="testset2-") as tmp:
        pdf = letterforms.render_text_pdf(
            body, Path(tmp) / f"{letter_id}.pdf", letterhead=letterhead,
            font=FONTS[i % len(FONTS)], seed=seed,
        )
        if "pdf" in forms:
            dest = out_root / "pdf" / f"{letter_id}.pdf"
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(pdf, dest)
        if "scan" in forms:
            letterforms.render_scan_pdf(
                pdf, out_root / "scan" / f"{letter_id}.pdf", seed=seed, **scan_options(i)
            )
        if "fax" in forms:
            letterforms.render_fax_tiff(
                pdf, out_root / "fax" / f"{letter_id}.tif", fine=(i % 3 != 1), seed=seed,
            )


def copy_labels(out_root: Path, forms: tuple[str, ...]) -> None:
    """Put the labels next to every form's letters (atomically)."""
    for form in forms:
        dest = out_root / form / "labels.jsonl"
        tmp = dest.with_name(".labels.jsonl.tmp")
        shutil.copyfile(HERE / "labels.jsonl", tmp)
        tmp.replace(dest)


def main(argv: list[str] | None = None) -> int:
    """Render the test set; return 0."""
    parser = argparse.ArgumentParser(description="Render models/testset2 into pdf/scan/fax forms.")
    parser.add_argument("--forms", nargs="+", choices=FORMS, default=list(FORMS))
    parser.add_argument("--out", type=Path, default=HERE / "forms")
    parser.add_argument("ids", nargs="*", help="letter ids (default: all)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    letters = sorted(HERE.glob("*.txt"))
    forms = tuple(args.forms)
    for i, txt in enumerate(letters):
        if args.ids and txt.stem not in args.ids:
            continue
        render_one(i, txt, args.out, forms)
        log.info("rendered %s", txt.stem)
    copy_labels(args.out, forms)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
