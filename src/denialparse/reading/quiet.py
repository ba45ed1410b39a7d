"""Decoder chatter goes to the debug log, never to the user's terminal.

Pillow warns (``UserWarning: Corrupt EXIF data``, "Truncated File Read") and libtiff prints
straight to file descriptor 2 from C ("Fax4Decode: Bad code word at line 25 of strip 2"), 26
lines for one damaged fax. The contract allows one line on stderr for a refused letter, and even
a letter that reads fine should not scroll decoder noise. ``decoder_output_to_debug`` wraps one
decode: Python warnings are recorded, fd 2 points at a temporary file, and both are logged at
DEBUG afterwards (``-vv`` shows them).

fd 2 belongs to the whole process, so decodes under this context run one at a time (a lock):
decoding a page takes milliseconds next to the second its OCR takes. A log line that another
thread writes meanwhile is copied back to the real stderr untouched.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sys
import tempfile
import threading
import warnings
from collections.abc import Iterator

log = logging.getLogger(__name__)

_lock = threading.RLock()
_depth = 0
# Lines our own logging writes (cli's format "LEVEL name: message"): handed back, not demoted.
_OUR_LOG_LINE = re.compile(rb"^(DEBUG|INFO|WARNING|ERROR|CRITICAL) \S+: ")
# At most this much of a decoder's chatter is kept for the debug log.
_MAX_KEPT = 4096


@contextlib.contextmanager
def decoder_output_to_debug(what: str) -> Iterator[None]:
    """Run a decode with its warnings and C-level stderr routed to the debug log.

    Args:
        what: names the decode in the debug log ("TIFF page 2", "PNG header").
    """
    global _depth
    with _lock:
        _depth += 1
        try:
            if _depth > 1:  # nested: the outer context already captures
                yield
                return
            with warnings.catch_warnings(record=True) as caught, _fd2_to_debug(what):
                warnings.simplefilter("always")
                yield
            for warning in caught:
                log.debug("%s: %s: %s", what, warning.category.__name__, warning.message)
        finally:
            _depth -= 1


@contextlib.contextmanager
def _fd2_to_debug(what: str) -> Iterator[None]:
    try:
        stderr_fd = sys.__stderr__.fileno() if sys.__stderr__ else 2
        saved = os.dup(stderr_fd)
    except (OSError, ValueError, AttributeError):  # no real fd 2 (embedded, pytest capture)
        yield
        return
    with tempfile.TemporaryFile() as sink:
        with contextlib.suppress(ValueError, OSError):
            sys.stderr.flush()
        os.dup2(sink.fileno(), stderr_fd)
        try:
            yield
        finally:
            with contextlib.suppress(ValueError, OSError):
                sys.stderr.flush()
            os.dup2(saved, stderr_fd)
            os.close(saved)
        sink.seek(0)
        said = sink.read()
    _replay(what, said, stderr_fd)


def _replay(what: str, said: bytes, stderr_fd: int) -> None:
    kept = 0
    for line in said.splitlines():
        if _OUR_LOG_LINE.match(line):
            with contextlib.suppress(OSError):
                os.write(stderr_fd, line + b"\n")
        elif line.strip() and kept < _MAX_KEPT:
            kept += len(line)
            log.debug("%s: the decoder said: %s", what, line.decode("utf-8", "replace"))
