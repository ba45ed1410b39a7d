"""Appeal deadlines: plan type + letter date + the rules table -> dated, cited deadlines.

The law lives in ``data/deadline_rules.toml`` (one entry per plan type, kind and version, each with
its citation and the dates it is in force); this module only picks the version in force on the
letter date and does the calendar arithmetic. Principles:

- Never invent a date. A deadline that starts from a later notice (the final internal decision,
  the IRE decision...) is listed with ``due=None`` and a basis saying what starts its clock.
- When unsure, show the earlier date and flag it: receipt without a stated presumption is taken as
  the letter date, an unknown plan type gets the shortest window among the plan types.
- The plan's own stated deadline controls when it is later than the regulatory floor; both rows
  stay visible, sorted by date, so the earliest row is always a safe date to meet.
"""

from __future__ import annotations

import calendar
import functools
import logging
import re
import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources
from typing import Any

from denialparse.exceptions import MissingDependencyError
from denialparse.types import Deadline, DenialType, Fields, FieldValue, PlanType

log = logging.getLogger(__name__)

RULES_RESOURCE = ("data", "deadline_rules.toml")

UNITS = frozenset({"days", "months", "business_days"})
STARTS = frozenset({"receipt", "notice_date"})
OVERFLOWS = frozenset({"next_month_first", "clamp"})
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

SOURCE_REGULATION = "regulation"
SOURCE_LETTER = "letter"
SOURCE_ESTIMATE = "estimate"
LETTER_RULE = "deadline stated in the letter"

# Human names for bases; the order is the tie-break when two plan types give the same date.
PLAN_NAMES: dict[PlanType, str] = {
    PlanType.MEDICAID_MCO: "Medicaid managed care",
    PlanType.MEDICARE_ADVANTAGE: "Medicare Advantage",
    PlanType.MEDICARE_PART_D: "Medicare Part D",
    PlanType.TRICARE: "TRICARE",
    PlanType.ORIGINAL_MEDICARE: "Original Medicare",
    PlanType.ERISA: "employer plan (ERISA)",
    PlanType.ACA_INDIVIDUAL: "individual/marketplace plan",
    PlanType.FEHB: "FEHB",
}

MIN_YEAR, MAX_YEAR = 1900, 2200
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


# --------------------------------------------------------------------------------------------
# The rules table


@dataclass(frozen=True)
class Rule:
    """One version of one deadline rule, as read from ``deadline_rules.toml``."""

    plan_type: PlanType
    kind: str
    amount: int
    unit: str
    start: str
    citation: str
    primary: bool = False
    receipt_presumption_days: int = 0
    after: str | None = None
    roll_forward: bool = False
    month_overflow: str = "clamp"
    effective_from: date | None = None
    effective_to: date | None = None
    needs_review: bool = False
    in_scope: frozenset[str] = frozenset()
    out_of_scope: frozenset[str] = frozenset()
    scope_note: str = ""
    note: str = ""

    def in_force(self, on: date) -> bool:
        """Whether this version applies to a notice dated ``on`` (bounds inclusive)."""
        if self.effective_from is not None and on < self.effective_from:
            return False
        return self.effective_to is None or on <= self.effective_to


@dataclass(frozen=True)
class Holiday:
    """A federal holiday: a fixed date (observed Fri/Mon) or the nth weekday of a month."""

    name: str
    month: int
    day: int | None = None
    weekday: int | None = None
    nth: int | None = None
    from_year: int | None = None


@dataclass(frozen=True)
class RuleBook:
    """The parsed rules table."""

    rules: tuple[Rule, ...]
    holidays: tuple[Holiday, ...]


def _broken(what: str) -> MissingDependencyError:
    return MissingDependencyError(
        f"the deadline rules table is broken ({what}); reinstall denialparse or fix "
        "src/denialparse/data/deadline_rules.toml",
        code="bad_deadline_rules",
    )


def _opt_date(entry: dict[str, Any], key: str, where: str) -> date | None:
    value = entry.get(key)
    if value is None:
        return None
    # tomllib gives datetime.date for a bare TOML date; a datetime would also pass isinstance.
    if not isinstance(value, date) or hasattr(value, "hour"):
        raise _broken(f"{where}: {key} must be a TOML date like 2025-01-01")
    return value


def _parse_rule(entry: dict[str, Any], index: int) -> Rule:
    where = f"rule #{index + 1}"
    try:
        plan = PlanType(entry["plan_type"])
        kind, amount, unit = str(entry["kind"]), entry["amount"], entry["unit"]
        start, citation = entry["start"], str(entry["citation"])
    except (KeyError, ValueError) as e:
        raise _broken(f"{where}: missing or bad key {e}") from e
    if plan is PlanType.UNKNOWN:
        raise _broken(f"{where}: 'unknown' is derived, not a rule's plan type")
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise _broken(f"{where}: amount must be a positive integer")
    if unit not in UNITS or start not in STARTS:
        raise _broken(
            f"{where}: unit must be one of {sorted(UNITS)}, start one of {sorted(STARTS)}"
        )
    overflow = entry.get("month_overflow", "clamp")
    if overflow not in OVERFLOWS:
        raise _broken(f"{where}: month_overflow must be one of {sorted(OVERFLOWS)}")
    presumption = entry.get("receipt_presumption_days", 0)
    if not isinstance(presumption, int) or presumption < 0:
        raise _broken(f"{where}: receipt_presumption_days must be a non-negative integer")
    labels = {d.value for d in DenialType}
    in_scope = frozenset(entry.get("in_scope", ()))
    out_of_scope = frozenset(entry.get("out_of_scope", ()))
    if not (in_scope | out_of_scope) <= labels:
        raise _broken(f"{where}: in_scope/out_of_scope must hold denial-type labels")
    rule = Rule(
        plan_type=plan,
        kind=kind,
        amount=amount,
        unit=unit,
        start=start,
        citation=citation,
        primary=bool(entry.get("primary", False)),
        receipt_presumption_days=presumption,
        after=entry.get("after"),
        roll_forward=bool(entry.get("roll_forward", False)),
        month_overflow=overflow,
        effective_from=_opt_date(entry, "effective_from", where),
        effective_to=_opt_date(entry, "effective_to", where),
        needs_review=bool(entry.get("needs_review", False)),
        in_scope=in_scope,
        out_of_scope=out_of_scope,
        scope_note=str(entry.get("scope_note", "")),
        note=str(entry.get("note", "")),
    )
    if rule.primary and rule.after:
        raise _broken(f"{where}: a primary rule must start from this letter, not a later notice")
    return rule


def _parse_holiday(entry: dict[str, Any], index: int) -> Holiday:
    where = f"holiday #{index + 1}"
    try:
        name, month = str(entry["name"]), int(entry["month"])
    except (KeyError, ValueError, TypeError) as e:
        raise _broken(f"{where}: needs a name and a month") from e
    day, weekday, nth = entry.get("day"), entry.get("weekday"), entry.get("nth")
    if (day is None) == (weekday is None):
        raise _broken(f"{where}: give either day, or weekday and nth")
    if weekday is not None and (weekday not in WEEKDAYS or nth not in (1, 2, 3, 4, -1)):
        raise _broken(f"{where}: weekday must be a day name and nth 1-4 or -1")
    return Holiday(
        name=name,
        month=month,
        day=day,
        weekday=None if weekday is None else WEEKDAYS.index(weekday),
        nth=nth,
        from_year=entry.get("from_year"),
    )


def _check_versions(rules: tuple[Rule, ...]) -> None:
    """Versions of one (plan, kind) must not overlap; every plan type needs a primary rule."""
    groups: dict[tuple[PlanType, str], list[Rule]] = {}
    for rule in rules:
        groups.setdefault((rule.plan_type, rule.kind), []).append(rule)
    for (plan, kind), versions in groups.items():
        ordered = sorted(versions, key=lambda r: r.effective_from or date.min)
        for earlier, later in zip(ordered, ordered[1:], strict=False):
            if earlier.effective_to is None or (
                later.effective_from is not None and earlier.effective_to >= later.effective_from
            ):
                raise _broken(f"{plan.value}/{kind}: versions overlap")
        if len({r.primary for r in versions}) > 1:
            raise _broken(f"{plan.value}/{kind}: all versions must agree on 'primary'")
    primaries = {r.plan_type for r in rules if r.primary}
    missing = [p.value for p in PLAN_NAMES if p not in primaries]
    if missing:
        raise _broken(f"no primary rule for {', '.join(missing)}")
    kinds = {(r.plan_type, r.kind) for r in rules if r.primary}
    if len(kinds) != len(primaries):
        raise _broken("more than one primary kind for one plan type")


def parse_rules(doc: dict[str, Any]) -> RuleBook:
    """Validate a parsed rules table.

    Args:
        doc: the TOML document as ``tomllib`` returns it.

    Returns:
        The rules and holidays.

    Raises:
        MissingDependencyError: the table is malformed (a broken install, hence exit 3).
    """
    if doc.get("schema_version") != 1:
        raise _broken("schema_version must be 1")
    rules = tuple(_parse_rule(e, i) for i, e in enumerate(doc.get("rule", [])))
    holidays = tuple(_parse_holiday(e, i) for i, e in enumerate(doc.get("holiday", [])))
    _check_versions(rules)
    return RuleBook(rules=rules, holidays=holidays)


@functools.cache
def load_rules() -> RuleBook:
    """Read and validate the packaged rules table (once per process).

    Returns:
        The rules and holidays.

    Raises:
        MissingDependencyError: the file is missing or malformed.
    """
    resource = resources.files("denialparse.deadlines").joinpath(*RULES_RESOURCE)
    try:
        doc = tomllib.loads(resource.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise _broken(type(e).__name__) from e
    book = parse_rules(doc)
    log.debug("loaded %d deadline rules and %d holidays", len(book.rules), len(book.holidays))
    return book


# --------------------------------------------------------------------------------------------
# Calendar arithmetic


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    if nth > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
    last = date(year, month, calendar.monthrange(year, month)[1])
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _observed(day: date) -> date:
    # Saturday holidays are observed the Friday before, Sunday ones the Monday after.
    if day.weekday() == 5:
        return day - timedelta(days=1)
    if day.weekday() == 6:
        return day + timedelta(days=1)
    return day


@functools.cache
def federal_holidays(year: int) -> dict[date, str]:
    """Federal holidays observed in ``year``, with the Friday/Monday shifts.

    New Year's Day of ``year + 1`` falling on a Saturday is observed on Dec 31 of ``year``, so it
    is included here.

    Args:
        year: the calendar year.

    Returns:
        Observed date -> holiday name.
    """
    found: dict[date, str] = {}
    for holiday in load_rules().holidays:
        for y in (year, year + 1):
            if holiday.from_year is not None and y < holiday.from_year:
                continue
            if holiday.day is not None:
                day = _observed(date(y, holiday.month, holiday.day))
            elif holiday.weekday is not None and holiday.nth is not None:
                day = _nth_weekday(y, holiday.month, holiday.weekday, holiday.nth)
            else:  # parse_rules refuses this; keeps the type checker honest
                continue
            if day.year == year:
                found[day] = holiday.name
    return found


def is_business_day(day: date) -> bool:
    """Monday to Friday and not an observed federal holiday."""
    return day.weekday() < 5 and day not in federal_holidays(day.year)


def next_business_day(day: date) -> date:
    """``day`` itself if it is a business day, else the next one."""
    while not is_business_day(day):
        day += timedelta(days=1)
    return day


def add_business_days(start: date, count: int) -> date:
    """The ``count``-th business day after ``start`` (``start`` itself not counted).

    Args:
        start: the day the clock starts.
        count: business days to add (>= 0).

    Returns:
        The resulting date.
    """
    day = start
    for _ in range(count):
        day = next_business_day(day + timedelta(days=1))
    return day


def add_months(start: date, months: int, *, overflow: str = "clamp") -> date:
    """Calendar-month arithmetic: the same day number ``months`` later.

    Args:
        start: the first date.
        months: months to add (may be negative).
        overflow: what to do when the target month has no such day (Oct 31 + 4 months):
            ``"next_month_first"`` gives the 1st of the following month (the ACA external-review
            rule: Oct 30 -> Mar 1), ``"clamp"`` the last day of the target month.

    Returns:
        The resulting date.

    Raises:
        ValueError: unknown ``overflow``.
    """
    if overflow not in OVERFLOWS:
        raise ValueError(f"overflow must be one of {sorted(OVERFLOWS)}")
    years, month0 = divmod(start.month - 1 + months, 12)
    year, month = start.year + years, month0 + 1
    last = calendar.monthrange(year, month)[1]
    if start.day <= last:
        return date(year, month, start.day)
    if overflow == "clamp":
        return date(year, month, last)
    return date(year, month, last) + timedelta(days=1)


# --------------------------------------------------------------------------------------------
# Applying one rule


@dataclass(frozen=True)
class Computed:
    """A due date and the calendar facts behind it (month overflow, roll-forward)."""

    due: date
    notes: tuple[str, ...]


def _plural(amount: int, unit: str) -> str:
    word = {"days": "day", "months": "month", "business_days": "business day"}[unit]
    return f"{amount} {word}{'' if amount == 1 else 's'}"


def describe(rule: Rule) -> str:
    """The rule as a plain phrase, e.g. "60 days from receipt; receipt presumed 5 days after..."."""
    span = _plural(rule.amount, rule.unit)
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
        why = federal_holidays(due.year).get(due) or calendar.day_name[due.weekday()]
        notes.append(f"{due.isoformat()} falls on {why}, moved to the next business day")
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
    if rule.after:
        # The clock starts with a later notice: no date, but say what starts it and what the
        # date would be if this very letter is that notice (a physician often holds that one).
        later = "not computed, because that notice comes later"
        if notice is not None:
            later += f"; if this letter is that notice, it would be {apply_rule(rule, notice).due}"
        basis = _sentence(describe(rule), later, scope, rule.note)
        return Deadline(
            kind=rule.kind,
            due=None,
            rule=rule.citation,
            basis=basis,
            source=SOURCE_REGULATION,
            needs_review=True,
        )
    if notice is None:
        basis = _sentence(describe(rule), f"not computed: {missing_why}", scope, rule.note)
        return Deadline(
            kind=rule.kind,
            due=None,
            rule=rule.citation,
            basis=basis,
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


def rules_in_force(plan_type: PlanType, on: date | None) -> list[Rule]:
    """The version of each of a plan type's rules in force on the letter date.

    Args:
        plan_type: a known plan type.
        on: the letter date; None picks the current (latest) version of each rule.

    Returns:
        Rules in table order, primary first; a kind with no version in force on ``on`` is left out.
    """
    chosen: dict[str, Rule] = {}
    for rule in load_rules().rules:
        if rule.plan_type is not plan_type:
            continue
        if on is None:
            if rule.effective_to is None:
                chosen[rule.kind] = rule
        elif rule.in_force(on):
            chosen[rule.kind] = rule
    return sorted(chosen.values(), key=lambda r: not r.primary)


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


def _span_from_notice(rule: Rule) -> str:
    """The window counted from the notice date, e.g. "65 days" for 60 days + 5 days' presumption."""
    if rule.unit == "days" and rule.start == "receipt":
        return _plural(rule.amount + rule.receipt_presumption_days, "days")
    return _plural(rule.amount, rule.unit)


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
        f"{PLAN_NAMES[p]} {d.isoformat() if notice else _span_from_notice(r)}"
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
