"""Render the appeal letter: docxtpl fills ``templates/<denial_type>.docx`` and ``base.docx``.

The argument for the denial type is rendered first and placed into the shared letter frame
(``base.docx``, at ``{{p argument }}``); a practice's own template folder overrides ours file by
file. The context handed to the templates is documented in ``templates/README.md``.

Letter text is data, never template: every value from the denial letter (and the profile) goes
through ``clean_text`` and reaches the template only as a context value, rendered with
``autoescape=True``. Nothing read from a letter is ever compiled as Jinja.

Two things docxtpl can't do are done after the render, on the reopened document:

- missing values become *highlighted* placeholders, and
- values the extraction wasn't sure of get a Word comment saying where they came from.

Both are marked in the context with characters from a private-use range (``_MARK_*``), which
``clean_text`` strips from letter text so a letter can't forge them. After the render each run
is split at those marks; the marked pieces are highlighted or commented, and the marks removed.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import logging
import re
import threading
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from denialparse.appeal.profile import PracticeProfile
from denialparse.exceptions import OutputError, TemplateError
from denialparse.files import atomic_write
from denialparse.types import (
    AppealInfo,
    Deadline,
    DenialType,
    FieldValue,
    LetterResult,
    PlanType,
    TextSource,
)

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from lxml.etree import _Element

log = logging.getLogger(__name__)

BASE_TEMPLATE = "base"
_TEMPLATE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
GENERAL_TEMPLATE = DenialType.OTHER.value
TEMPLATE_ALIASES = {"general": GENERAL_TEMPLATE}
# Fields below this confidence get a review comment even if extraction didn't list them
# (the same threshold as ``Options.review_threshold``).
REVIEW_CONFIDENCE = 0.70
COMMENT_AUTHOR = "denialparse"
COMMENT_INITIALS = "DP"

# Private-use marks (U+E000..U+E1FF are reserved for them; letter text loses that range).
_MARK_PLACEHOLDER_OPEN = "\ue000"
_MARK_PLACEHOLDER_CLOSE = "\ue001"
_MARK_REVIEW_CLOSE = "\ue002"
# Inserted to break "{_{", "}_}", "{_%", "%_}": docxtpl turns those into "{{" etc. after the
# render (its escape for literal braces), which would alter letter text. Removed afterwards.
_MARK_NEUTRAL = "\ue003"
_MARK_REVIEW_BASE = 0xE100  # review mark n opens with chr(_MARK_REVIEW_BASE + n)
_MAX_REVIEW_MARKS = 0x100
_RESERVED = re.compile("[\ue000-\ue1ff]")
# XML 1.0 forbids C0 controls except tab, newline, carriage return, plus surrogates and
# U+FFFE/U+FFFF. \r is normalised to \n first; \a and \f would become paragraph and page
# breaks in docxtpl, so they go too.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_DOCXTPL_ESCAPES = re.compile(r"([{}%])(_)(?=[{}%])")
_NEWLINES = re.compile(r"\r\n?")
_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

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
}

_TYPE_NAMES = {
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


# ---------------------------------------------------------------------------------------------
# Plan-type text: the law each plan type's appeal runs under. Every citation here comes from
# ../shared/domain/appeal-rights.md section A; nothing that sheet marks UNVERIFIED is cited.
# ---------------------------------------------------------------------------------------------

_ERISA_FILE_REQUEST = (
    "Please send me, free of charge, copies of all documents, records and other information "
    "relevant to this claim (29 CFR 2560.503-1(h)(2)(iii)), including the internal rule, "
    "guideline, protocol or criterion the plan relied on and, for a medical-necessity or "
    "experimental-treatment determination, the scientific or clinical judgment behind it "
    "(29 CFR 2560.503-1(g)(1)(v)). Please also identify the medical experts whose advice the "
    "plan obtained."
)
_ERISA_REVIEWER = (
    "Because this determination rests on medical judgment, the review must be made in "
    "consultation with a health care professional who has appropriate training and experience "
    "in the field and who took no part in the initial denial (29 CFR 2560.503-1(h)(3)(iii)-(v))."
)


@dataclass(frozen=True)
class _PlanText:
    name: str
    appeal_request: str
    file_request: str
    rights: str
    reviewer_request: str = ""
    expedited_rule: str = ""
    has_external_review: bool = False
    enclosures: tuple[str, ...] = ()


_PLAN_TEXT: dict[PlanType, _PlanText] = {
    PlanType.ERISA: _PlanText(
        name="employer group health plan governed by ERISA",
        appeal_request="a request for a full and fair review of this adverse benefit "
        "determination under 29 CFR 2560.503-1(h)",
        file_request=_ERISA_FILE_REQUEST,
        reviewer_request=_ERISA_REVIEWER,
        rights="The plan must allow at least 180 days from receipt of the denial to appeal "
        "(29 CFR 2560.503-1(h)(3)(i)). If the plan is not grandfathered and upholds the denial, "
        "the patient may ask for external review by an independent review organization within "
        "4 months of receiving the final denial (PHS Act §2719; 29 CFR 2590.715-2719).",
        expedited_rule="decision within 72 hours, 29 CFR 2560.503-1(i)(2)(i)",
        has_external_review=True,
    ),
    PlanType.ACA_INDIVIDUAL: _PlanText(
        name="individual health insurance coverage",
        appeal_request="a request for internal appeal of this adverse benefit determination "
        "under 45 CFR 147.136, which applies the claims procedure of 29 CFR 2560.503-1 to "
        "individual coverage",
        file_request=_ERISA_FILE_REQUEST.replace(
            "(29 CFR 2560.503-1(h)(2)(iii))",
            "(29 CFR 2560.503-1(h)(2)(iii), applied by 45 CFR 147.136(b)(3)(i))",
        ),
        reviewer_request=_ERISA_REVIEWER,
        rights="The patient has 180 days from receipt of the denial to file this internal "
        "appeal (45 CFR 147.136). Individual coverage has one level of internal appeal; if "
        "the plan upholds the denial, the patient may request external review within 4 months "
        "of receiving the final denial (45 CFR 147.136(d)(2)(i)).",
        expedited_rule="decision within 72 hours, 29 CFR 2560.503-1(i)(2)(i) as applied by "
        "45 CFR 147.136",
        has_external_review=True,
    ),
    PlanType.MEDICARE_ADVANTAGE: _PlanText(
        name="Medicare Advantage plan",
        appeal_request="a request for reconsideration of the organization determination "
        "(42 CFR 422.582)",
        file_request="Please send me a copy of the documents the plan relied on and identify "
        "the Medicare national or local coverage determination or other Medicare coverage rule "
        "it applied. If the plan used its own coverage criteria, please send them with the "
        "evidence they rest on: a Medicare Advantage plan may use internal criteria only where "
        "Medicare's criteria are not fully established, and those criteria must be publicly "
        "accessible (42 CFR 422.101(b)(6)).",
        reviewer_request="A reconsideration of a denial based on medical necessity must be made "
        "by a physician with expertise in the field of medicine appropriate to the services at "
        "issue (42 CFR 422.590(g)(2)).",
        rights="A request for reconsideration must be filed within 65 days of the date of the "
        "notice (60 days after receipt, receipt presumed 5 days after the notice date; "
        "42 CFR 422.582(b)). If the plan upholds the denial in whole or in part, it must send "
        "the case to the Independent Review Entity without a further request "
        "(42 CFR 422.590(a)(2), (b)(2)).",
        expedited_rule="decision within 72 hours, 42 CFR 422.590",
    ),
    PlanType.MEDICARE_PART_D: _PlanText(
        name="Medicare Part D prescription drug plan",
        appeal_request="a request for redetermination (42 CFR 423.582) and, where an exception "
        "is needed, my supporting statement for it (42 CFR 423.578)",
        file_request="Please send me the coverage criteria the plan applied to this drug and a "
        "copy of the documents it relied on.",
        rights="A request for redetermination must be filed within 65 days of the date of the "
        "notice (42 CFR 423.582(b)); the plan must decide a standard request within 7 days "
        "(42 CFR 423.590). If the plan upholds the denial, the enrollee, a representative or "
        "the prescriber may request reconsideration by the Part D Independent Review Entity "
        "(42 CFR 423.600).",
        expedited_rule="decision within 72 hours, 42 CFR 423.590",
    ),
    PlanType.ORIGINAL_MEDICARE: _PlanText(
        name="Original Medicare (Parts A and B)",
        appeal_request="a request for redetermination (42 CFR 405.942)",
        file_request="Please send me a copy of the records and the coverage policy (national "
        "or local coverage determination) relied on in the initial determination.",
        rights="A request for redetermination must be filed within 120 days of receipt of the "
        "initial determination, receipt presumed 5 days after the notice date "
        "(42 CFR 405.942). If the redetermination is unfavorable, reconsideration by a "
        "Qualified Independent Contractor may be requested within 180 days of its receipt "
        "(42 CFR 405.962).",
    ),
    PlanType.MEDICAID_MCO: _PlanText(
        name="Medicaid managed care plan",
        appeal_request="an appeal of this adverse benefit determination (42 CFR 438.402)",
        file_request="Please send me, free of charge, the patient's case file, including the "
        "medical records and the criteria the plan considered in reaching its decision.",
        rights="An appeal to the plan must be filed within 60 calendar days from the date on "
        "the adverse benefit determination notice (42 CFR 438.402(c)(2)(ii)); the plan must "
        "resolve a standard appeal within 30 calendar days (42 CFR 438.408(b)). If the plan "
        "upholds the denial, the patient may request a State fair hearing "
        "(42 CFR 438.408(f)). Where the denial ends or reduces a service already authorized, "
        "benefits continue if the appeal is filed within 10 days of the notice or by the "
        "intended effective date, whichever is later (42 CFR 438.420).",
        expedited_rule="resolution within 72 hours, 42 CFR 438.408(b)",
    ),
    PlanType.FEHB: _PlanText(
        name="Federal Employees Health Benefits plan",
        appeal_request="a request for reconsideration of the disputed claim (5 CFR 890.105)",
        file_request="Please send me a copy of the documents, medical criteria and brochure "
        "provisions the plan relied on.",
        rights="A request for reconsideration must be made within 6 months of the date of the "
        "denial notice (5 CFR 890.105(b)(1)), and the carrier must respond within 30 days. If "
        "the carrier upholds the denial, the member may ask the Office of Personnel Management "
        "to review it (5 CFR 890.105).",
    ),
    PlanType.TRICARE: _PlanText(
        name="TRICARE",
        appeal_request="a request for reconsideration of this denial",
        file_request="Please send me a copy of the documents and the TRICARE policy provisions "
        "relied on in this determination.",
        rights="The appeal must be postmarked or received within 90 days of the date on the "
        "denial notice or explanation of benefits. A network provider may appeal only when the "
        "beneficiary appoints the provider in writing; the signed appointment is enclosed.",
        enclosures=(
            "[The beneficiary's signed appointment of me as representative (TRICARE network "
            "providers may appeal only when appointed in writing)]",
        ),
    ),
    PlanType.UNKNOWN: _PlanText(
        name="health plan",
        appeal_request="a request for internal appeal (reconsideration) of this denial",
        file_request="Please send me, free of charge, copies of all documents, records and "
        "other information relevant to this claim, including the criteria, guideline or "
        "protocol relied on; for a group health plan or individual coverage, "
        "29 CFR 2560.503-1(h)(2)(iii) and (g)(1)(v) require it.",
        rights="[The plan type could not be determined from the letter: state the appeal "
        "deadline and process the denial letter gives.]",
    ),
}

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


# ---------------------------------------------------------------------------------------------
# values and marks
# ---------------------------------------------------------------------------------------------


def clean_text(value: str) -> str:
    """Make letter text safe to place in a DOCX, changing nothing a reader would see.

    Removes what XML 1.0 forbids (control characters other than tab and newline, surrogates),
    normalises line ends, drops our private-use mark range and defuses the four sequences
    docxtpl rewrites after a render. Tabs and newlines stay (docxtpl prints them as tab and
    line break).

    Args:
        value: any text read from a letter or a profile.

    Returns:
        The text to hand to the template context.
    """
    value = _NEWLINES.sub("\n", value)
    value = _FORBIDDEN.sub("", value)
    value = _RESERVED.sub("", value)
    return _DOCXTPL_ESCAPES.sub(lambda m: m.group(1) + _MARK_NEUTRAL + m.group(2), value)


def placeholder(prompt: str) -> str:
    """A prompt printed highlighted, e.g. ``placeholder("[Patient's name]")``."""
    return f"{_MARK_PLACEHOLDER_OPEN}{prompt}{_MARK_PLACEHOLDER_CLOSE}"


_PROMPT = re.compile(r"\[(?:[^\[\]]|\[[^\[\]]*\])*\]")


def _prompted(text: str) -> str:
    """Highlight every ``[...]`` prompt inside our own (not letter) text."""
    return _PROMPT.sub(lambda m: placeholder(m.group(0)), text)


@dataclass
class _Reviews:
    """Comments to attach: mark number -> comment text."""

    texts: list[str] = field(default_factory=list)

    def mark(self, value: str, comment: str) -> str:
        if len(self.texts) >= _MAX_REVIEW_MARKS:  # never in practice; keep the text, drop it
            return value
        n = len(self.texts)
        self.texts.append(comment)
        return f"{chr(_MARK_REVIEW_BASE + n)}{value}{_MARK_REVIEW_CLOSE}"


# ---------------------------------------------------------------------------------------------
# template discovery
# ---------------------------------------------------------------------------------------------


def _our_template_dir() -> Path:
    """The templates shipped inside this package (package data, same path in a wheel and a checkout)."""
    return Path(__file__).resolve().parent / "templates"


def template_dirs(extra: Path | None = None) -> list[Path]:
    """Where templates are looked up, in order: the practice's folder first, then ours.

    Args:
        extra: a practice's own template folder; its files override ours by name.

    Returns:
        The folders, practice folder first.
    """
    dirs = [Path(extra)] if extra is not None else []
    dirs.append(_our_template_dir())
    return dirs


def available_templates(template_dir: Path | None = None) -> list[str]:
    """Names usable as ``template=`` (file stems, ``base`` excluded), sorted."""
    names: set[str] = set()
    for d in template_dirs(template_dir):
        if d.is_dir():
            names.update(p.stem for p in d.glob("*.docx") if not p.name.startswith(("~$", ".")))
    names.discard(BASE_TEMPLATE)
    return sorted(names)


def _find(name: str, template_dir: Path | None) -> Path | None:
    for d in template_dirs(template_dir):
        candidate = d / f"{name}.docx"
        if candidate.is_file():
            return candidate
    return None


def resolve_template(
    result: LetterResult, template: str | None = None, template_dir: Path | None = None
) -> tuple[str, Path]:
    """Pick the argument template: the one asked for, else the denial type's, else ``other``.

    Args:
        result: the letter's result (its denial type picks the default).
        template: a template name asked for explicitly (``general`` means ``other``).
        template_dir: a practice's own template folder.

    Returns:
        The template name and its file.

    Raises:
        TemplateError: the name asked for doesn't exist (the message lists those that do),
            or no fallback template is installed.
    """
    if template is not None:
        name = TEMPLATE_ALIASES.get(template, template)
        # A plain name only: "--template ../x" must not reach files outside the template folders.
        valid = _TEMPLATE_NAME.fullmatch(name) is not None and name != BASE_TEMPLATE
        path = _find(name, template_dir) if valid else None
        if path is None:
            names = ", ".join(available_templates(template_dir)) or "none installed"
            raise TemplateError(f"no appeal template named {template!r}; available: {names}")
        return name, path
    label = result.denial_type.label.value if result.denial_type else GENERAL_TEMPLATE
    for name in (label, GENERAL_TEMPLATE):
        path = _find(name, template_dir)
        if path is not None:
            if name != label:
                log.info("no template for %s; using the general one", label)
            return name, path
    raise TemplateError(
        f"appeal template {label}.docx (and the general {GENERAL_TEMPLATE}.docx) not found in "
        + ", ".join(str(d) for d in template_dirs(template_dir))
        + "; reinstall denialparse or run scripts/build_templates.py"
    )


def _base_path(template_dir: Path | None) -> Path:
    path = _find(BASE_TEMPLATE, template_dir)
    if path is None:
        raise TemplateError(
            f"letter frame {BASE_TEMPLATE}.docx not found in "
            + ", ".join(str(d) for d in template_dirs(template_dir))
            + "; reinstall denialparse or run scripts/build_templates.py"
        )
    return path


# ---------------------------------------------------------------------------------------------
# context
# ---------------------------------------------------------------------------------------------


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
    reviews: _Reviews = field(default_factory=_Reviews)
    _marked: dict[str, tuple[str, str]] = field(default_factory=dict)

    def _page_source(self, page: int) -> TextSource | None:
        if self.result.text is None:
            return None
        for p in self.result.text.pages:
            if p.number == page:
                return p.source
        return None

    def _needs_comment(self, name: str, fv: FieldValue) -> bool:
        return name in self.result.needs_review or fv.confidence < REVIEW_CONFIDENCE

    def _comment_for(self, name: str, fv: FieldValue) -> str:
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
        """A field's value for the letter: cleaned, review-marked, or a placeholder."""
        fv: FieldValue | None = getattr(self.result.fields, name)
        if fv is None:
            return placeholder(prompt)
        text = fv.raw if use_raw and 0 < len(fv.raw.strip()) <= 120 else fv.value
        text = clean_text(text).strip()
        if not text:
            return placeholder(prompt)
        if name in ("letter_date", "service_date"):
            text = _format_date(text)
        if self._needs_comment(name, fv):
            # One comment per field, on its first appearance: every copy of the value carries
            # the same mark, and a second form of it (the payer's brand next to its printed
            # name) carries none.
            if name not in self._marked:
                self._marked[name] = (text, self.reviews.mark(text, self._comment_for(name, fv)))
            first_text, marked = self._marked[name]
            return marked if first_text == text else text
        return text

    def plan_type(self) -> PlanType:
        fv = self.result.fields.plan_type
        if fv is None:
            return PlanType.UNKNOWN
        try:
            return PlanType(fv.value)
        except ValueError:
            return PlanType.UNKNOWN

    def denial(self) -> tuple[DenialType, dict[str, Any]]:
        dtr = self.result.denial_type
        label = dtr.label if dtr else DenialType.OTHER
        type_name = _TYPE_NAMES[label]
        if dtr is None:
            type_name = placeholder("[denial type]")
        elif "denial_type" in self.result.needs_review or dtr.confidence < REVIEW_CONFIDENCE:
            runner_up = sorted(
                ((s, k) for k, s in dtr.scores.items() if k != label.value), reverse=True
            )
            alt = f" (next: {runner_up[0][1]}, {runner_up[0][0]:.0%})" if runner_up else ""
            type_name = self.reviews.mark(
                type_name,
                f"The denial was classified as {label.value} with {dtr.confidence:.0%} "
                f"confidence{alt}. Check that the argument below fits the denial; another "
                "template can be chosen with --template.",
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
                due = self.reviews.mark(
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


def build_context(
    result: LetterResult,
    *,
    profile: PracticeProfile | None = None,
    today: dt.date | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """The template context for one letter (documented in ``templates/README.md``).

    Args:
        result: the extraction result.
        profile: the practice profile; None prints highlighted placeholders instead.
        today: the date printed on the appeal (default: today).

    Returns:
        The context and the review comments its marks refer to.
    """
    b = _Builder(result)
    label, denial = b.denial()
    plan_type = b.plan_type()
    plan_text = _PLAN_TEXT[plan_type]
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
    }
    if f.appeal_address is not None and "appeal" in f.appeal_address.value.lower():
        payer["unit"] = ""  # the address names the unit itself
    plan_rights = _prompted(plan_text.rights)
    if f.plan_type is not None and b._needs_comment("plan_type", f.plan_type):
        plan_rights = b.reviews.mark(
            plan_rights,
            f"These rights assume the plan is {_article(plan_text.name)} {plan_text.name}. "
            + b._comment_for("plan_type", f.plan_type),
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
        *(_prompted(e) for e in _COMMON_ENCLOSURES[1:]),
        *(_prompted(e) for e in _TYPE_ENCLOSURES[label]),
        *(_prompted(e) for e in plan_text.enclosures),
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
    return context, b.reviews.texts


# ---------------------------------------------------------------------------------------------
# rendering
# ---------------------------------------------------------------------------------------------


_ENV: Any = None
_ENV_LOCK = threading.Lock()
_COMPILED_CACHE_SIZE = 64


def _jinja_env() -> Any:
    """The Jinja environment for every render (autoescape on, undefined names fail).

    docxtpl compiles the whole document XML on every render, which is most of a render's
    time; the compiled template only depends on the template file, so it is kept (keyed by
    the XML source itself, so an edited template is recompiled).
    """
    global _ENV
    with _ENV_LOCK:
        if _ENV is None:
            from jinja2 import Environment, StrictUndefined

            class _CachingEnvironment(Environment):  # type: ignore[misc]
                def from_string(self, source: Any, *args: Any, **kwargs: Any) -> Any:
                    if args or kwargs or not isinstance(source, str):
                        return super().from_string(source, *args, **kwargs)
                    with _ENV_LOCK:
                        compiled = _COMPILED.get(source)
                    if compiled is None:
                        compiled = super().from_string(source)
                        with _ENV_LOCK:
                            if len(_COMPILED) >= _COMPILED_CACHE_SIZE:
                                _COMPILED.pop(next(iter(_COMPILED)))
                            _COMPILED[source] = compiled
                    return compiled

            # StrictUndefined: a misspelt field in a practice's template fails the render (and
            # `denialparse doctor`) instead of silently printing nothing on a letter to a payer.
            _ENV = _CachingEnvironment(autoescape=True, undefined=StrictUndefined)
        return _ENV


_COMPILED: dict[str, Any] = {}


def _render_template(tpl: Any, context: dict[str, Any], path: Path) -> None:
    """docxtpl render with autoescape; any template problem becomes a ``TemplateError``."""
    from docx.opc.exceptions import PackageNotFoundError
    from jinja2 import TemplateError as JinjaError

    try:
        tpl.render(context, jinja_env=_jinja_env(), autoescape=True)
    except (JinjaError, PackageNotFoundError, KeyError, ValueError, OSError) as e:
        msg = " ".join(str(e).split()) or type(e).__name__
        raise TemplateError(
            f"appeal template {path} can't be rendered ({type(e).__name__}: {msg}); "
            "fix it in Word or remove it from the template folder"
        ) from e


def _open_template(path: Path) -> Any:
    from docx.opc.exceptions import PackageNotFoundError
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(str(path))
    try:
        tpl.init_docx()
    except (PackageNotFoundError, KeyError, ValueError, OSError, zipfile.BadZipFile) as e:
        raise TemplateError(
            f"appeal template {path} is not a readable .docx ({type(e).__name__}); "
            "save it again from Word as .docx"
        ) from e
    return tpl


@functools.lru_cache(maxsize=64)
def _shared_parts(path: str, mtime_ns: int, size: int) -> tuple[bytes, bytes]:
    """styles.xml and numbering.xml of a template file (cached per file version)."""
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        return tuple(  # type: ignore[return-value]
            zf.read(n) if n in names else b"" for n in ("word/styles.xml", "word/numbering.xml")
        )


def _same_styles(a: Path, b: Path) -> bool:
    sa, sb = a.stat(), b.stat()
    return _shared_parts(str(a), sa.st_mtime_ns, sa.st_size) == _shared_parts(
        str(b), sb.st_mtime_ns, sb.st_size
    )


# Anything in a body that points into other parts (images, links, notes, comments).
_PART_REFERENCES = re.compile(
    r'\br:(?:id|embed|link|pict|href)="|w:(?:footnote|endnote|comment)Reference'
)


class _BodyXml:
    """The rendered argument's body, placed into base.docx by ``{{p argument }}``."""

    def __init__(self, xml: str) -> None:
        self.xml = xml

    def __html__(self) -> str:  # autoescape: already XML
        return self.xml

    def __str__(self) -> str:
        return self.xml


def _argument_for(base: Any, arg_tpl: Any, arg_path: Path, base_path: Path) -> Any:
    """The rendered argument as something ``{{p argument }}`` can print.

    When the argument template shares base.docx's styles and numbering and refers to no other
    part (ours always do), its body XML is spliced as is: docxcompose's merge costs more than
    the rest of the render. Otherwise docxtpl's Subdoc merges styles, numbering and images.
    """
    from lxml import etree

    body = arg_tpl.docx.element.body
    for sect in body.findall(f"{{{_W_NS}}}sectPr"):
        body.remove(sect)
    xml = "".join(etree.tostring(child, encoding="unicode") for child in body)
    if _same_styles(arg_path, base_path) and not _PART_REFERENCES.search(xml):
        return _BodyXml(xml)
    buf = io.BytesIO()
    arg_tpl.save(buf)
    try:
        return base.new_subdoc(io.BytesIO(buf.getvalue()))
    except (KeyError, ValueError) as e:
        raise TemplateError(
            f"appeal template {arg_path} can't be placed in {base_path} ({type(e).__name__}); "
            "rebuild it from scripts/build_templates.py"
        ) from e


def _as_python_docx(tpl: Any) -> DocxDocument:
    """The rendered document, reopened so python-docx sees what docxtpl did.

    docxtpl swaps in a body parsed by plain lxml (the run and comment APIs need python-docx's
    element classes) and re-points header/footer relationships behind python-docx's back, so
    a save and reload is the reliable way to get a consistent document.
    """
    from docx import Document

    buf = io.BytesIO()
    tpl.save(buf)
    buf.seek(0)
    return Document(buf)


def render_document(
    result: LetterResult,
    *,
    profile: PracticeProfile | None = None,
    template: str | None = None,
    template_dir: Path | None = None,
    today: dt.date | None = None,
) -> tuple[DocxDocument, str]:
    """Render the appeal in memory.

    Args:
        result: the extraction result.
        profile: the practice profile; None leaves highlighted placeholders.
        template: an argument template name; None picks the denial type's.
        template_dir: a practice's template folder, searched before ours.
        today: the date printed on the letter (default today).

    Returns:
        The python-docx document and the template name used.

    Raises:
        TemplateError: unknown template name, or a template that is missing or broken.
    """
    from docx.shared import Mm
    from docxtpl import InlineImage

    base_path = _base_path(template_dir)
    name, arg_path = resolve_template(result, template, template_dir)
    context, comments = build_context(result, profile=profile, today=today)

    arg_tpl = _open_template(arg_path)
    _render_template(arg_tpl, context, arg_path)
    base = _open_template(base_path)
    argument = _argument_for(base, arg_tpl, arg_path, base_path)
    if profile is not None and profile.logo_path is not None:
        context["practice"]["logo"] = InlineImage(base, str(profile.logo_path), height=Mm(16))
    _render_template(base, {**context, "argument": argument}, base_path)

    doc = _as_python_docx(base)
    _apply_marks(doc, comments)
    # The template's own metadata would date every appeal to the day the template was built.
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    props = doc.core_properties
    known = {d.value: d for d in DenialType}
    props.title = f"Appeal of a {_TYPE_NAMES[known[name]]} denial" if name in known else "Appeal"
    props.created = props.modified = now
    props.last_modified_by = COMMENT_AUTHOR
    props.revision = 1
    return doc, name


def render_appeal(
    result: LetterResult,
    out_path: Path,
    *,
    profile: PracticeProfile | None = None,
    template: str | None = None,
    template_dir: Path | None = None,
    today: dt.date | None = None,
) -> AppealInfo:
    """Fill the appeal template for ``result`` and write it to ``out_path`` atomically.

    Args:
        result: the extraction result (fields, denial type, deadlines).
        out_path: the .docx to write; its folder is created if missing.
        profile: the practice profile; None leaves highlighted placeholders for the
            letterhead and signature.
        template: an argument template name (a denial type, ``other``/``general``, or a
            practice's own); None picks the one named after the denial type.
        template_dir: a practice's template folder; its files override ours by name.
        today: the date printed on the letter (default today).

    Returns:
        Where the appeal was written and which template was used.

    Raises:
        TemplateError: unknown template name (the message lists the available ones), or a
            missing or broken template.
        OutputError: ``out_path`` can't be written.
    """
    doc, name = render_document(
        result, profile=profile, template=template, template_dir=template_dir, today=today
    )
    out_path = Path(out_path)
    _save_atomically(doc, out_path)
    log.info("appeal written with template %s", name)
    return AppealInfo(path=str(out_path), template=name)


def _save_atomically(doc: DocxDocument, out_path: Path) -> None:
    try:
        out_path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(out_path, doc.save)
    except OSError as e:
        reason = e.strerror or type(e).__name__
        raise OutputError(
            f"can't write the appeal to {out_path} ({reason}); choose a writable path with -o"
        ) from e


# ---------------------------------------------------------------------------------------------
# after the render: highlight placeholders, comment on uncertain values, remove the marks
# ---------------------------------------------------------------------------------------------


def _paragraph_elements(doc: DocxDocument) -> Iterator[tuple[_Element, bool]]:
    """Every w:p of the body (with tables), headers and footers; True for the body."""
    from docx.oxml.ns import qn

    for p in doc.element.body.iter(qn("w:p")):
        yield p, True
    seen: set[int] = set()
    for section in doc.sections:
        for part in (
            section.header,
            section.footer,
            section.first_page_header,
            section.first_page_footer,
            section.even_page_header,
            section.even_page_footer,
        ):
            if part.is_linked_to_previous:
                continue
            el = part._element
            if id(el) in seen:
                continue
            seen.add(id(el))
            for p in el.iter(qn("w:p")):
                yield p, False


def _apply_marks(doc: DocxDocument, comments: Sequence[str]) -> None:
    """Split runs at the marks, highlight placeholders, attach comments, drop the marks."""
    from docx.enum.text import WD_COLOR_INDEX
    from docx.oxml.ns import qn
    from docx.text.run import Run

    first_runs: dict[int, list[Any]] = {}
    w_p, w_r, w_t, w_rpr = qn("w:p"), qn("w:r"), qn("w:t"), qn("w:rPr")
    for p, in_body in list(_paragraph_elements(doc)):
        if not _RESERVED.search("".join(t.text or "" for t in p.iter(w_t))):
            continue
        # State carried from run to run: docxtpl splits a value at tabs into several runs.
        review: int | None = None  # the open review mark, if any
        highlight = False  # inside a placeholder
        opened: dict[int, int] = {}  # review mark -> times opened in this paragraph
        runs_by_mark: dict[int, list[Any]] = {}

        def first(mark: int | None, opened: dict[int, int] = opened) -> int | None:
            # A value printed twice in one paragraph: the comment spans only the first copy.
            return mark if mark is not None and opened.get(mark) == 1 else None

        for r in [r for r in p.iter(w_r) if _nearest_paragraph(r, w_p) is p]:
            # (review mark if it is its first appearance here, highlighted, run children)
            segments: list[tuple[int | None, bool, list[Any]]] = []
            current: list[Any] = []
            for child in list(r):
                if child.tag == w_rpr:
                    continue
                if child.tag != w_t or not _RESERVED.search(child.text or ""):
                    current.append(child)
                    continue
                buf: list[str] = []
                for ch in child.text or "":
                    code = ord(ch)
                    if not 0xE000 <= code <= 0xE1FF:
                        buf.append(ch)
                        continue
                    if ch == _MARK_NEUTRAL:
                        continue
                    if buf:
                        current.append(_new_t(child, "".join(buf)))
                        buf = []
                    if current:
                        segments.append((first(review), highlight, current))
                        current = []
                    if ch == _MARK_PLACEHOLDER_OPEN:
                        highlight = True
                    elif ch == _MARK_PLACEHOLDER_CLOSE:
                        highlight = False
                    elif ch == _MARK_REVIEW_CLOSE:
                        review = None
                    elif code >= _MARK_REVIEW_BASE:
                        review = code - _MARK_REVIEW_BASE
                        opened[review] = opened.get(review, 0) + 1
                if buf:
                    current.append(_new_t(child, "".join(buf)))
            if current:
                segments.append((first(review), highlight, current))
            rpr = r.find(w_rpr)
            for seg_review, seg_highlight, children in segments:
                new_r = _new_run(r, rpr, children)
                r.addprevious(new_r)
                if seg_highlight:
                    Run(new_r, doc._body).font.highlight_color = WD_COLOR_INDEX.YELLOW
                if seg_review is not None and in_body:
                    runs_by_mark.setdefault(seg_review, []).append(new_r)
            r.getparent().remove(r)
        for n, runs in runs_by_mark.items():
            # Comment on the first appearance only: one note per doubtful value is enough.
            first_runs.setdefault(n, runs)
    for n, runs in sorted(first_runs.items()):
        if n < len(comments):
            doc.add_comment(
                [Run(runs[0], doc._body), Run(runs[-1], doc._body)],
                text=comments[n],
                author=COMMENT_AUTHOR,
                initials=COMMENT_INITIALS,
            )


def _nearest_paragraph(el: Any, w_p: str) -> Any:
    parent = el.getparent()
    while parent is not None and parent.tag != w_p:
        parent = parent.getparent()
    return parent


def _new_t(template_t: Any, text: str) -> Any:
    import copy

    t = copy.deepcopy(template_t)
    t.text = text
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return t


def _new_run(r: Any, rpr: Any, children: list[Any]) -> Any:
    import copy

    new_r = copy.deepcopy(r)
    for child in list(new_r):
        new_r.remove(child)
    if rpr is not None:
        new_r.append(copy.deepcopy(rpr))
    for child in children:
        new_r.append(child)
    return new_r


# ---------------------------------------------------------------------------------------------
# doctor
# ---------------------------------------------------------------------------------------------


def check_templates(template_dir: Path | None = None) -> list[str]:
    """Check that every template renders; for ``denialparse doctor``.

    Renders each denial type's template (and every extra template found) into memory with a
    synthetic letter, so a broken file, a Jinja syntax error or a misspelt field shows up.

    Args:
        template_dir: a practice's template folder to check along with ours.

    Returns:
        One line per problem (what is wrong and what to do); an empty list when all is well.
    """
    problems: list[str] = []
    try:
        _base_path(template_dir)
    except TemplateError as e:
        return [e.message]
    names = available_templates(template_dir)
    for label in DenialType:
        if label.value not in names and GENERAL_TEMPLATE not in names:
            problems.append(
                f"no template for {label.value} and no general {GENERAL_TEMPLATE}.docx; "
                "run scripts/build_templates.py or reinstall denialparse"
            )
    from docx.oxml.ns import qn

    for name in names:
        try:
            doc, _ = render_document(_sample_result(), template=name, template_dir=template_dir)
        except TemplateError as e:
            problems.append(e.message)
            continue
        text = "".join(t.text or "" for t in doc.element.body.iter(qn("w:t")))
        if "{{" in text or "{%" in text:
            problems.append(
                f"appeal template {name}.docx leaves Jinja tags unrendered; retype the "
                "{{ ... }} / {% ... %} tags in Word so each sits in one piece of text"
            )
    return problems


def _sample_result() -> LetterResult:
    """A synthetic result used to test-render templates (no real patient data)."""
    from denialparse.types import (
        DenialTypeResult,
        Evidence,
        Fields,
        SourceInfo,
        Status,
    )

    def fv(value: str) -> FieldValue:
        return FieldValue(
            value=value,
            raw=value,
            confidence=0.5,
            evidence=Evidence(page=1, start=0, end=len(value)),
        )

    return LetterResult(
        source=SourceInfo(path="sample.txt", sha256="0" * 64, media_type="text/plain", pages=1),
        status=Status.SUCCESS,
        text=None,
        fields=Fields(
            payer=fv("Example Health Plan"),
            plan_type=fv(PlanType.ERISA.value),
            therapy=fv("sample therapy"),
            denial_reason=fv("The service is not covered."),
            letter_date=fv("2026-01-15"),
            member_id=fv("X000000000"),
            patient_name=fv("Sample Patient"),
            reference_codes=["CO-50"],
        ),
        denial_type=DenialTypeResult(
            label=DenialType.OTHER, confidence=0.5, scores={DenialType.OTHER.value: 0.5}
        ),
        deadlines=[
            Deadline(
                kind="internal_appeal",
                due="2026-07-14",
                rule="29 CFR 2560.503-1(h)(3)(i)",
                basis="180 days from receipt",
            )
        ],
        needs_review=["therapy"],
    )
