"""bounds.py: one letter's memory and CPU, own and its children's, end in exit 4 with one line."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest

from denialparse import bounds

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def _watch(limits: bounds.Bounds, work, timeout: float = 10.0) -> list[bounds.Breach]:
    hit: list[bounds.Breach] = []
    seen = threading.Event()

    def on_breach(breach: bounds.Breach) -> None:
        hit.append(breach)
        seen.set()

    with bounds.letter_bounds(limits, on_breach):
        work(seen, timeout)
    return hit


def _busy(seen: threading.Event, timeout: float) -> None:
    end = time.monotonic() + timeout
    while not seen.is_set() and time.monotonic() < end:
        sum(range(10_000))


def test_memory_over_the_bound_is_a_breach() -> None:
    hit = _watch(bounds.Bounds(memory_bytes=10 * 2**20, cpu_seconds=60), _busy)
    assert [b.what for b in hit] == ["memory"]
    assert "MB of memory" in hit[0].message("letter.pdf")


def test_cpu_of_the_process_over_the_bound_is_a_breach() -> None:
    hit = _watch(bounds.Bounds(memory_bytes=2**40, cpu_seconds=0.3), _busy)
    assert [b.what for b in hit] == ["cpu"]
    assert hit[0].used > 0.3


def test_cpu_of_a_running_child_counts_and_the_child_is_killed() -> None:
    child = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:

        def wait(seen: threading.Event, timeout: float) -> None:
            seen.wait(timeout)

        hit = _watch(bounds.Bounds(memory_bytes=2**40, cpu_seconds=0.5), wait)
        assert [b.what for b in hit] == ["cpu"]
        assert child.pid in bounds.children()
        bounds.kill_children()
        assert child.wait(timeout=5) == -9
    finally:
        child.kill()
        child.wait()


def test_no_breach_within_the_bounds() -> None:
    def brief(seen: threading.Event, timeout: float) -> None:
        time.sleep(0.3)

    assert _watch(bounds.Bounds(), brief) == []


def test_the_cli_handler_exits_4_with_one_line() -> None:
    script = (
        "from denialparse import bounds\n"
        "with bounds.letter_bounds(bounds.Bounds(cpu_seconds=0.5), "
        "bounds.cli_breach_handler('poison.pdf')):\n"
        "    while True: sum(range(1000))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, timeout=60, check=False
    )
    lines = proc.stderr.decode().splitlines()
    assert proc.returncode == 4
    assert len(lines) == 1 and lines[0].startswith("denialparse: error: poison.pdf: "), lines


def test_a_worker_records_the_failure_then_ends_with_exit_4(tmp_path) -> None:
    marker = tmp_path / "failed.txt"
    script = (
        "from pathlib import Path\n"
        "from denialparse import bounds\n"
        "def record(breach, line):\n"
        f"    Path({str(marker)!r}).write_text(breach.what + ': ' + line)\n"
        "with bounds.letter_bounds(bounds.Bounds(cpu_seconds=0.5), "
        "bounds.worker_breach_handler('poison.pdf', record)):\n"
        "    while True: sum(range(1000))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, timeout=60, check=False
    )
    assert proc.returncode == 4
    assert marker.read_text().startswith("cpu: poison.pdf: ")
