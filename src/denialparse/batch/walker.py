"""Walking IN_DIR: which files are letters to look at, when they are complete, what they hold.

Nothing here writes anything. A file that must not be read (a symlink out of IN_DIR, a pipe, an
empty file) is reported with a problem, which becomes a failed row with that reason.
"""

from __future__ import annotations

import hashlib
import os
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from denialparse.batch import errors
from denialparse.exceptions import DenialParseError, InputFileError, LimitExceededError
from denialparse.files import TMP_SUFFIX

# Partial downloads, office lock files and our own temporary files: never letters, and still
# being written.
SKIP_SUFFIXES = (".tmp", ".part", ".partial", ".crdownload", ".download", TMP_SUFFIX)
SKIP_PREFIXES = ("~$",)

Signature = tuple[int, int]
"""(size, mtime_ns) of a file: what tells a file still being written from a complete one."""


@dataclass(frozen=True)
class Found:
    """A file found under IN_DIR; ``problem`` set when it must not be read (a failed row)."""

    rel: str
    """Path relative to IN_DIR, POSIX separators (the manifest's ``path``)."""
    path: Path
    problem: DenialParseError | None = None


@dataclass(frozen=True)
class Identified:
    """A found file with its content hash, or the reason it can't be taken."""

    found: Found
    sha256: str | None
    problem: DenialParseError | None = None


def _skip_name(name: str) -> bool:
    return name.startswith(".") or name.startswith(SKIP_PREFIXES) or name.endswith(SKIP_SUFFIXES)


def walk_letters(in_dir: Path, *, exclude: Path | None = None) -> Iterator[Found]:
    """Every candidate letter under ``in_dir``, sorted, recursively; nothing is followed out.

    Hidden files and folders, partial downloads and our own temp files are skipped. A symlink
    pointing outside ``in_dir`` (file or folder) is reported with a problem, not followed; a
    folder symlink inside is skipped (its target is walked anyway, and loops are impossible).

    Args:
        in_dir: the input folder (absolute).
        exclude: a folder not to walk (OUT_DIR when it lies inside IN_DIR).

    Yields:
        One ``Found`` per file, in sorted relative-path order.
    """
    root = in_dir.resolve()
    excluded = exclude.resolve() if exclude is not None else None
    found: list[Found] = []
    for dirpath, dirnames, filenames in os.walk(in_dir, followlinks=False):
        here = Path(dirpath)
        keep = []
        for name in sorted(dirnames):
            sub = here / name
            if _skip_name(name) or (excluded is not None and sub.resolve() == excluded):
                continue
            if sub.is_symlink():
                if not _inside(sub, root):
                    found.append(Found(_rel(sub, in_dir), sub, errors.outside_symlink()))
                continue
            keep.append(name)
        dirnames[:] = keep
        for name in filenames:
            if _skip_name(name):
                continue
            path = here / name
            problem = None
            if path.is_symlink() and not _inside(path, root):
                problem = errors.outside_symlink()
            found.append(Found(_rel(path, in_dir), path, problem))
    # os.walk visits a folder's files before its subfolders; sort the whole list so the order is
    # the same however the tree is laid out.
    found.sort(key=lambda f: f.rel)
    yield from found


def _rel(path: Path, in_dir: Path) -> str:
    return path.relative_to(in_dir).as_posix()


def _inside(path: Path, root: Path) -> bool:
    try:
        target = path.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        return False
    return target == root or target.is_relative_to(root)


def signature(path: Path) -> Signature | None:
    """The file's (size, mtime_ns), or None when it can't be stat'ed."""
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns)


class Scanner:
    """Walks IN_DIR again and again (watch mode), handing out each file once per signature."""

    def __init__(self, in_dir: Path, *, exclude: Path | None) -> None:
        self.in_dir = in_dir
        self.exclude = exclude
        self._first_seen: dict[str, tuple[Signature, float]] = {}
        self._handed_out: dict[str, Signature | None] = {}

    def scan(self, settle: float | None = None) -> list[Found]:
        """Files new or changed since the last scan.

        Args:
            settle: hand a file out only once its size and mtime have not changed for this many
                seconds (a scanner or a copy still writing it is left alone), or at once when
                its mtime is already older than that; None = at once.
        """
        ready: list[Found] = []
        for f in walk_letters(self.in_dir, exclude=self.exclude):
            sig = signature(f.path)
            if self._handed_out.get(f.rel, ()) == sig:
                continue
            if f.problem is None and sig is not None and not self._settled(f.rel, sig, settle):
                continue
            self._handed_out[f.rel] = sig
            self._first_seen.pop(f.rel, None)
            ready.append(f)
        return ready

    def _settled(self, rel: str, sig: Signature, settle: float | None) -> bool:
        if settle is None:
            return True
        now = time.monotonic()
        old_enough = time.time() - sig[1] / 1e9 >= settle
        seen = self._first_seen.get(rel)
        if seen is None or seen[0] != sig:
            self._first_seen[rel] = (sig, now)
            return old_enough
        return old_enough or now - seen[1] >= settle


def identify(found: Found, *, max_bytes: int) -> Identified:
    """Hash a found file, or say why it can't be taken (never raises).

    Args:
        found: the file.
        max_bytes: the size limit (``Options.max_file_bytes``).

    Returns:
        The file with its sha256, or with the problem that makes it a failed row.
    """
    if found.problem is not None:
        return Identified(found, None, found.problem)
    problem = _unreadable(found.path, max_bytes)
    if problem is not None:
        return Identified(found, None, problem)
    try:
        return Identified(found, hash_file(found.path))
    except FileNotFoundError:
        return Identified(found, None, errors.vanished())
    except OSError as exc:
        return Identified(found, None, errors.read_error(exc))


def _unreadable(path: Path, max_bytes: int) -> DenialParseError | None:
    """Why the file at ``path`` is not a letter to read, from its stat alone; None if it is."""
    try:
        st = path.stat()
    except FileNotFoundError:
        if path.is_symlink():
            return InputFileError(
                "broken symlink: its target does not exist; fix or remove the link",
                code="broken_symlink",
            )
        return errors.vanished()
    except OSError as exc:
        return errors.read_error(exc)
    if not stat.S_ISREG(st.st_mode):
        return InputFileError(
            "not a regular file (a pipe, socket or device); only letter files are read",
            code="not_a_file",
        )
    if st.st_size == 0:
        # Every empty file has the same hash: without this they would be "duplicates".
        return InputFileError(
            "the file is empty; rescan or re-export the letter", code="empty_file"
        )
    if st.st_size > max_bytes:
        return LimitExceededError(
            f"the file is larger than {max_bytes} bytes; split it or raise the size limit",
        )
    return None


def hash_file(path: Path) -> str:
    """SHA-256 of a file's bytes (the letter's identity across runs).

    Raises:
        OSError: when the file can't be read.
    """
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
