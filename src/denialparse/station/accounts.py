"""``denialparse users``: the station's accounts, with Django's password hasher and validators.

The first account made is an admin (it can read the audit log); ``--admin`` makes others so.
"""

from __future__ import annotations

from denialparse.exceptions import DenialParseError, ExitCode


class AccountError(DenialParseError):
    """A name or password the station won't take (exit 2: fix the command)."""

    exit_code = ExitCode.USAGE
    default_code = "bad_account"


def _users():  # type: ignore[no-untyped-def]
    from django.contrib.auth import get_user_model

    return get_user_model()


def add_user(name: str, password: str, *, admin: bool = False) -> bool:
    """Create the account ``name`` (or set its password); return whether it is an admin.

    Raises:
        AccountError: an empty or over-long name, or a password the validators refuse.
    """
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    name = name.strip()
    if not name or len(name) > 150 or any(c.isspace() for c in name):
        raise AccountError("an account name is 1-150 characters without spaces")
    users = _users()
    user = users.objects.filter(username=name).first() or users(username=name)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise AccountError("password refused: " + " ".join(exc.messages)) from None
    first = not users.objects.filter(is_active=True).exclude(username=name).exists()
    user.set_password(password)  # Django's hasher (PBKDF2-SHA256, salted, iterated)
    user.is_active = True
    user.is_superuser = user.is_superuser or admin or first
    user.save()
    return bool(user.is_superuser)


def list_users() -> list[tuple[str, bool]]:
    """Every active account, with whether it is an admin."""
    return [
        (u.username, u.is_superuser)
        for u in _users().objects.filter(is_active=True).order_by("username")
    ]


def remove_user(name: str) -> None:
    """Delete the account ``name`` (its audit lines stay, under its name).

    Raises:
        AccountError: no such account.
    """
    deleted, _ = _users().objects.filter(username=name).delete()
    if not deleted:
        raise AccountError(f"no account named {name!r}; `denialparse users list` shows them")
