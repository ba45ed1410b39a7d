"""A letter's output folder: ``result.json`` always, ``appeal.docx`` unless the letter failed.

Both are written with ``denialparse.files`` (temporary file, fsync, rename, fsync of the folder),
so a run killed at any moment leaves the old file or the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from pydantic import ValidationError

from denialparse.files import atomic_write_text
from denialparse.types import LetterResult

RESULT_NAME = "result.json"
APPEAL_NAME = "appeal.docx"


def letter_folder(out_dir: Path, output_dir: str) -> Path:
    """The absolute folder of a letter from its ``output_dir`` (POSIX, relative to OUT_DIR)."""
    return out_dir.joinpath(*output_dir.split("/"))


def result_json(result: LetterResult) -> str:
    """The ``result.json`` text (stable key order, UTF-8, trailing newline)."""
    return json.dumps(result.to_json_dict(), indent=2, ensure_ascii=False) + "\n"


def write_result(folder: Path, result: LetterResult) -> None:
    """Write ``folder/result.json`` atomically (the folder is created if needed).

    Raises:
        OSError: the folder or the file can't be written.
    """
    folder.mkdir(parents=True, exist_ok=True)
    atomic_write_text(folder / RESULT_NAME, result_json(result))


def write_failed_result(folder: Path, result: LetterResult) -> None:
    """Write a failed letter's ``result.json`` and drop any ``appeal.docx`` of an earlier run.

    A letter that failed now must not keep an appeal drafted from an earlier reading.

    Raises:
        OSError: the folder or the file can't be written.
    """
    write_result(folder, result)
    with contextlib.suppress(FileNotFoundError):
        (folder / APPEAL_NAME).unlink()


def read_result(folder: Path) -> LetterResult | None:
    """The ``LetterResult`` in ``folder/result.json``; None when it is missing or not valid."""
    try:
        return LetterResult.model_validate_json((folder / RESULT_NAME).read_bytes())
    except (OSError, ValidationError, ValueError):
        return None
