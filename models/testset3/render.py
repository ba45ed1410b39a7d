"""Render test set C (letters written by other people) into the forms the evaluator reads.

    .venv/bin/python models/testset3/render.py             # all letters, all forms
    .venv/bin/python models/testset3/render.py --forms fax # one form

For every ``models/testset3/<id>.txt`` this writes ``forms/pdf/<id>.pdf`` (text layer),
``forms/scan/<id>.pdf`` (image-only scan) and ``forms/fax/<id>.tif`` (G4 fax), and copies
``labels.jsonl`` into each form folder. Seeds and scanner/fax settings differ from sets A and B,
so the three sets' renders do not share noise patterns.
"""

from __future__ import annotations

from pathlib import Path

from denialparse_dev.testset_render import RenderPlan, main

HERE = Path(__file__).resolve().parent

FONTS = ("Helvetica", "Times-Roman", "Courier", "Times-Roman")
SEED_BASE = 7000


def scan_options(i: int) -> dict[str, object]:
    """Scanner settings for the i-th letter: a spread of office scanners, not one."""
    return {
        "dpi": (300, 200, 240, 300, 200)[i % 5],
        "skew_deg": ((i * 37) % 25 - 12) / 10.0,  # -1.2 .. +1.2 degrees
        "rotate": 180 if i % 17 == 9 else 0,  # now and then a sheet goes in upside down
        "noise": 0.2 + (i % 3) * 0.1,
        "blur": 0.4 + (i % 4) * 0.2,
        "jpeg_quality": (None, 80, 60, None, 70)[i % 5],  # None: black-and-white G4
    }


def fax_fine(i: int) -> bool:
    """Fine (204x196) or standard (204x98) resolution for the i-th letter's fax."""
    return i % 3 != 2


PLAN = RenderPlan(root=HERE, fonts=FONTS, no_letterhead=frozenset(), seed_base=SEED_BASE,
                  scan_options=scan_options, fax_fine=fax_fine)

if __name__ == "__main__":
    raise SystemExit(main(PLAN))
