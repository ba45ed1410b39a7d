"""Benchmark the mailroom batch: throughput with --jobs 1 vs 2, peak memory per worker.

Makes N one-page 300-dpi scans (PNG, rendered with Pillow from the samples' ``letter.txt``, each
letter different so none is a duplicate), then runs ``run_batch`` on them once per ``--jobs``
value, each time into a fresh OUT_DIR, with the real pipeline (OCR, extraction, appeal).

Reported per run: wall time (including the pool start and each worker loading the pipeline),
letters per minute over the wall time and "steady" (first to last letter finishing, i.e. without
the start-up), the speed-up over the first run, CPU seconds per letter summed over every
descendant process (workers and tesseract; ~0.1 s sampling, so short tesseract runs are slightly
under-counted), and peak RSS (``VmHWM`` from ``/proc/<pid>/status``) of the worker processes and
of tesseract. "machine x" calibrates the machine right after each run: N CPU-bound processes at
once vs one (a shared or throttled VM gives well under N); the batch's steady speed-up can only
be compared with that.

Usage::

    OMP_THREAD_LIMIT=1 .venv/bin/python bench/bench_batch.py [--letters 8] [--jobs 1 2] [--json]

Goals (issue 5): speed-up with 2 jobs >= 1.6x on 2 cores; peak RSS per worker < 600 MB.
Run it on a quiet machine: other load makes both numbers worse.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path
from typing import Any, Self

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
)


def make_scans(folder: Path, n: int) -> list[Path]:
    """Render ``n`` different one-page 300-dpi letter scans into ``folder``."""
    from PIL import Image, ImageDraw, ImageFont

    texts = sorted(SAMPLES.glob("*/letter.txt"))
    if not texts:
        raise SystemExit(f"no samples/*/letter.txt under {SAMPLES}")
    font_path = next((f for f in FONT_CANDIDATES if Path(f).is_file()), None)
    font = ImageFont.truetype(font_path, 40) if font_path else ImageFont.load_default(size=40)
    out = []
    for i in range(n):
        src = texts[i % len(texts)]
        lines: list[str] = []
        for para in src.read_text(encoding="utf-8").splitlines():
            lines += textwrap.wrap(para, 95) or [""]
        if i >= len(texts):  # more letters than samples: make the copy differ (no duplicate)
            lines.insert(0, f"Batch copy {i}")
        page = Image.new("L", (2550, 3300), 255)  # US Letter at 300 dpi
        draw = ImageDraw.Draw(page)
        y = 150
        for line in lines[:62]:
            draw.text((150, y), line, font=font, fill=0)
            y += 50
        path = folder / f"{i:02d}_{src.parent.name}.png"
        page.save(path, dpi=(300, 300))
        out.append(path)
    return out


class PeakSampler:
    """Samples every descendant process: VmHWM, CPU time; and when letters finish.

    Finish times come from the batch journal (one line per finished letter), so the steady
    rate leaves out the pool start and each worker loading the pipeline.
    """

    def __init__(self, journal: Path) -> None:
        self.peaks: dict[int, tuple[str, int]] = {}
        self.cpu: dict[int, float] = {}
        self.finished: list[tuple[float, int]] = []
        self._journal = journal
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        import psutil

        me = psutil.Process()
        while not self._stop.is_set():
            lines = _count_lines(self._journal)
            if not self.finished or lines != self.finished[-1][1]:
                self.finished.append((time.perf_counter(), lines))
            for child in me.children(recursive=True):
                hwm = _vm_hwm_kb(child.pid)
                if hwm is None:
                    continue
                try:
                    name = child.name()
                    times = child.cpu_times()
                    self.cpu[child.pid] = times.user + times.system
                except psutil.Error:
                    continue
                old = self.peaks.get(child.pid, (name, 0))[1]
                self.peaks[child.pid] = (name, max(old, hwm))
            self._stop.wait(0.1)

    def peak_mb(self, kind: str) -> float | None:
        values = [
            kb
            for name, kb in self.peaks.values()
            if (kind == "tesseract") == name.startswith("tesseract")
        ]
        return round(max(values) / 1024, 1) if values else None

    def steady_per_min(self) -> float | None:
        """Letters per minute between the first and the last letter finishing."""
        done = [(t, n) for t, n in self.finished if n > 0]
        if len(done) < 2 or done[-1][1] == done[0][1]:
            return None
        (t0, n0), (t1, n1) = done[0], done[-1]
        return round((n1 - n0) / (t1 - t0) * 60, 1)


def _count_lines(path: Path) -> int:
    try:
        return path.read_bytes().count(b"\n")
    except OSError:
        return 0


def _vm_hwm_kb(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


SPIN = "x = 0\nfor i in range(12_000_000):\n    x += i * i\n"


def machine_speedup(jobs: int) -> float:
    """What the machine itself gives: N CPU-bound processes at once vs one, in throughput.

    On a shared or throttled VM this is well under N; the batch can't beat it.
    """
    import subprocess

    def spin(n: int) -> float:
        started = time.perf_counter()
        procs = [subprocess.Popen([sys.executable, "-c", SPIN]) for _ in range(n)]
        for proc in procs:
            proc.wait()
        return time.perf_counter() - started

    one = spin(1)
    return round(jobs * one / spin(jobs), 2)


def run_once(in_dir: Path, out_dir: Path, jobs: int) -> dict[str, Any]:
    """One batch run; returns the numbers."""
    from denialparse.batch import run_batch

    with PeakSampler(out_dir / ".denialparse" / "state.jsonl") as sampler:
        started = time.perf_counter()
        summary = run_batch(in_dir, out_dir, jobs=jobs, progress=False)
        wall = time.perf_counter() - started
    return {
        "jobs": jobs,
        "letters": summary.processed,
        "failed": summary.failed,
        "wall_s": round(wall, 2),
        "letters_per_min": round(summary.processed / wall * 60, 1),
        "steady_letters_per_min": sampler.steady_per_min(),
        "cpu_s_per_letter": round(sum(sampler.cpu.values()) / max(summary.processed, 1), 2),
        "peak_worker_rss_mb": sampler.peak_mb("python"),
        "peak_tesseract_rss_mb": sampler.peak_mb("tesseract"),
    }


def main() -> None:
    """Make the scans, run the batch per --jobs value, print the table (or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=8)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    os.environ["OMP_THREAD_LIMIT"] = "1"
    with tempfile.TemporaryDirectory(prefix="bench_batch.") as tmp:
        in_dir = Path(tmp) / "in"
        in_dir.mkdir()
        make_scans(in_dir, args.letters)
        runs = []
        for k, jobs in enumerate(args.jobs):
            run = run_once(in_dir, Path(tmp) / f"out{jobs}_{k}", jobs)
            run["machine_speedup"] = machine_speedup(jobs)  # measured right after, same load
            runs.append(run)
    base = runs[0]["wall_s"]
    for r in runs:
        r["speedup"] = round(base / r["wall_s"], 2) if r["wall_s"] else None
        steady0, steady = runs[0]["steady_letters_per_min"], r["steady_letters_per_min"]
        r["steady_speedup"] = round(steady / steady0, 2) if steady0 and steady else None
    if args.json:
        print(json.dumps({"cpus": os.cpu_count(), "load": os.getloadavg(), "runs": runs}, indent=2))
        return
    print(
        f"{args.letters} one-page 300-dpi scans; {os.cpu_count()} CPUs; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print(
        f"{'jobs':>4} {'wall s':>7} {'letters/min':>11} {'steady/min':>10} {'speed-up':>8} "
        f"{'steady x':>8} {'machine x':>9} {'cpu s/letter':>12} {'worker MB':>9} "
        f"{'tesseract MB':>12} {'failed':>6}"
    )
    for r in runs:
        print(
            f"{r['jobs']:>4} {r['wall_s']:>7} {r['letters_per_min']:>11} "
            f"{r['steady_letters_per_min']!s:>10} {r['speedup']:>8} {r['steady_speedup']!s:>8} "
            f"{r['machine_speedup']:>9} {r['cpu_s_per_letter']:>12} "
            f"{r['peak_worker_rss_mb']!s:>9} {r['peak_tesseract_rss_mb']!s:>12} {r['failed']:>6}"
        )


if __name__ == "__main__":
    sys.exit(main())
