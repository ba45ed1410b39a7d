"""The running station's dispatcher and limits, shared by the views and the inbox watcher."""

from __future__ import annotations

from typing import TYPE_CHECKING

from denialparse.options import Options

if TYPE_CHECKING:
    from denialparse.station.dispatcher import Dispatcher

_dispatcher: Dispatcher | None = None
_options = Options()


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
