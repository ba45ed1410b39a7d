"""Atomic output files: the one way denialparse writes anything a person or a program reads.

Every output (appeal DOCX, ``result.json``, manifests, training metadata, the station's files)
goes through :func:`atomic_write`: a temporary file in the destination's folder (same file
system, so the rename is atomic), flushed and fsynced, renamed over the destination, then the
folder fsynced so the rename itself survives a power cut. Readers see the old file or the new
one, never a part; a crash leaves at most a ``.NAME.*.dptmp`` file that batch sweeps.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

# Suffix of every temporary file we write; batch sweeps leftovers of a killed run by it.
TMP_SUFFIX = ".dptmp"


def refuse_special_target(path: Path) -> None:
    """Raise ``IsADirectoryError``/``OSError`` when ``path`` exists and is not a regular file.

    Renaming over a device, a FIFO or a socket would replace it with a regular file (``-o
    /dev/sda``); renaming over a folder fails later with a less clear message.
    """
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(21, "is a folder, not a file", str(path))
    if not stat.S_ISREG(mode):
        raise OSError(0, "not a regular file (a device, pipe or socket)", str(path))


def atomic_write(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Write ``path`` atomically with ``write(fh)`` filling a binary file handle.

    Args:
        path: the destination; its folder must exist.
        write: called once with the open temporary file.

    Raises:
        OSError: the folder can't be written, the disk is full, or ``path`` exists and is not a
            regular file (it is left alone).
    """
    path = Path(path)
    refuse_special_target(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())  # a power cut must not leave an empty file behind the rename
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """:func:`atomic_write` of a bytes object."""
    atomic_write(path, lambda fh: fh.write(data))


def atomic_write_text(path: Path, text: str) -> None:
    """UTF-8 text version of :func:`atomic_write_bytes`.

    A file name that isn't valid UTF-8 (kept by Python as lone surrogates) is written with
    backslash escapes (``bad\\xffname.pdf``) rather than failing the whole batch.
    """
    atomic_write_bytes(path, text.encode("utf-8", errors="backslashreplace"))


def fsync_dir(folder: Path) -> None:
    """fsync a folder so a rename inside it is durable (best effort: not every FS allows it)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems refuse fsync on a directory; the rename is still atomic
    finally:
        os.close(fd)
