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

from denialparse.appeal.profile import PracticeProfile, load_profile
from denialparse.exceptions import ProfileError
from denialparse.files import TMP_SUFFIX, atomic_write_bytes
from denialparse.station import letters

MAX_PROFILE_BYTES = 64 * 1024
MAX_LOGO_BYTES = 2 * 1024 * 1024
LOGO_FILE = "logo"
# PNG and JPEG, the images python-docx embeds, by their first bytes (as appeal/profile.py checks).
LOGO_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")
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


def to_toml(values: dict[str, str], *, logo: bool = False) -> str:
    """The profile TOML of the form's values (empty optional keys left out).

    Args:
        values: form field -> value.
        logo: add ``practice.logo`` pointing at the logo kept beside the profile.
    """
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
    if logo:
        tables.setdefault("practice", []).append(f"logo = {_toml_string(LOGO_FILE)}")
    return "\n".join(f"[{table}]\n" + "\n".join(lines) + "\n" for table, lines in tables.items())


def _probe_name() -> Path:
    # Beside the real profile, so a relative logo path resolves the same way.
    return letters.profile_path().with_name(f".profile-check{TMP_SUFFIX}")


def _validated(toml_bytes: bytes, source: str) -> PracticeProfile:
    """``load_profile`` of these bytes; errors name ``source`` instead of the temporary file."""
    probe = _probe_name()
    try:
        atomic_write_bytes(probe, toml_bytes)
        return load_profile(probe)
    except ProfileError as exc:
        raise ProfileError(exc.message.replace(str(probe), source)) from exc
    finally:
        probe.unlink(missing_ok=True)


def logo_path() -> Path:
    """The practice's logo, kept beside the profile in the data folder."""
    return letters.profile_path().with_name(LOGO_FILE)


def save_form(values: dict[str, str]) -> None:
    """Store the form's values as the profile (with the logo, when one was uploaded).

    Raises:
        ProfileError: a missing required value, an invalid NPI... (the message names the key).
    """
    text = to_toml(values, logo=logo_path().is_file()).encode("utf-8")
    _validated(text, "the form")
    atomic_write_bytes(letters.profile_path(), text)


def values_of(data: dict[str, Any]) -> dict[str, str]:
    """A parsed profile TOML as the form's values."""
    values = {key: "" for key in FORM_KEYS}
    for key, (table, name, is_list) in FORM_KEYS.items():
        value = data.get(table, {}).get(name)
        if value is None:
            continue
        values[key] = "\n".join(value) if is_list else str(value)
    return values


def import_toml(data: bytes) -> None:
    """Import a profile TOML file (after the CLI's checks); a logo it names must be uploaded
    separately, since its path points at the machine the file came from.

    Raises:
        ProfileError: the file is not a valid profile (the message says why).
    """
    profile = _validated(data, "the imported file")
    if profile.logo_path is not None:
        raise ProfileError(
            "the imported file names a logo file: remove the practice.logo line, import it "
            "again, and upload the logo on this page"
        )
    save_form(values_of(tomllib.loads(data.decode("utf-8"))))


def current_values() -> dict[str, str]:
    """The stored profile as the form's values (empty when none is set)."""
    try:
        data: dict[str, Any] = tomllib.loads(letters.profile_path().read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        data = {}
    return values_of(data)


def save_logo(data: bytes) -> None:
    """Keep a PNG or JPEG as the letterhead's logo and name it in the stored profile.

    Raises:
        ProfileError: not a PNG or JPEG, or over the size limit.
    """
    if len(data) > MAX_LOGO_BYTES or not data.startswith(LOGO_MAGIC):
        raise ProfileError("the logo must be a PNG or JPEG image under 2 MB")
    atomic_write_bytes(logo_path(), data)
    if letters.profile_path().is_file():
        save_form(current_values())


def remove_logo() -> None:
    """Drop the logo from the letterhead."""
    logo_path().unlink(missing_ok=True)
    if letters.profile_path().is_file():
        save_form(current_values())
