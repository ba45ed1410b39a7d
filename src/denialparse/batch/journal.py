"""The journal: ``OUT/.denialparse/state.jsonl``, one line per finished letter.

A line is appended and fsynced only after the letter's files are in place, so whatever the
journal says is done is done; a kill mid-append leaves a torn last line, which is dropped when
the journal is read back. It is what makes a rerun skip finished letters. ``OUT/.denialparse/lock``
(``flock``) keeps a second batch from writing the same journal.
"""

from __future__ import annotations

import io
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from denialparse.exceptions import OutputError
from denialparse.files import atomic_write_text

STATE_DIR = ".denialparse"
JOURNAL_NAME = "state.jsonl"
LOCK_NAME = "lock"
JOURNAL_VERSION = 1


@dataclass(frozen=True)
class Record:
    """One journal line: a letter whose outputs are in place."""

    sha256: str
    path: str
    """The letter's path relative to IN_DIR when it was done."""
    output_dir: str
    status: str
    retryable: bool
    """Whether a failure may go away on a retry with the same options."""
    options_key: str
    """``planner.options_key`` of the run that read the letter."""
    appeal_key: str
    """``planner.appeal_key`` of the run that drafted its appeal ("" in journals before it)."""
    row: dict[str, Any]
    """The letter's manifest row."""

    def to_json(self) -> str:
        """The journal line (without its newline)."""
        return json.dumps(
            {
                "v": JOURNAL_VERSION,
                "sha256": self.sha256,
                "path": self.path,
                "output_dir": self.output_dir,
                "status": self.status,
                "retryable": self.retryable,
                "options_key": self.options_key,
                "appeal_key": self.appeal_key,
                "row": self.row,
            },
            ensure_ascii=True,  # exact round trip, also for file names that aren't UTF-8
            sort_keys=True,
        )


def parse_record(line: str) -> Record | None:
    """A journal line back as a ``Record``; None for the torn last line of a killed run."""
    try:
        data = json.loads(line)
        return Record(
            sha256=data["sha256"],
            path=data["path"],
            output_dir=data["output_dir"],
            status=data["status"],
            retryable=bool(data["retryable"]),
            options_key=data["options_key"],
            appeal_key=data.get("appeal_key", ""),
            row=data["row"],
        )
    except (ValueError, KeyError, TypeError):
        return None


class FinishedLetters:
    """The journal's records that still count: one per sha256, one per output folder."""

    def __init__(self) -> None:
        self.by_sha: dict[str, Record] = {}
        self._folder_owner: dict[str, str] = {}  # output_dir -> sha256 of the record in it

    def put(self, rec: Record) -> None:
        """Index a record; a later letter written into the same folder replaces the earlier."""
        owner = self._folder_owner.get(rec.output_dir)
        if owner is not None and owner != rec.sha256:
            self.by_sha.pop(owner, None)
        self.drop(rec.sha256)
        self.by_sha[rec.sha256] = rec
        self._folder_owner[rec.output_dir] = rec.sha256

    def drop(self, sha256: str) -> None:
        """Forget the record of ``sha256`` (its letter will be done again)."""
        rec = self.by_sha.pop(sha256, None)
        if rec is not None and self._folder_owner.get(rec.output_dir) == sha256:
            del self._folder_owner[rec.output_dir]

    def in_folder(self, output_dir: str) -> Record | None:
        """The record whose outputs are in ``output_dir``, if any."""
        sha = self._folder_owner.get(output_dir)
        return self.by_sha.get(sha) if sha is not None else None

    def get(self, sha256: str) -> Record | None:
        """The record of a letter with these bytes, if one counts."""
        return self.by_sha.get(sha256)

    def records(self) -> list[Record]:
        """Every record that counts, oldest first."""
        return list(self.by_sha.values())


@dataclass
class JournalContents:
    """What the journal says at the start of a run."""

    finished: FinishedLetters
    folders: dict[str, str]
    """path -> output_dir of every record read, superseded ones too: a path keeps its folder."""


class Journal:
    """The journal file and the lock of one OUT_DIR, held for the length of a run."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.state_dir = out_dir / STATE_DIR
        self.path = self.state_dir / JOURNAL_NAME
        self._fh: io.TextIOWrapper | None = None
        self._lock: io.TextIOWrapper | None = None

    def lock(self) -> None:
        """Take OUT_DIR for this run: two batches writing one journal would corrupt it.

        ``flock`` is released by the kernel when the process ends, however it ends.

        Raises:
            OutputError: another batch (a cron run that overlaps the last one) holds it.
            OSError: the state folder can't be created.
        """
        self.state_dir.mkdir(parents=True, exist_ok=True)
        try:
            import fcntl
        except ImportError:  # not POSIX: no lock
            return
        fh = (self.state_dir / LOCK_NAME).open("a+", encoding="ascii")
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            fh.seek(0)
            holder = fh.read().strip() or "?"
            fh.close()
            raise OutputError(
                f"another batch (pid {holder}) is writing to {self.out_dir}; wait for it to "
                "finish or choose another OUT_DIR"
            ) from exc
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        self._lock = fh

    def load(self) -> JournalContents:
        """Read the journal back (a torn line is dropped), compact it and open it for appending.

        Raises:
            OSError: the journal can't be read or rewritten.
        """
        finished = FinishedLetters()
        folders: dict[str, str] = {}
        if self.path.exists():
            for line in self.path.read_text(encoding="utf-8").splitlines():
                rec = parse_record(line)
                if rec is not None:
                    finished.put(rec)
                    folders[rec.path] = rec.output_dir
        # Rewrite it clean (no torn line, no superseded records) before appending to it.
        atomic_write_text(self.path, "".join(r.to_json() + "\n" for r in finished.records()))
        self._fh = self.path.open("a", encoding="utf-8")
        return JournalContents(finished, folders)

    def append(self, rec: Record) -> None:
        """Append one record and fsync it: from now on the letter counts as done.

        Raises:
            OutputError: the journal can't be written (disk full, permissions).
        """
        if self._fh is None:
            raise OutputError("internal error: the batch journal is not open; rerun the batch")
        try:
            self._fh.write(rec.to_json() + "\n")
            self._fh.flush()
            os.fsync(self._fh.fileno())
        except OSError as exc:
            raise OutputError(
                f"can't write the batch journal in {self.state_dir} ({exc.strerror}); "
                "free disk space or fix permissions and rerun: finished letters are kept"
            ) from exc

    def close(self) -> None:
        """Close the journal and release the lock."""
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        if self._lock is not None:
            self._lock.close()  # releases the flock
            self._lock = None
