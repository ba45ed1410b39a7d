"""The practice profile: who signs the appeal, and the letterhead it goes out on.

A profile is a small TOML file the practice keeps (see ``samples/profile.toml``)::

    [practice]
    name = "Riverbend Neurology & Rehabilitation"
    address = ["1200 Example Avenue, Suite 300", "Springfield, IL 62701"]
    phone = "(217) 555-0142"
    fax = "(217) 555-0143"
    npi = "1234567893"
    logo = "logo.png"          # optional; PNG or JPEG, relative to the profile file

    [physician]
    name = "Avery Morgan"
    credentials = "MD"
    specialty = "Physical Medicine and Rehabilitation"   # optional
    npi = "1245319599"                                    # optional

    [signature]                # optional
    lines = ["Attending Physician, Stroke Rehabilitation Program"]

Loading is strict on purpose: a typo in a key would otherwise silently leave a placeholder on a
letter that goes to a payer, so unknown keys are refused as well as missing ones.
"""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from denialparse.exceptions import ProfileError

log = logging.getLogger(__name__)

# Images python-docx can embed, recognised by their first bytes (the suffix may lie).
_IMAGE_MAGIC: tuple[bytes, ...] = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")


@dataclass(frozen=True)
class PracticeProfile:
    """The letterhead and signer of an appeal.

    Attributes:
        practice: practice name as it should appear on the letterhead.
        address_lines: street address, one line per entry.
        phone: practice phone number, as it should be printed.
        fax: practice fax number, as it should be printed.
        npi: the practice's (group) National Provider Identifier, 10 digits.
        physician_name: the signing physician's name, without credentials.
        credentials: the physician's credentials, e.g. ``MD`` or ``DO, FAAPMR``.
        specialty: the physician's specialty (used to ask for a same-specialty reviewer).
        physician_npi: the physician's individual NPI, when it differs from the practice's.
        email: a contact address for the appeals unit.
        signature_lines: extra lines under the signature (title, department...).
        logo_path: a PNG or JPEG printed at the top of the letterhead.
    """

    practice: str
    address_lines: tuple[str, ...]
    phone: str
    fax: str
    npi: str
    physician_name: str
    credentials: str
    specialty: str | None = None
    physician_npi: str | None = None
    email: str | None = None
    signature_lines: tuple[str, ...] = ()
    logo_path: Path | None = None

    @property
    def physician_display(self) -> str:
        """Name and credentials as signed: ``Avery Morgan, MD``."""
        return f"{self.physician_name}, {self.credentials}"


# key -> (required, kind); kind is "str" or "list".
_SCHEMA: dict[str, dict[str, tuple[bool, str]]] = {
    "practice": {
        "name": (True, "str"),
        "address": (True, "list"),
        "phone": (True, "str"),
        "fax": (True, "str"),
        "npi": (True, "str"),
        "email": (False, "str"),
        "logo": (False, "str"),
    },
    "physician": {
        "name": (True, "str"),
        "credentials": (True, "str"),
        "specialty": (False, "str"),
        "npi": (False, "str"),
    },
    "signature": {"lines": (False, "list")},
}
_REQUIRED_TABLES = ("practice", "physician")


def npi_is_valid(npi: str) -> bool:
    """Whether ``npi`` is 10 digits with a correct check digit.

    NPIs use the Luhn algorithm over the digits prefixed with the card issuer code 80840
    (CMS, "Requirements for NPI check digit"), so a single mistyped digit is caught here
    instead of on the payer's side.

    Args:
        npi: the number as typed.

    Returns:
        True when the number is a well-formed NPI.
    """
    if len(npi) != 10 or not npi.isascii() or not npi.isdigit():
        return False
    digits = [int(c) for c in "80840" + npi]
    total = 0
    # Luhn: double every second digit from the right, the check digit itself not doubled.
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _type_name(value: object) -> str:
    return {
        str: "a string",
        int: "a number",
        float: "a number",
        bool: "true/false",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)


def _check_value(path: Path, key: str, value: Any, kind: str) -> str | tuple[str, ...]:
    if kind == "str":
        if not isinstance(value, str):
            raise ProfileError(
                f"profile {path}: {key} must be a quoted string, not {_type_name(value)}; fix it"
            )
        if not value.strip():
            raise ProfileError(f"profile {path}: {key} is empty; fill it in or remove the line")
        return value.strip()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ProfileError(
            f'profile {path}: {key} must be a list of quoted strings, e.g. ["line 1", "line 2"]'
        )
    lines = tuple(v.strip() for v in value if v.strip())
    if not lines and key == "practice.address":
        raise ProfileError(f"profile {path}: practice.address is empty; give at least one line")
    return lines


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ProfileError(
            f"practice profile not found: {path}; pass an existing TOML file "
            "(see samples/profile.toml)"
        ) from None
    except OSError as e:
        raise ProfileError(
            f"practice profile {path} can't be read ({e.strerror}); check the path and permissions"
        ) from e
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as e:
        raise ProfileError(f"profile {path} is not UTF-8 text; save it as UTF-8") from e
    except tomllib.TOMLDecodeError as e:
        raise ProfileError(f"profile {path} is not valid TOML: {e}; fix that line") from e


def _validate_tables(path: Path, data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    for table, content in data.items():
        if table not in _SCHEMA:
            raise ProfileError(
                f"profile {path}: unknown table [{table}]; allowed: "
                + ", ".join(f"[{t}]" for t in _SCHEMA)
            )
        if not isinstance(content, dict):
            raise ProfileError(f"profile {path}: {table} must be a table ([{table}])")
    for table in _REQUIRED_TABLES:
        if table not in data:
            raise ProfileError(f"profile {path}: missing table [{table}]; add it")
    values: dict[str, dict[str, Any]] = {}
    for table, keys in _SCHEMA.items():
        given = data.get(table, {})
        for key in given:
            if key not in keys:
                raise ProfileError(
                    f"profile {path}: unknown key {table}.{key}; allowed: " + ", ".join(keys)
                )
        values[table] = {}
        for key, (required, kind) in keys.items():
            if key not in given:
                if required:
                    raise ProfileError(f"profile {path}: missing key {table}.{key}; add it")
                continue
            values[table][key] = _check_value(path, f"{table}.{key}", given[key], kind)
    return values


def _check_npi(path: Path, key: str, npi: str | None) -> None:
    if npi is not None and not npi_is_valid(npi):
        raise ProfileError(
            f"profile {path}: {key} is not a valid 10-digit NPI (check digit fails); "
            "copy it from the NPPES registry"
        )


def _resolve_logo(path: Path, logo: str | None) -> Path | None:
    if logo is None:
        return None
    logo_path = Path(logo).expanduser()
    if not logo_path.is_absolute():
        logo_path = path.parent / logo_path
    try:
        with logo_path.open("rb") as fh:
            head = fh.read(8)
    except OSError:
        raise ProfileError(
            f"profile {path}: practice.logo file {logo_path} can't be read; fix the path "
            "or remove the line"
        ) from None
    if not head.startswith(_IMAGE_MAGIC):
        raise ProfileError(
            f"profile {path}: practice.logo {logo_path} is not a PNG or JPEG image; convert it"
        )
    return logo_path


def load_profile(path: Path) -> PracticeProfile:
    """Read and check a practice profile.

    Args:
        path: the TOML file.

    Returns:
        The profile, every string stripped.

    Raises:
        ProfileError: the file is missing or unreadable, is not TOML, lacks a required key,
            has an unknown key, a value of the wrong type, an invalid NPI, or a logo that is
            not a readable PNG/JPEG. The message names the key.
    """
    path = Path(path)
    data = _read_toml(path)
    v = _validate_tables(path, data)
    practice, physician, signature = v["practice"], v["physician"], v["signature"]
    _check_npi(path, "practice.npi", practice["npi"])
    _check_npi(path, "physician.npi", physician.get("npi"))
    profile = PracticeProfile(
        practice=practice["name"],
        address_lines=practice["address"],
        phone=practice["phone"],
        fax=practice["fax"],
        npi=practice["npi"],
        physician_name=physician["name"],
        credentials=physician["credentials"],
        specialty=physician.get("specialty"),
        physician_npi=physician.get("npi"),
        email=practice.get("email"),
        signature_lines=signature.get("lines", ()),
        logo_path=_resolve_logo(path, practice.get("logo")),
    )
    log.debug("loaded practice profile from %s", path)
    return profile
