"""Typed data passed between the stages, and the contract's ``LetterResult``.

Flow: ingest -> ``SourceDocument`` -> text -> ``LetterText`` -> extract -> ``Fields`` ->
classify -> ``DenialTypeResult`` -> deadlines -> ``list[Deadline]`` -> ``LetterResult``.

The JSON shape of ``LetterResult`` is fixed by ``../shared/contract/README.md`` (schema "1").
Keys may be added, never renamed or removed.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1"


class DenialType(StrEnum):
    """The 12 denial labels of the contract."""

    MEDICAL_NECESSITY = "medical_necessity"
    EXPERIMENTAL = "experimental"
    PRIOR_AUTH = "prior_auth"
    STEP_THERAPY = "step_therapy"
    NON_FORMULARY = "non_formulary"
    QUANTITY_LIMIT = "quantity_limit"
    OUT_OF_NETWORK = "out_of_network"
    DUPLICATE_THERAPY = "duplicate_therapy"
    NOT_COVERED = "not_covered"
    CODING_BILLING = "coding_billing"
    TIMELY_FILING = "timely_filing"
    OTHER = "other"


class PlanType(StrEnum):
    """Plan types; each has its own appeal law."""

    ERISA = "erisa"
    ACA_INDIVIDUAL = "aca_individual"
    MEDICARE_ADVANTAGE = "medicare_advantage"
    MEDICARE_PART_D = "medicare_part_d"
    ORIGINAL_MEDICARE = "original_medicare"
    MEDICAID_MCO = "medicaid_mco"
    FEHB = "fehb"
    TRICARE = "tricare"
    UNKNOWN = "unknown"


class Status(StrEnum):
    """Outcome of one letter."""

    SUCCESS = "success"
    PARTIAL = "partial"
    FAILED = "failed"


class TextSource(StrEnum):
    """Where a page's (or a letter's) text came from."""

    TEXT_LAYER = "text-layer"
    OCR = "ocr"
    MIXED = "mixed"
    PLAIN = "plain"


# Field names of the contract, in the contract's order; every key is always present.
FIELD_NAMES: tuple[str, ...] = (
    "payer",
    "plan_type",
    "therapy",
    "denial_reason",
    "letter_date",
    "service_date",
    "member_id",
    "claim_id",
    "patient_name",
    "provider_name",
)
# Additions to the contract (optional keys; present, possibly null).
EXTRA_FIELD_NAMES: tuple[str, ...] = (
    "stated_deadline", "appeal_address", "administrator", "benefit_manager",
)

# The labels of the trained pipeline, derived from the contract's types: the generator writes
# them, the trainer teaches them, the accuracy report and the tests score them. The order is the
# order of the committed pipeline's text classifiers (a test holds it): add new members last.
DENIAL_LABELS: tuple[str, ...] = tuple(t.value for t in DenialType)
# All plan types, "unknown" included: the plan classifier learns "the letter doesn't say".
PLAN_LABELS: tuple[str, ...] = tuple(t.value for t in PlanType)
# Entity label of the trained entity tagger -> the contract field its spans fill.
ENTITY_FIELDS: dict[str, str] = {
    "PAYER": "payer",
    "THERAPY": "therapy",
    "PATIENT": "patient_name",
    "PROVIDER": "provider_name",
    "MEMBER_ID": "member_id",
    "CLAIM_ID": "claim_id",
    "LETTER_DATE": "letter_date",
    "SERVICE_DATE": "service_date",
}
ENTITY_LABELS: tuple[str, ...] = tuple(ENTITY_FIELDS)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Evidence(_Model):
    """Where a value was read: page number (1-based), character offsets into that page's text."""

    page: int
    start: int
    end: int
    bbox: list[float] | None = Field(
        default=None, description="x0, y0, x1, y1 in PDF points (text layer) or image pixels (OCR)"
    )


class FieldValue(_Model):
    """One extracted field: normalised value, the text as printed, how sure we are, and where."""

    value: str
    raw: str
    confidence: float = Field(ge=0.0, le=1.0)
    evidence: Evidence | None = None
    source: str | None = Field(default=None, description="which component found it (rule / model)")


class Fields(_Model):
    """All fields of the contract. ``None`` means the letter does not say it (never invented)."""

    payer: FieldValue | None = None
    plan_type: FieldValue | None = None
    therapy: FieldValue | None = None
    denial_reason: FieldValue | None = None
    letter_date: FieldValue | None = None
    service_date: FieldValue | None = None
    member_id: FieldValue | None = None
    claim_id: FieldValue | None = None
    patient_name: FieldValue | None = None
    provider_name: FieldValue | None = None
    reference_codes: list[str] = Field(default_factory=list)
    # Additions (optional in the contract's sense: consumers may ignore them).
    stated_deadline: FieldValue | None = Field(
        default=None, description="appeal deadline the letter itself states (ISO date)"
    )
    appeal_address: FieldValue | None = Field(
        default=None, description="where the letter says to send the appeal"
    )
    administrator: FieldValue | None = Field(
        default=None,
        description="a TPA or PBM named as administering the plan (e.g. UMR); the older, narrower "
        "name of what benefit_manager now carries",
    )
    benefit_manager: FieldValue | None = Field(
        default=None,
        description="the pharmacy, radiology or utilization-review company or TPA that made or "
        "sent the decision for the plan (CVS Caremark, eviCore, UMR...); payer stays the plan",
    )


class Word(_Model):
    """One OCR or text-layer word with its position in the page text."""

    text: str
    start: int
    end: int
    bbox: tuple[float, float, float, float]
    confidence: float | None = None


class PageText(_Model):
    """The text of one page and how it was obtained."""

    number: int
    source: TextSource
    text: str
    rotation: int = 0
    confidence: float | None = Field(default=None, description="mean OCR word confidence 0..1")
    words: list[Word] = Field(default_factory=list)
    width: float | None = None
    height: float | None = None


class StageError(_Model):
    """A problem met while processing; the letter may still be usable."""

    stage: str
    code: str
    message: str
    page: int | None = None


class LetterText(_Model):
    """The whole letter's text, page by page."""

    pages: list[PageText]
    source: TextSource
    mean_confidence: float | None = None
    errors: list[StageError] = Field(default_factory=list)

    PAGE_SEPARATOR: ClassVar[str] = "\n\n"

    def full_text(self) -> str:
        """Pages joined with a blank line; use ``page_offsets`` to map back."""
        return self.PAGE_SEPARATOR.join(p.text for p in self.pages)

    def page_offsets(self) -> list[int]:
        """Start offset of each page inside ``full_text()``."""
        offsets, pos = [], 0
        for p in self.pages:
            offsets.append(pos)
            pos += len(p.text) + len(self.PAGE_SEPARATOR)
        return offsets


class DenialTypeResult(_Model):
    """The denial type with a score per label."""

    label: DenialType
    confidence: float
    scores: dict[str, float]
    evidence: list[Evidence] = Field(default_factory=list)


class Deadline(_Model):
    """One appeal deadline with the rule it comes from."""

    kind: str
    due: str | None = Field(description="ISO date; null when it cannot be computed")
    rule: str
    basis: str
    source: str | None = Field(default=None, description="regulation | letter | estimate")
    needs_review: bool = False


class SourceInfo(_Model):
    """The input file."""

    path: str
    sha256: str
    media_type: str
    pages: int


class PageSummary(_Model):
    """Per-page text summary in the JSON (the text itself stays out of the result)."""

    number: int
    source: TextSource
    rotation: int = 0
    confidence: float | None = None
    chars: int


class TextSummary(_Model):
    """The ``text`` object of the contract."""

    source: TextSource
    mean_confidence: float | None
    pages: list[PageSummary]


class AppealInfo(_Model):
    """Where the appeal was written."""

    path: str
    template: str


class LetterResult(_Model):
    """The contract's result for one letter (schema_version "1")."""

    schema_version: str = SCHEMA_VERSION
    source: SourceInfo
    status: Status
    text: TextSummary | None
    fields: Fields
    denial_type: DenialTypeResult | None
    deadlines: list[Deadline] = Field(default_factory=list)
    needs_review: list[str] = Field(default_factory=list)
    appeal: AppealInfo | None = None
    errors: list[StageError] = Field(default_factory=list)

    def to_json_dict(self) -> dict[str, Any]:
        """The contract's JSON object (every field key present, nulls included)."""
        return self.model_dump(mode="json")


def summarize_text(letter: LetterText) -> TextSummary:
    """Build the JSON ``text`` summary from the full ``LetterText``."""
    return TextSummary(
        source=letter.source,
        mean_confidence=letter.mean_confidence,
        pages=[
            PageSummary(
                number=p.number,
                source=p.source,
                rotation=p.rotation,
                confidence=p.confidence,
                chars=len(p.text),
            )
            for p in letter.pages
        ],
    )
