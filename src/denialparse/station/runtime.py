"""The running station's dispatcher and limits, shared by the views and the inbox watcher."""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

from denialparse.options import Options

if TYPE_CHECKING:
    from denialparse.station.dispatcher import Dispatcher

_dispatcher: Dispatcher | None = None
_options = Options()
# Bumped each time a letter finishes reading; the status view waits on it (long poll), so a
# review page learns at once that its letter is read, without polling the server every few ms.
_changed = threading.Condition()
_generation = 0


def install(dispatcher: Dispatcher | None, options: Options) -> None:
    """Make ``dispatcher`` the one the views wake when letters are queued."""
    global _dispatcher, _options
    _dispatcher, _options = dispatcher, options


def options() -> Options:
    """The limits and reading options of this station."""
    return _options


def letters_queued() -> None:
    """Wake the dispatcher: a letter was queued (no-op when none runs, e.g. ``users``)."""
    if _dispatcher is not None:
        _dispatcher.wake()


def letter_finished() -> None:
    """Wake every request waiting for a letter to finish (called by the dispatcher)."""
    global _generation
    with _changed:
        _generation += 1
        _changed.notify_all()


def wait_for_a_letter(since: int, timeout: float) -> int:
    """Block until a letter finishes after generation ``since`` (or ``timeout`` s); return now's."""
    end = time.monotonic() + timeout
    with _changed:
        while _generation == since and (left := end - time.monotonic()) > 0:
            _changed.wait(left)
        return _generation


def generation() -> int:
    """How many letters have finished so far in this process."""
    return _generation
