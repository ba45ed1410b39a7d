"""The practice profile at the station: the CLI's TOML (``appeal/profile.py``), edited as a form
or imported as a file, kept as ``profile.toml`` in the data folder.

Every save is checked by ``load_profile`` itself before it replaces the file, so the station
and ``denialparse appeal --profile`` accept exactly the same profiles.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

from denialparse.appeal.profile import load_profile
from denialparse.exceptions import ProfileError
from denialparse.files import TMP_SUFFIX, atomic_write_bytes
from denialparse.station import letters

MAX_PROFILE_BYTES = 64 * 1024
# Form field -> (TOML table, key, is a list written one item a line).
FORM_KEYS: dict[str, tuple[str, str, bool]] = {
    "practice_name": ("practice", "name", False),
    "practice_address": ("practice", "address", True),
    "practice_phone": ("practice", "phone", False),
    "practice_fax": ("practice", "fax", False),
    "practice_npi": ("practice", "npi", False),
    "practice_email": ("practice", "email", False),
    "physician_name": ("physician", "name", False),
    "physician_credentials": ("physician", "credentials", False),
    "physician_specialty": ("physician", "specialty", False),
    "physician_npi": ("physician", "npi", False),
    "signature_lines": ("signature", "lines", True),
}
FORM_LABELS: dict[str, str] = {
    "practice_name": "Practice name",
    "practice_address": "Address (one line each)",
    "practice_phone": "Phone",
    "practice_fax": "Fax",
    "practice_npi": "Practice NPI (10 digits)",
    "practice_email": "Email (optional)",
    "physician_name": "Physician's name",
    "physician_credentials": "Credentials (MD, DO...)",
    "physician_specialty": "Specialty (optional)",
    "physician_npi": "Physician's NPI (optional)",
    "signature_lines": "Lines under the signature (optional, one each)",
}


def _toml_string(value: str) -> str:
    # A JSON string is a valid TOML basic string (same escapes), so no TOML writer is needed.
    return json.dumps(value, ensure_ascii=False)


def to_toml(values: dict[str, str]) -> str:
    """The profile TOML of the form's values (empty optional keys left out)."""
    tables: dict[str, list[str]] = {}
    for key, (table, name, is_list) in FORM_KEYS.items():
        raw = values.get(key, "")
        if is_list:
            items = [line.strip() for line in raw.splitlines() if line.strip()]
            if not items:
                continue
            text = "[" + ", ".join(_toml_string(i) for i in items) + "]"
        else:
            if not raw.strip():
                continue
            text = _toml_string(raw.strip())
        tables.setdefault(table, []).append(f"{name} = {text}")
    return "\n".join(f"[{table}]\n" + "\n".join(lines) + "\n" for table, lines in tables.items())


def _check_and_store(toml_bytes: bytes) -> None:
    """Validate with ``load_profile`` (a temporary file beside the real one), then replace it."""
    target = letters.profile_path()
    probe = target.with_name(f".profile-check{TMP_SUFFIX}")
    try:
        atomic_write_bytes(probe, toml_bytes)
        profile = load_profile(probe)
    finally:
        probe.unlink(missing_ok=True)
    if profile.logo_path is not None:
        raise ProfileError(
            "the station does not take a logo in the profile yet: remove the practice.logo line"
        )
    atomic_write_bytes(target, toml_bytes)


def save_form(values: dict[str, str]) -> None:
    """Store the form's values as the profile.

    Raises:
        ProfileError: a missing required value, an invalid NPI... (the message names the key).
    """
    text = to_toml(values)
    try:
        _check_and_store(text.encode("utf-8"))
    except ProfileError as exc:
        raise ProfileError(exc.message.replace(str(_probe_name()), "the form")) from exc


def _probe_name() -> Path:
    return letters.profile_path().with_name(f".profile-check{TMP_SUFFIX}")


def import_toml(data: bytes) -> None:
    """Import a profile TOML file as is (after the same checks).

    Raises:
        ProfileError: the file is not a valid profile (the message says why).
    """
    try:
        _check_and_store(data)
    except ProfileError as exc:
        raise ProfileError(exc.message.replace(str(_probe_name()), "the imported file")) from exc


def current_values() -> dict[str, str]:
    """The stored profile as the form's values (empty when none is set)."""
    path = letters.profile_path()
    values = {key: "" for key in FORM_KEYS}
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return values
    for key, (table, name, is_list) in FORM_KEYS.items():
        value = data.get(table, {}).get(name)
        if value is None:
            continue
        values[key] = "\n".join(value) if is_list else str(value)
    return values
