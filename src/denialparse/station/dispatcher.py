"""The dispatcher: one thread in the server process that feeds queued letters to the resident
worker processes and records what they send back.

Job state lives in the database, so a killed server loses nothing: at start every letter left
``queued`` or ``reading`` is queued again. At most ``jobs`` letters are ``reading`` at a time (so
the status tells the truth); the rest wait ``queued`` in upload order.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from django.db import close_old_connections

from denialparse.options import Options
from denialparse.station import letters, runtime, work
from denialparse.station.models import IN_FLIGHT, Letter, Status

log = logging.getLogger(__name__)

CRASHED = (
    "the reader stopped while reading this letter (it crashed or ran out of memory); "
    "press Read again, or delete the letter"
)


def requeue_in_flight() -> int:
    """Queue again what a killed server left queued or reading; return how many."""
    return Letter.objects.filter(status__in=IN_FLIGHT).update(status=Status.QUEUED)


class Dispatcher:
    """Runs letters through a ``ProcessPoolExecutor`` whose workers keep the pipeline loaded.

    The workers are started with ``spawn`` (a fork of a threaded web server can inherit held
    locks) and load the pipeline in their initializer, once.
    """

    def __init__(self, jobs: int, options: Options) -> None:
        self.jobs = max(1, jobs)
        # One OCR process per worker: the workers already use the cores.
        self.options = options.model_copy(update={"ocr_jobs": 1})
        self._pool: ProcessPoolExecutor | None = None
        # future -> (letter id, generation of the pool it was sent to)
        self._in_flight: dict[Future[work.Outcome], tuple[int, int]] = {}
        self._generation = 0
        self._lock = threading.Lock()
        self._wake: Future[None] = Future()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="dispatcher", daemon=True)

    def start(self, *, warm: bool = True) -> None:
        """Requeue leftovers, start the workers (loading the pipeline) and the thread."""
        n = requeue_in_flight()
        if n:
            log.info("queued again %d letter(s) left in flight by the last run", n)
        self._pool = self._new_pool()
        if warm:  # load the pipeline now, not on the first letter
            for f in [self._pool.submit(work.warm_up) for _ in range(self.jobs)]:
                f.result()
        self._thread.start()

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.jobs,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=work.start_worker,
            initargs=(self.options,),
        )

    def wake(self) -> None:
        """Tell the thread that letters were queued (called after the row is committed)."""
        with self._lock:
            if not self._wake.done():
                self._wake.set_result(None)

    def stop(self) -> None:
        """Stop taking letters; letters still reading stay ``reading`` and are redone next start.

        The workers are terminated rather than waited for: their letters are read again at the
        next start anyway, and a service stop should not wait for a long OCR.
        """
        self._stop.set()
        self.wake()
        self._thread.join(timeout=10)
        if self._pool is not None:
            # ProcessPoolExecutor has no public way to stop a running task; _processes is the
            # pid -> Process map CPython has kept since 3.2.
            workers = list(getattr(self._pool, "_processes", {}).values())
            self._pool.shutdown(wait=False, cancel_futures=True)
            for worker in workers:
                worker.terminate()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._fill()
                with self._lock:
                    if self._wake.done():
                        self._wake = Future()
                    waiting = [*self._in_flight, self._wake]
                done, _ = wait(waiting, timeout=5, return_when=FIRST_COMPLETED)
                for future in done:
                    if future in self._in_flight:
                        self._finish(future)
            except Exception:  # the loop must outlive any one letter's problem
                log.exception("dispatcher step failed")
                self._stop.wait(1)
            finally:
                close_old_connections()

    def _fill(self) -> None:
        free = self.jobs - len(self._in_flight)
        if free <= 0 or self._pool is None:
            return
        queued = list(
            Letter.objects.filter(status=Status.QUEUED).order_by("created_at", "id")[:free]
        )
        for letter in queued:
            if not Letter.objects.filter(pk=letter.pk, status=Status.QUEUED).update(
                status=Status.READING
            ):
                continue  # deleted meanwhile
            path = str(letters.original_path(letter))
            try:
                future = self._pool.submit(work.read_letter, path)
            except BrokenProcessPool:
                self._restart_pool()
                future = self._pool.submit(work.read_letter, path)
            self._in_flight[future] = (letter.pk, self._generation)

    def _finish(self, future: Future[work.Outcome]) -> None:
        letter_id, generation = self._in_flight.pop(future)
        letter = Letter.objects.filter(pk=letter_id).first()
        try:
            outcome = future.result()
        except BrokenProcessPool:
            if generation == self._generation:  # every letter of a broken pool lands here
                self._restart_pool()
            if letter is not None:
                reason = work.stopped_by_bound(str(letters.original_path(letter)))
                letters.record_failure(letter, reason or CRASHED)
                runtime.letter_finished()
            return
        if letter is None or letter.status != Status.READING:
            return  # deleted (or re-queued) while it was being read
        if outcome.result is not None:
            letters.record_read(letter, outcome.result, outcome.seconds)
            log.info("letter %d read in %.2f s", letter_id, outcome.seconds)
        else:
            letters.record_failure(letter, outcome.message)
            log.info("letter %d failed: %s", letter_id, outcome.code)
        runtime.letter_finished()

    def _restart_pool(self) -> None:
        log.warning("a worker process died; starting new workers")
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = self._new_pool()
        self._generation += 1
