"""A letter's fields at the desk: corrections, recomputed deadlines, confirmation, the appeal,
and the corrected fields as a labelled row. No HTTP here; the views call these.

The stored ``current`` result is always a valid contract ``LetterResult``: a corrected field
keeps where it was read (page and box, so the review page can still point at it) and takes the
person's value with confidence 1 and ``source`` "person".
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from denialparse.deadlines.rules import PLAN_NAMES
from denialparse.evaluate import FIELDS as EVALUATED_FIELDS
from denialparse.station import runtime
from denialparse.station.datafolder import LETTERS_DIR, PROFILE_FILE
from denialparse.station.models import Letter, Status
from denialparse.types import (
    EXTRA_FIELD_NAMES,
    FIELD_NAMES,
    DenialType,
    DenialTypeResult,
    FieldValue,
    LetterResult,
    PlanType,
)

ORIGINAL_FILE = "letter"
APPEAL_FILE = "appeal.docx"
PAGES_DIR = "pages"
PERSON = "person"
DENIAL_TYPE = "denial_type"
REFERENCE_CODES = "reference_codes"
DATE_FIELDS = frozenset({"letter_date", "service_date", "stated_deadline"})
LONG_FIELDS = frozenset({"denial_reason", "appeal_address"})
# What the review page shows, in this order once the doubtful ones are moved to the top.
REVIEW_FIELDS: tuple[str, ...] = (DENIAL_TYPE, *FIELD_NAMES, *EXTRA_FIELD_NAMES, REFERENCE_CODES)
LABELS: dict[str, str] = {
    DENIAL_TYPE: "Denial type",
    "payer": "Payer",
    "plan_type": "Plan type",
    "therapy": "Therapy or service",
    "denial_reason": "Reason for the denial",
    "letter_date": "Letter date",
    "service_date": "Service date",
    "member_id": "Member ID",
    "claim_id": "Claim or reference number",
    "patient_name": "Patient",
    "provider_name": "Provider",
    "stated_deadline": "Appeal deadline stated in the letter",
    "appeal_address": "Where to send the appeal",
    "administrator": "Plan administrator (TPA / PBM)",
    "benefit_manager": "Benefit manager that decided (PBM, radiology or review company, TPA)",
    REFERENCE_CODES: "Reason codes (comma-separated)",
}
# (value, what the front desk reads) of each picked field; the values are the contract's enums.
CHOICES: dict[str, tuple[tuple[str, str], ...]] = {
    DENIAL_TYPE: tuple((t.value, t.value.replace("_", " ")) for t in DenialType),
    "plan_type": tuple(
        (t.value, PLAN_NAMES.get(t, "not known from the letter")) for t in PlanType
    ),
}
# File suffix of each media type in an exported corpus (what ``evaluate`` looks for).
SUFFIXES: dict[str, str] = {
    "application/pdf": ".pdf",
    "image/tiff": ".tif",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "text/plain": ".txt",
}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class CorrectionError(ValueError):
    """A corrected value the contract can't hold (message says which field and why)."""


def data_dir() -> Path:
    """The station's data folder (from the settings)."""
    return Path(settings.STATION_DATA_DIR)


def letter_dir(letter: Letter) -> Path:
    """The letter's own folder; its name is made by the server, never taken from a client."""
    if not re.fullmatch(r"[0-9a-f]{32}", letter.folder):
        raise ValueError("a letter folder name is 32 hex digits")  # a corrupted row, not a path
    return data_dir() / LETTERS_DIR / letter.folder


def original_path(letter: Letter) -> Path:
    """The stored copy of the letter as it came in."""
    return letter_dir(letter) / ORIGINAL_FILE


def appeal_path(letter: Letter) -> Path:
    """Where the drafted appeal is kept."""
    return letter_dir(letter) / APPEAL_FILE


def profile_path() -> Path:
    """The practice profile (TOML) set on the settings page."""
    return data_dir() / PROFILE_FILE


def result_of(letter: Letter) -> LetterResult | None:
    """The current (corrected) result, typed; None before the letter was read."""
    return LetterResult.model_validate(letter.current) if letter.current else None


def extracted_of(letter: Letter) -> LetterResult | None:
    """What the pipeline read, before any correction."""
    return LetterResult.model_validate(letter.extracted) if letter.extracted else None


def field_text(result: LetterResult | None, name: str) -> str:
    """A field's value as the review form shows it ("" when the letter doesn't say)."""
    if result is None:
        return ""
    if name == DENIAL_TYPE:
        return result.denial_type.label.value if result.denial_type else ""
    if name == REFERENCE_CODES:
        return ", ".join(result.fields.reference_codes)
    fv: FieldValue | None = getattr(result.fields, name)
    return fv.value if fv else ""


def record_read(letter: Letter, result: dict[str, Any], seconds: float) -> None:
    """Store what a worker read and put the letter up for review."""
    letter.extracted = result
    letter.current = result
    letter.edited_fields = []
    letter.status = Status.TO_REVIEW
    letter.reason = ""
    letter.read_at = timezone.now()
    letter.seconds = round(seconds, 3)
    _copy_columns(letter, LetterResult.model_validate(result))
    letter.save()


def record_failure(letter: Letter, message: str) -> None:
    """A letter that can't be read: failed, with its one line (our file path taken out)."""
    line = " ".join(message.replace(str(original_path(letter)) + ": ", "").split())
    letter.status = Status.FAILED
    letter.reason = line[:300]
    letter.read_at = timezone.now()
    letter.save()


def _copy_columns(letter: Letter, result: LetterResult) -> None:
    f = result.fields
    letter.patient = (f.patient_name.value if f.patient_name else "")[:200]
    letter.payer = (f.payer.value if f.payer else "")[:200]
    letter.denial_type = result.denial_type.label.value if result.denial_type else ""
    dues = [d.due for d in result.deadlines if d.due]
    letter.earliest_deadline = dt.date.fromisoformat(min(dues)) if dues else None


def doubtful_fields(letter: Letter) -> list[str]:
    """Fields a person should still check: flagged by the reader, not yet corrected or confirmed."""
    if letter.status in (Status.CONFIRMED, Status.APPEAL_READY):
        return []
    result = extracted_of(letter)
    if result is None:
        return []
    edited = set(letter.edited_fields)
    return [n for n in result.needs_review if n in REVIEW_FIELDS and n not in edited]


def normal_text(name: str, value: str) -> str:
    """A value as a form gives it back: browsers send CRLF in text areas and drop line breaks
    from one-line inputs, so an untouched field must not count as a change."""
    if name in LONG_FIELDS:
        return "\n".join(line.rstrip() for line in value.replace("\r\n", "\n").split("\n")).strip()
    return " ".join(value.split())


def _check_value(name: str, value: str) -> None:
    if name in CHOICES and value and value not in dict(CHOICES[name]):
        raise CorrectionError(f"{LABELS[name]}: pick one of the listed values")
    if name in DATE_FIELDS and value:
        try:
            if not _ISO_DATE.fullmatch(value):
                raise ValueError
            dt.date.fromisoformat(value)
        except ValueError:
            raise CorrectionError(f"{LABELS[name]}: a date as YYYY-MM-DD") from None


def _corrected_field(old: FieldValue | None, value: str) -> FieldValue | None:
    if not value:
        return None
    evidence = old.evidence if old else None  # keep where it was read: the page can point there
    return FieldValue(value=value, raw=value, confidence=1.0, evidence=evidence, source=PERSON)


def _corrected_denial(old: DenialTypeResult | None, value: str) -> DenialTypeResult | None:
    if not value:
        return None
    return DenialTypeResult(
        label=DenialType(value),
        confidence=1.0,
        scores=old.scores if old else {value: 1.0},
        evidence=old.evidence if old else [],
    )


def apply_corrections(letter: Letter, submitted: dict[str, str]) -> list[str]:
    """Apply a person's values, recompute the deadlines; return the names of changed fields.

    Args:
        letter: a read letter.
        submitted: field name -> the value typed (fields not submitted are left as they are).

    Raises:
        CorrectionError: a value the contract can't hold (nothing is saved).
    """
    from denialparse.deadlines.compute import compute_deadlines, review_needed

    result = result_of(letter)
    if result is None:
        raise CorrectionError("this letter has not been read yet")
    changed: list[str] = []
    field_updates: dict[str, Any] = {}
    denial = result.denial_type
    for name in REVIEW_FIELDS:
        if name not in submitted:
            continue
        value = normal_text(name, submitted[name])
        if value == normal_text(name, field_text(result, name)):
            continue
        _check_value(name, value)
        changed.append(name)
        if name == DENIAL_TYPE:
            denial = _corrected_denial(result.denial_type, value)
        elif name == REFERENCE_CODES:
            field_updates[name] = [c.strip() for c in value.split(",") if c.strip()]
        else:
            field_updates[name] = _corrected_field(getattr(result.fields, name), value)
    if not changed:
        return []
    fields = result.fields.model_copy(update=field_updates)
    deadlines = compute_deadlines(fields, denial.label if denial else None)
    edited = sorted(set(letter.edited_fields) | set(changed))
    needs = [n for n in (extracted_of(letter) or result).needs_review if n not in edited]
    needs = [n for n in needs if n != "deadlines"] + (
        ["deadlines"] if review_needed(deadlines) else []
    )
    updated = result.model_copy(
        update={
            "fields": fields,
            "denial_type": denial,
            "deadlines": deadlines,
            "needs_review": needs,
            "appeal": None,
        }
    )
    letter.current = updated.to_json_dict()
    letter.edited_fields = edited
    _copy_columns(letter, updated)
    _reopen(letter)
    letter.save()
    return changed


def _reopen(letter: Letter) -> None:
    """A change after confirmation needs a new check; the old appeal no longer matches."""
    if letter.status in (Status.CONFIRMED, Status.APPEAL_READY):
        letter.status = Status.TO_REVIEW
    letter.confirmed_by = ""
    letter.confirmed_at = None
    letter.appeal_at = None
    letter.appeal_template = ""
    appeal_path(letter).unlink(missing_ok=True)


def confirm(letter: Letter, who: str) -> None:
    """A person checked every field: record who and when."""
    letter.status = Status.APPEAL_READY if appeal_path(letter).is_file() else Status.CONFIRMED
    letter.confirmed_by = who[:150]
    letter.confirmed_at = timezone.now()
    letter.save()


def appeal_result(letter: Letter) -> LetterResult:
    """The result the appeal is drafted from: corrected fields; once confirmed, nothing doubtful.

    Before confirmation the reader's doubtful fields stay flagged, so the DOCX highlights them.
    """
    result = result_of(letter)
    if result is None:
        raise CorrectionError("this letter has not been read yet")
    if letter.confirmed_at is None:
        return result
    # A person confirmed every field: no field is doubtful any more (deadline rows keep theirs).
    sure = {
        name: fv.model_copy(update={"confidence": 1.0})
        for name in (*FIELD_NAMES, *EXTRA_FIELD_NAMES)
        if (fv := getattr(result.fields, name)) is not None
    }
    denial = result.denial_type
    if denial is not None:
        denial = denial.model_copy(update={"confidence": 1.0})
    return result.model_copy(
        update={
            "fields": result.fields.model_copy(update=sure),
            "denial_type": denial,
            "needs_review": [n for n in result.needs_review if n == "deadlines"],
        }
    )


def draft_appeal(letter: Letter) -> str:
    """Draft (or redraft) the appeal DOCX from the corrected fields; return the template used.

    Raises:
        ProfileError, TemplateError, OutputError: from ``api.write_appeal``.
    """
    from denialparse.api import write_appeal

    profile = profile_path()
    done = write_appeal(
        appeal_result(letter),
        appeal_path(letter),
        profile_path=profile if profile.is_file() else None,
        review_threshold=runtime.options().review_threshold,
    )
    letter.appeal_at = timezone.now()
    letter.appeal_template = done.appeal.template if done.appeal else ""
    if letter.status == Status.CONFIRMED:
        letter.status = Status.APPEAL_READY
    letter.save()
    return letter.appeal_template


def delete_letter(letter: Letter) -> None:
    """Remove the letter's files and its row."""
    shutil.rmtree(letter_dir(letter), ignore_errors=True)
    letter.delete()


# ------------------------------------------------------------------------------------------
# corrections as data
# ------------------------------------------------------------------------------------------

# The keys of a label row: the fields ``denialparse evaluate`` scores, in its order.
LABEL_KEYS: tuple[str, ...] = EVALUATED_FIELDS


def label_id(letter: Letter) -> str:
    """The letter's id in an exported corpus."""
    return f"station-{letter.pk:06d}"


def label_row(letter: Letter) -> dict[str, Any]:
    """The confirmed letter as a ``labels.jsonl`` object (contract, "Labelled letters")."""
    result = result_of(letter)
    if result is None or letter.confirmed_at is None:
        raise CorrectionError("only confirmed letters are labelled")
    row: dict[str, Any] = {"id": label_id(letter)}
    for key in LABEL_KEYS:
        row[key] = field_text(result, key) or None
    payer = result.fields.payer
    row["payer"] = payer.raw if payer else None
    row["payer_canonical"] = payer.value if payer else None
    return row


@dataclass(frozen=True)
class CorrectionRate:
    """How often people changed one field on confirmed letters."""

    field: str
    label: str
    corrected: int
    letters: int

    @property
    def share(self) -> float:
        """corrected / letters (0 when no letter)."""
        return self.corrected / self.letters if self.letters else 0.0


def correction_rates(letters: list[Letter]) -> list[CorrectionRate]:
    """Per field, on confirmed letters: how many had the read value changed by a person."""
    confirmed = [x for x in letters if x.confirmed_at is not None and x.extracted and x.current]
    rates = []
    for name in REVIEW_FIELDS:
        corrected = sum(
            field_text(extracted_of(x), name) != field_text(result_of(x), name) for x in confirmed
        )
        rates.append(CorrectionRate(name, LABELS[name], corrected, len(confirmed)))
    return sorted(rates, key=lambda r: (-r.share, REVIEW_FIELDS.index(r.field)))
