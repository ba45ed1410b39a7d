"""The mailroom batch: every letter under a folder, one output folder per letter, a manifest.

Layout of OUT_DIR (see ``docs/batch.md`` and the contract's "Batch output"):

- ``OUT/<path relative to IN_DIR>/`` per letter, keeping the file name *with* its extension
  (``in/a/b/scan.pdf`` -> ``OUT/a/b/scan.pdf/``) so ``scan.pdf`` and ``scan.tif`` never clash.
  A clash that remains (a name reserved by the batch, case-insensitive file systems) gets
  ``-2``, ``-3``… appended. Each holds ``result.json`` and, unless the letter failed,
  ``appeal.docx``.
- ``OUT/manifest.csv`` and ``OUT/manifest.jsonl``: one row per input file.
- ``OUT/.denialparse/state.jsonl``: the journal, one line per finished letter keyed by sha256,
  appended and fsynced after the letter's files are in place. It is what makes a rerun skip work.

Every file is written to a temporary name in the same folder, fsynced and renamed, so a run
killed at any moment leaves either the old file or the new one, never half of one. Leftover
temporary files of a killed run are removed by the next run.

The per-letter work is :func:`run_letter`, a top-level function run in worker processes (a local
process pool, or a Dask cluster with ``scheduler``); the work itself is done by a
:class:`LetterProcessor` (by default :class:`ApiProcessor`, i.e. ``denialparse.api``) so tests can
inject a fake.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import logging
import os
import signal
import stat
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from denialparse.exceptions import (
    DenialParseError,
    InputFileError,
    LimitExceededError,
    MissingDependencyError,
    OutputError,
)
from denialparse.files import TMP_SUFFIX, atomic_write_text
from denialparse.options import Options
from denialparse.types import AppealInfo, Fields, LetterResult, SourceInfo, StageError, Status

if TYPE_CHECKING:
    from concurrent.futures import Executor
    from types import FrameType

log = logging.getLogger(__name__)

STATE_DIR = ".denialparse"
JOURNAL_NAME = "state.jsonl"
LOCK_NAME = "lock"
MANIFEST_CSV = "manifest.csv"
MANIFEST_JSONL = "manifest.jsonl"
RESULT_NAME = "result.json"
APPEAL_NAME = "appeal.docx"
JOURNAL_VERSION = 1
# Our temporary files: hidden and with this suffix, so the walk skips them and the next run can
# tell them from anything else.
# Top-level names in OUT_DIR that a letter folder must not take.
RESERVED_NAMES = frozenset({MANIFEST_CSV, MANIFEST_JSONL, STATE_DIR})
# Partial downloads and office lock files: never letters, and still being written.
SKIP_SUFFIXES = (".tmp", ".part", ".partial", ".crdownload", ".download", TMP_SUFFIX)
SKIP_PREFIXES = ("~$",)

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
DUPLICATE = "duplicate"
# Rewrite the manifest during a run at most this often, so a crash leaves a usable one.
MANIFEST_EVERY_S = 5.0
# Watch mode: a file is taken once its size and mtime have not changed for this long.
SETTLE_S = 2.0
POLL_S = 1.0


class SchedulerError(MissingDependencyError):
    """The Dask scheduler given with ``--scheduler`` can't be reached (exit 3)."""

    default_code = "scheduler_unreachable"


# --------------------------------------------------------------------------------------------
# The per-letter work (runs in worker processes)
# --------------------------------------------------------------------------------------------


class LetterProcessor(Protocol):
    """What the batch needs from the single-letter pipeline (``denialparse.api`` by default).

    Implementations must be picklable (they travel to worker processes and Dask workers).
    """

    def warm_up(self, options: Options) -> None:
        """Load what every letter needs (the spaCy pipeline) once per worker process."""

    def process(self, path: Path, options: Options) -> LetterResult:
        """Read, extract, classify one letter; raise ``DenialParseError`` when it can't."""

    def write_appeal(
        self,
        result: LetterResult,
        out_path: Path,
        *,
        profile_path: Path | None,
        template_dir: Path | None,
    ) -> LetterResult:
        """Render the appeal DOCX atomically to ``out_path``; return the result with ``appeal``."""

    def failed(self, path: Path, error: DenialParseError) -> LetterResult:
        """A ``failed`` result for ``path`` carrying ``error``."""


class ApiProcessor:
    """The real pipeline: ``denialparse.api``, imported lazily in the worker."""

    def warm_up(self, options: Options) -> None:
        """Load the pipeline now (cached per process), so the first letter doesn't pay for it."""
        from denialparse.understanding import pipeline

        try:
            pipeline.load_pipeline(options.model_path)
        except DenialParseError:
            # A missing model shows up again, per letter, as a failed row with its reason.
            log.debug("warm-up failed; letters will report it")

    def process(self, path: Path, options: Options) -> LetterResult:
        """Run ``api.process_letter``."""
        from denialparse import api

        return api.process_letter(path, options=options)

    def write_appeal(
        self,
        result: LetterResult,
        out_path: Path,
        *,
        profile_path: Path | None,
        template_dir: Path | None,
    ) -> LetterResult:
        """Run ``api.write_appeal``."""
        from denialparse import api

        return api.write_appeal(
            result, out_path, profile_path=profile_path, template_dir=template_dir
        )

    def failed(self, path: Path, error: DenialParseError) -> LetterResult:
        """Run ``api.failed_result``."""
        from denialparse import api

        return api.failed_result(path, error)


@dataclass(frozen=True)
class LetterJob:
    """One letter to process: where it is, where its outputs go. Picklable."""

    src: str
    """Absolute path of the letter."""
    rel: str
    """Path relative to IN_DIR, POSIX separators (the manifest's ``path``)."""
    sha256: str
    out_dir: str
    """Absolute path of the letter's output folder."""
    output_dir: str
    """The same relative to OUT_DIR (the manifest's ``output_dir``)."""
    options: Options
    profile_path: str | None = None
    template_dir: str | None = None


@dataclass(frozen=True)
class LetterOutcome:
    """What a worker sends back: the manifest row and whether a failure may go away on retry."""

    rel: str
    sha256: str
    output_dir: str
    row: dict[str, Any]
    retryable: bool = False
    seconds: float = 0.0


def run_letter(job: LetterJob, processor: LetterProcessor | None = None) -> LetterOutcome:
    """Process one letter and write its ``appeal.docx`` and ``result.json``; never raises.

    A ``DenialParseError`` becomes a failed result with its one-line reason; any other exception
    becomes ``internal error: <ExceptionClass>`` (never the letter's text). Runs in a worker.

    Args:
        job: the letter and its output folder.
        processor: the pipeline; ``None`` = :class:`ApiProcessor`.

    Returns:
        The outcome: the letter's manifest row, and whether a failure may go away on a retry.
    """
    # A worker OCRs one page at a time; OpenMP inside tesseract oversubscribes (tesseract #3362).
    os.environ["OMP_THREAD_LIMIT"] = "1"
    proc: LetterProcessor = processor if processor is not None else ApiProcessor()
    started = time.monotonic()
    src, out_dir = Path(job.src), Path(job.out_dir)
    result, retryable = _process_safely(proc, src, job)
    appeal_path = out_dir / APPEAL_NAME
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        if result.status is not Status.FAILED:
            result, retryable = _render_safely(proc, result, appeal_path, job)
        if result.status is Status.FAILED:
            # A letter that failed now must not keep an appeal from an earlier run.
            with contextlib.suppress(FileNotFoundError):
                appeal_path.unlink()
        atomic_write_text(out_dir / RESULT_NAME, result_json(result))
    except OSError as exc:
        # The letter's outputs can't be written (disk full, permissions changed mid-run).
        err = OutputError(
            f"could not write the letter's outputs ({exc.strerror or type(exc).__name__}); "
            "free disk space or fix OUT_DIR's permissions and rerun",
        )
        result = _with_failure(result, "output", err)
        retryable = True
    row = manifest_row(result, rel=job.rel, sha256=job.sha256, output_dir=job.output_dir)
    return LetterOutcome(
        rel=job.rel,
        sha256=job.sha256,
        output_dir=job.output_dir,
        row=row,
        retryable=retryable,
        seconds=round(time.monotonic() - started, 3),
    )


def _process_safely(proc: LetterProcessor, src: Path, job: LetterJob) -> tuple[LetterResult, bool]:
    """Run the pipeline; turn every exception into a failed result. Returns (result, retryable)."""
    try:
        result = proc.process(src, job.options)
    except DenialParseError as exc:
        if not src.exists():
            return _failed(proc, src, job, _vanished()), True
        # An input verdict on these bytes repeats on a retry with the same options; anything
        # else (a missing dependency, a template) may be fixed by the user before the next run.
        return _failed(proc, src, job, exc), not isinstance(exc, InputFileError)
    except Exception as exc:  # noqa: BLE001 - one bad letter must not stop the others
        if not src.exists():
            return _failed(proc, src, job, _vanished()), True
        log.warning("internal error while processing a letter: %s", type(exc).__name__)
        _log_frames(exc)
        return _failed(proc, src, job, _internal(exc)), True
    return _relocate(result, job.rel, job.sha256), False


def _render_safely(
    proc: LetterProcessor, result: LetterResult, appeal_path: Path, job: LetterJob
) -> tuple[LetterResult, bool]:
    """Render the appeal; a failure to render fails the letter (it has no appeal then)."""
    try:
        rendered = proc.write_appeal(
            result,
            appeal_path,
            profile_path=Path(job.profile_path) if job.profile_path else None,
            template_dir=Path(job.template_dir) if job.template_dir else None,
        )
    except DenialParseError as exc:
        return _with_failure(result, "render", exc), True
    except Exception as exc:  # noqa: BLE001 - a failed render fails only this letter
        log.warning("internal error while rendering an appeal: %s", type(exc).__name__)
        _log_frames(exc)
        return _with_failure(result, "render", _internal(exc)), True
    template = rendered.appeal.template if rendered.appeal is not None else ""
    # Relative to OUT_DIR, like the manifest's output_dir: OUT_DIR can be moved or shared.
    appeal = AppealInfo(path=f"{job.output_dir}/{APPEAL_NAME}", template=template)
    return rendered.model_copy(update={"appeal": appeal}), False


def _log_frames(exc: BaseException) -> None:
    """DEBUG: where an internal error happened, never its message (it may quote the letter)."""
    if log.isEnabledFor(logging.DEBUG):
        import traceback

        frames = "".join(traceback.format_tb(exc.__traceback__))
        log.debug("%s raised at:\n%s", type(exc).__name__, frames)


def _vanished() -> InputFileError:
    return InputFileError(
        "the file vanished before it was processed (moved or deleted during the run); "
        "put it back and rerun",
        code="vanished",
    )


def _internal(exc: BaseException) -> DenialParseError:
    return DenialParseError(
        f"internal error: {type(exc).__name__}; rerun with -v and report it if it persists",
        code="internal_error",
    )


def _failed(
    proc: LetterProcessor, src: Path, job: LetterJob, error: DenialParseError
) -> LetterResult:
    """A failed result from the pipeline's own builder, falling back to ours if that breaks."""
    try:
        result = proc.failed(src, error)
    except Exception:  # noqa: BLE001 - e.g. the file vanished while failed_result hashed it
        result = failed_letter_result(job.rel, job.sha256, error)
    return _relocate(result, job.rel, job.sha256)


def _relocate(result: LetterResult, rel: str, sha256: str) -> LetterResult:
    """Make ``source.path`` relative to IN_DIR so results don't depend on where IN_DIR is."""
    source = result.source.model_copy(
        update={"path": rel, "sha256": result.source.sha256 or sha256}
    )
    return result.model_copy(update={"source": source})


def _with_failure(result: LetterResult, stage: str, error: DenialParseError) -> LetterResult:
    """``result`` marked failed with one more error (fields kept: they were read)."""
    err = StageError(stage=stage, code=error.code, message=error.message)
    return result.model_copy(
        update={"status": Status.FAILED, "appeal": None, "errors": [*result.errors, err]}
    )


def failed_letter_result(rel: str, sha256: str, error: DenialParseError) -> LetterResult:
    """A failed ``LetterResult`` built without reading the file (symlink, permission, vanished).

    Args:
        rel: the path relative to IN_DIR.
        sha256: the content hash, or ``""`` when the file could not be read.
        error: the reason.

    Returns:
        A result with status ``failed``, every field null and one ``ingest`` error.
    """
    return LetterResult(
        source=SourceInfo(path=rel, sha256=sha256, media_type="application/octet-stream", pages=0),
        status=Status.FAILED,
        text=None,
        fields=Fields(),
        denial_type=None,
        errors=[StageError(stage="ingest", code=error.code, message=error.message)],
    )


def result_json(result: LetterResult) -> str:
    """The ``result.json`` text (stable key order, UTF-8, trailing newline)."""
    return json.dumps(result.to_json_dict(), indent=2, ensure_ascii=False) + "\n"


def manifest_row(result: LetterResult, *, rel: str, sha256: str, output_dir: str) -> dict[str, Any]:
    """The manifest row (JSON types: ``None`` for missing, ``needs_review`` a list).

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


# --------------------------------------------------------------------------------------------
# Atomic files
# --------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------
# Walking IN_DIR
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    """A file found under IN_DIR; ``problem`` set when it must not be read (a failed row)."""

    rel: str
    path: Path
    problem: DenialParseError | None = None


def _skip_name(name: str) -> bool:
    return name.startswith(".") or name.startswith(SKIP_PREFIXES) or name.endswith(SKIP_SUFFIXES)


def walk_letters(in_dir: Path, *, exclude: Path | None = None) -> Iterator[Found]:
    """Every candidate letter under ``in_dir``, sorted, recursively; nothing is followed out.

    Hidden files and folders, partial downloads and our own temp files are skipped. A symlink
    pointing outside ``in_dir`` (file or folder) is reported with a problem, not followed; a
    folder symlink inside is skipped (its target is walked anyway, and loops are impossible).

    Args:
        in_dir: the input folder (absolute).
        exclude: a folder not to walk (OUT_DIR when it lies inside IN_DIR).

    Yields:
        One ``Found`` per file, in sorted relative-path order.
    """
    root = in_dir.resolve()
    excluded = exclude.resolve() if exclude is not None else None
    found: list[Found] = []
    for dirpath, dirnames, filenames in os.walk(in_dir, followlinks=False):
        here = Path(dirpath)
        keep = []
        for name in sorted(dirnames):
            sub = here / name
            if _skip_name(name) or (excluded is not None and sub.resolve() == excluded):
                continue
            if sub.is_symlink():
                if not _inside(sub, root):
                    found.append(Found(_rel(sub, in_dir), sub, _outside_symlink()))
                continue
            keep.append(name)
        dirnames[:] = keep
        for name in filenames:
            if _skip_name(name):
                continue
            path = here / name
            problem = None
            if path.is_symlink() and not _inside(path, root):
                problem = _outside_symlink()
            found.append(Found(_rel(path, in_dir), path, problem))
    # os.walk visits a folder's files before its subfolders; sort the whole list so the order is
    # the same however the tree is laid out.
    found.sort(key=lambda f: f.rel)
    yield from found


def _rel(path: Path, in_dir: Path) -> str:
    return path.relative_to(in_dir).as_posix()


def _inside(path: Path, root: Path) -> bool:
    try:
        target = path.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        return False
    return target == root or target.is_relative_to(root)


def _outside_symlink() -> InputFileError:
    return InputFileError(
        "symlink points outside the input folder; copy the letter into IN_DIR instead",
        code="symlink_outside",
    )


def hash_file(path: Path) -> str:
    """SHA-256 of a file's bytes (the letter's identity across runs).

    Raises:
        OSError: when the file can't be read.
    """
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --------------------------------------------------------------------------------------------
# State: journal, output folders, duplicates, manifest rows
# --------------------------------------------------------------------------------------------


@dataclass
class _Record:
    """One journal line: a letter whose outputs are in place."""

    sha256: str
    path: str
    output_dir: str
    status: str
    retryable: bool
    options_key: str
    row: dict[str, Any]

    def to_json(self) -> str:
        return json.dumps(
            {
                "v": JOURNAL_VERSION,
                "sha256": self.sha256,
                "path": self.path,
                "output_dir": self.output_dir,
                "status": self.status,
                "retryable": self.retryable,
                "options_key": self.options_key,
                "row": self.row,
            },
            ensure_ascii=True,  # exact round trip, also for file names that aren't UTF-8
            sort_keys=True,
        )


@dataclass
class _Dup:
    """A duplicate row, resolved against its original's row when the manifest is written."""

    rel: str
    sha256: str


@dataclass
class _Decision:
    kind: str  # "process" | "done" | "duplicate" | "failed"
    rel: str
    job: LetterJob | None = None


def options_key(options: Options) -> str:
    """What must match for an earlier failure to count as final: options and tool version."""
    from denialparse import __version__

    dump = options.model_dump(mode="json", exclude={"ocr_jobs"})
    blob = json.dumps({"v": __version__, "o": dump}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


class _State:
    """Everything the run knows: the journal, this run's rows, output folder assignment."""

    def __init__(
        self,
        in_dir: Path,
        out_dir: Path,
        *,
        options: Options,
        retry_failed: bool,
        profile_path: Path | None,
        template_dir: Path | None,
    ) -> None:
        self.in_dir = in_dir
        self.out_dir = out_dir
        self.options = options
        self.retry_failed = retry_failed
        self.profile_path = str(profile_path) if profile_path else None
        self.template_dir = str(template_dir) if template_dir else None
        self.key = options_key(options)
        self.state_dir = out_dir / STATE_DIR
        self.journal_path = self.state_dir / JOURNAL_NAME
        self.done: dict[str, _Record] = {}  # sha256 -> record whose outputs are current
        self.dir_owner: dict[str, str] = {}  # output_dir -> sha256 of the record in it
        self.path_dirs: dict[str, str] = {}  # rel -> output_dir, stable across runs
        self.taken: set[str] = set()  # casefolded letter folders
        self.ancestors: set[str] = set()  # casefolded parents of letter folders
        self.rows: dict[str, dict[str, Any] | _Dup] = {}  # rel -> row (this run's files)
        self.first_in_run: dict[str, str] = {}  # sha256 -> rel of its original in this run
        self.processed = 0
        self.reused = 0
        self._journal: io.TextIOWrapper | None = None
        self._lock: io.TextIOWrapper | None = None
        self._rows_changed = False

    # -- journal ------------------------------------------------------------------------------

    def lock(self) -> None:
        """Take OUT_DIR for this run: two batches writing one journal would corrupt it.

        ``flock`` is released by the kernel when the process ends, however it ends.

        Raises:
            OutputError: another batch (a cron run that overlaps the last one) holds it.
        """
        self.state_dir.mkdir(parents=True, exist_ok=True)
        try:
            import fcntl
        except ImportError:  # not POSIX: no lock
            return
        fh = (self.state_dir / LOCK_NAME).open("a+", encoding="ascii")
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            fh.seek(0)
            holder = fh.read().strip() or "?"
            fh.close()
            raise OutputError(
                f"another batch (pid {holder}) is writing to {self.out_dir}; wait for it to "
                "finish or choose another OUT_DIR"
            ) from exc
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        self._lock = fh

    def load(self) -> None:
        """Read the journal (a torn last line from a kill is dropped) and compact it."""
        self.state_dir.mkdir(parents=True, exist_ok=True)
        records: list[_Record] = []
        if self.journal_path.exists():
            for line in self.journal_path.read_text(encoding="utf-8").splitlines():
                rec = _parse_record(line)
                if rec is not None:
                    records.append(rec)
        for rec in records:
            self._put(rec)
            self.path_dirs[rec.path] = rec.output_dir
        for out in self.path_dirs.values():
            self._take(out)
        # Rewrite it clean (no torn line, no superseded records) before appending to it.
        atomic_write_text(
            self.journal_path, "".join(r.to_json() + "\n" for r in self.done.values())
        )
        self._journal = self.journal_path.open("a", encoding="utf-8")

    def close(self) -> None:
        if self._journal is not None:
            self._journal.close()
            self._journal = None
        if self._lock is not None:
            self._lock.close()  # releases the flock
            self._lock = None

    def record(self, outcome: LetterOutcome) -> None:
        """Note a finished letter: journal line (fsynced), then its manifest row."""
        rec = _Record(
            sha256=outcome.sha256,
            path=outcome.rel,
            output_dir=outcome.output_dir,
            status=str(outcome.row["status"]),
            retryable=outcome.retryable,
            options_key=self.key,
            row=outcome.row,
        )
        if self._journal is None:
            raise OutputError("internal error: the batch journal is not open; rerun the batch")
        try:
            self._journal.write(rec.to_json() + "\n")
            self._journal.flush()
            os.fsync(self._journal.fileno())
        except OSError as exc:
            raise OutputError(
                f"can't write the batch journal in {self.state_dir} ({exc.strerror}); "
                "free disk space or fix permissions and rerun: finished letters are kept"
            ) from exc
        self._put(rec)
        self.rows[outcome.rel] = outcome.row
        self.processed += 1
        self._rows_changed = True

    def _put(self, rec: _Record) -> None:
        """Index a record; a later letter written into the same folder replaces the earlier."""
        owner = self.dir_owner.get(rec.output_dir)
        if owner is not None and owner != rec.sha256:
            self.done.pop(owner, None)
        self._drop(rec.sha256)
        self.done[rec.sha256] = rec
        self.dir_owner[rec.output_dir] = rec.sha256

    def _drop(self, sha: str) -> None:
        rec = self.done.pop(sha, None)
        if rec is not None and self.dir_owner.get(rec.output_dir) == sha:
            del self.dir_owner[rec.output_dir]

    # -- output folders -----------------------------------------------------------------------

    def _take(self, out: str) -> None:
        self.taken.add(out.casefold())
        parts = out.split("/")
        for i in range(1, len(parts)):
            self.ancestors.add("/".join(parts[:i]).casefold())

    def _free(self, cand: str) -> bool:
        folded = cand.casefold()
        if folded in self.taken or folded in self.ancestors:
            return False
        parts = folded.split("/")
        return not any("/".join(parts[:i]) in self.taken for i in range(1, len(parts)))

    def output_dir_for(self, rel: str) -> str:
        """The letter folder for ``rel`` (relative to OUT_DIR): the same one on every run."""
        if rel in self.path_dirs:
            return self.path_dirs[rel]
        parts = rel.split("/")
        if parts[0].casefold() in RESERVED_NAMES:
            parts[0] += "-2"
        base = "/".join(parts)
        cand, n = base, 1
        while not self._free(cand):
            n += 1
            cand = f"{base}-{n}"
        self.path_dirs[rel] = cand
        self._take(cand)
        return cand

    # -- planning -----------------------------------------------------------------------------

    def plan(self, found: list[Found]) -> list[_Decision]:
        """Decide, for newly found files in sorted order, what to do with each.

        Hashes each file first, so that duplicates and files changed since the last run are
        known before any decision.
        """
        hashed: list[tuple[Found, str | None, DenialParseError | None]] = []
        for f in found:
            sha, problem = self._identify(f)
            hashed.append((f, sha, problem))
        # A path whose bytes changed since its record: that record's folder will be reused.
        for f, sha, _ in hashed:
            out = self.path_dirs.get(f.rel)
            owner = self.dir_owner.get(out) if out is not None else None
            if owner is not None and owner != sha and self.done[owner].path == f.rel:
                self._drop(owner)
        present = {f.rel: sha for f, sha, _ in hashed if sha}
        present.update({r: row["sha256"] for r, row in self.rows.items() if isinstance(row, dict)})
        decisions = []
        for f, sha, problem in hashed:
            decisions.append(self._decide(f, sha, problem, present))
        return decisions

    def _identify(self, f: Found) -> tuple[str | None, DenialParseError | None]:
        """(sha256, None) or (None, the reason the file can't be taken)."""
        if f.problem is not None:
            return None, f.problem
        try:
            st = f.path.stat()
        except FileNotFoundError:
            if f.path.is_symlink():
                return None, InputFileError(
                    "broken symlink: its target does not exist; fix or remove the link",
                    code="broken_symlink",
                )
            return None, _vanished()
        except OSError as exc:
            return None, _read_error(exc)
        if not stat.S_ISREG(st.st_mode):
            return None, InputFileError(
                "not a regular file (a pipe, socket or device); only letter files are read",
                code="not_a_file",
            )
        if st.st_size == 0:
            # Every empty file has the same hash: without this they would be "duplicates".
            return None, InputFileError(
                "the file is empty; rescan or re-export the letter", code="empty_file"
            )
        if st.st_size > self.options.max_file_bytes:
            return None, LimitExceededError(
                f"the file is larger than {self.options.max_file_bytes} bytes; split it or "
                "raise the size limit",
            )
        try:
            return hash_file(f.path), None
        except FileNotFoundError:
            return None, _vanished()
        except OSError as exc:
            return None, _read_error(exc)

    def _decide(
        self,
        f: Found,
        sha: str | None,
        problem: DenialParseError | None,
        present: dict[str, str],
    ) -> _Decision:
        if problem is not None or sha is None:
            err = problem or _internal(RuntimeError())
            out = self.output_dir_for(f.rel)
            result = failed_letter_result(f.rel, "", err)
            try:
                self._abs(out).mkdir(parents=True, exist_ok=True)
                atomic_write_text(self._abs(out) / RESULT_NAME, result_json(result))
                self._drop_appeal(out)
            except OSError as exc:
                # e.g. a name too long once suffixed: the row still says why the letter failed.
                log.warning("could not write a failed letter's result.json: %s", exc.strerror)
            self._set_row(f.rel, manifest_row(result, rel=f.rel, sha256="", output_dir=out))
            return _Decision("failed", f.rel)
        original = self.first_in_run.get(sha)
        if original is not None and original != f.rel:
            self._set_row(f.rel, _Dup(f.rel, sha))
            return _Decision(DUPLICATE, f.rel)
        rec = self.done.get(sha)
        if rec is not None and not self._redo(rec):
            if rec.path == f.rel:
                self.first_in_run[sha] = f.rel
                self.reused += 1
                self._set_row(f.rel, rec.row)
                return _Decision("done", f.rel)
            if present.get(rec.path) == sha:
                # The original is still here (later in the walk): it is the one reused.
                self.first_in_run[sha] = rec.path
            self._set_row(f.rel, _Dup(f.rel, sha))
            return _Decision(DUPLICATE, f.rel)
        self.first_in_run[sha] = f.rel
        out = self.output_dir_for(f.rel)
        job = LetterJob(
            src=str(f.path.absolute()),
            rel=f.rel,
            sha256=sha,
            out_dir=str(self._abs(out)),
            output_dir=out,
            options=self.options,
            profile_path=self.profile_path,
            template_dir=self.template_dir,
        )
        return _Decision("process", f.rel, job)

    def _redo(self, rec: _Record) -> bool:
        """Whether a recorded letter is processed again (only failures, see docs/batch.md)."""
        if rec.status != Status.FAILED.value:
            # Done, unless someone deleted its outputs since: then redo them.
            return not (self._abs(rec.output_dir) / RESULT_NAME).exists()
        return self.retry_failed or rec.retryable or rec.options_key != self.key

    def _abs(self, out: str) -> Path:
        return self.out_dir.joinpath(*out.split("/"))

    def _drop_appeal(self, out: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            (self._abs(out) / APPEAL_NAME).unlink()

    def _set_row(self, rel: str, row: dict[str, Any] | _Dup) -> None:
        self.rows[rel] = row
        self._rows_changed = True

    def forget(self, rel: str) -> None:
        """A file that will be processed again (watch mode: it changed) loses its old row."""
        self.rows.pop(rel, None)
        for sha, first in list(self.first_in_run.items()):
            if first == rel:
                del self.first_in_run[sha]

    # -- manifest -----------------------------------------------------------------------------

    def sha_rows(self) -> dict[str, dict[str, Any]]:
        """sha256 -> the original's row, from this run first, then from the journal."""
        rows = {sha: rec.row for sha, rec in self.done.items()}
        for row in self.rows.values():
            if isinstance(row, dict) and row.get("sha256") and row["status"] != DUPLICATE:
                rows[row["sha256"]] = row
        for sha, first in self.first_in_run.items():
            row = self.rows.get(first)
            if isinstance(row, dict):
                rows[sha] = row
        return rows

    def manifest_rows(self) -> list[dict[str, Any]]:
        """The finished rows, sorted: soonest deadline first, no deadline next, failed last."""
        originals = self.sha_rows()
        out: list[dict[str, Any]] = []
        for rel, row in self.rows.items():
            if isinstance(row, _Dup):
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
                resolved["_failed"] = orig["status"] == Status.FAILED.value
                out.append(resolved)
            else:
                out.append(dict(row, _failed=row["status"] == Status.FAILED.value))
        out.sort(key=_row_order)
        for row in out:
            del row["_failed"]
        return out

    def write_manifest(self, *, force: bool = False) -> None:
        """Rewrite ``manifest.csv`` and ``manifest.jsonl`` atomically (if anything changed)."""
        if not (force or self._rows_changed):
            return
        rows = self.manifest_rows()
        try:
            atomic_write_text(self.out_dir / MANIFEST_JSONL, manifest_jsonl(rows))
            atomic_write_text(self.out_dir / MANIFEST_CSV, manifest_csv(rows))
        except OSError as exc:
            raise OutputError(
                f"can't write the manifest in {self.out_dir} ({exc.strerror}); "
                "free disk space or fix permissions and rerun: finished letters are kept"
            ) from exc
        self._rows_changed = False


def _parse_record(line: str) -> _Record | None:
    try:
        data = json.loads(line)
        return _Record(
            sha256=data["sha256"],
            path=data["path"],
            output_dir=data["output_dir"],
            status=data["status"],
            retryable=bool(data["retryable"]),
            options_key=data["options_key"],
            row=data["row"],
        )
    except (ValueError, KeyError, TypeError):
        return None  # the torn last line of a killed run


def _read_error(exc: OSError) -> InputFileError:
    if isinstance(exc, PermissionError):
        return InputFileError(
            "permission denied: the file can't be read; give the batch user read access",
            code="permission_denied",
        )
    return InputFileError(
        f"the file can't be read ({exc.strerror or type(exc).__name__}); check the disk or share",
        code="read_error",
    )


def _row_order(row: dict[str, Any]) -> tuple[int, str, str]:
    if row["_failed"]:
        return (2, "", row["path"])
    due = row.get("earliest_deadline")
    return (0, due, row["path"]) if due else (1, "", row["path"])


def manifest_jsonl(rows: Iterable[dict[str, Any]]) -> str:
    """One JSON object per line, keys in ``MANIFEST_FIELDS`` order."""
    return "".join(
        json.dumps({k: row.get(k) for k in MANIFEST_FIELDS}, ensure_ascii=False) + "\n"
        for row in rows
    )


def manifest_csv(rows: Iterable[dict[str, Any]]) -> str:
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


# --------------------------------------------------------------------------------------------
# Executors: a local process pool, or a Dask cluster
# --------------------------------------------------------------------------------------------


def _init_worker(
    processor: LetterProcessor, options: Options, batch_pid: int, log_level: int
) -> None:
    """Process-pool initializer: one OCR thread, own process group, pipeline loaded once."""
    os.environ["OMP_THREAD_LIMIT"] = "1"
    # forkserver workers don't inherit the CLI's logging set-up: same level, same stream.
    logging.basicConfig(
        level=log_level, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s"
    )
    # Ctrl-C in a terminal signals the whole foreground process group; the parent decides what
    # happens (finish the letters in flight), so workers (and their tesseract children) sit in
    # a group of their own and ignore SIGINT.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(OSError, AttributeError):  # AttributeError: not POSIX
        os.setpgid(0, 0)
    _exit_with(batch_pid)
    processor.warm_up(options)


def _exit_with(batch_pid: int) -> None:
    """End this worker (and its tesseract children) as soon as the batch process is gone.

    A ``kill -9`` of the batch would otherwise leave workers running: with forkserver their
    parent is the fork server, which itself waits for them (so ``PR_SET_PDEATHSIG`` can't help),
    and they might write into OUT_DIR while the next run does.
    """

    def watch() -> None:
        try:
            fd = os.pidfd_open(batch_pid)
        except ProcessLookupError:
            fd = None  # already gone
        except (AttributeError, OSError):
            while _alive(batch_pid):
                time.sleep(0.5)
            fd = None
        if fd is not None:
            import select

            select.select([fd], [], [])
        if hasattr(os, "killpg") and os.getpgid(0) == os.getpid():
            os.killpg(0, signal.SIGKILL)  # our own group: this worker and its children
        os._exit(1)

    threading.Thread(target=watch, name="denialparse-batch-watch", daemon=True).start()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class _Backend(Protocol):
    capacity: int

    def submit(self, job: LetterJob) -> Future[LetterOutcome]: ...

    def restart(self) -> None: ...

    def close(self, *, cancel: bool, wait: bool) -> None: ...


class _LocalBackend:
    """A process pool; workers started by forkserver (safe with our threads, fast to fork)."""

    def __init__(self, jobs: int, processor: LetterProcessor, options: Options) -> None:
        self.jobs = jobs
        self.capacity = jobs + 1  # one letter queued per pool keeps workers busy
        self._processor = processor
        self._options = options
        self._pool = self._new_pool()

    def _new_pool(self) -> Executor:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        methods = multiprocessing.get_all_start_methods()
        method = "forkserver" if "forkserver" in methods else "spawn"
        return ProcessPoolExecutor(
            max_workers=self.jobs,
            mp_context=multiprocessing.get_context(method),
            initializer=_init_worker,
            initargs=(
                self._processor,
                self._options,
                os.getpid(),
                logging.getLogger("denialparse").getEffectiveLevel(),
            ),
        )

    def submit(self, job: LetterJob) -> Future[LetterOutcome]:
        return self._pool.submit(run_letter, job, self._processor)

    def restart(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = self._new_pool()

    def close(self, *, cancel: bool, wait: bool) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=cancel)


class _DaskBackend:
    """``run_letter`` on a Dask distributed cluster; letters and OUT_DIR on shared storage."""

    def __init__(self, address: str, processor: LetterProcessor, options: Options) -> None:
        try:
            from dask.distributed import Client
        except ImportError as exc:
            raise MissingDependencyError(
                "dask.distributed is not installed; pip install 'dask[distributed]'",
                code="missing_dask",
            ) from exc
        unreachable = SchedulerError(
            f"can't reach the Dask scheduler at {address}; start it (dask scheduler) or "
            "check --scheduler"
        )
        _probe_tcp(address, unreachable)
        try:
            self._client = Client(address, timeout="10s", set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise unreachable from exc
        self._processor = processor
        self._executor = self._client.get_executor(pure=False)
        threads = sum(self._client.nthreads().values()) or 1
        self.capacity = 2 * threads
        with contextlib.suppress(Exception):
            self._client.run(_dask_warm_up, processor, options)

    def submit(self, job: LetterJob) -> Future[LetterOutcome]:
        return self._executor.submit(run_letter, job, self._processor)  # type: ignore[no-any-return]

    def restart(self) -> None:
        """Dask reschedules work of a lost worker itself."""

    def close(self, *, cancel: bool, wait: bool) -> None:
        if cancel:
            with contextlib.suppress(Exception):
                self._client.cancel(list(self._executor._futures))
        with contextlib.suppress(Exception):
            self._executor.shutdown(wait=wait)
        with contextlib.suppress(Exception):
            self._client.close()


def _probe_tcp(address: str, error: SchedulerError) -> None:
    """Fail in a second, not after Dask's connect timeout, when nothing listens there."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    if parts.scheme != "tcp" or not parts.hostname or not parts.port:
        return  # tls://, inproc://…: let Dask judge
    try:
        with socket.create_connection((parts.hostname, parts.port), timeout=3):
            pass
    except OSError as exc:
        raise error from exc


def _dask_warm_up(processor: LetterProcessor, options: Options) -> None:
    os.environ["OMP_THREAD_LIMIT"] = "1"
    processor.warm_up(options)


# --------------------------------------------------------------------------------------------
# Progress
# --------------------------------------------------------------------------------------------


class _Progress:
    """A rich bar on a TTY, log lines otherwise. Never shows paths or letter content."""

    def __init__(self, enabled: bool) -> None:
        self._bar: Any = None
        self._task: Any = None
        self.counts: dict[str, int] = dict.fromkeys(
            (Status.SUCCESS.value, Status.PARTIAL.value, Status.FAILED.value, DUPLICATE), 0
        )
        self.total = 0
        self.finished = 0
        if enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self._bar = Progress(
                TextColumn("[bold]letters"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[counts]}"),
                TimeElapsedColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=False,
            )
            self._bar.start()
            self._task = self._bar.add_task("batch", total=0, counts="")

    def add(self, n: int) -> None:
        self.total += n
        if self._bar is not None:
            self._bar.update(self._task, total=self.total)

    def done(self, status: str, seconds: float | None = None) -> None:
        self.finished += 1
        self.counts[status] = self.counts.get(status, 0) + 1
        text = " ".join(f"{k} {v}" for k, v in self.counts.items() if v)
        if self._bar is not None:
            self._bar.update(self._task, completed=self.finished, counts=text)
        elif seconds is not None:
            log.info(
                "letter %d/%d: %s (%.1f s) [%s]", self.finished, self.total, status, seconds, text
            )

    def stop(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


# --------------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------------


@dataclass
class BatchSummary:
    """What a batch did; ``summary_table`` renders it for stdout."""

    in_dir: Path
    out_dir: Path
    total: int = 0
    """Rows in the manifest (one per input file)."""
    success: int = 0
    partial: int = 0
    failed: int = 0
    duplicate: int = 0
    processed: int = 0
    """Letters run through the pipeline by this run."""
    reused: int = 0
    """Letters already done by an earlier run (not processed again)."""
    elapsed: float = 0.0
    interrupted: bool = False
    failures: list[tuple[str, str]] = field(default_factory=list)
    """(path, reason) per failed row."""
    manifest_csv: Path | None = None
    manifest_jsonl: Path | None = None


def run_batch(
    in_dir: Path,
    out_dir: Path,
    *,
    jobs: int | None = None,
    retry_failed: bool = False,
    watch: bool = False,
    scheduler: str | None = None,
    profile_path: Path | None = None,
    template_dir: Path | None = None,
    options: Options | None = None,
    progress: bool | None = None,
    processor: LetterProcessor | None = None,
    stop: threading.Event | None = None,
    poll_interval: float = POLL_S,
    settle_seconds: float = SETTLE_S,
) -> BatchSummary:
    """Process every letter under ``in_dir`` into ``out_dir`` (see the module docstring).

    Args:
        in_dir: the input folder; never modified.
        out_dir: the output folder; created if needed.
        jobs: worker processes; ``None`` = the CPUs this process may use.
        retry_failed: also redo failures that would repeat (an input verdict on the same bytes
            with the same options); without it, every other failure is retried (contract).
        watch: keep polling ``in_dir`` for new files until Ctrl-C / SIGTERM / ``stop``.
        scheduler: ``tcp://host:port`` of a Dask scheduler to run the letters on.
        profile_path: the practice profile for the appeals.
        template_dir: a folder of appeal templates overriding the bundled ones.
        options: run options; workers OCR single-threaded whatever ``ocr_jobs`` says.
        progress: a rich bar on stderr; ``None`` = when stderr is a terminal.
        processor: the per-letter pipeline; ``None`` = ``denialparse.api``.
        stop: set it to stop (like Ctrl-C, but the call returns instead of raising).
        poll_interval: watch mode: seconds between scans.
        settle_seconds: watch mode: how long size and mtime must stay unchanged.

    Returns:
        The summary (counts by status, failures, where the manifest is).

    Raises:
        InputFileError: ``in_dir`` is not a readable folder.
        OutputError: ``out_dir`` can't be created or written (before any work), or became
            unwritable during the run.
        SchedulerError: the Dask scheduler can't be reached.
        KeyboardInterrupt: a second Ctrl-C (abort without waiting; outputs stay consistent).

    A first Ctrl-C or SIGTERM (or ``stop``) stops taking letters, finishes those in flight,
    writes the manifest and returns with ``summary.interrupted`` set (the CLI exits 130).
    """
    started = time.monotonic()
    in_dir, out_dir = Path(in_dir).absolute(), Path(out_dir).absolute()
    _check_dirs(in_dir, out_dir)
    base = options or Options()
    # Parallelism comes from workers; inside one, OCR stays on one core.
    opts = base.model_copy(update={"ocr_jobs": 1})
    proc: LetterProcessor = processor if processor is not None else ApiProcessor()
    state = _State(
        in_dir,
        out_dir,
        options=opts,
        retry_failed=retry_failed,
        profile_path=profile_path.absolute() if profile_path else None,
        template_dir=template_dir.absolute() if template_dir else None,
    )
    try:
        state.lock()
        state.load()
    except OSError as exc:
        state.close()
        raise OutputError(
            f"can't write the batch state in {out_dir / STATE_DIR} ({exc.strerror}); "
            "fix OUT_DIR's permissions"
        ) from exc
    except OutputError:
        state.close()
        raise
    _sweep_temp_files(out_dir)
    n_jobs = jobs if jobs and jobs > 0 else _cpu_count()
    stop_event = stop or threading.Event()
    interrupted_by_signal = threading.Event()
    show = sys.stderr.isatty() if progress is None else progress
    bar = _Progress(show)
    backend: _Backend | None = None
    clean = False
    try:
        with _signals_stop(stop_event, interrupted_by_signal):
            backend = (
                _DaskBackend(scheduler, proc, opts)
                if scheduler
                else _LocalBackend(n_jobs, proc, opts)
            )
            _Engine(state, backend, bar, stop_event, exclude=_exclude(in_dir, out_dir)).run(
                watch=watch, poll=poll_interval, settle=settle_seconds
            )
        clean = True
    finally:
        bar.stop()
        if backend is not None:
            # After an abort (second Ctrl-C) or an error, don't wait for letters in flight;
            # workers die with us and the next run redoes them.
            backend.close(cancel=True, wait=clean)
        with contextlib.suppress(OutputError):
            state.write_manifest(force=True)
        state.close()
    summary = _summarize(state, started, interrupted=stop_event.is_set())
    log.info(
        "batch done: %d letters (%d processed, %d from earlier runs), %d failed, %.1f s",
        summary.total,
        summary.processed,
        summary.reused,
        summary.failed,
        summary.elapsed,
    )
    return summary


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:
        return os.cpu_count() or 1


def _exclude(in_dir: Path, out_dir: Path) -> Path | None:
    return out_dir if out_dir.resolve().is_relative_to(in_dir.resolve()) else None


def _check_dirs(in_dir: Path, out_dir: Path) -> None:
    """Refuse before any work: IN_DIR unreadable, OUT_DIR unwritable or overlapping IN_DIR."""
    if not in_dir.is_dir():
        raise InputFileError(f"{in_dir} is not a folder; give the folder holding the letters")
    try:
        with os.scandir(in_dir):
            pass
    except OSError as exc:
        raise InputFileError(
            f"can't read the folder {in_dir} ({exc.strerror}); check its permissions"
        ) from exc
    r_in, r_out = in_dir.resolve(), out_dir.resolve()
    if r_out == r_in or r_in.is_relative_to(r_out):
        raise OutputError(
            f"OUT_DIR {out_dir} is or contains the input folder; choose a folder outside it "
            "(the batch never writes into IN_DIR)"
        )
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=out_dir, prefix=".probe.", suffix=TMP_SUFFIX)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise OutputError(
            f"can't write to {out_dir} ({exc.strerror or type(exc).__name__}); choose a "
            "writable OUT_DIR or fix its permissions"
        ) from exc


# Temp files of a killed run: ours (``.dptmp``) and the renderer's (``.appeal.docx.*.tmp``).
_SWEEP_PREFIXES = tuple(f".{n}." for n in (APPEAL_NAME, RESULT_NAME, MANIFEST_CSV, MANIFEST_JSONL))


def _sweep_temp_files(out_dir: Path) -> None:
    """Remove temporary files a killed run left behind (only names only we would create)."""
    for dirpath, _dirs, files in os.walk(out_dir):
        for name in files:
            ours = name.startswith(".") and name.endswith(TMP_SUFFIX)
            if ours or (name.startswith(_SWEEP_PREFIXES) and name.endswith(".tmp")):
                with contextlib.suppress(OSError):
                    os.unlink(Path(dirpath) / name)


@contextlib.contextmanager
def _signals_stop(stop: threading.Event, by_signal: threading.Event) -> Iterator[None]:
    """First Ctrl-C / SIGTERM: stop taking letters, finish those in flight. Second: abort now."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        if stop.is_set() and by_signal.is_set():
            raise KeyboardInterrupt
        by_signal.set()
        stop.set()
        log.warning("stopping: finishing the letters in flight (Ctrl-C again to abort)")

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, prev in previous.items():
            signal.signal(sig, prev)


class _Engine:
    """The loop: find files, plan, keep the workers fed, record what finishes."""

    def __init__(
        self,
        state: _State,
        backend: _Backend,
        bar: _Progress,
        stop: threading.Event,
        *,
        exclude: Path | None,
    ) -> None:
        self.state = state
        self.backend = backend
        self.bar = bar
        self.stop = stop
        self.exclude = exclude
        self.pending: deque[LetterJob] = deque()
        self.inflight: dict[Future[LetterOutcome], LetterJob] = {}
        # Letters in flight when a worker died: rerun one at a time to find the culprit.
        self.suspects: deque[LetterJob] = deque()
        self._last_manifest = time.monotonic()
        # watch mode: rel -> ((size, mtime_ns), first seen with that signature)
        self._seen: dict[str, tuple[tuple[int, int], float]] = {}
        self._handled: dict[str, tuple[int, int] | None] = {}

    def run(self, *, watch: bool, poll: float, settle: float) -> None:
        self._take(self._scan(settle if watch else None))
        next_scan = time.monotonic() + poll
        while True:
            if self.stop.is_set():
                self.pending.clear()
                self.suspects.clear()
            self._feed()
            idle = not (self.inflight or self.pending or self.suspects)
            if idle and (not watch or self.stop.is_set()):
                break
            self._collect(timeout=min(poll, 0.5))
            now = time.monotonic()
            if watch and not self.stop.is_set() and now >= next_scan:
                self._take(self._scan(settle))
                next_scan = now + poll
            # Periodically while busy (a crash leaves a usable manifest), and as soon as the
            # queue drains (watch mode: the manifest is current while waiting for letters).
            drained = not (self.inflight or self.pending or self.suspects)
            if drained or now - self._last_manifest >= MANIFEST_EVERY_S:
                self.state.write_manifest()
                self._last_manifest = now

    # -- finding files ------------------------------------------------------------------------

    def _scan(self, settle: float | None) -> list[Found]:
        """Files to take now: all of them, or (watch) those whose size and mtime have settled."""
        ready: list[Found] = []
        now, wall = time.monotonic(), time.time()
        for f in walk_letters(self.state.in_dir, exclude=self.exclude):
            sig = _signature(f)
            if self._handled.get(f.rel, ()) == sig:
                continue
            if settle is not None and f.problem is None and sig is not None:
                seen = self._seen.get(f.rel)
                old_enough = wall - sig[1] / 1e9 >= settle
                if seen is None or seen[0] != sig:
                    self._seen[f.rel] = (sig, now)
                    if not old_enough:
                        continue
                elif now - seen[1] < settle and not old_enough:
                    continue
            self._handled[f.rel] = sig
            self._seen.pop(f.rel, None)
            ready.append(f)
        return ready

    def _take(self, found: list[Found]) -> None:
        if not found:
            return
        for f in found:
            if f.rel in self.state.rows:  # watch mode: a file that changed after it was done
                self.state.forget(f.rel)
        decisions = self.state.plan(found)
        self.bar.add(len(decisions))
        for d in decisions:
            if d.job is not None:
                self.pending.append(d.job)
            else:
                status = DUPLICATE if d.kind == DUPLICATE else None
                row = self.state.rows.get(d.rel)
                if status is None and isinstance(row, dict):
                    status = row["status"]
                self.bar.done(status or DUPLICATE)

    # -- running ------------------------------------------------------------------------------

    def _feed(self) -> None:
        if self.suspects:
            if not self.inflight:
                job = self.suspects.popleft()
                self.inflight[self.backend.submit(job)] = job
            return
        while self.pending and len(self.inflight) < self.backend.capacity:
            job = self.pending.popleft()
            self.inflight[self.backend.submit(job)] = job

    def _collect(self, timeout: float) -> None:
        if not self.inflight:
            if self.pending or self.stop.is_set():
                return
            self.stop.wait(timeout)
            return
        alone = len(self.inflight) == 1
        done, _ = wait(list(self.inflight), timeout=timeout, return_when=FIRST_COMPLETED)
        broken = False
        for fut in done:
            job = self.inflight.pop(fut)
            try:
                outcome = fut.result()
            except BrokenProcessPool:
                broken = True
                self._worker_died(job, alone=alone)
                continue
            except (Exception, SystemExit) as exc:  # noqa: BLE001 - lost Dask worker, sys.exit()
                outcome = self._failed_outcome(job, _internal(exc))
            self._finish(outcome)
        if broken:
            # The pool is unusable: every letter in it comes back as broken too.
            for fut, job in list(self.inflight.items()):
                self.inflight.pop(fut)
                self._worker_died(job, alone=alone)
            log.warning("a worker process died; restarting the pool")
            self.backend.restart()

    def _worker_died(self, job: LetterJob, *, alone: bool) -> None:
        """A worker died (killed, out of memory, a crash in native code) with ``job`` in flight.

        With other letters in flight we can't tell which one killed it: each is rerun alone.
        A letter that kills a worker on its own is failed.
        """
        if not alone:
            self.suspects.append(job)
            return
        err = DenialParseError(
            "internal error: the worker process died on this letter (out of memory?); "
            "rerun with fewer --jobs",
            code="worker_died",
        )
        self._finish(self._failed_outcome(job, err))

    def _failed_outcome(self, job: LetterJob, err: DenialParseError) -> LetterOutcome:
        result = failed_letter_result(job.rel, job.sha256, err)
        try:
            Path(job.out_dir).mkdir(parents=True, exist_ok=True)
            atomic_write_text(Path(job.out_dir) / RESULT_NAME, result_json(result))
            with contextlib.suppress(FileNotFoundError):
                (Path(job.out_dir) / APPEAL_NAME).unlink()
        except OSError:
            log.warning("could not write a failed letter's result.json")
        row = manifest_row(result, rel=job.rel, sha256=job.sha256, output_dir=job.output_dir)
        return LetterOutcome(job.rel, job.sha256, job.output_dir, row, retryable=True)

    def _finish(self, outcome: LetterOutcome) -> None:
        self.state.record(outcome)
        self.bar.done(str(outcome.row["status"]), outcome.seconds)
        log.debug("finished %s: %s", outcome.rel, outcome.row["status"])


def _signature(f: Found) -> tuple[int, int] | None:
    try:
        st = f.path.stat()
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns)


def _summarize(state: _State, started: float, *, interrupted: bool) -> BatchSummary:
    rows = state.manifest_rows()
    summary = BatchSummary(
        in_dir=state.in_dir,
        out_dir=state.out_dir,
        total=len(rows),
        processed=state.processed,
        reused=state.reused,
        elapsed=round(time.monotonic() - started, 2),
        interrupted=interrupted,
        manifest_csv=state.out_dir / MANIFEST_CSV,
        manifest_jsonl=state.out_dir / MANIFEST_JSONL,
    )
    for row in rows:
        status = row["status"]
        if status == Status.SUCCESS.value:
            summary.success += 1
        elif status == Status.PARTIAL.value:
            summary.partial += 1
        elif status == Status.FAILED.value:
            summary.failed += 1
            summary.failures.append((row["path"], row["error"] or "failed"))
        elif status == DUPLICATE:
            summary.duplicate += 1
    return summary


def _printable(path: str) -> str:
    """A path as text any stdout can take (non-UTF-8 file names get backslash escapes)."""
    return path.encode("utf-8", errors="backslashreplace").decode("utf-8")


def summary_table(summary: BatchSummary) -> str:
    """The end-of-batch table for stdout: counts by status, then the reason per failure.

    Args:
        summary: what ``run_batch`` returned.

    Returns:
        Plain text (no colour codes: stdout may be a file), ending with a newline-free last line.
    """
    rate = summary.processed / summary.elapsed * 60 if summary.elapsed > 0 else 0.0
    head = "batch interrupted" if summary.interrupted else "batch done"
    lines = [
        (
            f"{head}: {summary.total} letters in {summary.elapsed:.1f} s "
            f"({summary.processed} processed, {rate:.1f} letters/min; "
            f"{summary.reused} already done by an earlier run)"
        ),
        "",
        f"  {'status':<10} {'letters':>7}",
    ]
    for name, count in (
        ("success", summary.success),
        ("partial", summary.partial),
        ("duplicate", summary.duplicate),
        ("failed", summary.failed),
    ):
        lines.append(f"  {name:<10} {count:>7}")
    if summary.failures:
        width = min(max(len(p) for p, _ in summary.failures), 60)
        lines += ["", "failed letters:"]
        lines += [f"  {_printable(p):<{width}}  {reason}" for p, reason in summary.failures]
    if summary.manifest_csv is not None:
        lines += ["", f"manifest: {summary.manifest_csv}"]
    return "\n".join(lines)


__all__ = [
    "ApiProcessor",
    "BatchSummary",
    "LetterJob",
    "LetterOutcome",
    "LetterProcessor",
    "SchedulerError",
    "failed_letter_result",
    "manifest_row",
    "run_batch",
    "run_letter",
    "summary_table",
    "walk_letters",
]
