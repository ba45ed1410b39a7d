"""Promote a trained candidate pipeline to the committed one, only when it passes the checks.

The project's ``promote`` step (``models/project.yml``)::

    python -m denialparse_dev.promote training/pipeline denialparse-pipeline --letters N

A candidate is copied over the committed pipeline only if it is complete and sound:

- it has ``calibration.json`` and ``metrics.json`` (``extract`` reads the calibration; a
  candidate trained without dev letters has none and is refused);
- ``check_pipeline`` passes on it: plain ``spacy.load``, the four expected components, the
  contract's labels in the committed order, size < 50 MB and load < 1 s.

Whether the candidate is *better* is a person's call: compare ``training/ACCURACY.md`` (the
project's ``evaluate`` step) with ``ACCURACY.md`` before running this. The copy is made next to
the target and swapped in, so a reader sees the old pipeline or the new one, never a mix; the
target's hand-written ``README.md`` is kept.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from denialparse.exceptions import OutputError

REQUIRED_FILES = ("config.cfg", "meta.json", "calibration.json", "metrics.json")
KEEP_FROM_TARGET = ("README.md",)


def swap_in_dir(out_dir: Path, write: Callable[[Path], object],
                keep: tuple[str, ...] = ()) -> None:
    """Fill a fresh folder next to ``out_dir`` with ``write(folder)``, then put it in its place.

    Args:
        out_dir: the folder to create or replace.
        write: fills the new folder (e.g. ``nlp.to_disk``).
        keep: files of the old ``out_dir`` to carry over when the new folder lacks them.

    Raises:
        OutputError: the folder can't be written.
    """
    out_dir = out_dir.resolve()
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
        try:
            write(tmp)
            for name in keep:
                if (out_dir / name).is_file() and not (tmp / name).exists():
                    shutil.copy2(out_dir / name, tmp / name)
            if out_dir.exists():
                old = out_dir.with_name(f".{out_dir.name}.old")
                if old.exists():
                    shutil.rmtree(old)
                os.replace(out_dir, old)
                os.replace(tmp, out_dir)
                shutil.rmtree(old)
            else:
                os.replace(tmp, out_dir)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp)
    except OSError as exc:
        raise OutputError(f"can't write {out_dir}: {exc.strerror or exc}; "
                          "choose a writable folder") from exc


def problems_of(candidate: Path, letters: int) -> list[str]:
    """Why ``candidate`` must not be promoted (empty: it may)."""
    from denialparse_dev.check_pipeline import check

    if not candidate.is_dir():
        return [f"{candidate} is not a folder (run the project's train step first)"]
    missing = [name for name in REQUIRED_FILES if not (candidate / name).is_file()]
    if missing:
        return [f"{candidate} lacks {', '.join(missing)} (train with dev letters)"]
    return check(candidate, letters).problems


def promote(candidate: Path, target: Path, letters: int) -> list[str]:
    """Copy ``candidate`` over ``target`` if it passes; return the problems (empty: promoted)."""
    if candidate.resolve() == target.resolve():
        return [f"{candidate} is already the target"]
    problems = problems_of(candidate, letters)
    if not problems:
        swap_in_dir(target, lambda tmp: shutil.copytree(candidate, tmp, dirs_exist_ok=True),
                    keep=KEEP_FROM_TARGET)
    return problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("candidate", type=Path, help="the trained pipeline (training/pipeline)")
    ap.add_argument("target", type=Path, help="the committed pipeline (denialparse-pipeline)")
    ap.add_argument("--letters", type=int, required=True,
                    help="generated letters for check_pipeline's speed figure")
    args = ap.parse_args(argv)
    problems = promote(args.candidate, args.target, args.letters)
    if problems:
        print(f"not promoted: {'; '.join(problems)}", file=sys.stderr)
        return 1
    print(f"promoted {args.candidate} to {args.target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
