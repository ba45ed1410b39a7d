"""Tests of the mailroom batch (``denialparse.batch``).

Most tests drive the batch machinery with ``FakeProcessor``: a deterministic stand-in for the
pipeline that reads tiny ``key: value`` "letters" (so a test can ask for a slow letter, a crash,
an input verdict, a worker that dies). End-to-end tests run the real pipeline on the samples'
``.txt`` letters, a couple of fax scans (``ocr``) and a Dask ``LocalCluster`` on 127.0.0.1.

Every test that reads an IN_DIR asserts it is byte-identical afterwards.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

from denialparse import batch
from denialparse.batch import (
    BatchSummary,
    FinishedLetter,
    run_batch,
    summary_table,
    walker,
)
from denialparse.batch.manifest import MANIFEST_FIELDS
from denialparse.exceptions import (
    DenialParseError,
    InputFileError,
    MissingDependencyError,
    OutputError,
    UnreadableLetterError,
)
from denialparse.files import TMP_SUFFIX, atomic_write_bytes
from denialparse.options import AppealOptions, Options
from denialparse.types import (
    AppealInfo,
    Deadline,
    DenialTypeResult,
    Fields,
    FieldValue,
    LetterResult,
    SourceInfo,
    Status,
)

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
TESTS = Path(__file__).resolve().parent


# ------------------------------------------------------------------------------------------------
# A fake pipeline
# ------------------------------------------------------------------------------------------------


class FakeProcessor:
    """Reads ``key: value`` lines. Keys: payer, due, date, type, status, sleep, raise.

    ``raise``: ``input`` (an input verdict), ``dependency``, ``crash`` (a RuntimeError carrying
    the letter text), ``die`` (the worker process exits). With ``log_dir``, writes
    ``<sha>.start`` / ``<sha>.end`` markers there (outside IN_DIR) so tests see what ran.
    """

    def __init__(self, log_dir: str | None = None) -> None:
        self.log_dir = log_dir

    def warm_up(self, options: Options) -> None:
        pass

    def _mark(self, sha: str, what: str) -> None:
        if self.log_dir:
            with open(os.path.join(self.log_dir, f"{sha}.{what}"), "a") as fh:
                fh.write(f"{os.getpid()}\n")

    def process(self, path: Path, options: Options) -> LetterResult:
        data = path.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        self._mark(sha, "start")
        try:
            return self._process(path, data, sha)
        finally:
            self._mark(sha, "end")

    def _process(self, path: Path, data: bytes, sha: str) -> LetterResult:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputFileError("not a letter (binary junk); check the file", code="junk") from exc
        kv = {}
        for line in text.splitlines():
            if ":" in line:
                key, value = line.split(":", 1)
                kv[key.strip()] = value.strip()
        if "sleep" in kv:
            time.sleep(float(kv["sleep"]))
        action = kv.get("raise")
        if action == "input":
            raise UnreadableLetterError("no page yielded any text; rescan the letter")
        if action == "dependency":
            raise MissingDependencyError(
                "tesseract is not installed; apt-get install tesseract-ocr"
            )
        if action == "crash":
            raise RuntimeError(f"boom: {text}")
        if action == "die":
            os._exit(3)
        if action == "hog":  # a decoder gone wild: memory past the letter's bound
            hog = bytearray(int(kv.get("mb", "300")) * 2**20)
            hog[::4096] = b"x" * len(hog[::4096])  # touch every page: resident, not just mapped
            time.sleep(2)
        payer = kv.get("payer")
        fields = Fields(
            payer=FieldValue(value=payer, raw=payer, confidence=0.9) if payer else None,
            letter_date=(
                FieldValue(value=kv["date"], raw=kv["date"], confidence=0.9)
                if "date" in kv
                else None
            ),
        )
        deadlines = [
            Deadline(kind="internal_appeal", due=d, rule="test rule", basis="test basis")
            for d in kv.get("due", "").split(",")
            if d
        ]
        status = Status(kv.get("status", "success"))
        result = LetterResult(
            source=SourceInfo(path=str(path), sha256=sha, media_type="text/plain", pages=1),
            status=status,
            text=None,
            fields=fields,
            denial_type=DenialTypeResult(
                label=kv.get("type", "other"), confidence=0.9, scores={"other": 0.9}
            ),
            deadlines=deadlines,
            needs_review=["therapy"] if status is Status.PARTIAL else [],
        )
        return result

    def write_appeal(
        self, result: LetterResult, out_path: Path, *, appeal: AppealOptions, options: Options
    ) -> LetterResult:
        """A tiny DOCX-like zip naming the letter and everything the appeal was drafted from."""
        profile = appeal.profile_path.read_text() if appeal.profile_path else "-"
        templates = (
            ",".join(p.read_text() for p in sorted(appeal.template_dir.glob("*.docx")))
            if appeal.template_dir
            else "-"
        )
        body = (
            f"appeal for {result.source.sha256}; profile={profile}; template={appeal.template}; "
            f"templates={templates}; review_threshold={options.review_threshold}"
        )
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            info = zipfile.ZipInfo("word/document.xml", date_time=(2026, 1, 1, 0, 0, 0))
            zf.writestr(info, body)
        atomic_write_bytes(out_path, buf.getvalue())
        return result.model_copy(update={"appeal": AppealInfo(path=str(out_path), template="x")})


class SlowApiProcessor(batch.ApiProcessor):
    """The real pipeline, slowed down so that a test can stop the batch mid-run."""

    def process(self, path: Path, options: Options) -> LetterResult:
        time.sleep(0.3)
        return super().process(path, options)


def letter(**kv: str) -> str:
    return "".join(f"{k}: {v}\n" for k, v in kv.items())


def write(root: Path, rel: str, content: str | bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def snapshot(root: Path) -> dict[str, Any]:
    """Every entry under root: file bytes hash, symlink target, mode, mtime (byte-identical)."""
    snap: dict[str, Any] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in sorted(dirnames + filenames):
            path = Path(dirpath) / name
            st = path.lstat()
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                snap[rel] = ("link", os.readlink(path))
            elif path.is_file():
                snap[rel] = (
                    "file",
                    hashlib.sha256(path.read_bytes()).hexdigest(),
                    st.st_mode,
                    st.st_mtime_ns,
                )
            else:
                snap[rel] = ("other", st.st_mode)
    return snap


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def by_path(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["path"]: r for r in rows}


def one_job(src: Path, out_dir: Path, **kw: Any) -> batch.LetterJob:
    """A job for ``run_letter`` outside a batch (IN_DIR = the letter's folder)."""
    kw.setdefault("options", Options())
    return batch.LetterJob(
        src=str(src), rel=src.name, sha256="abc", out_dir=str(out_dir), output_dir="o", **kw
    )


def run(in_dir: Path, out_dir: Path, **kw: Any) -> BatchSummary:
    kw.setdefault("jobs", 2)
    kw.setdefault("progress", False)
    kw.setdefault("processor", FakeProcessor())
    return run_batch(in_dir, out_dir, **kw)


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    root = tmp_path / "in"
    write(root, "b/late.txt", letter(payer="Aetna", due="2026-12-01", date="2026-06-01"))
    write(root, "a/soon.txt", letter(payer="Cigna", due="2026-05-01,2026-09-01"))
    write(root, "none.txt", letter(payer="Humana", status="partial"))
    write(root, "a/z/bad.txt", letter(**{"raise": "input"}))
    write(root, "early.txt", letter(due="2026-04-01"))
    return root


# ------------------------------------------------------------------------------------------------
# Layout, manifest, order
# ------------------------------------------------------------------------------------------------


def test_outputs_and_manifest(inbox: Path, tmp_path: Path) -> None:
    before = snapshot(inbox)
    out = tmp_path / "out"
    summary = run(inbox, out)
    assert snapshot(inbox) == before
    assert (summary.total, summary.success, summary.partial, summary.failed) == (5, 3, 1, 1)
    assert summary.processed == 5 and summary.reused == 0
    assert summary.failures == [("a/z/bad.txt", "no page yielded any text; rescan the letter")]

    # One folder per letter, named after its path relative to IN_DIR (extension kept).
    for rel in ("b/late.txt", "a/soon.txt", "none.txt", "early.txt"):
        folder = out / rel
        result = LetterResult.model_validate_json((folder / "result.json").read_text())
        assert result.source.path == rel
        assert result.appeal == AppealInfo(path=f"{rel}/appeal.docx", template="x")
        assert zipfile.is_zipfile(folder / "appeal.docx")
    failed = LetterResult.model_validate_json((out / "a/z/bad.txt/result.json").read_text())
    assert failed.status is Status.FAILED and failed.errors[0].code == "no_text"
    assert not (out / "a/z/bad.txt/appeal.docx").exists()

    rows = read_jsonl(out / "manifest.jsonl")
    assert [r["path"] for r in rows] == [
        "early.txt",  # 2026-04-01
        "a/soon.txt",  # earliest of its two deadlines: 2026-05-01
        "b/late.txt",  # 2026-12-01
        "none.txt",  # no deadline: after those with one
        "a/z/bad.txt",  # failed: last
    ]
    assert all(list(r) == list(MANIFEST_FIELDS) for r in rows)
    late = by_path(rows)["b/late.txt"]
    assert late == {
        "path": "b/late.txt",
        "sha256": hashlib.sha256((inbox / "b/late.txt").read_bytes()).hexdigest(),
        "status": "success",
        "denial_type": "other",
        "payer": "Aetna",
        "plan_type": None,
        "letter_date": "2026-06-01",
        "earliest_deadline": "2026-12-01",
        "needs_review": [],
        "error": None,
        "output_dir": "b/late.txt",
        "error_code": None,
        "duplicate_of": None,
    }
    assert by_path(rows)["a/soon.txt"]["earliest_deadline"] == "2026-05-01"
    assert by_path(rows)["none.txt"]["needs_review"] == ["therapy"]

    csv_rows = read_csv(out / "manifest.csv")
    assert [r["path"] for r in csv_rows] == [r["path"] for r in rows]
    assert csv_rows[3]["needs_review"] == "therapy"
    assert csv_rows[0]["payer"] == "" and csv_rows[-1]["status"] == "failed"

    # Nothing half-written or temporary is left.
    assert not [p for p in out.rglob("*") if p.name.endswith(TMP_SUFFIX)]


def test_summary_table_lists_counts_and_failure_reasons(inbox: Path, tmp_path: Path) -> None:
    table = summary_table(run(inbox, tmp_path / "out"))
    assert "success          3" in table
    assert "failed           1" in table
    assert "a/z/bad.txt  no page yielded any text; rescan the letter" in table
    assert str(tmp_path / "out" / "manifest.csv") in table


def test_name_clashes_get_a_suffix(tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    write(inbox, "manifest.csv", letter(payer="A"))  # would clash with OUT/manifest.csv
    write(inbox, "manifest.jsonl/x.txt", letter(payer="B"))  # a folder named like the manifest
    write(inbox, "Scan.txt", letter(payer="C"))
    write(inbox, "scan.txt", letter(payer="D"))  # clashes on a case-insensitive file system
    out = tmp_path / "out"
    run(inbox, out)
    dirs = {r["path"]: r["output_dir"] for r in read_jsonl(out / "manifest.jsonl")}
    assert dirs == {
        "manifest.csv": "manifest.csv-2",
        "manifest.jsonl/x.txt": "manifest.jsonl-2/x.txt",
        "Scan.txt": "Scan.txt",
        "scan.txt": "scan.txt-2",
    }
    for d in dirs.values():
        assert (out / d / "result.json").is_file()
    assert read_csv(out / "manifest.csv")  # still the manifest, not a letter folder


def test_csv_cells_cannot_run_formulas(tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    write(inbox, "x.txt", letter(payer='=HYPERLINK("http://evil","x")'))
    out = tmp_path / "out"
    run(inbox, out, jobs=1)
    assert read_csv(out / "manifest.csv")[0]["payer"] == '\'=HYPERLINK("http://evil","x")'
    assert read_jsonl(out / "manifest.jsonl")[0]["payer"] == '=HYPERLINK("http://evil","x")'


def test_file_names_that_are_not_utf8(tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    name = os.fsdecode(b"caf\xe9.txt")  # Latin-1 from an old scanner share
    write(inbox, name, letter(payer="Aetna", due="2026-02-02"))
    out = tmp_path / "out"
    summary = run(inbox, out, jobs=1)
    assert summary.success == 1
    # JSON: a \\udce9 escape, which a JSON reader turns back into the same name.
    assert read_jsonl(out / "manifest.jsonl")[0]["path"] == name
    assert "caf\\udce9.txt" in (out / "manifest.csv").read_text(encoding="utf-8")
    assert (out / name / "appeal.docx").is_file()
    assert run(inbox, out, jobs=1).reused == 1  # the journal keeps the name exactly


# ------------------------------------------------------------------------------------------------
# Duplicates and resuming
# ------------------------------------------------------------------------------------------------


def test_duplicates_in_this_run_and_an_earlier_one(inbox: Path, tmp_path: Path) -> None:
    log_dir = tmp_path / "log"
    log_dir.mkdir()
    out = tmp_path / "out"
    write(inbox, "zz/copy_of_late.txt", (inbox / "b/late.txt").read_bytes())
    summary = run(inbox, out, processor=FakeProcessor(str(log_dir)))
    assert summary.duplicate == 1 and summary.processed == 5
    dup = by_path(read_jsonl(out / "manifest.jsonl"))["zz/copy_of_late.txt"]
    assert dup["status"] == "duplicate"
    assert dup["output_dir"] == "b/late.txt" and dup["duplicate_of"] == "b/late.txt"
    assert dup["earliest_deadline"] == "2026-12-01"  # sorted next to its original
    assert not (out / "zz").exists()

    # A later run: another copy of a letter done before is a duplicate, not done twice.
    write(inbox, "new/again.txt", (inbox / "a/soon.txt").read_bytes())
    summary = run(inbox, out, processor=FakeProcessor(str(log_dir)))
    assert summary.processed == 0 and summary.reused == 5 and summary.duplicate == 2
    again = by_path(read_jsonl(out / "manifest.jsonl"))["new/again.txt"]
    assert again["status"] == "duplicate" and again["output_dir"] == "a/soon.txt"
    sha = hashlib.sha256((inbox / "a/soon.txt").read_bytes()).hexdigest()
    assert (log_dir / f"{sha}.start").read_text().count("\n") == 1  # processed once only


def test_rerun_processes_only_new_or_failed(tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    write(inbox, "ok.txt", letter(payer="Aetna", due="2026-05-05"))
    write(inbox, "verdict.txt", letter(**{"raise": "input"}))
    write(inbox, "nodep.txt", letter(**{"raise": "dependency"}))
    write(inbox, "crash.txt", letter(**{"raise": "crash", "payer": "SECRET-PHI-VALUE"}))
    out = tmp_path / "out"
    first = run(inbox, out)
    assert (first.processed, first.failed) == (4, 3)
    reasons = dict(first.failures)
    assert reasons["crash.txt"].startswith("internal error: RuntimeError")
    assert "SECRET" not in (out / "crash.txt/result.json").read_text()
    assert reasons["nodep.txt"] == "tesseract is not installed; apt-get install tesseract-ocr"
    manifest_before = (out / "manifest.jsonl").read_bytes()

    write(inbox, "new.txt", letter(payer="Molina"))
    second = run(inbox, out)
    # New, plus the failures that may go away (missing dependency, internal error); an input
    # verdict on the same bytes with the same options would only repeat itself.
    assert second.processed == 3 and second.reused == 2
    assert second.total == 5 and second.failed == 3

    third = run(inbox, out, retry_failed=True)
    assert third.processed == 3  # all three failures, the input verdict too
    # Changed options make an input verdict worth retrying as well.
    fourth = run(inbox, out, options=Options(max_pages=10))
    assert fourth.processed == 3
    rows = read_jsonl(out / "manifest.jsonl")
    assert [r for r in rows if r["path"] != "new.txt"] == [
        json.loads(line) for line in manifest_before.decode().splitlines()
    ]


def test_internal_errors_never_log_letter_text(tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    write(inbox, "crash.txt", letter(**{"raise": "crash", "payer": "SECRET-PHI-VALUE"}))
    # A fresh process: its workers' stderr is the one we read (DEBUG: the most it ever logs).
    proc = start_driver(tmp_path, **{"in": inbox, "out": tmp_path / "out", "jobs": 1, "debug": 1})
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 10, stderr
    assert "internal error: RuntimeError" in stdout
    assert "RuntimeError raised at" in stderr  # the worker's DEBUG log says where...
    assert "SECRET" not in stderr  # ...never what the letter said


def test_changed_file_is_processed_again_into_its_folder(tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    write(inbox, "x.txt", letter(payer="Aetna"))
    out = tmp_path / "out"
    run(inbox, out)
    write(inbox, "x.txt", letter(payer="Cigna"))
    summary = run(inbox, out)
    assert summary.processed == 1
    rows = read_jsonl(out / "manifest.jsonl")
    assert [(r["path"], r["payer"], r["output_dir"]) for r in rows] == [("x.txt", "Cigna", "x.txt")]


def test_torn_journal_line_is_dropped(inbox: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(inbox, out)
    journal = out / ".denialparse" / "state.jsonl"
    lines = journal.read_text().splitlines()
    # A kill in the middle of an append leaves half a line: that letter is simply redone.
    journal.write_text("\n".join(lines[:-1]) + "\n" + lines[-1][: len(lines[-1]) // 2])
    summary = run(inbox, out)
    assert summary.processed == 1
    assert all(json.loads(line) for line in journal.read_text().splitlines())


def test_deleted_outputs_are_redone(inbox: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(inbox, out)
    (out / "none.txt" / "result.json").unlink()
    summary = run(inbox, out)
    assert summary.processed == 1  # that letter only (the input verdict is not retried)
    assert (out / "none.txt" / "result.json").is_file()


# ------------------------------------------------------------------------------------------------
# Bad input, bad output
# ------------------------------------------------------------------------------------------------


def test_bad_inputs_are_failed_rows_with_reasons(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox = tmp_path / "in"
    outside = tmp_path / "outside"
    write(outside, "secret.txt", letter(payer="Outside"))
    write(inbox, "good.txt", letter(payer="Aetna"))
    write(inbox, "empty.pdf", b"")
    write(inbox, "junk.bin", bytes(range(256)))
    write(inbox, "locked.txt", letter(payer="Locked"))
    write(inbox, ".hidden.txt", letter(payer="Hidden"))
    write(inbox, "download.pdf.part", b"%PDF-1.")
    os.symlink(outside / "secret.txt", inbox / "link_out.txt")
    os.symlink(outside, inbox / "dirlink_out")
    os.symlink(inbox / "good.txt", inbox / "link_in.txt")
    os.symlink(inbox / "gone.txt", inbox / "broken.txt")
    os.mkfifo(inbox / "pipe.txt")
    before = snapshot(inbox)

    # Tests run as root, where chmod 000 doesn't stop reading: simulate the permission error.
    real_hash = walker.hash_file

    def hash_file(path: Path) -> str:
        if path.name == "locked.txt":
            raise PermissionError(13, "Permission denied")
        return real_hash(path)

    monkeypatch.setattr(walker, "hash_file", hash_file)
    out = tmp_path / "out"
    summary = run(inbox, out)
    assert snapshot(inbox) == before
    rows = by_path(read_jsonl(out / "manifest.jsonl"))
    assert set(rows) == {
        "good.txt",
        "empty.pdf",
        "junk.bin",
        "locked.txt",
        "link_out.txt",
        "dirlink_out",
        "link_in.txt",
        "broken.txt",
        "pipe.txt",
    }
    codes = {p: r["error_code"] for p, r in rows.items() if r["status"] == "failed"}
    assert codes == {
        "empty.pdf": "empty_file",
        "junk.bin": "junk",
        "locked.txt": "permission_denied",
        "link_out.txt": "symlink_outside",
        "dirlink_out": "symlink_outside",
        "broken.txt": "broken_symlink",
        "pipe.txt": "not_a_file",
    }
    assert rows["link_out.txt"]["error"].startswith("symlink points outside the input folder")
    assert rows["locked.txt"]["error"].startswith("permission denied")
    assert rows["link_in.txt"]["status"] == "duplicate"  # a link to a letter inside: same bytes
    assert rows["good.txt"]["status"] == "success"
    assert summary.failed == 7
    for rel, row in rows.items():
        assert (out / row["output_dir"] / "result.json").is_file(), rel
    # The outside file was never read: nothing of it reached the outputs.
    assert "Outside" not in (out / "manifest.jsonl").read_text()


def test_file_vanishing_mid_run_is_a_failed_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox = tmp_path / "in"
    write(inbox, "a.txt", letter(payer="Aetna"))
    write(inbox, "b.txt", letter(payer="Cigna"))
    real_hash = walker.hash_file

    def hash_then_vanish(path: Path) -> str:
        digest = real_hash(path)
        if path.name == "b.txt":
            path.unlink()  # deleted by someone between the walk and the worker
        return digest

    monkeypatch.setattr(walker, "hash_file", hash_then_vanish)
    out = tmp_path / "out"
    summary = run(inbox, out)
    assert summary.failures == [
        (
            "b.txt",
            (
                "the file vanished before it was processed (moved or deleted during the run); "
                "put it back and rerun"
            ),
        )
    ]
    assert summary.success == 1


def test_unwritable_out_dir_fails_before_any_work(inbox: Path, tmp_path: Path) -> None:
    log_dir = tmp_path / "log"
    log_dir.mkdir()
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    with pytest.raises(OutputError, match="can't write to .*; choose a writable OUT_DIR"):
        run(inbox, blocker / "sub", processor=FakeProcessor(str(log_dir)))
    assert list(log_dir.iterdir()) == []
    with pytest.raises(OutputError, match="is or contains the input folder"):
        run(inbox, inbox)
    with pytest.raises(OutputError, match="is or contains the input folder"):
        run(inbox, inbox.parent)
    with pytest.raises(InputFileError, match="is not a folder"):
        run(tmp_path / "missing", tmp_path / "out")


def test_two_batches_on_one_out_dir_do_not_race(inbox: Path, tmp_path: Path) -> None:
    import fcntl

    out = tmp_path / "out"
    (out / ".denialparse").mkdir(parents=True)
    with (out / ".denialparse" / "lock").open("a+") as held:  # a batch still running
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        held.write("4242")
        held.flush()
        with pytest.raises(OutputError, match=r"another batch \(pid 4242\) is writing to"):
            run(inbox, out)
    assert run(inbox, out).processed == 5  # free again once it ended


def test_out_dir_inside_in_dir_is_not_walked(inbox: Path) -> None:
    before = snapshot(inbox)
    out = inbox / "processed"
    run(inbox, out)
    first = read_jsonl(out / "manifest.jsonl")
    summary = run(inbox, out)
    assert summary.total == 5 and summary.processed == 0
    assert read_jsonl(out / "manifest.jsonl") == first
    after = {k: v for k, v in snapshot(inbox).items() if not k.startswith("processed")}
    assert after == before


def test_a_worker_that_dies_fails_only_its_letter(tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    write(inbox, "dies.txt", letter(**{"raise": "die"}))
    for i in range(3):
        write(inbox, f"ok{i}.txt", letter(payer=f"Aetna{i}", sleep="0.2"))
    out = tmp_path / "out"
    summary = run(inbox, out)
    assert summary.success == 3
    assert [p for p, _ in summary.failures] == ["dies.txt"]
    assert summary.failures[0][1].startswith("internal error: the worker process died")


def test_a_letter_over_its_memory_bound_fails_with_that_reason_and_the_rest_go_on(
    tmp_path: Path,
) -> None:
    inbox = tmp_path / "in"
    write(inbox, "hog.txt", letter(**{"raise": "hog", "mb": "400"}))
    for i in range(3):
        write(inbox, f"ok{i}.txt", letter(payer=f"Aetna{i}", sleep="0.2"))
    out = tmp_path / "out"
    # The workers of this test hold ~100 MB; 300 MB for a letter leaves the hog alone over it.
    summary = run(inbox, out, options=Options(max_memory_bytes=300 * 2**20))
    assert summary.success == 3
    assert [p for p, _ in summary.failures] == ["hog.txt"]
    reason = summary.failures[0][1]
    assert "more than 300 MB of memory" in reason and "worker process died" not in reason
    result = json.loads((out / "hog.txt" / "result.json").read_text())
    assert result["status"] == "failed" and result["errors"][0]["code"] == "over_bound"


# ------------------------------------------------------------------------------------------------
# Kill -9, Ctrl-C, watch (subprocesses)
# ------------------------------------------------------------------------------------------------

DRIVER = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from tests.test_batch import FakeProcessor, SlowApiProcessor
    from denialparse.batch import run_batch, summary_table

    if __name__ == "__main__":  # worker processes import this module again
        args = json.loads(sys.argv[1])
        if args.get("debug"):
            import logging
            logging.basicConfig(level=logging.DEBUG)
        summary = run_batch(
            Path(args["in"]), Path(args["out"]), jobs=args["jobs"], progress=False,
            watch=args.get("watch", False), poll_interval=0.2, settle_seconds=0.5,
            processor=SlowApiProcessor() if args.get("real") else FakeProcessor(args.get("log")),
        )
        print(summary_table(summary))
        sys.exit(130 if summary.interrupted else 10 if summary.failed else 0)
    """
)


def start_driver(tmp_path: Path, **args: Any) -> subprocess.Popen[str]:
    script = tmp_path / "driver.py"
    script.write_text(DRIVER)
    # The driver imports this module as ``tests.test_batch``: the repository root on its path.
    env = dict(os.environ, OMP_THREAD_LIMIT="1", PYTHONPATH=str(TESTS.parent))
    return subprocess.Popen(
        [
            sys.executable,
            str(script),
            json.dumps({k: str(v) if isinstance(v, Path) else v for k, v in args.items()}),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,  # its own process group, like a job started from a shell
    )


def wait_for(predicate: Any, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.05)


def journal_lines(out: Path) -> int:
    path = out / ".denialparse" / "state.jsonl"
    return path.read_text().count("\n") if path.exists() else 0


def outputs(out: Path, *, docx: bool = True) -> dict[str, bytes]:
    """Every file under OUT_DIR except the journal (its line order depends on timing).

    ``docx=False`` leaves out the appeals: a DOCX zip carries its build time.
    """
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and ".denialparse" not in p.parts and (docx or p.suffix != ".docx")
    }


def make_slow_inbox(root: Path, n: int) -> None:
    for i in range(n):
        due = f"2026-{1 + i % 12:02d}-{1 + i:02d}"
        write(root, f"d{i % 3}/letter{i:02d}.txt", letter(payer=f"Payer{i}", due=due, sleep="0.3"))
    write(root, "d0/failing.txt", letter(**{"raise": "input", "sleep": "0.3"}))


@pytest.mark.slow
def test_kill_9_mid_run_then_rerun_gives_the_same_outputs(tmp_path: Path) -> None:
    import psutil

    inbox = tmp_path / "in"
    for src in sorted(SAMPLES.glob("*/letter.txt"))[:6]:
        write(inbox, f"{src.parent.name[:3]}/{src.parent.name}.txt", src.read_bytes())
    write(inbox, "corrupt.pdf", b"%PDF-1.7\n not really")
    n = len(list(inbox.rglob("*.*")))
    assert n == 7
    before = snapshot(inbox)
    reference = tmp_path / "reference"
    run_batch(inbox, reference, jobs=2, progress=False)

    out = tmp_path / "out"
    proc = start_driver(tmp_path, **{"in": inbox, "out": out, "jobs": 2, "real": True})
    wait_for(lambda: journal_lines(out) >= 2, timeout=60)
    workers = psutil.Process(proc.pid).children(recursive=True)
    os.kill(proc.pid, signal.SIGKILL)  # the batch process only, like the OOM killer
    proc.communicate(timeout=30)
    assert 2 <= journal_lines(out) < n
    # No orphan worker keeps writing after the batch died.
    _gone, alive = psutil.wait_procs(workers, timeout=10)
    assert alive == []
    # Nothing visible is half-written: every result.json, appeal and manifest is whole.
    for path in out.rglob("result.json"):
        LetterResult.model_validate_json(path.read_text())
    for path in out.rglob("appeal.docx"):
        assert zipfile.is_zipfile(path)
    if (out / "manifest.jsonl").exists():
        read_jsonl(out / "manifest.jsonl")

    summary = run_batch(inbox, out, jobs=2, progress=False)
    assert summary.total == n and summary.reused >= 2 and summary.processed <= n - 2
    # The same outputs as an uninterrupted run (a DOCX zip carries its build time: compare the
    # set of appeals, and the results and manifests byte for byte).
    assert outputs(out, docx=False) == outputs(reference, docx=False)
    assert sorted(outputs(out)) == sorted(outputs(reference))
    assert not [p for p in out.rglob("*") if p.name.endswith(TMP_SUFFIX)]
    assert not [p for p in out.rglob(".*.tmp")]
    assert snapshot(inbox) == before


@pytest.mark.slow
@pytest.mark.parametrize("how", ["ctrl-c", "sigterm"])
def test_ctrl_c_finishes_letters_in_flight_and_exits_130(tmp_path: Path, how: str) -> None:
    inbox = tmp_path / "in"
    make_slow_inbox(inbox, 14)
    log_dir = tmp_path / "log"
    log_dir.mkdir()
    out = tmp_path / "out"
    proc = start_driver(tmp_path, **{"in": inbox, "out": out, "jobs": 2, "log": log_dir})
    wait_for(lambda: journal_lines(out) >= 2)
    if how == "ctrl-c":  # a terminal signals the whole foreground process group
        os.killpg(proc.pid, signal.SIGINT)
    else:  # systemctl stop, docker stop: the main process only
        os.kill(proc.pid, signal.SIGTERM)
    stdout, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert stdout.startswith("batch interrupted:")
    started = {p.stem for p in log_dir.glob("*.start")}
    ended = {p.stem for p in log_dir.glob("*.end")}
    rows = read_jsonl(out / "manifest.jsonl")
    assert started == ended  # every letter in flight was finished...
    assert {r["sha256"] for r in rows} == started  # ...and is in the manifest
    assert 2 <= len(rows) < 15  # the rest was left for the next run
    summary = run(inbox, out)
    assert summary.total == 15 and summary.processed == 15 - len(rows)


@pytest.mark.slow
def test_watch_takes_files_once_they_settle(tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    write(inbox, "first.txt", letter(payer="Aetna", due="2026-03-03"))
    out = tmp_path / "out"
    stop = threading.Event()
    box: dict[str, BatchSummary] = {}

    def target() -> None:
        box["s"] = run(inbox, out, watch=True, stop=stop, poll_interval=0.1, settle_seconds=0.6)

    thread = threading.Thread(target=target)
    thread.start()
    try:
        wait_for(lambda: (out / "manifest.jsonl").exists())
        assert [r["path"] for r in read_jsonl(out / "manifest.jsonl")] == ["first.txt"]
        # A letter arriving slowly (a scanner writing it): taken only once complete.
        growing = inbox / "growing.txt"
        with growing.open("w") as fh:
            fh.write("payer: Cig")
            fh.flush()
            time.sleep(0.4)
            fh.write("na\ndue: 2026-01-01\n")
        wait_for(lambda: len(read_jsonl(out / "manifest.jsonl")) == 2)
        rows = read_jsonl(out / "manifest.jsonl")
        assert [(r["path"], r["payer"]) for r in rows] == [
            ("growing.txt", "Cigna"),
            ("first.txt", "Aetna"),
        ]
    finally:
        stop.set()
        thread.join(timeout=30)
    assert box["s"].interrupted and box["s"].processed == 2


# ------------------------------------------------------------------------------------------------
# The real pipeline
# ------------------------------------------------------------------------------------------------


def sample_letters(kind: str, names: list[str]) -> list[Path]:
    paths = [SAMPLES / n / kind for n in names]
    missing = [p for p in paths if not p.is_file()]
    assert not missing, f"samples missing: {missing}"
    return paths


TXT_SAMPLES = ["cigna_cimt", "humana_partd_step", "umr_lumbar_mri"]


def _comparable(result: dict[str, Any]) -> dict[str, Any]:
    result = dict(result)
    result["source"] = {k: v for k, v in result["source"].items() if k != "path"}
    result.pop("appeal")
    return result


def test_real_pipeline_on_text_letters_via_cli(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from denialparse.api import process_letter
    from denialparse.cli import cli

    inbox = tmp_path / "in"
    for src in sample_letters("letter.txt", TXT_SAMPLES):
        write(inbox, f"{src.parent.name}.txt", src.read_bytes())
    write(inbox, "dup/again.txt", (inbox / "cigna_cimt.txt").read_bytes())
    write(inbox, "broken.pdf", b"%PDF-1.7\n this is not a pdf")
    write(inbox, "junk.bin", bytes(range(256)) * 8)
    before = snapshot(inbox)
    out = tmp_path / "out"
    res = CliRunner().invoke(cli, ["batch", str(inbox), "-o", str(out), "--jobs", "2"])
    assert res.exit_code == 10, res.output  # two failed; the others were done
    assert snapshot(inbox) == before
    assert "failed           2" in res.stdout and "broken.pdf" in res.stdout
    rows = by_path(read_jsonl(out / "manifest.jsonl"))
    for bad in ("broken.pdf", "junk.bin"):
        assert rows[bad]["status"] == "failed" and rows[bad]["error"], bad
        assert not (out / bad / "appeal.docx").exists()
    assert list(rows)[-2:] == ["broken.pdf", "junk.bin"]
    assert rows["dup/again.txt"]["status"] == "duplicate"
    for name in TXT_SAMPLES:
        rel = f"{name}.txt"
        got = json.loads((out / rel / "result.json").read_text())
        direct = process_letter(inbox / rel).to_json_dict()
        # The batch adds nothing and loses nothing: the same result as `extract`.
        assert _comparable(got) == _comparable(direct)
        assert rows[rel]["status"] in ("success", "partial")
        assert rows[rel]["denial_type"] == got["denial_type"]["label"]
        assert got["appeal"]["path"] == f"{rel}/appeal.docx"
        assert zipfile.is_zipfile(out / rel / "appeal.docx")


@pytest.mark.slow
def test_cli_watch_then_sigint_exits_130_with_manifest(tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    src = sample_letters("letter.txt", TXT_SAMPLES)
    write(inbox, "one.txt", src[0].read_bytes())
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "denialparse",
            "batch",
            str(inbox),
            "-o",
            str(out),
            "--watch",
            "--jobs",
            "1",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ, OMP_THREAD_LIMIT="1"),
        start_new_session=True,
    )
    try:
        wait_for(lambda: journal_lines(out) == 1, timeout=60)
        write(inbox, "two.txt", src[1].read_bytes())
        wait_for(lambda: journal_lines(out) == 2, timeout=60)
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert "batch interrupted: 2 letters" in stdout
    assert sorted(r["path"] for r in read_jsonl(out / "manifest.jsonl")) == ["one.txt", "two.txt"]


@pytest.mark.ocr
@pytest.mark.slow
def test_real_pipeline_on_fax_scans(tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    for src in sample_letters("fax.tif", ["cigna_cimt", "humana_partd_step"]):
        write(inbox, f"{src.parent.name}.tif", src.read_bytes())
    out = tmp_path / "out"
    summary = run_batch(inbox, out, jobs=2, progress=False)
    assert summary.failed == 0 and summary.processed == 2
    for row in read_jsonl(out / "manifest.jsonl"):
        result = json.loads((out / row["output_dir"] / "result.json").read_text())
        assert result["text"]["source"] == "ocr"
        assert row["payer"] is not None


@pytest.mark.slow
def test_dask_local_cluster(tmp_path: Path) -> None:
    try:
        from dask.distributed import LocalCluster
    except ImportError:  # the optional `cluster` extra
        from tests.conftest import IN_CI

        if IN_CI:
            pytest.fail("dask is not installed: install.sh installs .[dev,cluster]")
        pytest.skip("the cluster extra (dask) is not installed")

    inbox = tmp_path / "in"
    for src in sample_letters("letter.txt", TXT_SAMPLES):
        write(inbox, f"{src.parent.name}.txt", src.read_bytes())
    write(inbox, "empty.txt", b"")
    reference = tmp_path / "reference"
    run_batch(inbox, reference, jobs=2, progress=False)
    out = tmp_path / "out"
    with LocalCluster(
        n_workers=2,
        processes=True,
        threads_per_worker=1,
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        summary = run_batch(inbox, out, scheduler=cluster.scheduler_address, progress=False)
    assert summary.processed == 3 and summary.failed == 1
    assert outputs(out, docx=False) == outputs(reference, docx=False)
    assert len(list(out.rglob("appeal.docx"))) == 3


def test_unreachable_scheduler_is_a_dependency_error(inbox: Path, tmp_path: Path) -> None:
    with pytest.raises(batch.SchedulerError, match="can't reach the Dask scheduler"):
        run(inbox, tmp_path / "out", scheduler="tcp://127.0.0.1:9")


def test_run_letter_never_raises(tmp_path: Path) -> None:
    src = write(tmp_path, "x.txt", letter(**{"raise": "crash"}))
    job = one_job(src, tmp_path / "o")
    outcome = batch.run_letter(job, FakeProcessor())
    assert isinstance(outcome, FinishedLetter)
    assert outcome.row["status"] == "failed" and outcome.retryable
    assert outcome.row["error_code"] == "internal_error"


# ------------------------------------------------------------------------------------------------
# Issue 9: appeal inputs decide what is redone; one failed-result builder; Dask optional
# ------------------------------------------------------------------------------------------------


def appeal_text(out: Path, rel: str) -> str:
    with zipfile.ZipFile(out / rel / "appeal.docx") as zf:
        return zf.read("word/document.xml").decode()


def starts(log_dir: Path) -> int:
    """How many times the pipeline read a letter (FakeProcessor's start markers)."""
    return sum(p.read_text().count("\n") for p in log_dir.glob("*.start"))


def test_other_appeal_inputs_redraft_the_appeals_without_reading_again(tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    write(inbox, "a.txt", letter(payer="Aetna", due="2026-05-05"))
    write(inbox, "b.txt", letter(payer="Cigna"))
    write(inbox, "bad.txt", letter(**{"raise": "input"}))
    profile = tmp_path / "practice.toml"
    profile.write_text("Dr Old")
    templates = tmp_path / "templates"
    write(templates, "other.docx", "our wording v1")
    log_dir = tmp_path / "log"
    log_dir.mkdir()
    out = tmp_path / "out"

    def again(**kw: Any) -> BatchSummary:
        kw = {"profile_path": profile, "template_dir": templates, **kw}
        return run(inbox, out, processor=FakeProcessor(str(log_dir)), **kw)

    first = again()
    assert first.processed == 3 and starts(log_dir) == 3
    manifest = (out / "manifest.jsonl").read_bytes()
    results = {r: (out / r / "result.json").read_bytes() for r in ("a.txt", "b.txt")}
    assert "profile=Dr Old" in appeal_text(out, "a.txt")

    # The same command again: nothing to do.
    assert again().processed == 0 and again().reused == 3

    # Another profile file *content* (same path): every appeal is redrafted, no letter re-read.
    profile.write_text("Dr New")
    second = again()
    assert (second.processed, second.redrafted, second.reused) == (2, 2, 1)
    assert starts(log_dir) == 3
    assert "profile=Dr New" in appeal_text(out, "a.txt")
    assert "profile=Dr New" in appeal_text(out, "b.txt")
    assert (out / "manifest.jsonl").read_bytes() == manifest  # the same rows
    assert {r: (out / r / "result.json").read_bytes() for r in results} == results
    assert again().processed == 0

    # Another template name, another template folder content: redrafted again.
    assert again(template="other").redrafted == 2
    assert "template=other" in appeal_text(out, "b.txt")
    write(templates, "other.docx", "our wording v2")
    assert again(template="other").redrafted == 2
    assert "templates=our wording v2" in appeal_text(out, "a.txt")
    # Moving the profile (same content) changes nothing.
    moved = tmp_path / "moved.toml"
    moved.write_text(profile.read_text())
    assert again(template="other", profile_path=moved).processed == 0
    assert starts(log_dir) == 3  # not one letter was read again
    # The review threshold marks fields in the appeal: a new one redrafts it too (and, as any
    # change of options, retries the input verdict: the one letter read again).
    assert again(template="other", options=Options(review_threshold=0.9)).redrafted == 2
    assert "review_threshold=0.9" in appeal_text(out, "a.txt")
    assert starts(log_dir) == 4
    assert not (out / "bad.txt" / "appeal.docx").exists()


def test_redraft_reads_the_letter_again_when_its_result_is_unreadable(tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    write(inbox, "a.txt", letter(payer="Aetna"))
    profile = tmp_path / "p.toml"
    profile.write_text("one")
    log_dir = tmp_path / "log"
    log_dir.mkdir()
    out = tmp_path / "out"
    run(inbox, out, processor=FakeProcessor(str(log_dir)), profile_path=profile)
    (out / "a.txt" / "result.json").write_text("{not json")
    profile.write_text("two")
    summary = run(inbox, out, processor=FakeProcessor(str(log_dir)), profile_path=profile)
    assert summary.processed == 1 and summary.redrafted == 0 and starts(log_dir) == 2
    assert "profile=two" in appeal_text(out, "a.txt")
    result = LetterResult.model_validate_json((out / "a.txt" / "result.json").read_text())
    # A result.json of other bytes (not this letter's) is not drafted from either.
    other = result.source.model_copy(update={"sha256": "0" * 64})
    (out / "a.txt" / "result.json").write_text(
        result.model_copy(update={"source": other}).model_dump_json()
    )
    profile.write_text("three")
    summary = run(inbox, out, processor=FakeProcessor(str(log_dir)), profile_path=profile)
    assert summary.processed == 1 and summary.redrafted == 0 and starts(log_dir) == 3


def test_journal_without_appeal_keys_is_read(inbox: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(inbox, out)
    journal = out / ".denialparse" / "state.jsonl"
    old = []
    for line in journal.read_text().splitlines():  # a journal written before appeal_key
        rec = json.loads(line)
        del rec["appeal_key"]
        old.append(json.dumps(rec))
    journal.write_text("\n".join(old) + "\n")
    summary = run(inbox, out)
    # Its appeals are redrafted once (their inputs are unknown), no letter is read again.
    assert summary.redrafted == 4 and summary.processed == 4
    assert run(inbox, out).processed == 0


def test_run_letter_passes_the_review_threshold_to_write_appeal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from denialparse import api

    seen: dict[str, Any] = {}

    def fake_write(result: LetterResult, out_path: Path, **kw: Any) -> LetterResult:
        seen.update(kw)
        return result

    monkeypatch.setattr(
        api, "process_letter", lambda p, options: FakeProcessor().process(p, options)
    )
    monkeypatch.setattr(api, "write_appeal", fake_write)
    src = write(tmp_path, "x.txt", letter(payer="Aetna"))
    appeal = AppealOptions(profile_path=tmp_path / "p.toml", template="other")
    job = one_job(src, tmp_path / "o", options=Options(review_threshold=0.9), appeal=appeal)
    batch.run_letter(job, batch.ApiProcessor())
    assert seen == {
        "profile_path": tmp_path / "p.toml",
        "template": "other",
        "template_dir": None,
        "review_threshold": 0.9,
    }


def test_failed_results_have_one_shape_whoever_fails_the_letter(tmp_path: Path) -> None:
    from denialparse.api import FAILED_MEDIA_TYPE, failed_result

    inbox = tmp_path / "in"
    write(inbox, "empty.pdf", b"")  # refused by the batch before any worker
    write(inbox, "junk.bin", bytes(range(256)) * 4)  # refused by the pipeline in a worker
    out = tmp_path / "out"
    run_batch(inbox, out, jobs=1, progress=False)
    for rel, code in (("empty.pdf", "empty_file"), ("junk.bin", "unsupported_type")):
        got = LetterResult.model_validate_json((out / rel / "result.json").read_text())
        assert got.source.media_type == FAILED_MEDIA_TYPE == "application/octet-stream"
        sha = got.source.sha256
        error = DenialParseError(got.errors[0].message, code=code)
        assert got == failed_result(rel, error, sha256=sha), rel
    assert failed_result(inbox / "junk.bin", DenialParseError("x")).source.sha256 == (
        hashlib.sha256((inbox / "junk.bin").read_bytes()).hexdigest()
    )


def test_a_worker_that_dies_leaves_a_failed_result_of_the_same_shape(tmp_path: Path) -> None:
    from denialparse.api import failed_result

    inbox = tmp_path / "in"
    write(inbox, "dies.txt", letter(**{"raise": "die"}))
    out = tmp_path / "out"
    run(inbox, out, jobs=1)
    got = LetterResult.model_validate_json((out / "dies.txt" / "result.json").read_text())
    sha = hashlib.sha256((inbox / "dies.txt").read_bytes()).hexdigest()
    expected = failed_result(
        "dies.txt", DenialParseError(got.errors[0].message, code="worker_died"), sha256=sha
    )
    assert got == expected


def test_scheduler_without_the_cluster_extra_is_exit_3(
    inbox: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from denialparse.cli import cli

    monkeypatch.setitem(sys.modules, "dask.distributed", None)  # import fails as if not installed
    out = tmp_path / "out"
    res = CliRunner().invoke(
        cli, ["batch", str(inbox), "-o", str(out), "--scheduler", "tcp://127.0.0.1:9"]
    )
    assert res.exit_code == 3
    assert res.stderr == (
        "denialparse: error: --scheduler needs Dask, which is not installed; "
        "pip install 'denialparse[cluster]' (or run without --scheduler)\n"
    )
    assert not out.exists()  # refused before OUT_DIR was touched


def test_cli_batch_passes_the_appeal_options(
    inbox: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from denialparse.cli import cli

    seen: dict[str, Any] = {}

    def fake_run_batch(in_dir: Path, out_dir: Path, **kw: Any) -> BatchSummary:
        seen.update(kw)
        return BatchSummary(in_dir=in_dir, out_dir=out_dir)

    monkeypatch.setattr(batch, "run_batch", fake_run_batch)
    profile = write(tmp_path, "p.toml", "x")
    args = ["batch", str(inbox), "-o", str(tmp_path / "out"), "--profile", str(profile)]
    res = CliRunner().invoke(cli, [*args, "--template", "other", "--template-dir", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert (seen["profile_path"], seen["template"], seen["template_dir"]) == (
        profile,
        "other",
        tmp_path,
    )


def test_a_renamed_letter_with_a_stale_appeal_is_read_again(tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    write(inbox, "a.txt", letter(payer="Aetna"))
    profile = write(tmp_path, "p.toml", "one")
    out = tmp_path / "out"
    run(inbox, out, profile_path=profile)
    (inbox / "a.txt").rename(inbox / "renamed.txt")
    # Same appeal inputs: the renamed file is a duplicate of the letter done before.
    assert run(inbox, out, profile_path=profile).processed == 0
    rows = read_jsonl(out / "manifest.jsonl")
    assert [(r["path"], r["status"], r["output_dir"]) for r in rows] == [
        ("renamed.txt", "duplicate", "a.txt")
    ]
    # Other appeal inputs: its only copy is read again, into its own folder, with a new appeal.
    profile.write_text("two")
    summary = run(inbox, out, profile_path=profile)
    assert summary.processed == 1 and summary.redrafted == 0
    rows = read_jsonl(out / "manifest.jsonl")
    assert [(r["path"], r["status"], r["output_dir"]) for r in rows] == [
        ("renamed.txt", "success", "renamed.txt")
    ]
    assert "profile=two" in appeal_text(out, "renamed.txt")
    assert run(inbox, out, profile_path=profile).processed == 0
