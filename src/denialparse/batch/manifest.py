"""The manifest: one row per input file, in ``manifest.csv`` and ``manifest.jsonl``.

Rows are sorted by the soonest deadline, then letters without one, failed letters last (the
contract's "Batch output"). A duplicate carries its original's values and sorts with it. Both
files are rewritten whole with ``denialparse.files.atomic_write_text``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from denialparse.exceptions import OutputError
from denialparse.files import atomic_write_text
from denialparse.types import LetterResult, Status

MANIFEST_CSV = "manifest.csv"
MANIFEST_JSONL = "manifest.jsonl"
DUPLICATE = "duplicate"
"""The manifest's fourth status, next to the ``LetterResult`` ones."""

MANIFEST_FIELDS: tuple[str, ...] = (
    "path",
    "sha256",
    "status",
    "denial_type",
    "payer",
    "plan_type",
    "letter_date",
    "earliest_deadline",
    "needs_review",
    "error",
    "output_dir",
    # Additions to the contract's minimum:
    "error_code",
    "duplicate_of",
)

Row = dict[str, Any]
"""A manifest row: the keys of ``MANIFEST_FIELDS``, JSON types (None for missing)."""


def manifest_row(result: LetterResult, *, rel: str, sha256: str, output_dir: str) -> Row:
    """The manifest row of a letter (JSON types: ``None`` for missing, ``needs_review`` a list).

    Args:
        result: the letter's result.
        rel: the path relative to IN_DIR.
        sha256: the content hash (``""`` if unreadable).
        output_dir: the letter folder relative to OUT_DIR.

    Returns:
        A dict with the keys of ``MANIFEST_FIELDS``.
    """
    fields = result.fields
    dues = sorted(d.due for d in result.deadlines if d.due)
    failed = result.status is Status.FAILED
    first_error = result.errors[-1] if failed and result.errors else None
    return {
        "path": rel,
        "sha256": sha256 or result.source.sha256 or None,
        "status": result.status.value,
        "denial_type": result.denial_type.label.value if result.denial_type else None,
        "payer": fields.payer.value if fields.payer else None,
        "plan_type": fields.plan_type.value if fields.plan_type else None,
        "letter_date": fields.letter_date.value if fields.letter_date else None,
        "earliest_deadline": dues[0] if dues else None,
        "needs_review": list(result.needs_review),
        "error": first_error.message if first_error else None,
        "output_dir": output_dir,
        "error_code": first_error.code if first_error else None,
        "duplicate_of": None,
    }


@dataclass(frozen=True)
class DuplicateRow:
    """A duplicate's row, resolved against its original's row when the manifest is written."""

    rel: str
    sha256: str


class RunRows:
    """The rows of this run's files, and which file is the original of each sha256."""

    def __init__(self) -> None:
        self.rows: dict[str, Row | DuplicateRow] = {}  # rel -> row
        self.originals: dict[str, str] = {}  # sha256 -> rel of its original in this run
        self.changed = False

    def set(self, rel: str, row: Row | DuplicateRow) -> None:
        """Give ``rel`` its row (a finished letter's, or a duplicate's)."""
        self.rows[rel] = row
        self.changed = True

    def has(self, rel: str) -> bool:
        """Whether ``rel`` has a row in this run."""
        return rel in self.rows

    def forget(self, rel: str) -> None:
        """A file that will be processed again (watch mode: it changed) loses its old row."""
        self.rows.pop(rel, None)
        for sha, first in list(self.originals.items()):
            if first == rel:
                del self.originals[sha]

    def hashes(self) -> dict[str, str]:
        """rel -> sha256 of every finished letter of this run."""
        return {rel: row["sha256"] for rel, row in self.rows.items() if isinstance(row, dict)}

    def sorted_rows(self, journal_rows: Mapping[str, Row]) -> list[Row]:
        """The finished rows, sorted: soonest deadline first, no deadline next, failed last.

        Args:
            journal_rows: sha256 -> row of the letters done by earlier runs (a duplicate of one
                of those takes its values).
        """
        originals = self._original_rows(journal_rows)
        out: list[tuple[tuple[int, str, str], Row]] = []
        for rel, row in self.rows.items():
            if isinstance(row, DuplicateRow):
                orig = originals.get(row.sha256)
                if orig is None:
                    continue  # its original is still in flight
                resolved = dict(orig)
                resolved.update(
                    path=rel,
                    status=DUPLICATE,
                    duplicate_of=orig["path"],
                    error=None,
                    error_code=None,
                )
                out.append((_row_order(resolved, failed=_failed(orig)), resolved))
            else:
                out.append((_row_order(row, failed=_failed(row)), dict(row)))
        out.sort(key=lambda pair: pair[0])
        return [row for _, row in out]

    def _original_rows(self, journal_rows: Mapping[str, Row]) -> dict[str, Row]:
        """sha256 -> the original's row, from this run first, then from the journal."""
        rows = dict(journal_rows)
        for row in self.rows.values():
            if isinstance(row, dict) and row.get("sha256") and row["status"] != DUPLICATE:
                rows[row["sha256"]] = row
        for sha, first in self.originals.items():
            row = self.rows.get(first)
            if isinstance(row, dict):
                rows[sha] = row
        return rows


def _failed(row: Row) -> bool:
    return bool(row["status"] == Status.FAILED.value)


def _row_order(row: Row, *, failed: bool) -> tuple[int, str, str]:
    if failed:
        return (2, "", row["path"])
    due = row.get("earliest_deadline")
    return (0, due, row["path"]) if due else (1, "", row["path"])


def write_manifest(out_dir: Path, rows: list[Row]) -> None:
    """Rewrite ``manifest.jsonl`` and ``manifest.csv`` in ``out_dir`` atomically.

    Raises:
        OutputError: either can't be written.
    """
    try:
        atomic_write_text(out_dir / MANIFEST_JSONL, manifest_jsonl(rows))
        atomic_write_text(out_dir / MANIFEST_CSV, manifest_csv(rows))
    except OSError as exc:
        raise OutputError(
            f"can't write the manifest in {out_dir} ({exc.strerror}); "
            "free disk space or fix permissions and rerun: finished letters are kept"
        ) from exc


def manifest_jsonl(rows: Iterable[Row]) -> str:
    """One JSON object per line, keys in ``MANIFEST_FIELDS`` order."""
    return "".join(
        json.dumps({k: row.get(k) for k in MANIFEST_FIELDS}, ensure_ascii=False) + "\n"
        for row in rows
    )


def manifest_csv(rows: Iterable[Row]) -> str:
    """CSV with a header; empty cell for null, ``needs_review`` joined with ``;``."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=MANIFEST_FIELDS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _csv_cell(row.get(k)) for k in MANIFEST_FIELDS})
    return buf.getvalue()


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        value = ";".join(str(v) for v in value)
    text = str(value)
    # A payer name printed as "=HYPERLINK(...)" must not run as a formula in a spreadsheet
    # (CSV injection); a leading apostrophe is what spreadsheets show as plain text.
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        text = "'" + text
    return text
