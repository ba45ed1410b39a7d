"""Appeal deadlines: plan type + letter date + the rules table -> dated, cited deadlines.

The law lives in ``data/deadline_rules.toml`` (one entry per plan type, kind and version, each with
its citation and the dates it is in force; read by ``rules``); this module applies the version in
force on the letter date with the calendar arithmetic of ``calendar``. Principles:

- Never invent a date. A deadline that starts from a later notice (the final internal decision,
  the IRE decision...) is listed with ``due=None`` and a basis saying what starts its clock.
- When unsure, show the earlier date and flag it: receipt without a stated presumption is taken as
  the letter date, an unknown plan type gets the shortest window among the plan types.
- The plan's own stated deadline controls when it is later than the regulatory floor; both rows
  stay visible, sorted by date, so the earliest row is always a safe date to meet.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date, timedelta

from denialparse.deadlines.calendar import (
    add_business_days,
    add_months,
    holiday_or_weekday,
    is_business_day,
    next_business_day,
)
from denialparse.deadlines.rules import PLAN_NAMES, Rule, rules_in_force
from denialparse.types import Deadline, DenialType, Fields, FieldValue, PlanType

log = logging.getLogger(__name__)

SOURCE_REGULATION = "regulation"
SOURCE_LETTER = "letter"
SOURCE_ESTIMATE = "estimate"
LETTER_RULE = "deadline stated in the letter"

MIN_YEAR, MAX_YEAR = 1900, 2200
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


# --------------------------------------------------------------------------------------------
# Applying one rule


@dataclass(frozen=True)
class Computed:
    """A due date and the calendar facts behind it (month overflow, roll-forward)."""

    due: date
    notes: tuple[str, ...]


def describe(rule: Rule) -> str:
    """The rule as a plain phrase, e.g. "60 days from receipt; receipt presumed 5 days after..."."""
    span = rule.window
    notice = rule.after or "the notice"
    if rule.start == "notice_date":
        return f"{span} from the date of {notice}"
    if rule.receipt_presumption_days:
        return (
            f"{span} from receipt of {notice}; receipt presumed "
            f"{rule.receipt_presumption_days} days after its date"
        )
    if rule.after:
        return f"{span} from receipt of {notice}; receipt taken as its date"
    return f"{span} from receipt; receipt taken as the letter date"


def apply_rule(rule: Rule, notice_date: date) -> Computed:
    """Compute a rule's due date from the date of the notice that starts its clock.

    Args:
        rule: the rule version in force.
        notice_date: the date printed on the notice that starts the clock.

    Returns:
        The due date and the calendar notes worth telling (overflow, roll-forward).
    """
    start = notice_date
    if rule.start == "receipt":
        start = notice_date + timedelta(days=rule.receipt_presumption_days)
    notes: list[str] = []
    if rule.unit == "days":
        due = start + timedelta(days=rule.amount)
    elif rule.unit == "business_days":
        due = add_business_days(start, rule.amount)
    else:
        due = add_months(start, rule.amount, overflow=rule.month_overflow)
        if due.day != start.day:
            target = (
                "the 1st of the next month"
                if rule.month_overflow == "next_month_first"
                else "the last day of that month"
            )
            notes.append(f"the month has no day {start.day}, so {target}")
    if rule.roll_forward and not is_business_day(due):
        rolled = next_business_day(due)
        notes.append(
            f"{due.isoformat()} falls on {holiday_or_weekday(due)}, moved to the next business day"
        )
        due = rolled
    return Computed(due=due, notes=tuple(notes))


def _scope_note(rule: Rule, denial_type: DenialType | None) -> str:
    if not rule.scope_note or (denial_type is not None and denial_type.value in rule.in_scope):
        return ""
    if denial_type is not None and denial_type.value in rule.out_of_scope:
        return (
            f"this denial type ({denial_type.value}) is likely outside it: "
            f"{_lower1(rule.scope_note)}"
        )
    return f"check it applies: {_lower1(rule.scope_note)}"


def _lower1(text: str) -> str:
    return text[:1].lower() + text[1:]


def _sentence(*parts: str) -> str:
    """Join clauses into sentences, each ending with one full stop."""
    out = []
    for part in parts:
        part = part.strip()
        if part:
            out.append(part[0].upper() + part[1:] + ("" if part.endswith(".") else "."))
    return " ".join(out)


def _deadline(
    rule: Rule, notice: date | None, missing_why: str, denial_type: DenialType | None
) -> Deadline:
    """One regulatory row for ``rule``; ``notice`` None means the letter date is unusable."""
    scope = _scope_note(rule, denial_type)
    undated_because = ""
    if rule.after:
        # The clock starts with a later notice: no date, but say what starts it and what the
        # date would be if this very letter is that notice (a physician often holds that one).
        undated_because = "not computed, because that notice comes later"
        if notice is not None:
            undated_because += (
                f"; if this letter is that notice, it would be {apply_rule(rule, notice).due}"
            )
    elif notice is None:
        undated_because = f"not computed: {missing_why}"
    if undated_because or notice is None:
        return Deadline(
            kind=rule.kind,
            due=None,
            rule=rule.citation,
            basis=_sentence(describe(rule), undated_because, scope, rule.note),
            source=SOURCE_REGULATION,
            needs_review=True,
        )
    computed = apply_rule(rule, notice)
    basis = _sentence(describe(rule), *computed.notes, scope, rule.note)
    return Deadline(
        kind=rule.kind,
        due=computed.due.isoformat(),
        rule=rule.citation,
        basis=basis,
        source=SOURCE_REGULATION,
        needs_review=rule.needs_review or bool(scope),
    )


# --------------------------------------------------------------------------------------------
# Reading the fields


def parse_iso_date(value: FieldValue | None) -> tuple[date | None, str]:
    """Read an ISO date field.

    Args:
        value: the field, or None.

    Returns:
        The date, or None with the reason ("missing" / "unreadable"); "" when fine.
    """
    if value is None or not value.value.strip():
        return None, "missing"
    text = value.value.strip()
    if not _ISO_DATE.fullmatch(text):
        return None, "unreadable"
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None, "unreadable"
    # A year far off is an OCR or extraction slip, and would overflow the date arithmetic.
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        return None, "unreadable"
    return day, ""


def _plan_type(value: FieldValue | None) -> tuple[PlanType, str]:
    if value is None or not value.value.strip():
        return PlanType.UNKNOWN, "the letter does not say the plan type"
    try:
        return PlanType(value.value.strip()), ""
    except ValueError:
        return PlanType.UNKNOWN, "the plan type is not one this tool knows"


# --------------------------------------------------------------------------------------------
# Unknown plan type and the letter's own deadline


def _unknown_plan(notice: date | None, missing_why: str, why_unknown: str) -> Deadline:
    """The earliest first-level deadline among the plan types, as an estimate to check."""
    # With no letter date the comparison still needs a date: any fixed one gives the same winner
    # because the windows differ by far more than month-length effects (60 vs 65 vs 90 days).
    probe = notice or date(2026, 1, 1)
    options: list[tuple[date, PlanType, Rule]] = []
    for plan in PLAN_NAMES:
        for rule in rules_in_force(plan, notice):
            if rule.primary:
                options.append((apply_rule(rule, probe).due, plan, rule))
    order = list(PLAN_NAMES)
    options.sort(key=lambda o: (o[0], order.index(o[1])))
    due, plan, rule = options[0]
    others = ", ".join(
        f"{PLAN_NAMES[p]} {d.isoformat() if notice else r.window_from_notice}"
        for d, p, r in options[1:]
    )
    head = (
        f"Plan type unknown ({why_unknown}): earliest first-level appeal window among the "
        "plan types"
    )
    basis = _sentence(
        f"{head}, {PLAN_NAMES[plan]}: {describe(rule)}",
        f"not computed: {missing_why}" if notice is None else "",
        f"Others: {others}",
        "check the plan type; the deadline for the real plan may be later",
    )
    return Deadline(
        kind=rule.kind,
        due=due.isoformat() if notice else None,
        rule=rule.citation,
        basis=basis,
        source=SOURCE_ESTIMATE,
        needs_review=True,
    )


def _letter_row(kind: str, when: date, basis: str, *, review: bool) -> Deadline:
    return Deadline(
        kind=kind,
        due=when.isoformat(),
        rule=LETTER_RULE,
        basis=basis,
        source=SOURCE_LETTER,
        needs_review=review,
    )


def _with_stated(
    rows: list[Deadline], stated: FieldValue | None, notice: date | None
) -> list[Deadline]:
    """Put the letter's own deadline next to the primary (first) row.

    Later than the floor: the floor row says so and a ``letter`` row carries the controlling date.
    Earlier: both are flagged, the letter's date being the one to meet to be safe.
    """
    primary = rows[0]
    when, problem = parse_iso_date(stated)
    if when is None:
        if problem == "missing":
            return rows
        unreadable = Deadline(
            kind=primary.kind,
            due=None,
            rule=LETTER_RULE,
            basis="The letter states a deadline that is not a readable date; check the letter.",
            source=SOURCE_LETTER,
            needs_review=True,
        )
        return [*rows, unreadable]
    floor = date.fromisoformat(primary.due) if primary.due else None
    if floor is None:
        basis = _sentence(
            "the letter states this deadline; it could not be compared with the regulatory "
            "minimum, which needs the letter date",
        )
        return [*rows, _letter_row(primary.kind, when, basis, review=True)]
    if when == floor:
        same = _sentence(primary.basis, "the letter states the same date")
        return [primary.model_copy(update={"basis": same}), *rows[1:]]
    if when > floor:
        more = _sentence(
            primary.basis,
            f"the letter allows more time, until {when.isoformat()}, and the plan's later date "
            "controls",
        )
        basis = _sentence(
            f"the letter states this deadline; it is later than the regulatory minimum "
            f"({floor.isoformat()}), so it controls",
        )
        return [
            primary.model_copy(update={"basis": more}),
            *rows[1:],
            _letter_row(primary.kind, when, basis, review=False),
        ]
    earlier = _sentence(primary.basis, f"the letter states an earlier date, {when.isoformat()}")
    misread = notice is not None and when <= notice
    basis = _sentence(
        f"the letter states this deadline; it is earlier than the regulatory minimum "
        f"({floor.isoformat()}): meet it to be safe, and check the rule",
        "it is not after the letter's own date, so it may be misread" if misread else "",
    )
    return [
        primary.model_copy(update={"basis": earlier, "needs_review": True}),
        *rows[1:],
        _letter_row(primary.kind, when, basis, review=True),
    ]


def _sort_key(row: Deadline) -> tuple[bool, str]:
    return (row.due is None, row.due or "")


def compute_deadlines(fields: Fields, denial_type: DenialType | None = None) -> list[Deadline]:
    """Every appeal deadline that applies to the letter, soonest first.

    Args:
        fields: the extracted fields; uses ``plan_type``, ``letter_date`` and ``stated_deadline``.
        denial_type: the classified denial type, used to say whether external review is in scope.

    Returns:
        Deadlines sorted by due date, undated ones (``due=None``) last, each with its citation, a
        plain basis, its source (regulation / letter / estimate) and whether a person must check it.

    Raises:
        MissingDependencyError: the packaged rules table is missing or broken.
    """
    plan, why_unknown = _plan_type(fields.plan_type)
    notice, problem = parse_iso_date(fields.letter_date)
    missing_why = (
        "the letter date is missing"
        if problem == "missing"
        else "the letter date could not be read as a calendar date"
    )
    if plan is PlanType.UNKNOWN:
        rows = [_unknown_plan(notice, missing_why, why_unknown or "the letter says 'unknown'")]
    else:
        rules = rules_in_force(plan, notice)
        if not rules or not rules[0].primary:
            # A gap between rule versions: say so rather than guess.
            rows = [
                Deadline(
                    kind="appeal",
                    due=None,
                    rule="none in force",
                    basis="No rule in the table is in force on the letter date; check the notice.",
                    source=SOURCE_REGULATION,
                    needs_review=True,
                ),
            ]
        else:
            rows = []
        rows += [_deadline(rule, notice, missing_why, denial_type) for rule in rules]
    rows = _with_stated(rows, fields.stated_deadline, notice)
    log.debug("deadlines: plan type %s, %d rows", plan.value, len(rows))
    return sorted(rows, key=_sort_key)


def review_needed(deadlines: list[Deadline]) -> bool:
    """Whether a person must check the letter's deadlines before relying on them.

    Undated rows for later steps (external review, ALJ...) are always flagged, since their clock
    starts with a notice that has not come yet; they alone should not make every letter partial.
    So: no dated row at all, or any dated row flagged.

    Args:
        deadlines: what ``compute_deadlines`` returned.

    Returns:
        True when the dates need a human check.
    """
    dated = [d for d in deadlines if d.due is not None]
    return not dated or any(d.needs_review for d in dated)
