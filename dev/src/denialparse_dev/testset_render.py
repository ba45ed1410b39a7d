"""Render a hand-written test set into the forms the evaluator reads (shared by both sets).

Each test set's ``render.py`` (``models/testset/``, ``models/testset2/``) holds only its own
settings (fonts, which letters have no letterhead, seeds, scanner and fax settings) and calls
:func:`main`. For every ``<set>/<id>.txt`` this writes ``forms/pdf/<id>.pdf`` (text layer),
``forms/scan/<id>.pdf`` (image-only scan) and ``forms/fax/<id>.tif`` (G4 fax), and copies
``labels.jsonl`` into each form folder. Rendering parameters are fixed by the letter's position
in the sorted list, so the output is deterministic.
"""

from __future__ import annotations

import argparse
import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from denialparse.files import atomic_write_bytes
from denialparse_dev import letterforms

log = logging.getLogger("testset.render")

FORMS = ("pdf", "scan", "fax")


@dataclass(frozen=True)
class RenderPlan:
    """One test set's rendering settings."""

    root: Path  # the folder with <id>.txt and labels.jsonl
    fonts: tuple[str, ...]
    no_letterhead: frozenset[str]  # letters printed as plain forms, no letterhead block
    seed_base: int
    scan_options: Callable[[int], dict[str, object]]  # i-th letter -> render_scan_pdf options
    fax_fine: Callable[[int], bool]  # i-th letter -> fine (204x196) or standard (204x98)


def render_one(plan: RenderPlan, i: int, txt: Path, out_root: Path,
               forms: tuple[str, ...]) -> None:
    """Render one letter into the requested forms."""
    letter_id = txt.stem
    text = txt.read_text(encoding="utf-8")
    if letter_id in plan.no_letterhead:
        letterhead, body = None, text
    else:
        letterhead, body = letterforms.split_letterhead(text)
    seed = plan.seed_base + i
    with tempfile.TemporaryDirectory(prefix=f"{plan.root.name}-") as tmp:
        pdf = letterforms.render_text_pdf(
            body, Path(tmp) / f"{letter_id}.pdf", letterhead=letterhead,
            font=plan.fonts[i % len(plan.fonts)], seed=seed,
        )
        if "pdf" in forms:
            dest = out_root / "pdf" / f"{letter_id}.pdf"
            dest.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(dest, pdf.read_bytes())
        if "scan" in forms:
            letterforms.render_scan_pdf(
                pdf, out_root / "scan" / f"{letter_id}.pdf", seed=seed, **plan.scan_options(i)
            )
        if "fax" in forms:
            letterforms.render_fax_tiff(
                pdf, out_root / "fax" / f"{letter_id}.tif", fine=plan.fax_fine(i), seed=seed,
            )


def copy_labels(plan: RenderPlan, out_root: Path, forms: tuple[str, ...]) -> None:
    """Put the labels next to every form's letters (atomically)."""
    labels = (plan.root / "labels.jsonl").read_bytes()
    for form in forms:
        atomic_write_bytes(out_root / form / "labels.jsonl", labels)


def main(plan: RenderPlan, argv: list[str] | None = None) -> int:
    """Render the test set of ``plan``; return 0."""
    parser = argparse.ArgumentParser(
        description=f"Render models/{plan.root.name} into pdf/scan/fax forms.")
    parser.add_argument("--forms", nargs="+", choices=FORMS, default=list(FORMS))
    parser.add_argument("--out", type=Path, default=plan.root / "forms")
    parser.add_argument("ids", nargs="*", help="letter ids (default: all)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    forms = tuple(args.forms)
    for i, txt in enumerate(sorted(plan.root.glob("*.txt"))):
        if args.ids and txt.stem not in args.ids:
            continue
        render_one(plan, i, txt, args.out, forms)
        log.info("rendered %s", txt.stem)
    copy_labels(plan, args.out, forms)
    return 0
