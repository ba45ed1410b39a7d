"""The one atomic-write helper: whole file or nothing, never over a device, fsynced."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from denialparse import files


def test_atomic_write_replaces_whole_file_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("old")
    files.atomic_write_text(target, "new")
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_a_failing_writer_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "out.docx"
    target.write_bytes(b"old")

    def boom(fh: object) -> None:
        raise RuntimeError("disk gone")

    with pytest.raises(RuntimeError):
        files.atomic_write(target, boom)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.docx"]


def test_a_device_is_never_replaced() -> None:
    before = os.stat("/dev/null")
    with pytest.raises(OSError, match="not a regular file"):
        files.atomic_write_bytes(Path("/dev/null"), b"x")
    after = os.stat("/dev/null")
    assert (after.st_mode, after.st_rdev) == (before.st_mode, before.st_rdev)


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(IsADirectoryError):
        files.atomic_write_bytes(tmp_path, b"x")


def test_writes_are_fsynced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[int] = []
    real = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real(fd)))
    files.atomic_write_bytes(tmp_path / "a", b"x")
    assert len(synced) == 2  # the file, then its folder
