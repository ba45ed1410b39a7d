"""What to do with each file found under IN_DIR: read it, redraft its appeal, reuse, or not.

A letter is known by the sha256 of its bytes. One done by an earlier run (the journal) is not
done again (the contract), except: a failure that may go away (see ``_redo``), a letter whose
``result.json`` was deleted, and a letter whose appeal was drafted from other appeal inputs
(profile, template, template folder: ``appeal_key``), whose appeal alone is drafted again.
A second copy of a letter is a duplicate row. Each letter gets an output folder named after its
path, with ``-2``, ``-3``… on a clash, and keeps it on every later run.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from denialparse.batch import errors, outputs
from denialparse.batch.journal import STATE_DIR, FinishedLetters, Record
from denialparse.batch.manifest import (
    DUPLICATE,
    MANIFEST_CSV,
    MANIFEST_JSONL,
    DuplicateRow,
    RunRows,
)
from denialparse.batch.walker import Found, Identified, hash_file, identify
from denialparse.batch.worker import LetterJob, fail_letter
from denialparse.exceptions import DenialParseError
from denialparse.options import AppealOptions, Options
from denialparse.types import Status

# Top-level names in OUT_DIR that a letter folder must not take.
RESERVED_NAMES = frozenset({MANIFEST_CSV, MANIFEST_JSONL, STATE_DIR})


def options_key(options: Options) -> str:
    """What must match for an earlier failure to count as final: options and tool version."""
    from denialparse import __version__

    dump = options.model_dump(mode="json", exclude={"ocr_jobs"})
    return _digest({"v": __version__, "o": dump})


def appeal_key(appeal: AppealOptions, options: Options) -> str:
    """What must match for an earlier appeal to be current: what the appeal is drafted from.

    The profile's and the template folder's *content* count, not their paths: editing the
    profile redrafts the appeals, moving it doesn't. The bundled templates come with the
    version.
    """
    from denialparse import __version__

    return _digest(
        {
            "v": __version__,
            "template": appeal.template,
            "profile": _file_digest(appeal.profile_path),
            "templates": _templates_digest(appeal.template_dir),
            "review_threshold": options.review_threshold,
        }
    )


def _digest(data: object) -> str:
    blob = json.dumps(data, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _file_digest(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        return hash_file(path)
    except OSError:
        return "unreadable"  # each letter's render will say why


def _templates_digest(folder: Path | None) -> dict[str, str | None] | None:
    """Name -> content digest of every ``.docx`` in a template folder (where render looks)."""
    if folder is None:
        return None
    try:
        files = sorted(folder.glob("*.docx"))
    except OSError:
        return {}
    return {p.name: _file_digest(p) for p in files}


@dataclass(frozen=True)
class RunSettings:
    """What a run was asked to do, as the planner needs it."""

    out_dir: Path
    options: Options
    appeal: AppealOptions
    retry_failed: bool
    options_key: str
    appeal_key: str

    @classmethod
    def of(
        cls, out_dir: Path, options: Options, appeal: AppealOptions, *, retry_failed: bool
    ) -> RunSettings:
        """Settings with their keys computed (the profile and templates are hashed now)."""
        return cls(
            out_dir=out_dir,
            options=options,
            appeal=appeal,
            retry_failed=retry_failed,
            options_key=options_key(options),
            appeal_key=appeal_key(appeal, options),
        )


class FolderAllocator:
    """Output folders: the letter's path relative to IN_DIR, ``-2``, ``-3``… on a clash.

    A clash is a name reserved by the batch, or a name equal to another one but for case (so
    OUT_DIR works on case-insensitive file systems), or a folder inside another letter's.
    """

    def __init__(self, assigned: dict[str, str]) -> None:
        """``assigned``: path -> output_dir of the letters of earlier runs (they keep theirs)."""
        self._by_path = dict(assigned)
        self._taken: set[str] = set()  # casefolded letter folders
        self._ancestors: set[str] = set()  # casefolded parents of letter folders
        for out in self._by_path.values():
            self._reserve(out)

    def known(self, rel: str) -> str | None:
        """The folder already given to ``rel``, if any."""
        return self._by_path.get(rel)

    def folder_for(self, rel: str) -> str:
        """The letter folder for ``rel`` (relative to OUT_DIR): the same one on every run."""
        if rel in self._by_path:
            return self._by_path[rel]
        parts = rel.split("/")
        if parts[0].casefold() in RESERVED_NAMES:
            parts[0] += "-2"
        base = "/".join(parts)
        cand, n = base, 1
        while not self._free(cand):
            n += 1
            cand = f"{base}-{n}"
        self._by_path[rel] = cand
        self._reserve(cand)
        return cand

    def _reserve(self, out: str) -> None:
        self._taken.add(out.casefold())
        parts = out.split("/")
        for i in range(1, len(parts)):
            self._ancestors.add("/".join(parts[:i]).casefold())

    def _free(self, cand: str) -> bool:
        folded = cand.casefold()
        if folded in self._taken or folded in self._ancestors:
            return False
        parts = folded.split("/")
        return not any("/".join(parts[:i]) in self._taken for i in range(1, len(parts)))


class Action(StrEnum):
    """What the planner decided for one file."""

    PROCESS = "process"  # read it and draft its appeal
    REDRAFT = "redraft"  # done before; draft only its appeal again
    DONE = "done"  # done before, nothing to do: its row comes from the journal
    DUPLICATE = "duplicate"  # the same bytes as another letter
    FAILED = "failed"  # can't be read (its result.json and row are written already)


@dataclass(frozen=True)
class Decision:
    """One file's fate: a job for a worker, or a row that is already final."""

    action: Action
    rel: str
    job: LetterJob | None = None
    status: str | None = None
    """For a decision without a job: the status of its row (for the progress counts)."""


class Planner:
    """Turns found files into decisions, keeping this run's rows and the journal's index."""

    def __init__(
        self,
        settings: RunSettings,
        finished: FinishedLetters,
        folders: FolderAllocator,
        rows: RunRows,
    ) -> None:
        self.settings = settings
        self.finished = finished
        self.folders = folders
        self.rows = rows

    def plan(self, found: list[Found]) -> list[Decision]:
        """Decide, for newly found files in sorted order, what to do with each.

        Hashes each file first, so that duplicates and files changed since the last run are
        known before any decision.
        """
        identified = [identify(f, max_bytes=self.settings.options.max_file_bytes) for f in found]
        self._release_changed(identified)
        present = {i.found.rel: i.sha256 for i in identified if i.sha256}
        present.update(self.rows.hashes())
        return [self._decide(i, present) for i in identified]

    def _release_changed(self, identified: list[Identified]) -> None:
        """A path whose bytes changed since its record: that record's folder will be reused."""
        for i in identified:
            out = self.folders.known(i.found.rel)
            rec = self.finished.in_folder(out) if out is not None else None
            if rec is not None and rec.sha256 != i.sha256 and rec.path == i.found.rel:
                self.finished.drop(rec.sha256)

    def _decide(self, i: Identified, present: dict[str, str]) -> Decision:
        rel, sha = i.found.rel, i.sha256
        if sha is None or i.problem is not None:
            return self._unreadable(i.found, i.problem or errors.internal(RuntimeError()))
        original = self.rows.originals.get(sha)
        if original is not None and original != rel:
            return self._duplicate(rel, sha)
        rec = self.finished.get(sha)
        if rec is not None and not self._redo(rec):
            decision = self._done_before(i.found, sha, rec, present)
            if decision is not None:
                return decision
        self.rows.originals[sha] = rel
        return self._job(Action.PROCESS, i.found, sha, self.folders.folder_for(rel))

    def _done_before(
        self, found: Found, sha: str, rec: Record, present: dict[str, str]
    ) -> Decision | None:
        """A letter an earlier run finished: reuse it, redraft its appeal, or (None) read it."""
        stale = self._appeal_stale(rec)
        if rec.path == found.rel:
            self.rows.originals[sha] = found.rel
            if stale:
                return self._job(Action.REDRAFT, found, sha, rec.output_dir)
            self.rows.set(found.rel, rec.row)
            return Decision(Action.DONE, found.rel, status=str(rec.row["status"]))
        if present.get(rec.path) == sha:
            # The original is still here (later in the walk): it is the one reused.
            self.rows.originals[sha] = rec.path
            return self._duplicate(found.rel, sha)
        if not stale:
            return self._duplicate(found.rel, sha)
        return None  # its only copy has a new name and its appeal is out of date: read it again

    def _redo(self, rec: Record) -> bool:
        """Whether a recorded letter is processed again (only failures, see docs/batch.md)."""
        if rec.status != Status.FAILED.value:
            # Done, unless someone deleted its outputs since: then redo them.
            folder = outputs.letter_folder(self.settings.out_dir, rec.output_dir)
            return not (folder / outputs.RESULT_NAME).exists()
        s = self.settings
        return s.retry_failed or rec.retryable or rec.options_key != s.options_key

    def _appeal_stale(self, rec: Record) -> bool:
        """Whether a letter has an appeal drafted from other appeal inputs than this run's."""
        return rec.status != Status.FAILED.value and rec.appeal_key != self.settings.appeal_key

    def _job(self, action: Action, found: Found, sha: str, output_dir: str) -> Decision:
        job = self._letter_job(found, sha, output_dir, redraft=action is Action.REDRAFT)
        return Decision(action, found.rel, job=job)

    def _letter_job(
        self, found: Found, sha: str, output_dir: str, *, redraft: bool = False
    ) -> LetterJob:
        return LetterJob(
            src=str(found.path.absolute()),
            rel=found.rel,
            sha256=sha,
            out_dir=str(outputs.letter_folder(self.settings.out_dir, output_dir)),
            output_dir=output_dir,
            options=self.settings.options,
            appeal=self.settings.appeal,
            redraft=redraft,
        )

    def _duplicate(self, rel: str, sha: str) -> Decision:
        self.rows.set(rel, DuplicateRow(rel, sha))
        return Decision(Action.DUPLICATE, rel, status=DUPLICATE)

    def _unreadable(self, found: Found, problem: DenialParseError) -> Decision:
        """A file that can't be read: a failed result.json and row now, no job."""
        job = self._letter_job(found, "", self.folders.folder_for(found.rel))
        self.rows.set(found.rel, fail_letter(job, problem).row)
        return Decision(Action.FAILED, found.rel, status=Status.FAILED.value)
