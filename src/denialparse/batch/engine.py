"""The mailroom batch: every letter under a folder, one output folder per letter, a manifest.

Layout of OUT_DIR (see ``docs/batch.md`` and the contract's "Batch output"):

- ``OUT/<path relative to IN_DIR>/`` per letter, keeping the file name *with* its extension
  (``in/a/b/scan.pdf`` -> ``OUT/a/b/scan.pdf/``), holding ``result.json`` and, unless the
  letter failed, ``appeal.docx`` (``outputs``; folder names: ``planner.FolderAllocator``).
- ``OUT/manifest.csv`` and ``OUT/manifest.jsonl``: one row per input file (``manifest``).
- ``OUT/.denialparse/state.jsonl``: the journal that makes a rerun skip work (``journal``).

This module is the run itself: check the folders, take the lock, then the loop (``walker``
finds files, ``planner`` decides, ``backends`` run ``worker.run_letter``, the journal and the
manifest record what finishes), signals, progress and the summary.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from denialparse.batch import errors
from denialparse.batch.backends import Backend, open_backend, require_dask
from denialparse.batch.journal import Journal, JournalContents, Record
from denialparse.batch.manifest import (
    DUPLICATE,
    MANIFEST_CSV,
    MANIFEST_JSONL,
    Row,
    RunRows,
    write_manifest,
)
from denialparse.batch.planner import Action, FolderAllocator, Planner, RunSettings
from denialparse.batch.walker import Found, Scanner
from denialparse.batch.worker import (
    ApiProcessor,
    FinishedLetter,
    LetterJob,
    LetterProcessor,
    fail_letter,
    stopped_by_bound,
)
from denialparse.exceptions import InputFileError, OutputError
from denialparse.files import TMP_SUFFIX, atomic_write_bytes
from denialparse.options import AppealOptions, Options
from denialparse.types import Status

if TYPE_CHECKING:
    from types import FrameType

log = logging.getLogger(__name__)

# Rewrite the manifest during a run at most this often, so a crash leaves a usable one.
MANIFEST_EVERY_S = 5.0
# Watch mode: a file is taken once its size and mtime have not changed for this long.
SETTLE_S = 2.0
POLL_S = 1.0


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
    """Letters run through a worker by this run (read, or only their appeal redrafted)."""
    reused: int = 0
    """Letters already done by an earlier run (not processed again)."""
    redrafted: int = 0
    """Of ``processed``: letters whose appeal alone was drafted again (other appeal inputs)."""
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
    template: str | None = None,
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
        template: one template name for every appeal; ``None`` = each denial type's own.
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
        MissingDependencyError: ``scheduler`` given without the ``cluster`` extra installed.
        SchedulerError: the Dask scheduler can't be reached.
        KeyboardInterrupt: a second Ctrl-C (abort without waiting; outputs stay consistent).

    A first Ctrl-C or SIGTERM (or ``stop``) stops taking letters, finishes those in flight,
    writes the manifest and returns with ``summary.interrupted`` set (the CLI exits 130).
    """
    started = time.monotonic()
    in_dir, out_dir = Path(in_dir).absolute(), Path(out_dir).absolute()
    if scheduler:
        require_dask()  # before OUT_DIR is touched
    _check_dirs(in_dir, out_dir)
    # Parallelism comes from workers; inside one, OCR stays on one core.
    opts = (options or Options()).model_copy(update={"ocr_jobs": 1})
    appeal = AppealOptions(
        profile_path=profile_path.absolute() if profile_path else None,
        template=template,
        template_dir=template_dir.absolute() if template_dir else None,
    )
    settings = RunSettings.of(out_dir, opts, appeal, retry_failed=retry_failed)
    journal = Journal(out_dir)
    contents = _open_journal(journal)
    _sweep_temp_files(out_dir)
    proc: LetterProcessor = processor if processor is not None else ApiProcessor()
    stop_event = stop or threading.Event()
    bar = _Progress(sys.stderr.isatty() if progress is None else progress)
    engine = _Engine(in_dir, settings, journal, contents, bar, stop_event)
    backend: Backend | None = None
    clean = False
    try:
        with _signals_stop(stop_event, threading.Event()):
            backend = open_backend(scheduler, _jobs(jobs), proc, opts)
            engine.run(backend, watch=watch, poll=poll_interval, settle=settle_seconds)
        clean = True
    finally:
        bar.stop()
        if backend is not None:
            # After an abort (second Ctrl-C) or an error, don't wait for letters in flight;
            # workers die with us and the next run redoes them.
            backend.close(cancel=True, wait=clean)
        with contextlib.suppress(OutputError):
            engine.write_manifest(force=True)
        journal.close()
    summary = engine.summary(started, interrupted=stop_event.is_set())
    log.info(
        "batch done: %d letters (%d processed, %d from earlier runs), %d failed, %.1f s",
        summary.total,
        summary.processed,
        summary.reused,
        summary.failed,
        summary.elapsed,
    )
    return summary


def _open_journal(journal: Journal) -> JournalContents:
    """Lock OUT_DIR and read the journal back; an ``OutputError`` with the fix if it can't."""
    try:
        journal.lock()
        return journal.load()
    except OSError as exc:
        journal.close()
        raise OutputError(
            f"can't write the batch state in {journal.state_dir} ({exc.strerror}); "
            "fix OUT_DIR's permissions"
        ) from exc
    except OutputError:
        journal.close()
        raise


def _jobs(jobs: int | None) -> int:
    """Worker processes: as asked, else the CPUs this process may use."""
    if jobs and jobs > 0:
        return jobs
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:
        return os.cpu_count() or 1


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
        # Written like every output, so a kill here leaves only a temp file the sweep removes.
        probe = out_dir / f".probe{TMP_SUFFIX}"
        atomic_write_bytes(probe, b"")
        probe.unlink()
    except OSError as exc:
        raise OutputError(
            f"can't write to {out_dir} ({exc.strerror or type(exc).__name__}); choose a "
            "writable OUT_DIR or fix its permissions"
        ) from exc


def _sweep_temp_files(out_dir: Path) -> None:
    """Remove the temporary files a killed run left behind (``denialparse.files``' suffix)."""
    for dirpath, _dirs, files in os.walk(out_dir):
        for name in files:
            if name.startswith(".") and name.endswith(TMP_SUFFIX):
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


def _exclude(in_dir: Path, out_dir: Path) -> Path | None:
    """OUT_DIR when it lies inside IN_DIR (it is not walked), else None."""
    return out_dir if out_dir.resolve().is_relative_to(in_dir.resolve()) else None


class _Engine:
    """The loop: find files, plan, keep the workers fed, record what finishes."""

    def __init__(
        self,
        in_dir: Path,
        settings: RunSettings,
        journal: Journal,
        contents: JournalContents,
        bar: _Progress,
        stop: threading.Event,
    ) -> None:
        self.in_dir = in_dir
        self.settings = settings
        self.journal = journal
        self.finished = contents.finished
        self.rows = RunRows()
        self.planner = Planner(
            settings, contents.finished, FolderAllocator(contents.folders), self.rows
        )
        self.scanner = Scanner(in_dir, exclude=_exclude(in_dir, settings.out_dir))
        self.bar = bar
        self.stop = stop
        self.pending: deque[LetterJob] = deque()
        self.inflight: dict[Future[FinishedLetter], LetterJob] = {}
        # Letters in flight when a worker died: rerun one at a time to find the culprit.
        self.suspects: deque[LetterJob] = deque()
        self.processed = 0
        self.reused = 0
        self.redrafted = 0
        self._last_manifest = time.monotonic()

    def run(self, backend: Backend, *, watch: bool, poll: float, settle: float) -> None:
        """Until every letter is done (or, watching, until ``stop``)."""
        self._enqueue(self.scanner.scan())
        next_scan = time.monotonic() + poll
        while True:
            if self.stop.is_set():
                self.pending.clear()
                self.suspects.clear()
            self._feed(backend)
            if self._idle() and (not watch or self.stop.is_set()):
                break
            self._collect(backend, timeout=min(poll, 0.5))
            now = time.monotonic()
            if watch and not self.stop.is_set() and now >= next_scan:
                self._enqueue(self.scanner.scan(settle))
                next_scan = now + poll
            # Periodically while busy (a crash leaves a usable manifest), and as soon as the
            # queue drains (watch mode: the manifest is current while waiting for letters).
            if self._idle() or now - self._last_manifest >= MANIFEST_EVERY_S:
                self.write_manifest()
                self._last_manifest = now

    def _idle(self) -> bool:
        return not (self.inflight or self.pending or self.suspects)

    def _enqueue(self, found: list[Found]) -> None:
        """Plan newly found files: jobs join the queue, the others are final at once."""
        if not found:
            return
        for f in found:
            if self.rows.has(f.rel):  # watch mode: a file that changed after it was done
                self.rows.forget(f.rel)
        decisions = self.planner.plan(found)
        self.bar.add(len(decisions))
        for d in decisions:
            if d.job is not None:
                self.pending.append(d.job)
                continue
            if d.action is Action.DONE:
                self.reused += 1
            self.bar.done(d.status or DUPLICATE)

    def _feed(self, backend: Backend) -> None:
        if self.suspects:
            if not self.inflight:
                job = self.suspects.popleft()
                self.inflight[backend.submit(job)] = job
            return
        while self.pending and len(self.inflight) < backend.capacity:
            job = self.pending.popleft()
            self.inflight[backend.submit(job)] = job

    def _collect(self, backend: Backend, timeout: float) -> None:
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
                finished = fut.result()
            except BrokenProcessPool:
                broken = True
                self._worker_died(job, alone=alone)
                continue
            except (Exception, SystemExit) as exc:  # noqa: BLE001 - lost Dask worker, sys.exit()
                finished = fail_letter(job, errors.internal(exc))
            self._record(finished)
        if broken:
            # The pool is unusable: every letter in it comes back as broken too.
            for fut, job in list(self.inflight.items()):
                self.inflight.pop(fut)
                self._worker_died(job, alone=alone)
            log.warning("a worker process died; restarting the pool")
            backend.restart()

    def _worker_died(self, job: LetterJob, *, alone: bool) -> None:
        """A worker died (killed, out of memory, a crash in native code) with ``job`` in flight.

        With other letters in flight we can't tell which one killed it: each is rerun alone.
        A letter that kills a worker on its own is failed.
        """
        if alone:
            reason = stopped_by_bound(job) or errors.worker_died()
            self._record(fail_letter(job, reason))
        else:
            self.suspects.append(job)

    def _record(self, finished: FinishedLetter) -> None:
        """A finished letter: journal line (fsynced), then its manifest row."""
        rec = Record(
            sha256=finished.sha256,
            path=finished.rel,
            output_dir=finished.output_dir,
            status=str(finished.row["status"]),
            retryable=finished.retryable,
            options_key=self.settings.options_key,
            appeal_key=self.settings.appeal_key,
            row=finished.row,
        )
        self.journal.append(rec)
        self.finished.put(rec)
        self.rows.set(finished.rel, finished.row)
        self.processed += 1
        self.redrafted += finished.redrafted
        self.bar.done(str(finished.row["status"]), finished.seconds)
        log.debug("finished %s: %s", finished.rel, finished.row["status"])

    def manifest_rows(self) -> list[Row]:
        """This run's rows, sorted as in the manifest."""
        journal_rows = {rec.sha256: rec.row for rec in self.finished.records()}
        return self.rows.sorted_rows(journal_rows)

    def write_manifest(self, *, force: bool = False) -> None:
        """Rewrite the manifest (if anything changed since the last time, or ``force``)."""
        if force or self.rows.changed:
            write_manifest(self.settings.out_dir, self.manifest_rows())
            self.rows.changed = False

    def summary(self, started: float, *, interrupted: bool) -> BatchSummary:
        """Counts by status and the failures, from the rows as the manifest has them."""
        out_dir = self.settings.out_dir
        rows = self.manifest_rows()
        summary = BatchSummary(
            in_dir=self.in_dir,
            out_dir=out_dir,
            total=len(rows),
            processed=self.processed,
            reused=self.reused,
            redrafted=self.redrafted,
            elapsed=round(time.monotonic() - started, 2),
            interrupted=interrupted,
            manifest_csv=out_dir / MANIFEST_CSV,
            manifest_jsonl=out_dir / MANIFEST_JSONL,
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
            self._start()

    def _start(self) -> None:
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
    redrafted = f", {summary.redrafted} of them appeals only" if summary.redrafted else ""
    lines = [
        (
            f"{head}: {summary.total} letters in {summary.elapsed:.1f} s "
            f"({summary.processed} processed{redrafted}, {rate:.1f} letters/min; "
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
    "BatchSummary",
    "run_batch",
    "summary_table",
]
