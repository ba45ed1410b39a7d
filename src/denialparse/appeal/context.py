"""The template context: a ``LetterResult`` and a practice profile -> the values the templates print.

Every value from the denial letter (and the profile) goes through ``marks.clean_text`` and reaches
the template only as a context value: letter text is data, never template. What the templates
can't express is marked in the values (``marks``): missing values become highlighted prompts,
values the extraction wasn't sure of (listed in ``needs_review`` or under the review threshold)
are highlighted wherever they are printed and get one Word comment saying where they came from.
The context is documented in ``templates/README.md``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from denialparse.appeal.marks import ReviewComments, clean_text, doubtful, placeholder, prompted
from denialparse.appeal.plan_text import load_plan_texts
from denialparse.appeal.profile import PracticeProfile
from denialparse.deadlines.compute import parse_iso_date
from denialparse.options import Options
from denialparse.types import (
    Deadline,
    DenialType,
    Fields,
    FieldValue,
    LetterResult,
    PlanType,
    TextSource,
)


def default_review_threshold() -> float:
    """``Options.review_threshold``'s default: the one default for extraction and appeal alike."""
    return float(Options.model_fields["review_threshold"].default)


_SOURCE_WORDS = {
    TextSource.OCR: "read by OCR",
    TextSource.TEXT_LAYER: "read from the PDF's text layer",
    TextSource.PLAIN: "read from the text file",
    TextSource.MIXED: "read from a page that is part text layer, part OCR",
}

_FIELD_LABELS = {
    "payer": "the health plan's name",
    "plan_type": "the plan type",
    "therapy": "the service or therapy",
    "denial_reason": "the quoted denial reason",
    "letter_date": "the date of the denial letter",
    "service_date": "the date of service",
    "member_id": "the member ID",
    "claim_id": "the claim or reference number",
    "patient_name": "the patient's name",
    "appeal_address": "the appeals address",
    "administrator": "the plan administrator",
    "benefit_manager": "the benefit manager that decided for the plan",
}

TYPE_NAMES = {
    DenialType.MEDICAL_NECESSITY: "medical necessity",
    DenialType.EXPERIMENTAL: "experimental / investigational",
    DenialType.PRIOR_AUTH: "prior authorization",
    DenialType.STEP_THERAPY: "step therapy",
    DenialType.NON_FORMULARY: "non-formulary drug",
    DenialType.QUANTITY_LIMIT: "quantity limit",
    DenialType.OUT_OF_NETWORK: "out-of-network",
    DenialType.DUPLICATE_THERAPY: "duplicate therapy",
    DenialType.NOT_COVERED: "non-covered service",
    DenialType.CODING_BILLING: "coding / billing",
    DenialType.TIMELY_FILING: "timely filing",
    DenialType.OTHER: "coverage",
}

# Denial types decided on medical judgment: the independent-reviewer request applies to them.
_MEDICAL_JUDGMENT = frozenset(
    {
        DenialType.MEDICAL_NECESSITY,
        DenialType.EXPERIMENTAL,
        DenialType.PRIOR_AUTH,
        DenialType.STEP_THERAPY,
        DenialType.NON_FORMULARY,
        DenialType.QUANTITY_LIMIT,
        DenialType.DUPLICATE_THERAPY,
        DenialType.OTHER,
    }
)

# Denial types usually settled by reprocessing the claim rather than by clinical argument.
_BILLING = frozenset({DenialType.CODING_BILLING, DenialType.TIMELY_FILING})

_DEADLINE_NAMES = {
    "appeal": "Appeal",
    "internal_appeal": "Internal appeal",
    "external_review": "External review",
    "reconsideration": "Reconsideration",
    "second_reconsideration": "Second reconsideration",
    "redetermination": "Redetermination",
    "ire_reconsideration": "Reconsideration by the Independent Review Entity",
    "alj_hearing": "Hearing before an administrative law judge",
    "state_fair_hearing": "State fair hearing",
    "opm_review": "OPM review",
    "continuation_of_benefits": "Appeal in time to keep benefits during the appeal",
}

# The enclosures checklist: what every appeal encloses, then what wins each denial type.
_COMMON_ENCLOSURES = (
    "Copy of the denial letter dated {letter_date}",
    "[Office notes, test results and reports supporting this appeal: list each with its date]",
    "[Signed authorization for me to act for the patient in this appeal, if the plan requires one]",
)
_TYPE_ENCLOSURES: dict[DenialType, tuple[str, ...]] = {
    DenialType.MEDICAL_NECESSITY: (
        "[The plan's criteria, each marked with the chart entry that meets it]",
        "[Guideline or peer-reviewed articles cited]",
    ),
    DenialType.STEP_THERAPY: (
        "[Pharmacy fill history or chart entries documenting each prior trial and its outcome]",
        "[Documentation of any contraindication or adverse reaction cited]",
    ),
    DenialType.EXPERIMENTAL: (
        "[FDA label or clearance for the indication]",
        "[Compendia listing and guideline pages cited]",
        "[Peer-reviewed studies cited]",
    ),
    DenialType.PRIOR_AUTH: (
        "[Authorization approval notice, if one was issued]",
        "[Records showing the urgency of the service and when authorization was requested]",
    ),
    DenialType.NON_FORMULARY: (
        "[Records of the formulary alternatives tried, with dates and outcomes]",
    ),
    DenialType.QUANTITY_LIMIT: ("[Dosing records: weight, titration and response at lower doses]",),
    DenialType.OUT_OF_NETWORK: (
        "[In-network providers contacted, with dates and responses]",
        "[Records of the established course of treatment, for continuity of care]",
    ),
    DenialType.DUPLICATE_THERAPY: (
        "[Treatment plan with separate, measurable goals for each therapy]",
        "[Records of the other therapy: goals, dates, outcomes]",
        "[Functional measures with dates]",
        "[Guideline pages cited]",
    ),
    DenialType.NOT_COVERED: (
        "[The plan provision cited in the denial, with document name, section and page]",
    ),
    DenialType.CODING_BILLING: (
        "[Procedure or operative notes supporting the codes and modifiers]",
    ),
    DenialType.TIMELY_FILING: (
        "[Clearinghouse acceptance report and payer acknowledgement of the original claim]",
    ),
    DenialType.OTHER: (),
}


def _format_date(iso: str) -> str:
    try:
        d = dt.date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{d:%B} {d.day}, {d.year}"


@dataclass
class _Builder:
    """Builds the template context for one letter, collecting review comments on the way."""

    result: LetterResult
    review_threshold: float
    comments: ReviewComments = field(default_factory=ReviewComments)
    _commented: dict[str, tuple[str, str]] = field(default_factory=dict)

    def _page_source(self, page: int) -> TextSource | None:
        if self.result.text is None:
            return None
        for p in self.result.text.pages:
            if p.number == page:
                return p.source
        return None

    def is_doubtful(self, name: str, confidence: float) -> bool:
        """Flagged for review by the extraction, or under the review threshold."""
        return name in self.result.needs_review or confidence < self.review_threshold

    def comment_for(self, name: str, fv: FieldValue) -> str:
        """The Word comment on a doubtful field: what to check, where it was read, how sure."""
        label = _FIELD_LABELS.get(name, name.replace("_", " "))
        if fv.evidence is not None:
            source = self._page_source(fv.evidence.page)
            how = _SOURCE_WORDS.get(source, "read") if source else "read"
            where = f"It was {how} on page {fv.evidence.page} of the denial letter"
        else:
            where = "Where it was read on the denial letter was not recorded"
        flagged = " and flagged for review" if name in self.result.needs_review else ""
        return (
            f"Check {label} against the denial letter before sending. {where}, with "
            f"{fv.confidence:.0%} confidence{flagged}."
        )

    def value(self, name: str, prompt: str, *, use_raw: bool = False) -> str:
        """A field's value for the letter: cleaned, a placeholder, or highlighted as doubtful."""
        fv: FieldValue | None = getattr(self.result.fields, name)
        if fv is None:
            return placeholder(prompt)
        text = fv.raw if use_raw and 0 < len(fv.raw.strip()) <= 120 else fv.value
        text = clean_text(text).strip()
        if not text:
            return placeholder(prompt)
        if name in ("letter_date", "service_date"):
            text = _format_date(text)
        if not self.is_doubtful(name, fv.confidence):
            return text
        # Highlighted wherever it is printed (a comment is invisible on paper), with one
        # comment per field on its first appearance: every copy of that form of the value
        # carries the comment mark, a second form (the payer's brand next to its printed
        # name) only the highlight.
        if name not in self._commented:
            self._commented[name] = (text, self.comments.mark(text, self.comment_for(name, fv)))
        first_text, commented = self._commented[name]
        return doubtful(commented if first_text == text else text)

    def plan_type(self) -> PlanType:
        fv = self.result.fields.plan_type
        if fv is None:
            return PlanType.UNKNOWN
        try:
            return PlanType(fv.value)
        except ValueError:
            return PlanType.UNKNOWN

    def letter_date(self) -> dt.date | None:
        """The denial letter's date, which picks the rule versions the rights paragraph states."""
        day, _ = parse_iso_date(self.result.fields.letter_date)
        return day

    def denial(self) -> tuple[DenialType, dict[str, Any]]:
        dtr = self.result.denial_type
        label = dtr.label if dtr else DenialType.OTHER
        type_name = TYPE_NAMES[label]
        if dtr is None:
            type_name = placeholder("[denial type]")
        elif self.is_doubtful("denial_type", dtr.confidence):
            runner_up = sorted(
                ((s, k) for k, s in dtr.scores.items() if k != label.value), reverse=True
            )
            alt = f" (next: {runner_up[0][1]}, {runner_up[0][0]:.0%})" if runner_up else ""
            type_name = doubtful(
                self.comments.mark(
                    type_name,
                    f"The denial was classified as {label.value} with {dtr.confidence:.0%} "
                    f"confidence{alt}. Check that the argument below fits the denial; another "
                    "template can be chosen with --template.",
                )
            )
        return label, {
            "type": label.value,
            "type_name": type_name,
            "confidence": dtr.confidence if dtr else None,
            "is_medical_judgment": label in _MEDICAL_JUDGMENT,
            "is_billing": label in _BILLING,
        }

    def deadline_rows(self) -> list[dict[str, str]]:
        rows = []
        for d in self.result.deadlines:
            rows.append(self._deadline_row(d))
        return rows

    def _deadline_row(self, d: Deadline) -> dict[str, str]:
        name = _DEADLINE_NAMES.get(d.kind, clean_text(d.kind).replace("_", " ").capitalize())
        if d.due is None:
            due = placeholder("[no date: see how it is set]")
        else:
            due = clean_text(_format_date(d.due))
            if d.needs_review or d.source == "estimate":
                due = self.comments.mark(
                    due,
                    "This deadline is an estimate or needs checking "
                    f"({clean_text(d.basis)}). Confirm it against the denial letter.",
                )
        return {
            "kind": clean_text(d.kind),
            "name": name,
            "due": due,
            "rule": clean_text(d.rule),
            "basis": clean_text(d.basis),
        }


def _article(noun: str) -> str:
    return "an" if noun[:1].lower() in "aeiou" else "a"


def _profile_context(profile: PracticeProfile | None) -> tuple[dict[str, Any], dict[str, Any]]:
    if profile is None:
        practice: dict[str, Any] = {
            "name": placeholder("[Practice name]"),
            "address": placeholder("[Street address]") + "\n" + placeholder("[City, State ZIP]"),
            "phone": placeholder("[phone]"),
            "fax": placeholder("[fax]"),
            "npi": placeholder("[practice NPI]"),
            "email": "",
            "logo": "",
        }
        physician: dict[str, Any] = {
            "name": placeholder("[Physician name]"),
            "credentials": placeholder("[credentials]"),
            "signature": placeholder("[Physician name, credentials]"),
            "specialty": placeholder("[specialty]"),
            "npi": placeholder("[physician NPI]"),
            "signature_lines": [],
        }
        return practice, physician
    practice = {
        "name": clean_text(profile.practice),
        "address": "\n".join(clean_text(line) for line in profile.address_lines),
        "phone": clean_text(profile.phone),
        "fax": clean_text(profile.fax),
        "npi": clean_text(profile.npi),
        "email": clean_text(profile.email or ""),
        "logo": "",  # replaced by an InlineImage once the template is open
    }
    physician = {
        "name": clean_text(profile.physician_name),
        "credentials": clean_text(profile.credentials),
        "signature": clean_text(profile.physician_display),
        "specialty": clean_text(profile.specialty or ""),
        "npi": clean_text(profile.physician_npi or profile.npi),
        "signature_lines": [clean_text(line) for line in profile.signature_lines],
    }
    return practice, physician


def _benefit_manager(b: _Builder, f: Fields) -> str:
    """The benefit manager to send the appeal in care of, or "" (none, or it is the payer)."""
    manager, payer = f.benefit_manager, f.payer
    if manager is None or (payer is not None and payer.value == manager.value):
        return ""
    return b.value("benefit_manager", "", use_raw=True)


def build_context(
    result: LetterResult,
    *,
    profile: PracticeProfile | None = None,
    today: dt.date | None = None,
    review_threshold: float | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """The template context for one letter (documented in ``templates/README.md``).

    Args:
        result: the extraction result.
        profile: the practice profile; None prints highlighted placeholders instead.
        today: the date printed on the appeal (default: today).
        review_threshold: fields under this confidence are highlighted and commented (as are
            those in ``needs_review``); None uses ``Options.review_threshold``'s default.

    Returns:
        The context and the review comments its marks refer to.

    Raises:
        MissingDependencyError: the packaged plan-type text or deadline rules are broken.
    """
    if review_threshold is None:
        review_threshold = default_review_threshold()
    b = _Builder(result, review_threshold)
    label, denial = b.denial()
    plan_type = b.plan_type()
    plan_text = load_plan_texts()[plan_type]
    f = result.fields
    practice, physician = _profile_context(profile)

    payer_name = b.value("payer", "[Health plan name]", use_raw=True)
    payer = {
        "name": payer_name,
        "brand": b.value("payer", "[Health plan name]"),
        "unit": "Appeals Department",
        "address": b.value(
            "appeal_address", "[Appeals mailing address or fax number: see the denial letter]"
        ),
        "administrator": b.value("administrator", "") if f.administrator else "",
        "benefit_manager": _benefit_manager(b, f),
    }
    if f.appeal_address is not None and "appeal" in f.appeal_address.value.lower():
        payer["unit"] = ""  # the address names the unit itself
    if payer["benefit_manager"]:
        # The plan is the addressee; the manager that decided for it receives the appeal.
        payer["unit"] = ", ".join(filter(None, (f"c/o {payer['benefit_manager']}", payer["unit"])))
        if f.administrator is not None and f.benefit_manager is not None \
                and f.administrator.value == f.benefit_manager.value:
            payer["administrator"] = ""  # one fact, printed once: in the c/o line
    plan_rights = prompted(plan_text.rights_on(b.letter_date()))
    if f.plan_type is not None and b.is_doubtful("plan_type", f.plan_type.confidence):
        # The plan type is printed nowhere as such: the paragraph that rests on it is.
        plan_rights = doubtful(
            b.comments.mark(
                plan_rights,
                f"These rights assume the plan is {_article(plan_text.name)} {plan_text.name}. "
                + b.comment_for("plan_type", f.plan_type),
            )
        )
    letter_date = b.value("letter_date", "[date of the denial letter]")
    claim = {
        "claim_id": b.value("claim_id", "[claim or reference number]"),
        "therapy": b.value("therapy", "[service or therapy]"),
        "service_date": b.value("service_date", "[date of service]"),
        "letter_date": letter_date,
        "denial_reason": b.value(
            "denial_reason", "[Quote the reason for the denial exactly as the letter states it]"
        ),
        "reference_codes": ", ".join(clean_text(c) for c in f.reference_codes),
    }
    enclosures = [
        _COMMON_ENCLOSURES[0].format(letter_date=letter_date),
        *(prompted(e) for e in _COMMON_ENCLOSURES[1:]),
        *(prompted(e) for e in _TYPE_ENCLOSURES[label]),
        *(prompted(e) for e in plan_text.enclosures),
    ]
    flags = {f"is_{p.value}": p is plan_type for p in PlanType}
    context: dict[str, Any] = {
        "today": _format_date((today or dt.date.today()).isoformat()),
        "practice": practice,
        "physician": physician,
        "payer": payer,
        "patient": {
            "name": b.value("patient_name", "[Patient's full name]"),
            "member_id": b.value("member_id", "[member ID]"),
        },
        "claim": claim,
        "denial": denial,
        "plan": {
            "type": plan_type.value,
            "name": plan_text.name,
            "appeal_request": plan_text.appeal_request,
            "file_request": plan_text.file_request,
            "reviewer_request": plan_text.reviewer_request if label in _MEDICAL_JUDGMENT else "",
            "rights": plan_rights,
            "expedited_rule": plan_text.expedited_rule,
            "has_external_review": plan_text.has_external_review,
            **flags,
        },
        "deadlines": b.deadline_rows(),
        "enclosures": enclosures,
    }
    return context, b.comments.texts
