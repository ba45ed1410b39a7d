"""Letters coming in: browser uploads and the ``--inbox`` folder a scanner writes to.

Every letter is copied into its own server-made folder (32 hex digits) as ``letter``; the name it
came with is kept only as text to show, never used as a path. Duplicates are recognised by the
sha256 of the bytes. A file over the size limit becomes a failed letter at once (its bytes are
not kept); type, page and pixel limits are checked by ``reading.ingest`` in the worker.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
import unicodedata
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from django.db import IntegrityError, close_old_connections

from denialparse.files import atomic_write
from denialparse.options import Options
from denialparse.station import letters
from denialparse.station.datafolder import LETTERS_DIR
from denialparse.station.models import AuditEntry, Letter, Status

log = logging.getLogger(__name__)

# A scanner is done with a file once its size and modification time stay put this long.
STABLE_SECONDS = 2.0
INBOX_POLL_SECONDS = 0.5
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Intake:
    """What happened to one incoming file."""

    letter: Letter
    duplicate: bool


def display_name(name: str) -> str:
    """The client's file name reduced to something safe to show: last component, printable."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    shown = "".join(c for c in unicodedata.normalize("NFC", base) if c.isprintable())
    return shown.strip()[:200] or "letter"


def _too_large(size: int, options: Options) -> str | None:
    if size > options.max_file_bytes:
        mib = options.max_file_bytes // (1024 * 1024)
        return f"the file is over the {mib} MiB limit: split it or scan at a lower resolution"
    return None


def take(chunks: Iterable[bytes], size: int, name: str, source: str, options: Options) -> Intake:
    """Store one incoming letter and queue it (or fail it at once when it is over the size limit).

    Args:
        chunks: the file's bytes, in pieces (an upload's chunks or a file read).
        size: its size in bytes.
        name: the name it came with (shown only).
        source: ``upload`` or ``inbox``.
        options: the limits.
    """
    folder = uuid.uuid4().hex
    target_dir = letters.data_dir() / LETTERS_DIR / folder
    reason = _too_large(size, options)
    digest = hashlib.sha256()
    if reason is None:
        target_dir.mkdir(mode=0o700)

        def write(fh: object) -> None:
            for chunk in chunks:
                digest.update(chunk)
                fh.write(chunk)  # type: ignore[attr-defined]

        atomic_write(target_dir / letters.ORIGINAL_FILE, write)
    else:
        digest.update(f"over-limit:{size}:{name}:{folder}".encode())  # unique; nothing kept
    sha256 = digest.hexdigest()
    existing = Letter.objects.filter(sha256=sha256).first()
    if existing is not None:
        _remove_folder(target_dir)
        return Intake(existing, duplicate=True)
    letter = Letter(folder=folder, display_name=display_name(name), sha256=sha256, source=source)
    if reason is not None:
        letter.status, letter.reason = Status.FAILED, reason
    try:
        letter.save()
    except IntegrityError:  # the same bytes arrived twice at the same moment
        _remove_folder(target_dir)
        return Intake(Letter.objects.get(sha256=sha256), duplicate=True)
    return Intake(letter, duplicate=False)


def _remove_folder(folder: Path) -> None:
    for child in folder.glob("*"):
        child.unlink(missing_ok=True)
    if folder.is_dir():
        folder.rmdir()


def _file_chunks(path: Path) -> Iterable[bytes]:
    with path.open("rb") as fh:  # read-only: the scanner's folder is never changed
        while chunk := fh.read(_CHUNK):
            yield chunk


def sha256_of(path: Path) -> str:
    """The sha256 of a file's bytes."""
    digest = hashlib.sha256()
    for chunk in _file_chunks(path):
        digest.update(chunk)
    return digest.hexdigest()


class InboxWatcher:
    """Takes each complete file from a scanner's folder once; never modifies the folder.

    A file is complete when its size and modification time have not changed for
    ``STABLE_SECONDS``. A file whose bytes are already at the desk (or were deleted there) is
    skipped. Hidden files and our own temporaries are ignored.
    """

    def __init__(self, inbox: Path, options: Options, on_new: Callable[[], None]) -> None:
        self.inbox = inbox
        self.options = options
        self.on_new = on_new
        self._seen: dict[str, tuple[int, int, float]] = {}  # path -> (size, mtime_ns, since)
        self._done: set[tuple[str, int, int]] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="inbox", daemon=True)

    def start(self) -> None:
        """Start watching in a background thread."""
        self._thread.start()

    def stop(self) -> None:
        """Stop watching (returns when the thread has ended)."""
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.scan_once()
            except Exception:  # one odd file must not stop the watcher
                log.exception("inbox scan failed")
            finally:
                close_old_connections()
            self._stop.wait(INBOX_POLL_SECONDS)

    def _files(self) -> list[Path]:
        found = []
        for dirpath, dirnames, filenames in os.walk(self.inbox):
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            found += [Path(dirpath) / f for f in filenames if not f.startswith(".")]
        return found

    def scan_once(self, now: float | None = None) -> int:
        """Take every file that has become complete; return how many new letters were queued."""
        now = time.monotonic() if now is None else now
        taken = 0
        for path in self._files():
            try:
                st = path.stat()
            except OSError:
                continue
            key = (str(path), st.st_size, st.st_mtime_ns)
            if key in self._done or not path.is_file():
                continue
            size_mtime = (st.st_size, st.st_mtime_ns)
            seen = self._seen.get(str(path))
            if seen is None or seen[:2] != size_mtime:
                self._seen[str(path)] = (*size_mtime, now)
                continue
            if now - seen[2] < STABLE_SECONDS or st.st_size == 0:
                continue
            self._done.add(key)
            taken += self._take(path)
        return taken

    def _take(self, path: Path) -> int:
        digest = sha256_of(path)
        if (
            Letter.objects.filter(sha256=digest).exists()
            or AuditEntry.objects.filter(action="deleted", sha256=digest).exists()
        ):
            return 0
        name = str(path.relative_to(self.inbox))
        result = take(_file_chunks(path), path.stat().st_size, name, "inbox", self.options)
        if result.duplicate:
            return 0
        AuditEntry.objects.create(who="inbox", action="received", letter_id=result.letter.pk)
        log.info("inbox: took a new letter (letter %d)", result.letter.pk)
        self.on_new()
        return 1
