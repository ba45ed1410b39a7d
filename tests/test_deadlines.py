"""Deadline engine: worked examples with dates computed by hand (weekdays checked with `date -d`).

Day counts are spelled out in comments so a reader can check them without the code under test.
"""

from __future__ import annotations

import copy
import tomllib
from datetime import date
from importlib import resources
from typing import Any

import pytest

from denialparse.deadlines.calendar import (
    add_business_days,
    add_months,
    federal_holidays,
    is_business_day,
    next_business_day,
)
from denialparse.deadlines.compute import (
    LETTER_RULE,
    apply_rule,
    compute_deadlines,
    review_needed,
)
from denialparse.deadlines.rules import load_rules, parse_rules, rules_in_force
from denialparse.exceptions import MissingDependencyError
from denialparse.types import Deadline, DenialType, Fields, FieldValue, PlanType


def fv(value: str) -> FieldValue:
    return FieldValue(value=value, raw=value, confidence=0.95)


def fields(plan: str | None, letter_date: str | None, stated: str | None = None) -> Fields:
    return Fields(
        plan_type=fv(plan) if plan is not None else None,
        letter_date=fv(letter_date) if letter_date is not None else None,
        stated_deadline=fv(stated) if stated is not None else None,
    )


def by_kind(rows: list[Deadline], kind: str, source: str = "regulation") -> Deadline:
    found = [r for r in rows if r.kind == kind and r.source == source]
    assert len(found) == 1, [r.model_dump() for r in rows]
    return found[0]


def rule(plan: PlanType, kind: str, on: date | None) -> Any:
    return next(r for r in rules_in_force(plan, on) if r.kind == kind)


# --------------------------------------------------------------------------------------------
# One worked example per plan type (the first step the letter opens, and the next step)


def test_erisa_180_days_from_receipt_taken_as_letter_date() -> None:
    # 2026-01-02 + 180: Jan 29, Feb 57, Mar 88, Apr 118, May 149, Jun 179, Jul 1 = 180.
    rows = compute_deadlines(fields("erisa", "2026-01-02"), DenialType.MEDICAL_NECESSITY)
    appeal = by_kind(rows, "internal_appeal")
    assert appeal.due == "2026-07-01"
    assert appeal.rule == "29 CFR 2560.503-1(h)(3)(i)"
    assert appeal.basis.startswith("180 days from receipt; receipt taken as the letter date")
    assert appeal.source == "regulation"
    assert appeal.needs_review is False
    # External review runs from the FINAL internal decision: listed, undated, flagged; the basis
    # gives the date for the case where this letter is that decision (Jan 2 + 4 months = May 4,
    # a Monday).
    external = by_kind(rows, "external_review")
    assert external.due is None
    assert external.needs_review is True
    assert "2026-05-04" in external.basis
    assert "147.136(d)(2)(i)" in external.rule
    assert [r.kind for r in rows] == ["internal_appeal", "external_review"]


def test_aca_individual_180_days_across_a_leap_day() -> None:
    # 2024-02-29 + 180: Mar 31, Apr 61, May 92, Jun 122, Jul 153, Aug 27 = 180.
    rows = compute_deadlines(fields("aca_individual", "2024-02-29"))
    appeal = by_kind(rows, "internal_appeal")
    assert appeal.due == "2024-08-27"
    assert "147.136(b)(3)(i)" in appeal.rule
    external = by_kind(rows, "external_review")
    assert external.due is None
    assert "60 days" in external.basis  # the healthcare.gov discrepancy is told, not hidden


def test_medicare_advantage_65_days_from_notice_date() -> None:
    # 2026-03-14 + 65: Mar 17, Apr 47, May 18 = 65.
    rows = compute_deadlines(fields("medicare_advantage", "2026-03-14"))
    recon = by_kind(rows, "reconsideration")
    assert recon.due == "2026-05-18"
    assert recon.rule == "42 CFR 422.582(b)"
    assert recon.basis.startswith("65 days from the date of the notice")
    alj = by_kind(rows, "alj_hearing")
    assert alj.due is None and alj.needs_review
    assert "IRE" in alj.basis


def test_medicare_advantage_effective_date_switch_on_2025_01_01() -> None:
    # Dated 2024-12-31: 60 days from the notice date: Jan 31, Feb 59, Mar 1 = 60.
    old = by_kind(compute_deadlines(fields("medicare_advantage", "2024-12-31")), "reconsideration")
    assert old.due == "2025-03-01"
    assert old.basis.startswith("60 days from the date of the notice")
    # Dated 2025-01-01: 65 days: Jan 30, Feb 58, Mar 7 = 65.
    new = by_kind(compute_deadlines(fields("medicare_advantage", "2025-01-01")), "reconsideration")
    assert new.due == "2025-03-07"
    assert new.basis.startswith("65 days from the date of the notice")


def test_part_d_redetermination_60_days_after_presumed_receipt() -> None:
    # 2025-11-09 + 5 (presumed receipt) + 60 = +65: Nov 21, Dec 52, Jan 13 = 65.
    rows = compute_deadlines(fields("medicare_part_d", "2025-11-09"), DenialType.STEP_THERAPY)
    redet = by_kind(rows, "redetermination")
    assert redet.due == "2026-01-13"
    assert redet.rule == "42 CFR 423.582(b)"
    assert "receipt presumed 5 days" in redet.basis
    ire = by_kind(rows, "ire_reconsideration")
    assert ire.due is None and ire.needs_review


def test_original_medicare_120_days_after_presumed_receipt_without_roll_forward() -> None:
    # 2026-01-20 + 5 + 120 = +125: Jan 11, Feb 39, Mar 70, Apr 100, May 25 = 125. May 25 2026 is
    # Memorial Day, but 405.942 does not say to roll forward, so it stays (the earlier date).
    rows = compute_deadlines(fields("original_medicare", "2026-01-20"))
    redet = by_kind(rows, "redetermination")
    assert redet.due == "2026-05-25"
    assert redet.rule == "42 CFR 405.942"
    qic = by_kind(rows, "reconsideration")
    assert qic.due is None and qic.rule == "42 CFR 405.962"


def test_medicaid_mco_60_days_from_notice_and_continuation_of_benefits() -> None:
    # 2026-06-30 + 60: Jul 31, Aug 29 = 60.  + 10: Jul 10.
    rows = compute_deadlines(fields("medicaid_mco", "2026-06-30"))
    appeal = by_kind(rows, "internal_appeal")
    assert appeal.due == "2026-08-29"
    assert appeal.rule == "42 CFR 438.402(c)(2)(ii)"
    assert appeal.needs_review  # states may set their own (shorter) windows
    cont = by_kind(rows, "continuation_of_benefits")
    assert cont.due == "2026-07-10" and cont.needs_review
    hearing = by_kind(rows, "state_fair_hearing")
    assert hearing.due is None and hearing.needs_review
    assert "90" in hearing.basis and "120" in hearing.basis
    assert [r.kind for r in rows] == [
        "continuation_of_benefits",
        "internal_appeal",
        "state_fair_hearing",
    ]


def test_fehb_six_calendar_months_from_notice() -> None:
    rows = compute_deadlines(fields("fehb", "2026-03-14"))
    recon = by_kind(rows, "reconsideration")
    assert recon.due == "2026-09-14"
    assert recon.rule == "5 CFR 890.105(b)(1)"
    assert by_kind(rows, "opm_review").due is None


def test_fehb_month_end_is_clamped_to_the_last_day() -> None:
    # Aug 31 + 6 months: there is no Feb 31; the rule gives no overflow rule, so the earlier
    # choice: the last day of February (2027 is not a leap year, 2028 is).
    assert by_kind(compute_deadlines(fields("fehb", "2026-08-31")), "reconsideration").due == (
        "2027-02-28"
    )
    assert by_kind(compute_deadlines(fields("fehb", "2027-08-31")), "reconsideration").due == (
        "2028-02-29"
    )


def test_tricare_90_days_from_the_date_on_the_notice() -> None:
    # 2026-11-05 + 90: Nov 25, Dec 56, Jan 87, Feb 3 = 90.
    rows = compute_deadlines(fields("tricare", "2026-11-05"))
    recon = by_kind(rows, "reconsideration")
    assert recon.due == "2027-02-03"
    assert recon.needs_review  # network providers need the beneficiary's written appointment
    assert "appoint" in recon.basis


# --------------------------------------------------------------------------------------------
# The ACA / federal external review 4-month rule


@pytest.mark.parametrize(
    ("letter", "due"),
    [
        ("2026-03-14", "2026-07-14"),  # plain: a Tuesday
        ("2026-10-30", "2027-03-01"),  # no Feb 30: 1st of the 5th month (a Monday)
        ("2026-10-31", "2027-03-01"),  # no Feb 31 either
        ("2027-10-29", "2028-02-29"),  # leap year: Feb 29 exists, a Tuesday
        ("2027-10-30", "2028-03-01"),  # leap year, still no Feb 30
        ("2025-10-31", "2026-03-02"),  # -> Sun Mar 1 2026 -> Mon Mar 2
        ("2026-03-04", "2026-07-06"),  # Sat Jul 4 2026 (observed Fri Jul 3) -> Mon Jul 6
        ("2026-05-07", "2026-09-08"),  # Labor Day Mon Sep 7 -> Tue Sep 8
        ("2026-07-26", "2026-11-27"),  # Thanksgiving Thu Nov 26 -> Fri Nov 27
        ("2026-08-25", "2026-12-28"),  # Christmas Fri Dec 25, weekend -> Mon Dec 28
        ("2027-08-31", "2028-01-03"),  # Fri Dec 31 2027 is New Year observed -> Mon Jan 3 2028
    ],
)
def test_external_review_four_months(letter: str, due: str) -> None:
    external = rule(PlanType.ACA_INDIVIDUAL, "external_review", date.fromisoformat(letter))
    assert apply_rule(external, date.fromisoformat(letter)).due == date.fromisoformat(due)


def test_external_review_basis_tells_the_roll_forward() -> None:
    rows = compute_deadlines(fields("erisa", "2026-05-07"), DenialType.MEDICAL_NECESSITY)
    external = by_kind(rows, "external_review")
    assert "2026-09-08" in external.basis
    computed = apply_rule(rule(PlanType.ERISA, "external_review", None), date(2026, 5, 7))
    assert any("Labor Day" in note for note in computed.notes)


def test_external_review_scope_follows_the_denial_type() -> None:
    in_scope = by_kind(
        compute_deadlines(fields("erisa", "2026-03-14"), DenialType.EXPERIMENTAL), "external_review"
    )
    outside = by_kind(
        compute_deadlines(fields("erisa", "2026-03-14"), DenialType.CODING_BILLING),
        "external_review",
    )
    unknown = by_kind(compute_deadlines(fields("erisa", "2026-03-14")), "external_review")
    assert "medical judgment" not in in_scope.basis
    assert "likely outside" in outside.basis
    assert "Check it applies: external review covers" in unknown.basis


# --------------------------------------------------------------------------------------------
# Calendar helpers


def test_add_months() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 1, 31), 1, overflow="next_month_first") == date(2026, 3, 1)
    assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)
    with pytest.raises(ValueError, match="overflow"):
        add_months(date(2026, 1, 1), 1, overflow="round")


def test_federal_holidays_2026() -> None:
    assert federal_holidays(2026) == {
        date(2026, 1, 1): "New Year's Day",
        date(2026, 1, 19): "Birthday of Martin Luther King, Jr.",
        date(2026, 2, 16): "Washington's Birthday",
        date(2026, 5, 25): "Memorial Day",
        date(2026, 6, 19): "Juneteenth National Independence Day",
        date(2026, 7, 3): "Independence Day",  # Jul 4 is a Saturday
        date(2026, 9, 7): "Labor Day",
        date(2026, 10, 12): "Columbus Day",
        date(2026, 11, 11): "Veterans Day",
        date(2026, 11, 26): "Thanksgiving Day",
        date(2026, 12, 25): "Christmas Day",
    }


def test_observed_shifts_and_juneteenth_start() -> None:
    h2021 = federal_holidays(2021)
    assert date(2021, 6, 18) in h2021  # Juneteenth Sat -> Fri, its first year
    assert date(2021, 12, 31) in h2021  # New Year 2022 is a Saturday -> Fri Dec 31 2021
    assert date(2022, 1, 1) not in federal_holidays(2022)
    assert not any(d.month == 6 and d.day in (18, 19, 20) for d in federal_holidays(2020))
    h2027 = federal_holidays(2027)
    assert date(2027, 7, 5) in h2027  # Jul 4 Sunday -> Monday
    assert date(2027, 12, 24) in h2027  # Christmas Saturday -> Friday
    assert date(2023, 11, 10) in federal_holidays(2023)  # Veterans Day Saturday -> Friday


def test_business_days() -> None:
    assert not is_business_day(date(2026, 7, 3))  # observed Independence Day
    assert not is_business_day(date(2026, 3, 14))  # Saturday
    assert is_business_day(date(2026, 7, 2))
    assert next_business_day(date(2026, 7, 3)) == date(2026, 7, 6)
    assert next_business_day(date(2026, 7, 2)) == date(2026, 7, 2)
    assert add_business_days(date(2026, 7, 2), 1) == date(2026, 7, 6)
    # Wed Nov 25 2026: Thanksgiving skipped: Fri 27 (1), Mon 30 (2), Tue 1 (3), Wed 2 (4), Thu 3.
    assert add_business_days(date(2026, 11, 25), 5) == date(2026, 12, 3)
    assert add_business_days(date(2026, 11, 25), 0) == date(2026, 11, 25)


# --------------------------------------------------------------------------------------------
# The letter's own deadline


def test_stated_deadline_later_than_floor_is_shown_and_controls() -> None:
    rows = compute_deadlines(fields("erisa", "2026-01-02", stated="2026-12-31"))
    floor = by_kind(rows, "internal_appeal")
    letter = by_kind(rows, "internal_appeal", source="letter")
    assert floor.due == "2026-07-01"
    assert "2026-12-31" in floor.basis and "controls" in floor.basis
    assert letter.due == "2026-12-31" and letter.rule == LETTER_RULE
    assert letter.needs_review is False
    assert [(r.due, r.source) for r in rows] == [
        ("2026-07-01", "regulation"),
        ("2026-12-31", "letter"),
        (None, "regulation"),
    ]


def test_stated_deadline_earlier_than_floor_comes_first_and_is_flagged() -> None:
    # A Texas-style 30-day window on a Medicaid letter: 2026-06-30 + 30 = Jul 30.
    rows = compute_deadlines(fields("medicaid_mco", "2026-06-30", stated="2026-07-30"))
    letter = by_kind(rows, "internal_appeal", source="letter")
    assert letter.due == "2026-07-30" and letter.needs_review
    assert "2026-08-29" in letter.basis
    floor = by_kind(rows, "internal_appeal")
    assert floor.needs_review and "2026-07-30" in floor.basis
    assert [r.due for r in rows][:3] == ["2026-07-10", "2026-07-30", "2026-08-29"]


def test_stated_deadline_before_letter_date_is_called_a_probable_misread() -> None:
    rows = compute_deadlines(fields("tricare", "2026-11-05", stated="2026-11-01"))
    letter = by_kind(rows, "reconsideration", source="letter")
    assert letter.needs_review and "misread" in letter.basis


def test_stated_deadline_equal_to_floor_adds_no_row() -> None:
    rows = compute_deadlines(fields("medicare_advantage", "2026-03-14", stated="2026-05-18"))
    assert [r.source for r in rows] == ["regulation", "regulation"]
    assert "same date" in by_kind(rows, "reconsideration").basis


def test_unreadable_stated_deadline_is_flagged_not_guessed() -> None:
    rows = compute_deadlines(fields("erisa", "2026-01-02", stated="within sixty days"))
    letter = by_kind(rows, "internal_appeal", source="letter")
    assert letter.due is None and letter.needs_review
    assert by_kind(rows, "internal_appeal").due == "2026-07-01"


def test_stated_deadline_without_letter_date_is_kept_and_flagged() -> None:
    rows = compute_deadlines(fields("erisa", None, stated="2026-12-31"))
    letter = by_kind(rows, "internal_appeal", source="letter")
    assert letter.due == "2026-12-31" and letter.needs_review
    assert rows[0] == letter  # the only dated row sorts first
    assert by_kind(rows, "internal_appeal").due is None


# --------------------------------------------------------------------------------------------
# Unknown plan type, missing or malformed letter date


@pytest.mark.parametrize("plan", ["unknown", "hmo", None])
def test_unknown_plan_type_takes_the_earliest_window(plan: str | None) -> None:
    # Medicaid managed care: 60 days from the notice date; 2026-03-14 + 60 = May 13.
    rows = compute_deadlines(fields(plan, "2026-03-14"))
    assert len(rows) == 1
    (estimate,) = rows
    assert estimate.due == "2026-05-13"
    assert estimate.source == "estimate" and estimate.needs_review
    assert estimate.rule == "42 CFR 438.402(c)(2)(ii)"
    assert "Medicaid managed care" in estimate.basis
    # The others are listed with their dates: MA 65 days -> May 18, TRICARE 90 -> Jun 12.
    assert "Medicare Advantage 2026-05-18" in estimate.basis
    assert "TRICARE 2026-06-12" in estimate.basis


def test_unknown_plan_type_and_no_letter_date() -> None:
    (estimate,) = compute_deadlines(fields("unknown", None))
    assert estimate.due is None and estimate.needs_review
    assert "60 days" in estimate.basis and "letter date is missing" in estimate.basis
    # Windows counted from the notice date, presumed receipt included (60 + 5, 120 + 5).
    assert "Medicare Part D 65 days" in estimate.basis
    assert "Original Medicare 125 days" in estimate.basis
    assert "FEHB 6 months" in estimate.basis


def test_unknown_plan_with_later_stated_deadline() -> None:
    rows = compute_deadlines(fields(None, "2026-03-14", stated="2026-09-10"))
    assert [(r.due, r.source) for r in rows] == [
        ("2026-05-13", "estimate"),
        ("2026-09-10", "letter"),
    ]


def test_missing_letter_date_gives_no_dates() -> None:
    rows = compute_deadlines(fields("medicare_part_d", None))
    assert [r.kind for r in rows] == ["redetermination", "ire_reconsideration"]
    for row in rows:
        assert row.due is None and row.needs_review
    assert "letter date is missing" in rows[0].basis


@pytest.mark.parametrize(
    "bad", ["2026-02-30", "03/14/2026", "March 14, 2026", "2026-3-14", "9999-12-31", ""]
)
def test_malformed_letter_date_gives_no_dates(bad: str) -> None:
    rows = compute_deadlines(fields("original_medicare", bad))
    assert all(r.due is None and r.needs_review for r in rows)
    expected = "missing" if bad == "" else "could not be read"
    assert expected in rows[0].basis


def test_deadlines_are_sorted_soonest_first_none_last() -> None:
    rows = compute_deadlines(fields("medicaid_mco", "2026-03-14", stated="2026-06-01"))
    dues = [r.due for r in rows]
    dated = [d for d in dues if d is not None]
    assert dated == sorted(dated)
    assert dues[len(dated) :] == [None] * (len(dues) - len(dated))


# --------------------------------------------------------------------------------------------
# The rules table itself


def _doc() -> dict[str, Any]:
    text = resources.files("denialparse.deadlines").joinpath("data", "deadline_rules.toml").read_text()
    return tomllib.loads(text)


def test_every_plan_type_has_one_cited_primary_rule() -> None:
    book = load_rules()
    for plan in PlanType:
        if plan is PlanType.UNKNOWN:
            continue
        primaries = {r.kind for r in book.rules if r.plan_type is plan and r.primary}
        assert len(primaries) == 1, plan
    assert all(r.citation.strip() for r in book.rules)


def test_only_the_external_review_rules_roll_forward() -> None:
    rolling = {(r.plan_type.value, r.kind) for r in load_rules().rules if r.roll_forward}
    assert rolling == {("erisa", "external_review"), ("aca_individual", "external_review")}


def test_overlapping_versions_are_refused() -> None:
    doc = copy.deepcopy(_doc())
    for entry in doc["rule"]:
        if entry["plan_type"] == "medicare_advantage" and entry["kind"] == "reconsideration":
            entry.pop("effective_to", None)
    with pytest.raises(MissingDependencyError, match="overlap"):
        parse_rules(doc)


def test_bad_unit_and_missing_primary_are_refused() -> None:
    doc = copy.deepcopy(_doc())
    doc["rule"][0]["unit"] = "weeks"
    with pytest.raises(MissingDependencyError, match="unit"):
        parse_rules(doc)
    doc = copy.deepcopy(_doc())
    doc["rule"] = [r for r in doc["rule"] if r["plan_type"] != "fehb"]
    with pytest.raises(MissingDependencyError, match="fehb") as err:
        parse_rules(doc)
    assert "\n" not in str(err.value)
    assert err.value.exit_code == 3


def test_rule_version_in_force_is_chosen_by_letter_date() -> None:
    assert rule(PlanType.MEDICARE_ADVANTAGE, "reconsideration", date(2024, 12, 31)).amount == 60
    assert rule(PlanType.MEDICARE_ADVANTAGE, "reconsideration", date(2025, 1, 1)).amount == 65
    assert rule(PlanType.MEDICARE_ADVANTAGE, "reconsideration", None).amount == 65


def test_a_gap_between_rule_versions_is_said_not_guessed(monkeypatch: pytest.MonkeyPatch) -> None:
    doc = copy.deepcopy(_doc())
    for entry in doc["rule"]:
        if entry["plan_type"] == "medicare_advantage" and entry["kind"] == "reconsideration":
            entry.setdefault("effective_from", date(2020, 1, 1))
    book = parse_rules(doc)
    monkeypatch.setattr("denialparse.deadlines.rules.load_rules", lambda: book)
    rows = compute_deadlines(fields("medicare_advantage", "2019-06-01"))
    assert rows[0].kind == "appeal" and rows[0].due is None and rows[0].needs_review
    assert "No rule" in rows[0].basis
    assert by_kind(rows, "alj_hearing").due is None


def test_review_needed_ignores_undated_later_steps() -> None:
    # ERISA: the dated internal appeal is fine; the undated external review alone does not flag.
    assert review_needed(compute_deadlines(fields("erisa", "2026-01-02"))) is False
    assert review_needed(compute_deadlines(fields("erisa", None))) is True
    assert review_needed(compute_deadlines(fields("unknown", "2026-01-02"))) is True
    earlier = compute_deadlines(fields("medicare_advantage", "2026-03-14", stated="2026-04-01"))
    assert review_needed(earlier) is True
    assert review_needed([]) is True
