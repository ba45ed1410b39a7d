"""Where letters run: a local process pool, or a Dask distributed cluster (``--scheduler``).

Both take :class:`~denialparse.batch.worker.LetterJob` and give back futures of
:class:`~denialparse.batch.worker.FinishedLetter`; the engine doesn't know which it has. Dask is
an optional extra (``pip install 'denialparse[cluster]'``).
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import threading
import time
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any, Protocol

from denialparse.batch.worker import FinishedLetter, LetterJob, LetterProcessor, run_letter
from denialparse.exceptions import MissingDependencyError
from denialparse.options import Options

if TYPE_CHECKING:
    from concurrent.futures import Executor

log = logging.getLogger(__name__)


class SchedulerError(MissingDependencyError):
    """The Dask scheduler given with ``--scheduler`` can't be reached (exit 3)."""

    default_code = "scheduler_unreachable"


class Backend(Protocol):
    """Runs ``run_letter`` somewhere; ``capacity`` letters in flight keep it busy."""

    capacity: int

    def submit(self, job: LetterJob) -> Future[FinishedLetter]:
        """Start one letter."""

    def restart(self) -> None:
        """After a worker died: make the backend usable again."""

    def close(self, *, cancel: bool, wait: bool) -> None:
        """Stop; ``cancel`` drops letters not started, ``wait`` waits for those running."""


def open_backend(
    scheduler: str | None, jobs: int, processor: LetterProcessor, options: Options
) -> Backend:
    """The Dask backend on ``scheduler``, else a local pool of ``jobs`` processes.

    Raises:
        MissingDependencyError: ``scheduler`` given but the ``cluster`` extra isn't installed.
        SchedulerError: the scheduler can't be reached.
    """
    if scheduler:
        return DaskBackend(scheduler, processor, options)
    return LocalBackend(jobs, processor, options)


def require_dask() -> Any:
    """``dask.distributed.Client``, or the one line saying how to install it (exit 3).

    Raises:
        MissingDependencyError: the ``cluster`` extra is not installed.
    """
    try:
        from dask.distributed import Client
    except ImportError as exc:
        raise MissingDependencyError(
            "--scheduler needs Dask, which is not installed; "
            "pip install 'denialparse[cluster]' (or run without --scheduler)",
            code="missing_dask",
        ) from exc
    return Client


# --------------------------------------------------------------------------------------------
# A local process pool
# --------------------------------------------------------------------------------------------


class LocalBackend:
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

    def submit(self, job: LetterJob) -> Future[FinishedLetter]:
        return self._pool.submit(run_letter, job, self._processor)

    def restart(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = self._new_pool()

    def close(self, *, cancel: bool, wait: bool) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=cancel)


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


# --------------------------------------------------------------------------------------------
# A Dask cluster
# --------------------------------------------------------------------------------------------


class DaskBackend:
    """``run_letter`` on a Dask distributed cluster; letters and OUT_DIR on shared storage."""

    def __init__(self, address: str, processor: LetterProcessor, options: Options) -> None:
        client_class = require_dask()
        unreachable = SchedulerError(
            f"can't reach the Dask scheduler at {address}; start it (dask scheduler) or "
            "check --scheduler"
        )
        _probe_tcp(address, unreachable)
        try:
            self._client = client_class(address, timeout="10s", set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise unreachable from exc
        self._processor = processor
        self._executor = self._client.get_executor(pure=False)
        threads = sum(self._client.nthreads().values()) or 1
        self.capacity = 2 * threads
        with contextlib.suppress(Exception):
            self._client.run(_dask_warm_up, processor, options)

    def submit(self, job: LetterJob) -> Future[FinishedLetter]:
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
