"""Render the hand-written test set into the forms the evaluator reads.

    .venv/bin/python models/testset/render.py             # all letters, all forms
    .venv/bin/python models/testset/render.py --forms fax # one form

For every ``models/testset/<id>.txt`` this writes ``forms/pdf/<id>.pdf`` (text layer),
``forms/scan/<id>.pdf`` (image-only scan) and ``forms/fax/<id>.tif`` (G4 fax), and copies
``labels.jsonl`` into each form folder, so that ``denialparse evaluate models/testset/forms/scan``
scores the same labels on another rendering. The ``.txt`` files themselves form a fourth corpus
(``denialparse evaluate models/testset``).

This set is never trained on (issue 3): the training corpus must not read from this folder.
Rendering parameters vary per letter but are fixed by the letter's position in the sorted list,
so the output is deterministic.
"""

from __future__ import annotations

from pathlib import Path

from denialparse_dev.testset_render import RenderPlan, main

HERE = Path(__file__).resolve().parent

FONTS = ("Helvetica", "Times-Roman", "Helvetica", "Courier")
# Portal notices, CMS forms and fax cover sheets have no letterhead block to set apart.
NO_LETTERHEAD = frozenset({"h03", "h06", "h11", "h13", "h31", "h32"})
SEED_BASE = 1000


def scan_options(i: int) -> dict[str, object]:
    """Scanner settings for the i-th letter: a spread of office scanners, not one."""
    return {
        "dpi": (200, 240, 300)[i % 3],
        "skew_deg": ((i * 37) % 29 - 14) / 10.0,  # -1.4 .. +1.4 degrees
        "rotate": 180 if i % 11 == 7 else 0,  # now and then a sheet goes in upside down
        "noise": 0.15 + (i % 5) * 0.1,
        "blur": 0.5 + (i % 3) * 0.25,
        "jpeg_quality": (None, 70, 60, None, 80)[i % 5],  # None: black-and-white G4
    }


def fax_fine(i: int) -> bool:
    """Fine (204x196) or standard (204x98) resolution for the i-th letter's fax."""
    return i % 4 != 2


PLAN = RenderPlan(root=HERE, fonts=FONTS, no_letterhead=NO_LETTERHEAD, seed_base=SEED_BASE,
                  scan_options=scan_options, fax_fine=fax_fine)

if __name__ == "__main__":
    raise SystemExit(main(PLAN))
