"""The mailroom batch: every letter under IN_DIR, one output folder per letter, a manifest.

Import from here: ``from denialparse.batch import run_batch, summary_table``. The modules, one
job each, in the order a letter meets them:

- ``walker``: walking IN_DIR (skip rules, settling in watch mode, hashing);
- ``planner``: what to do with each file (new, duplicate, redo, redraft; output folders);
- ``worker``: the per-letter work run in worker processes (``run_letter``);
- ``backends``: where workers run (a local process pool, or Dask with the ``cluster`` extra);
- ``outputs``: a letter's folder (``result.json``, ``appeal.docx``);
- ``journal``: the fsynced journal of finished letters that makes reruns skip work;
- ``manifest``: the rows, their order, ``manifest.csv`` and ``manifest.jsonl``;
- ``engine``: ``run_batch`` (the loop, signals, progress, the summary).

See ``docs/batch.md``.
"""

from denialparse.batch.backends import SchedulerError
from denialparse.batch.engine import BatchSummary, run_batch, summary_table
from denialparse.batch.worker import (
    ApiProcessor,
    FinishedLetter,
    LetterJob,
    LetterProcessor,
    run_letter,
)

__all__ = [
    "ApiProcessor",
    "BatchSummary",
    "FinishedLetter",
    "LetterJob",
    "LetterProcessor",
    "SchedulerError",
    "run_batch",
    "run_letter",
    "summary_table",
]
