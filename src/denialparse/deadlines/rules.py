"""The rules table: ``data/deadline_rules.toml`` read, validated and queried by letter date.

Each rule version carries its citation and the dates it is in force; the table also holds the
federal holidays (for the rules that roll forward over them). A broken table is a broken install
(exit 3), never a silent default.
"""

from __future__ import annotations

import functools
import itertools
import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

from denialparse.deadlines.calendar import OVERFLOWS, WEEKDAYS, Holiday
from denialparse.exceptions import MissingDependencyError
from denialparse.package_data import read_toml
from denialparse.types import DenialType, PlanType

log = logging.getLogger(__name__)

RULES_RESOURCE = ("data", "deadline_rules.toml")

UNITS = frozenset({"days", "months", "business_days"})
STARTS = frozenset({"receipt", "notice_date"})

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


def plural(amount: int, unit: str) -> str:
    """``amount`` of ``unit`` in words: ``plural(1, "months")`` -> "1 month"."""
    word = {"days": "day", "months": "month", "business_days": "business day"}[unit]
    return f"{amount} {word}{'' if amount == 1 else 's'}"


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

    @property
    def window(self) -> str:
        """The window as the rule counts it, e.g. "60 days" (from receipt or from the notice)."""
        return plural(self.amount, self.unit)

    @property
    def window_from_notice(self) -> str:
        """The window counted from the notice date: "65 days" for 60 days + 5 days' presumption."""
        if self.unit == "days" and self.start == "receipt":
            return plural(self.amount + self.receipt_presumption_days, "days")
        return self.window

    @property
    def presumption(self) -> str:
        """The receipt presumption in words ("5 days"); "" when the rule sets none."""
        if not self.receipt_presumption_days:
            return ""
        return plural(self.receipt_presumption_days, "days")


@dataclass(frozen=True)
class RuleBook:
    """The parsed rules table."""

    rules: tuple[Rule, ...]
    holidays: tuple[Holiday, ...]


def _broken(what: str) -> MissingDependencyError:
    return MissingDependencyError(
        f"the deadline rules table is broken ({what}); reinstall denialparse or fix "
        "src/denialparse/deadlines/data/deadline_rules.toml",
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
        for earlier, later in itertools.pairwise(ordered):
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
    doc = read_toml("denialparse.deadlines", *RULES_RESOURCE, broken=_broken)
    book = parse_rules(doc)
    log.debug("loaded %d deadline rules and %d holidays", len(book.rules), len(book.holidays))
    return book


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
