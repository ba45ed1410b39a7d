"""What runs in the resident worker processes: the pipeline loaded once, then one letter a call.

No Django here: a worker gets a file path and returns plain data (picklable), and the
dispatcher thread in the server process writes it to the database. Reading reuses
``denialparse.api.process_letter``, the same path as ``extract`` and ``batch``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from denialparse import bounds
from denialparse.exceptions import DenialParseError
from denialparse.files import atomic_write_text
from denialparse.options import Options

log = logging.getLogger(__name__)

_options: Options | None = None
WORKER_NICENESS = 4


@dataclass(frozen=True)
class Outcome:
    """What a worker sends back for one letter."""

    result: dict[str, Any] | None  # the LetterResult JSON when read
    code: str = ""  # the error code when it could not be read
    message: str = ""  # its one line
    seconds: float = 0.0


def start_worker(options: Options) -> None:
    """Initializer of each worker process: load the pipeline once (~2 s), keep it resident.

    The worker (and the tesseract processes it starts) runs a few steps nicer than the web
    server, so pages answer at once while scans are OCRed.
    """
    global _options
    from denialparse.understanding.pipeline import load_pipeline

    with contextlib.suppress(OSError):
        os.nice(WORKER_NICENESS)
    _options = options
    load_pipeline(options.model_path)


def read_letter(path: str) -> Outcome:
    """Read one stored letter; an unreadable file is an ``Outcome`` with its line, not a raise."""
    from denialparse.api import process_letter
    from denialparse.understanding.pipeline import load_pipeline

    options = _options or Options()
    started = time.perf_counter()
    try:
        with _bounded(path, options):
            result = process_letter(path, options=options, nlp=load_pipeline(options.model_path))
    except DenialParseError as exc:
        return Outcome(None, exc.code, exc.message, time.perf_counter() - started)
    except Exception as exc:  # a reader bug must fail this letter, not the worker
        log.exception("reading a letter failed")
        return Outcome(
            None,
            "internal_error",
            f"internal error ({type(exc).__name__}) while reading; report it (no letter text "
            "in the log)",
            time.perf_counter() - started,
        )
    return Outcome(result.to_json_dict(), seconds=time.perf_counter() - started)


def bound_note(path: str) -> Path:
    """Where a worker stopped by a letter's bound leaves the reason, beside the stored letter."""
    return Path(f"{path}.bound")


def _bounded(path: str, options: Options) -> contextlib.AbstractContextManager[None]:
    """The letter's memory and CPU bounds: past one, the reason is noted and the worker ends;
    the dispatcher fails the letter with that line and starts new workers."""

    def note(breach: bounds.Breach, line: str) -> None:
        atomic_write_text(bound_note(path), line)

    handler = bounds.worker_breach_handler("the letter", note)
    return bounds.letter_bounds(bounds.Bounds.from_options(options), handler)


def stopped_by_bound(path: str) -> str | None:
    """The line a worker noted when this letter hit its bound (the note is then removed)."""
    note = bound_note(path)
    try:
        line = note.read_text(encoding="utf-8").strip()
    except OSError:
        return None
    note.unlink(missing_ok=True)
    return line or None


def warm_up() -> bool:
    """A no-op task: returns once the worker's initializer (the pipeline load) has run."""
    return True
