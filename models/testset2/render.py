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

from pathlib import Path

from denialparse_dev.testset_render import RenderPlan, main

HERE = Path(__file__).resolve().parent

FONTS = ("Times-Roman", "Helvetica", "Courier", "Helvetica", "Times-Roman")
# The MSN, the Medicare remittance and the MedImpact decision print as plain forms, with no
# letterhead block set apart (letters whose first block is long are kept whole anyway).
NO_LETTERHEAD = frozenset({"t19", "t20", "t28"})
SEED_BASE = 5000


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


def fax_fine(i: int) -> bool:
    """Fine (204x196) or standard (204x98) resolution for the i-th letter's fax."""
    return i % 3 != 1


PLAN = RenderPlan(root=HERE, fonts=FONTS, no_letterhead=NO_LETTERHEAD, seed_base=SEED_BASE,
                  scan_options=scan_options, fax_fine=fax_fine)

if __name__ == "__main__":
    raise SystemExit(main(PLAN))
