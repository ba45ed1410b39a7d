"""The plan-type rights paragraph of the appeal agrees with the deadline rows (issue 9, bug 1).

The law is stated once: the filing windows in the paragraph come from the deadline rule in force
on the letter date. Before, the paragraph always said 65 days for Medicare Advantage while a 2024
letter's deadline row said 60.
"""

from __future__ import annotations

import copy
import re
import tomllib
from datetime import date, timedelta
from importlib import resources
from typing import Any

import pytest

from denialparse.appeal import render
from denialparse.deadlines.compute import compute_deadlines
from denialparse.exceptions import MissingDependencyError
from denialparse.types import Deadline, Fields, PlanType
from tests.test_render import TODAY, all_paragraphs, fv, make_result

RIGHTS_HEADING = "Appeal rights and deadline"
_SPAN = re.compile(r"\b(\d+) (?:calendar )?(day|month|business day)s?\b")
_ROW_SPAN = re.compile(r"^(\d+) (day|month|business day)s? ")
_ROW_PRESUMPTION = re.compile(r"receipt presumed (\d+) days")


def _toml(package: str, *path: str) -> dict[str, Any]:
    return tomllib.loads(resources.files(package).joinpath(*path).read_text(encoding="utf-8"))


def _rules_doc() -> dict[str, Any]:
    return _toml("denialparse.deadlines", "data", "deadline_rules.toml")


def _plan_text_doc() -> dict[str, Any]:
    return _toml("denialparse.appeal", "data", "plan_text.toml")


def _dates_either_side_of_every_effective_date() -> list[date]:
    """The last day under the old rule and the first under the new, for every version bound."""
    days: set[date] = set()
    for rule in _rules_doc()["rule"]:
        if "effective_from" in rule:
            days |= {rule["effective_from"] - timedelta(days=1), rule["effective_from"]}
        if "effective_to" in rule:
            days |= {rule["effective_to"], rule["effective_to"] + timedelta(days=1)}
    return sorted(days)


EDGE_DATES = _dates_either_side_of_every_effective_date()
PLANS = [p for p in PlanType if p is not PlanType.UNKNOWN]


def test_the_rules_file_has_versioned_rules_to_test_against() -> None:
    assert EDGE_DATES, "no effective dates in deadline_rules.toml: the test below tests nothing"


def _row_window(row: Deadline, field: str) -> str:
    """What the row says for one rule field: its window, from the notice, or the presumption."""
    lead = _ROW_SPAN.match(row.basis)
    assert lead is not None, row.basis
    amount, unit = int(lead.group(1)), lead.group(2)
    presumed = _ROW_PRESUMPTION.search(row.basis)
    presumption = int(presumed.group(1)) if presumed else 0
    if field == "presumption":
        amount, unit = presumption, "day"
    elif field == "window_from_notice" and unit == "day":
        amount += presumption
    return f"{amount} {unit}{'' if amount == 1 else 's'}"


def _filled_windows(plan: PlanType, rights: str) -> list[tuple[str, str, str]]:
    """(kind, field, what the printed paragraph says there) for each rule reference in the data.

    The data file's paragraph, its plan limits written in, is matched against the printed one, so
    each printed window is tied to the rule it stands for.
    """
    entry = _plan_text_doc()["plan"][plan.value]
    refs: list[tuple[str, str]] = []
    pattern = ""
    for piece in re.split(r"(\{\w+\.\w+\})", entry["rights"]):
        ref = re.fullmatch(r"\{(\w+)\.(\w+)\}", piece)
        if ref is None:
            pattern += re.escape(piece)
        elif ref.group(1) == "limits":
            pattern += re.escape(entry["limits"][ref.group(2)])
        else:
            refs.append((ref.group(1), ref.group(2)))
            pattern += "(.+?)"
    found = re.fullmatch(pattern, rights)
    assert found is not None, f"the printed paragraph is not the data file's: {rights}"
    return [(kind, field, found.group(i + 1)) for i, (kind, field) in enumerate(refs)]


def _rights_paragraph(doc: Any) -> str:
    paragraphs = [p.text for p in all_paragraphs(doc)]
    return paragraphs[paragraphs.index(RIGHTS_HEADING) + 1]


@pytest.mark.parametrize("day", EDGE_DATES, ids=[d.isoformat() for d in EDGE_DATES])
@pytest.mark.parametrize("plan", PLANS, ids=[p.value for p in PLANS])
def test_every_window_in_the_rights_paragraph_is_its_deadline_row(
    plan: PlanType, day: date
) -> None:
    letter_date = fv(day.isoformat())
    rows = compute_deadlines(Fields(plan_type=fv(plan.value), letter_date=letter_date))
    result = make_result(plan=plan.value, letter_date=letter_date, deadlines=rows)
    doc, _ = render.render_document(result, today=TODAY)
    rights = _rights_paragraph(doc)
    assert _SPAN.search(rights), f"no window in the {plan.value} rights paragraph: {rights}"
    windows = _filled_windows(plan, rights)
    assert windows, f"the {plan.value} paragraph refers to no deadline rule"
    for kind, field, printed in windows:
        row = next(r for r in rows if r.kind == kind and r.source == "regulation")
        assert printed == _row_window(row, field), (
            f"{plan.value} on {day}: the paragraph says {printed} for {kind}, the row says "
            f"{row.basis!r}"
        )


def test_medicare_advantage_window_follows_the_letter_date() -> None:
    said = {}
    for day in (date(2024, 12, 31), date(2025, 1, 1)):
        letter_date = fv(day.isoformat())
        rows = compute_deadlines(
            Fields(plan_type=fv("medicare_advantage"), letter_date=letter_date)
        )
        result = make_result(plan="medicare_advantage", letter_date=letter_date, deadlines=rows)
        said[day.year] = _rights_paragraph(render.render_document(result, today=TODAY)[0])
    assert "within 60 days of the date of the notice" in said[2024]
    assert "within 65 days of the date of the notice" in said[2025]


def test_no_window_is_written_into_the_prose() -> None:
    """Numbers of days or months come from the rules (or the declared plan limits), never prose.

    With the test above: every window printed in the paragraph is its rule's deadline row.
    """
    for name, entry in _plan_text_doc()["plan"].items():
        for key, text in entry.items():
            if isinstance(text, str):
                assert not _SPAN.search(text), f"{name}.{key} writes a window: {text}"


def test_a_reference_to_no_rule_is_refused() -> None:
    from denialparse.appeal.plan_text import parse_plan_texts

    doc = copy.deepcopy(_plan_text_doc())
    doc["plan"]["fehb"]["rights"] += " Within {internal_appeal.window}."  # FEHB has none
    with pytest.raises(MissingDependencyError, match="fehb") as err:
        parse_plan_texts(doc)
    assert err.value.exit_code == 3
    doc = copy.deepcopy(_plan_text_doc())
    doc["plan"]["fehb"]["rights"] += " Within {limits.nothing_declared}."
    with pytest.raises(MissingDependencyError, match="not declared"):
        parse_plan_texts(doc)
    doc = copy.deepcopy(_plan_text_doc())
    del doc["plan"]["tricare"]
    with pytest.raises(MissingDependencyError, match="tricare"):
        parse_plan_texts(doc)


def test_a_rule_with_no_version_in_force_leaves_a_prompt(monkeypatch: pytest.MonkeyPatch) -> None:
    from denialparse.appeal.plan_text import load_plan_texts
    from denialparse.deadlines import rules

    doc = copy.deepcopy(_rules_doc())
    for entry in doc["rule"]:
        if entry["plan_type"] == "medicare_advantage" and entry["kind"] == "reconsideration":
            entry.setdefault("effective_from", date(2020, 1, 1))
    monkeypatch.setattr(rules, "load_rules", lambda: rules.parse_rules(doc))
    text = load_plan_texts()[PlanType.MEDICARE_ADVANTAGE].rights_on(date(2019, 6, 1))
    assert "within [the time limit: see the denial letter] of the date" in text
