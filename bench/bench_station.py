"""Benchmark the front desk (``denialparse serve``) as a browser uses it, over HTTP.

1. Upload -> review page ready, born-digital PDF, warm (workers already loaded): the time from
   sending the upload to having the review page with its fields, for each of the samples'
   born-digital letters (each one new bytes). The page is polled as the review page's script
   does (``status.json?wait=15``: the station answers as soon as the letter is read).
2. 20 scanned letters uploaded in one request: none lost (20 new letters, each read or failed
   with its line), all processed, and the worklist page's answer time while they are read
   (one GET every 0.25 s from a second client).

The station runs as a child process (``serve --jobs N``) on a free loopback port with a fresh
data folder. Scans are the samples' ``scan.pdf`` files, each copy made unique by a PDF comment
after ``%%EOF`` (same pages, different bytes, so none is a duplicate).

Usage::

    OMP_THREAD_LIMIT=1 .venv/bin/python bench/bench_station.py [--scans 20] [--jobs 1] [--json]

Goals (issue 10): born-digital upload -> review page <= 0.3 s (warm); 20 scans: none lost, all
processed, worklist < 200 ms meanwhile.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
from denialparse_dev.station_client import StationProcess  # the tests' HTTP client

SAMPLES = ROOT / "samples"
IN_FLIGHT = ("queued", "reading")


def _letter_ids(station: StationProcess) -> set[int]:
    import re

    return {int(n) for n in re.findall(r'data-letter="(\d+)"', station.get("/").read().decode())}


def born_digital(station: StationProcess) -> list[float]:
    """Seconds from upload to review page with fields, per born-digital sample letter."""
    timings = []
    for path in sorted(SAMPLES.glob("*/letter.pdf")):
        started = time.perf_counter()
        url = station.upload(path)  # the station redirects to the new letter's review page
        letter_id = int(url.rstrip("/").rsplit("/", 1)[-1])
        while station.json(f"/letters/{letter_id}/status.json?wait=15")["status"] in IN_FLIGHT:
            pass  # the long poll the review page's script makes
        page = station.get(f"/letters/{letter_id}/").read()
        timings.append(time.perf_counter() - started)
        assert b'id="f-member_id"' in page, path
    return timings


def scans(station: StationProcess, count: int, work: Path) -> dict[str, Any]:
    """Upload ``count`` scans at once; time the worklist meanwhile; check none is lost."""
    originals = sorted(SAMPLES.glob("*/scan.pdf"))
    files = []
    for i in range(count):
        copy = work / f"scan-{i:02d}.pdf"
        copy.write_bytes(originals[i % len(originals)].read_bytes() + f"\n%bench {i}\n".encode())
        files.append(copy)
    before = _letter_ids(station)
    latencies: list[float] = []
    done = threading.Event()
    watcher = StationProcess(station.data, station.port)  # a second browser, own session

    def watch_worklist() -> None:
        while not done.is_set():
            t = time.perf_counter()
            watcher.get("/").read()
            latencies.append(time.perf_counter() - t)
            done.wait(0.25)

    thread = threading.Thread(target=watch_worklist, daemon=True)
    started = time.perf_counter()
    thread.start()
    station.upload(*files)
    uploaded = time.perf_counter() - started
    new = sorted(_letter_ids(station) - before)
    statuses: dict[int, str] = {}
    for letter_id in new:
        statuses[letter_id] = station.wait_status(letter_id, {"to_review", "failed"}, timeout=3600)
    total = time.perf_counter() - started
    done.set()
    thread.join()
    latencies.sort()
    return {
        "scans": count,
        "new_letters": len(new),
        "read": sum(s == "to_review" for s in statuses.values()),
        "failed": sum(s == "failed" for s in statuses.values()),
        "upload_s": round(uploaded, 2),
        "all_read_s": round(total, 1),
        "worklist_requests": len(latencies),
        "worklist_ms_median": round(statistics.median(latencies) * 1000, 1),
        "worklist_ms_p95": round(latencies[int(len(latencies) * 0.95) - 1] * 1000, 1),
        "worklist_ms_max": round(latencies[-1] * 1000, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scans", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=None, help="serve --jobs [cores - 1]")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-station-") as tmp:
        work = Path(tmp)
        extra = ("--jobs", str(args.jobs)) if args.jobs else ()
        station = StationProcess(work / "data")
        station.extra = extra
        t = time.perf_counter()
        station.start()
        startup = time.perf_counter() - t
        try:
            # Warm: the worker's first PDF (pdfium, caches), the session's CSRF token.
            station.upload(SAMPLES / "scan_cigna_cimt.pdf")
            station.wait_status(1, {"to_review"}, timeout=600)
            timings = born_digital(station)
            result: dict[str, Any] = {
                "startup_s": round(startup, 2),
                "born_digital_letters": len(timings),
                "upload_to_review_ms_median": round(statistics.median(timings) * 1000, 1),
                "upload_to_review_ms_max": round(max(timings) * 1000, 1),
                **(scans(station, args.scans, work) if args.scans else {}),
            }
        finally:
            station.stop()
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"station start (workers loaded): {result['startup_s']} s")
    print(
        f"born-digital upload -> review page, warm, {result['born_digital_letters']} letters: "
        f"median {result['upload_to_review_ms_median']} ms, max {result['upload_to_review_ms_max']} ms"
        f"  (goal <= 300 ms)"
    )
    if not args.scans:
        return
    print(
        f"{result['scans']} scans in one upload ({result['upload_s']} s): {result['new_letters']} "
        f"new letters, {result['read']} read, {result['failed']} failed, all done in "
        f"{result['all_read_s']} s"
    )
    print(
        f"worklist while reading ({result['worklist_requests']} GETs): median "
        f"{result['worklist_ms_median']} ms, p95 {result['worklist_ms_p95']} ms, max "
        f"{result['worklist_ms_max']} ms  (goal < 200 ms)"
    )


if __name__ == "__main__":
    main()
