"""Bounds on one letter: memory and CPU, so one poisoned file can't take the machine down.

Ingest refuses what it can see coming (sizes, pages, pixels, stream bombs, text length); this
is the safety net for what it can't: a decoder that goes wild on input no check foresaw. A
watchdog thread samples the process and its children (the tesseract processes) every 0.1 s:
resident memory (own + children) and CPU seconds (own + children, reaped or running) since the
letter started. Past a bound it kills the children and ends the process with the contract's
exit 4 and one line, through ``on_breach``.

The CLI guards each ``extract``/``appeal`` with :func:`letter_bounds` (the default ``on_breach``
prints the line and exits 4). A long-lived worker (batch, the station) calls
:func:`letter_bounds` around each letter with its own ``on_breach`` that records the failed
letter and then ends the worker with :func:`exit_now`; the pool replaces the worker and goes on.
``RLIMIT_CPU`` (:func:`process_limits`) is the backstop when the watchdog can't run (a C
call that holds the GIL): the kernel stops the process a few seconds past the bound.
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from denialparse.exceptions import ExitCode
from denialparse.options import Options

# How often the watchdog looks (seconds): about 0.1 ms of CPU a look.
_INTERVAL = 0.05
# The kernel's RLIMIT_CPU backstop: this many seconds past the watchdog's bound.
_BACKSTOP_SECONDS = 5
_PAGE = os.sysconf("SC_PAGE_SIZE")
_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Bounds:
    """What one letter may use.

    Attributes:
        memory_bytes: resident memory of the process and its children together.
        cpu_seconds: CPU time of the process and its children since the letter started.
    """

    # The defaults are Options' (the one place a limit is set, with why it is that number).
    memory_bytes: int = Options.model_fields["max_memory_bytes"].default
    cpu_seconds: float = Options.model_fields["max_cpu_seconds"].default

    @classmethod
    def from_options(cls, options: Options) -> Bounds:
        """The bounds in ``Options`` (``max_memory_bytes``, ``max_cpu_seconds``)."""
        return cls(memory_bytes=options.max_memory_bytes, cpu_seconds=options.max_cpu_seconds)


@dataclass(frozen=True)
class Breach:
    """A bound that was hit: which, and by how much."""

    what: str  # "memory" or "cpu"
    used: float
    limit: float

    def message(self, letter: Path | str) -> str:
        """The one line for the user (exit 4)."""
        if self.what == "memory":
            amount = f"more than {self.limit / 2**20:.0f} MB of memory"
        else:
            amount = f"more than {self.limit:.0f} s of CPU"
        return (
            f"{letter}: reading it needed {amount}, so it was stopped: this file is not an "
            "ordinary letter; re-export or rescan it"
        )


def exit_now(line: str, code: int = int(ExitCode.INPUT_FILE)) -> None:
    """Kill our children, print ``line`` on stderr (fd 2, no Python buffers) and ``_exit``.

    For use from the watchdog thread: the main thread may be deep in a C call, so nothing here
    waits for it (no exceptions, no atexit, no buffered streams).
    """
    kill_children()
    with contextlib.suppress(OSError):
        os.write(2, (line.rstrip("\n") + "\n").encode("utf-8", "replace"))
    os._exit(code)


def cli_breach_handler(letter: Path | str) -> Callable[[Breach], None]:
    """The CLI's ``on_breach``: the contract's one line with ``denialparse: error:``, exit 4."""

    def handle(breach: Breach) -> None:
        exit_now(f"denialparse: error: {breach.message(letter)}")

    return handle


def worker_breach_handler(
    letter: Path | str, record_failure: Callable[[Breach, str], None]
) -> Callable[[Breach], None]:
    """``on_breach`` for a pool worker: record the letter as failed, then end the worker.

    Args:
        letter: the letter in hand (for the line).
        record_failure: called with the breach and its one line; writes the letter's failed
            result (atomically) so the parent can report the real reason. Errors in it are
            swallowed: the worker must end either way.
    """

    def handle(breach: Breach) -> None:
        line = breach.message(letter)
        with contextlib.suppress(Exception):
            record_failure(breach, line)
        exit_now(f"denialparse: error: {line}")

    return handle


@contextlib.contextmanager
def letter_bounds(bounds: Bounds, on_breach: Callable[[Breach], None]) -> Iterator[None]:
    """Watch the process while one letter is processed; call ``on_breach`` past a bound.

    ``on_breach`` runs in the watchdog thread and must not return normally expecting the letter
    to stop: end the process (``exit_now``). If it returns, the watchdog stops watching.

    Args:
        bounds: the memory and CPU this letter may use.
        on_breach: called once with the bound that was hit.
    """
    watchdog = _Watchdog(bounds, on_breach)
    watchdog.start()
    try:
        yield
    finally:
        watchdog.stop()


@contextlib.contextmanager
def process_limits(bounds: Bounds, *, kernel_backstop: bool) -> Iterator[None]:
    """The kernel's CPU backstop for one letter, given back afterwards.

    ``RLIMIT_CPU`` counts the whole process life, so the soft limit is set to the CPU already
    used plus the bound (plus a margin); SIGXCPU there ends the process with exit 4 and one
    line. With ``kernel_backstop`` (the ``denialparse`` process itself, which ends after the
    letter) the hard limit follows, so the kernel stops the process even when the watchdog and
    the signal handler can't run (a C call holding the GIL). Without it (the CLI called inside
    a longer-lived process, e.g. tests) only the soft limit is set, and both the limit and the
    signal handler are restored on the way out. Long-lived workers rely on the watchdog alone.
    """
    used = cpu_used_by_self()
    soft = int(used + bounds.cpu_seconds) + _BACKSTOP_SECONDS
    previous_limit = None
    previous_handler = None
    with contextlib.suppress(ValueError, OSError):
        previous_limit = resource.getrlimit(resource.RLIMIT_CPU)
        _, hard = previous_limit
        if hard == resource.RLIM_INFINITY or hard > soft:
            new_hard = soft + _BACKSTOP_SECONDS if kernel_backstop else hard
            resource.setrlimit(resource.RLIMIT_CPU, (soft, new_hard))
    with contextlib.suppress(ValueError, OSError):
        previous_handler = signal.signal(signal.SIGXCPU, _on_sigxcpu)
    try:
        yield
    finally:
        if not kernel_backstop:
            if previous_limit is not None:
                with contextlib.suppress(ValueError, OSError):
                    resource.setrlimit(resource.RLIMIT_CPU, previous_limit)
            if previous_handler is not None:
                with contextlib.suppress(ValueError, OSError):
                    signal.signal(signal.SIGXCPU, previous_handler)


def cpu_used_by_self() -> float:
    """CPU seconds this process has used so far (user + system)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _on_sigxcpu(signum: int, frame: object) -> None:
    exit_now(
        "denialparse: error: reading the letter used up its CPU time: it is not an "
        "ordinary letter; re-export or rescan it"
    )


# ---------------------------------------------------------------------------------------------
# measuring


def children() -> list[int]:
    """Process ids of our direct children (every thread's), from /proc."""
    pids: list[int] = []
    with contextlib.suppress(OSError):
        for task in os.listdir("/proc/self/task"):
            with contextlib.suppress(OSError):
                text = Path(f"/proc/self/task/{task}/children").read_text()
                pids.extend(int(p) for p in text.split())
    return pids


def kill_children() -> None:
    """SIGKILL our children (tesseract): they must not outlive a letter that was stopped."""
    for pid in children():
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


def _rss(pid: str | int) -> int:
    try:
        fields = Path(f"/proc/{pid}/statm").read_text().split()
        return int(fields[1]) * _PAGE
    except (OSError, IndexError, ValueError):
        return 0


def _cpu_of(pid: int) -> float:
    """utime + stime of a running child, in seconds."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
        fields = text[text.rindex(")") + 2 :].split()
        return (int(fields[11]) + int(fields[12])) / _TICKS
    except (OSError, IndexError, ValueError):
        return 0.0


def memory_used() -> int:
    """Resident bytes of this process and its running children."""
    return _rss("self") + sum(_rss(pid) for pid in children())


def cpu_used() -> float:
    """CPU seconds of this process, its reaped children and its running children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    reaped = resource.getrusage(resource.RUSAGE_CHILDREN)
    running = sum(_cpu_of(pid) for pid in children())
    return own.ru_utime + own.ru_stime + reaped.ru_utime + reaped.ru_stime + running


class _Watchdog:
    def __init__(self, bounds: Bounds, on_breach: Callable[[Breach], None]) -> None:
        self.bounds = bounds
        self.on_breach = on_breach
        self.start_cpu = cpu_used()
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._watch, name="letter-bounds", daemon=True)

    def start(self) -> None:
        if sys.platform.startswith("linux"):  # /proc is where we look
            self.thread.start()

    def stop(self) -> None:
        self.done.set()
        if self.thread.is_alive():
            self.thread.join()

    def _watch(self) -> None:
        while not self.done.wait(_INTERVAL):
            breach = self.check()
            if breach is not None:
                self.on_breach(breach)
                return

    def check(self) -> Breach | None:
        memory = memory_used()
        if memory > self.bounds.memory_bytes:
            return Breach("memory", memory, self.bounds.memory_bytes)
        cpu = cpu_used() - self.start_cpu
        if cpu > self.bounds.cpu_seconds:
            return Breach("cpu", cpu, self.bounds.cpu_seconds)
        return None
