"""Regenerate every rendered sample from the hand-written ``samples/<case>/letter.txt`` sources.

Run from anywhere::

    .venv/bin/python samples/make_samples.py            # all cases
    .venv/bin/python samples/make_samples.py cigna_cimt # one case

The letters and their ``expected.json`` files are written by hand and committed; this script only
renders the forms a practice receives (text PDF, image-only scan, G4 fax, phone photo) through
``denialparse_dev.letterforms`` (the dev package, ``pip install -e dev/``). Output is
deterministic: same sources, same seeds, same bytes (as long as Pillow, libjpeg, libtiff and
pypdfium2 are the same versions).
"""

from __future__ import annotations

import argparse
import logging
from dataclasses import dataclass, field
from pathlib import Path

from denialparse_dev import letterforms

HERE = Path(__file__).resolve().parent

log = logging.getLogger("make_samples")


@dataclass(frozen=True)
class Case:
    """How one sample is rendered.

    Attributes:
        name: folder under ``samples/``.
        letterhead_lines: how many leading lines of ``letter.txt`` are the letterhead block.
        font: body font of the text PDF.
        forms: which raster forms to make besides ``letter.pdf``: scan, fax, photo.
        scan: keyword arguments for ``render_scan_pdf``.
        fax: keyword arguments for ``render_fax_tiff``.
        photo: keyword arguments for ``render_photo_jpeg``.
        seed: seed for every form of this case.
    """

    name: str
    letterhead_lines: int
    font: str = "Helvetica"
    forms: tuple[str, ...] = ()
    scan: dict[str, object] = field(default_factory=dict)
    fax: dict[str, object] = field(default_factory=dict)
    photo: dict[str, object] = field(default_factory=dict)
    seed: int = 0


CASES: tuple[Case, ...] = (
    Case(
        "cigna_cimt", 4, forms=("scan", "fax", "photo"), seed=11,
        scan={"dpi": 240, "skew_deg": 0.9, "noise": 0.4, "blur": 0.7, "jpeg_quality": 70},
        fax={"fine": True, "header": "03/14/2026 15:42  CIGNA NATL APPEALS  877 555 0186"},
        photo={"exif_rotate": True},
    ),
    Case(
        "umr_lumbar_mri", 4, font="Times-Roman", forms=("scan", "fax"), seed=12,
        scan={"dpi": 300, "skew_deg": -0.6, "noise": 0.3},
        fax={"fine": False, "header": "JAN-08-2026 09:17 FROM UMR CLAIMS 8005550177"},
    ),
    Case(
        "aetna_ma_prior_auth", 3, forms=("scan",), seed=13,
        scan={"dpi": 200, "skew_deg": 1.4, "noise": 0.6, "blur": 0.9, "jpeg_quality": 60},
    ),
    Case(
        "humana_partd_step", 3, font="Courier", forms=("fax", "photo"), seed=14,
        fax={"fine": True, "header": "10/21/2025 11:05  HUMANA CLIN PHARM REVIEW  P01"},
        photo={"exif_rotate": False},
    ),
    Case(
        "anthem_aca_experimental", 3, forms=("scan",), seed=15,
        scan={"dpi": 300, "skew_deg": 0.3, "rotate": 180, "noise": 0.2, "jpeg_quality": 75},
    ),
    Case(
        "molina_medicaid_oon", 2, font="Times-Roman", forms=("scan", "photo"), seed=16,
        scan={"dpi": 240, "skew_deg": -1.1, "noise": 0.5, "blur": 0.6},
        photo={"exif_rotate": True},
    ),
    Case(
        "kaiser_fehb_nonformulary", 3, forms=("fax",), seed=17,
        fax={"fine": True, "header": "11/18/2025 16:31 KP MAS PHARMACY 301 555 0122"},
    ),
    Case(
        "express_scripts_tricare_ql", 3, forms=("fax",), seed=18,
        fax={"fine": False, "header": "09/30/2025 08:58 EXPRESS SCRIPTS TRICARE"},
    ),
    Case(
        "bcbstx_timely_filing", 3, font="Courier", forms=("scan",), seed=19,
        scan={"dpi": 200, "skew_deg": 0.7, "rotate": 90, "noise": 0.3, "jpeg_quality": 65},
    ),
    Case(
        "medicare_msn_not_covered", 2, forms=("scan", "photo"), seed=20,
        scan={"dpi": 300, "skew_deg": -0.4, "noise": 0.2, "jpeg_quality": 70},
        photo={"exif_rotate": False},
    ),
    Case(
        "prairie_coding_billing", 3, font="Times-Roman", forms=("fax",), seed=21,
        fax={"fine": True, "header": "DEC 02 2025 14:20  PRAIRIE RIVERS HC  308 555 0190"},
    ),
)

# The README's first command runs on this: the CIMT case as a two-page grey scan.
DEMO_CASE = "cigna_cimt"
DEMO_SCAN = HERE / "scan_cigna_cimt.pdf"


def split(text: str, n: int) -> tuple[str | None, str]:
    """Split the first ``n`` lines off as the letterhead (``n == 0``: no letterhead)."""
    if n == 0:
        return None, text
    lines = text.split("\n")
    return "\n".join(lines[:n]), "\n".join(lines[n:]).lstrip("\n")


def build(case: Case) -> list[Path]:
    """Render every form of one case; return the files written."""
    folder = HERE / case.name
    text = (folder / "letter.txt").read_text(encoding="utf-8")
    letterhead, body = split(text, case.letterhead_lines)
    pdf = letterforms.render_text_pdf(
        body, folder / "letter.pdf", letterhead=letterhead, font=case.font, seed=case.seed
    )
    written = [pdf]
    if "scan" in case.forms:
        written.append(
            letterforms.render_scan_pdf(pdf, folder / "scan.pdf", seed=case.seed, **case.scan)
        )
    if "fax" in case.forms:
        written.append(
            letterforms.render_fax_tiff(pdf, folder / "fax.tif", seed=case.seed, **case.fax)
        )
    if "photo" in case.forms:
        written.append(
            letterforms.render_photo_jpeg(pdf, folder / "photo.jpg", seed=case.seed, **case.photo)
        )
    if case.name == DEMO_CASE:
        written.append(
            letterforms.render_scan_pdf(
                pdf, DEMO_SCAN, dpi=300, skew_deg=-0.8, noise=0.35, blur=0.6,
                jpeg_quality=72, seed=case.seed + 100,
            )
        )
    return written


def main(argv: list[str] | None = None) -> int:
    """Render the named cases (default: all)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="*", help="case folder names (default: all)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    known = {c.name: c for c in CASES}
    unknown = [n for n in args.cases if n not in known]
    if unknown:
        parser.error(f"unknown case(s): {', '.join(unknown)}; known: {', '.join(known)}")
    for name in args.cases or list(known):
        for path in build(known[name]):
            log.info("wrote %s", path.relative_to(HERE))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
