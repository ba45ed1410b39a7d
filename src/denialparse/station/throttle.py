"""Log-in throttling: a small counter of failures in the database (per name and per address).

Kept in the station's own database rather than a cache so it works the same on SQLite and
PostgreSQL, survives a restart, and needs no extra package. Failures older than the window
stop counting; a successful log-in clears the name's failures.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from denialparse.station.models import LoginFailure

WINDOW = dt.timedelta(minutes=15)
MAX_PER_NAME = 5
MAX_PER_ADDRESS = 20
LOCKED_MESSAGE = "Too many failed log-ins. Wait 15 minutes, then try again."


def locked_out(username: str, address: str) -> bool:
    """Whether this name or this address has failed too often within the window."""
    since = timezone.now() - WINDOW
    recent = LoginFailure.objects.filter(at__gte=since)
    return (
        recent.filter(username=username).count() >= MAX_PER_NAME
        or recent.filter(address=address).count() >= MAX_PER_ADDRESS
    )


def record_failure(username: str, address: str) -> None:
    """Count one failed log-in (and forget failures past the window)."""
    LoginFailure.objects.filter(at__lt=timezone.now() - WINDOW).delete()
    LoginFailure.objects.create(username=username[:150], address=address[:64])


def clear(username: str) -> None:
    """A successful log-in: the name's count starts again."""
    LoginFailure.objects.filter(username=username).delete()
