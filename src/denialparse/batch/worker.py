"""The per-letter work, run in worker processes: read one letter, draft its appeal, write both.

:func:`run_letter` is a top-level function so that a local process pool or a Dask cluster can
run it; the pipeline itself is a :class:`LetterProcessor` (by default :class:`ApiProcessor`,
i.e. ``denialparse.api``) so tests can inject a fake. Whatever happens, ``run_letter`` returns a
:class:`FinishedLetter` (its manifest row), never raises.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from denialparse import api, bounds
from denialparse.batch import errors, outputs
from denialparse.batch.manifest import Row, manifest_row
from denialparse.exceptions import DenialParseError, InputFileError, OutputError
from denialparse.options import AppealOptions, Options
from denialparse.types import AppealInfo, LetterResult, StageError, Status

log = logging.getLogger(__name__)


class LetterProcessor(Protocol):
    """What the batch needs from the single-letter pipeline (``denialparse.api`` by default).

    Implementations must be picklable (they travel to worker processes and Dask workers).
    """

    def warm_up(self, options: Options) -> None:
        """Load what every letter needs (the spaCy pipeline) once per worker process."""

    def process(self, path: Path, options: Options) -> LetterResult:
        """Read, extract, classify one letter; raise ``DenialParseError`` when it can't."""

    def write_appeal(
        self, result: LetterResult, out_path: Path, *, appeal: AppealOptions, options: Options
    ) -> LetterResult:
        """Render the appeal DOCX atomically to ``out_path``; return the result with ``appeal``."""


class ApiProcessor:
    """The real pipeline: ``denialparse.api``; the heavy parts load lazily in the worker."""

    def warm_up(self, options: Options) -> None:
        """Load the pipeline now (cached per process), so the first letter doesn't pay for it."""
        from denialparse.understanding.pipeline import load_pipeline

        try:
            load_pipeline(options.model_path)
        except DenialParseError:
            # A missing model shows up again, per letter, as a failed row with its reason.
            log.debug("warm-up failed; letters will report it")

    def process(self, path: Path, options: Options) -> LetterResult:
        """Run ``api.process_letter``."""
        return api.process_letter(path, options=options)

    def write_appeal(
        self, result: LetterResult, out_path: Path, *, appeal: AppealOptions, options: Options
    ) -> LetterResult:
        """Run ``api.write_appeal`` with the run's appeal options and review threshold."""
        return api.write_appeal(
            result,
            out_path,
            profile_path=appeal.profile_path,
            template=appeal.template,
            template_dir=appeal.template_dir,
            review_threshold=options.review_threshold,
        )


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
    appeal: AppealOptions = field(default_factory=AppealOptions)
    redraft: bool = False
    """Only the appeal is out of date: draft it again from the ``result.json`` in ``out_dir``
    (the letter is read again only if that file is gone or unreadable)."""


@dataclass(frozen=True)
class FinishedLetter:
    """What a worker sends back: the letter's manifest row, once its files are in place."""

    rel: str
    sha256: str
    output_dir: str
    row: Row
    retryable: bool = False
    """A failure that may go away on a retry with the same options and the same bytes."""
    seconds: float = 0.0
    redrafted: bool = False
    """Only the appeal was drafted again (the letter was not read again)."""


def run_letter(job: LetterJob, processor: LetterProcessor | None = None) -> FinishedLetter:
    """Process one letter and write its ``appeal.docx`` and ``result.json``; never raises.

    A ``DenialParseError`` becomes a failed result with its one-line reason; any other exception
    becomes ``internal error: <ExceptionClass>`` (never the letter's text). Runs in a worker.

    Args:
        job: the letter and its output folder.
        processor: the pipeline; ``None`` = :class:`ApiProcessor`.

    Returns:
        The letter's manifest row, and whether a failure may go away on a retry.
    """
    # A worker OCRs one page at a time; OpenMP inside tesseract oversubscribes (tesseract #3362).
    os.environ["OMP_THREAD_LIMIT"] = "1"
    proc: LetterProcessor = processor if processor is not None else ApiProcessor()
    started = time.monotonic()
    earlier = _earlier_result(job)
    if earlier is not None:
        result, retryable = _relocate(earlier, job), False
    else:
        with _bounded(job):
            result, retryable = _process_safely(proc, job)
    result, retryable = _write_outputs(proc, result, retryable, job)
    return _finished(
        job,
        result,
        retryable=retryable,
        seconds=round(time.monotonic() - started, 3),
        redrafted=earlier is not None,
    )


def _bounded(job: LetterJob) -> contextlib.AbstractContextManager[None]:
    """The letter's memory and CPU bounds: past one, its failed ``result.json`` is written and
    the worker ends (exit 4); the engine reruns the letter alone, then reports that reason."""
    limits = bounds.Bounds.from_options(job.options)

    def record(breach: bounds.Breach, line: str) -> None:
        outputs.write_failed_result(Path(job.out_dir), _failed(job, errors.over_bound(line)))

    return bounds.letter_bounds(limits, bounds.worker_breach_handler(job.rel, record))


def stopped_by_bound(job: LetterJob) -> DenialParseError | None:
    """The reason a dead worker left in ``result.json`` when this letter hit its bound."""
    written = outputs.read_result(Path(job.out_dir))
    if written is None or written.source.sha256 != job.sha256:
        return None
    for error in written.errors:
        if error.code == errors.OVER_BOUND:
            return errors.over_bound(error.message)
    return None


def _earlier_result(job: LetterJob) -> LetterResult | None:
    """For a redraft: the letter's result from ``result.json``, without its old appeal."""
    if not job.redraft:
        return None
    earlier = outputs.read_result(Path(job.out_dir))
    if earlier is None or earlier.status is Status.FAILED or earlier.source.sha256 != job.sha256:
        return None  # gone, unreadable or not this letter's: the letter is read again
    return earlier.model_copy(update={"appeal": None})


def fail_letter(job: LetterJob, error: DenialParseError) -> FinishedLetter:
    """A letter failed outside the pipeline (unreadable file, dead worker): write its
    ``result.json`` (dropping an earlier appeal) and return its row. Never raises.
    """
    result = _failed(job, error)
    try:
        outputs.write_failed_result(Path(job.out_dir), result)
    except OSError as exc:
        # e.g. a name too long once suffixed: the row still says why the letter failed.
        log.warning("could not write a failed letter's result.json: %s", exc.strerror)
    return _finished(job, result, retryable=True)


def _finished(
    job: LetterJob,
    result: LetterResult,
    *,
    retryable: bool,
    seconds: float = 0.0,
    redrafted: bool = False,
) -> FinishedLetter:
    row = manifest_row(result, rel=job.rel, sha256=job.sha256, output_dir=job.output_dir)
    return FinishedLetter(
        rel=job.rel,
        sha256=job.sha256,
        output_dir=job.output_dir,
        row=row,
        retryable=retryable,
        seconds=seconds,
        redrafted=redrafted,
    )


def _process_safely(proc: LetterProcessor, job: LetterJob) -> tuple[LetterResult, bool]:
    """Run the pipeline; turn every exception into a failed result. Returns (result, retryable)."""
    src = Path(job.src)
    try:
        result = proc.process(src, job.options)
    except DenialParseError as exc:
        if not src.exists():
            return _failed(job, errors.vanished()), True
        # An input verdict on these bytes repeats on a retry with the same options; anything
        # else (a missing dependency, a template) may be fixed by the user before the next run.
        return _failed(job, exc), not isinstance(exc, InputFileError)
    except Exception as exc:  # noqa: BLE001 - one bad letter must not stop the others
        if not src.exists():
            return _failed(job, errors.vanished()), True
        log.warning("internal error while processing a letter: %s", type(exc).__name__)
        _log_frames(exc)
        return _failed(job, errors.internal(exc)), True
    return _relocate(result, job), False


def _write_outputs(
    proc: LetterProcessor, result: LetterResult, retryable: bool, job: LetterJob
) -> tuple[LetterResult, bool]:
    """Draft the appeal (unless the letter failed) and write ``result.json``."""
    folder = Path(job.out_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if result.status is not Status.FAILED:
            result, retryable = _render_safely(proc, result, folder / outputs.APPEAL_NAME, job)
        if result.status is Status.FAILED:
            outputs.write_failed_result(folder, result)
        else:
            outputs.write_result(folder, result)
    except OSError as exc:
        # The letter's outputs can't be written (disk full, permissions changed mid-run).
        err = OutputError(
            f"could not write the letter's outputs ({exc.strerror or type(exc).__name__}); "
            "free disk space or fix OUT_DIR's permissions and rerun",
        )
        return _with_failure(result, "output", err), True
    return result, retryable


def _render_safely(
    proc: LetterProcessor, result: LetterResult, appeal_path: Path, job: LetterJob
) -> tuple[LetterResult, bool]:
    """Render the appeal; a failure to render fails the letter (it has no appeal then)."""
    try:
        rendered = proc.write_appeal(result, appeal_path, appeal=job.appeal, options=job.options)
    except DenialParseError as exc:
        return _with_failure(result, "render", exc), True
    except Exception as exc:  # noqa: BLE001 - a failed render fails only this letter
        log.warning("internal error while rendering an appeal: %s", type(exc).__name__)
        _log_frames(exc)
        return _with_failure(result, "render", errors.internal(exc)), True
    template = rendered.appeal.template if rendered.appeal is not None else ""
    # Relative to OUT_DIR, like the manifest's output_dir: OUT_DIR can be moved or shared.
    appeal = AppealInfo(path=f"{job.output_dir}/{outputs.APPEAL_NAME}", template=template)
    return rendered.model_copy(update={"appeal": appeal}), False


def _log_frames(exc: BaseException) -> None:
    """DEBUG: where an internal error happened, never its message (it may quote the letter)."""
    if log.isEnabledFor(logging.DEBUG):
        import traceback

        frames = "".join(traceback.format_tb(exc.__traceback__))
        log.debug("%s raised at:\n%s", type(exc).__name__, frames)


def _failed(job: LetterJob, error: DenialParseError) -> LetterResult:
    return api.failed_result(job.rel, error, sha256=job.sha256)


def _relocate(result: LetterResult, job: LetterJob) -> LetterResult:
    """Make ``source.path`` relative to IN_DIR so results don't depend on where IN_DIR is."""
    source = result.source.model_copy(
        update={"path": job.rel, "sha256": result.source.sha256 or job.sha256}
    )
    return result.model_copy(update={"source": source})


def _with_failure(result: LetterResult, stage: str, error: DenialParseError) -> LetterResult:
    """``result`` marked failed with one more error (fields kept: they were read)."""
    err = StageError(stage=stage, code=error.code, message=error.message)
    return result.model_copy(
        update={"status": Status.FAILED, "appeal": None, "errors": [*result.errors, err]}
    )
