"""What the appeal says for each plan type: ``data/plan_text.toml``, tied to the deadline rules.

The paragraph on the patient's appeal rights names filing windows; those numbers are not written
in the prose but filled from the deadline rule in force on the letter date (``{KIND.window}``
and the like, see the data file), so the paragraph always agrees with the deadline rows of the
same appeal.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from denialparse.deadlines.rules import Rule, load_rules, rules_in_force
from denialparse.exceptions import MissingDependencyError
from denialparse.package_data import read_toml
from denialparse.types import PlanType

PLAN_TEXT_RESOURCE = ("data", "plan_text.toml")
LIMITS = "limits"
# What ``{KIND.FIELD}`` may name: properties of ``deadlines.rules.Rule``.
RULE_FIELDS = frozenset({"window", "window_from_notice", "presumption"})
_REFERENCE = re.compile(r"\{(\w+)\.(\w+)\}")
_TEXT_KEYS = ("name", "appeal_request", "file_request", "rights")
_OPTIONAL_TEXT_KEYS = ("reviewer_request", "expedited_rule")
_KEYS = frozenset({*_TEXT_KEYS, *_OPTIONAL_TEXT_KEYS, "has_external_review", "enclosures", LIMITS})
# Printed (highlighted) if the rule a reference names has no version in force on the letter date.
_NO_RULE_IN_FORCE = "[the time limit: see the denial letter]"


@dataclass(frozen=True)
class PlanText:
    """The plan-type paragraphs of the appeal; ``rights`` still holds its references."""

    plan_type: PlanType
    name: str
    appeal_request: str
    file_request: str
    rights: str
    reviewer_request: str = ""
    expedited_rule: str = ""
    has_external_review: bool = False
    enclosures: tuple[str, ...] = ()
    limits: Mapping[str, str] = field(default_factory=dict)

    def rights_on(self, letter_date: date | None) -> str:
        """The rights paragraph with the windows of the rules in force on ``letter_date``.

        Args:
            letter_date: the denial letter's date; None uses the current version of each rule
                (as the deadline rows do when the letter date is unknown).

        Returns:
            The paragraph, prompts still in ``[...]``.
        """
        in_force: dict[str, Rule] = {r.kind: r for r in rules_in_force(self.plan_type, letter_date)}

        def fill(ref: re.Match[str]) -> str:
            owner, name = ref.group(1), ref.group(2)
            if owner == LIMITS:
                return self.limits[name]
            rule = in_force.get(owner)
            return (getattr(rule, name) if rule is not None else "") or _NO_RULE_IN_FORCE

        return _REFERENCE.sub(fill, self.rights)


def _broken(what: str) -> MissingDependencyError:
    return MissingDependencyError(
        f"the plan-type text of the appeal is broken ({what}); reinstall denialparse or fix "
        "src/denialparse/appeal/data/plan_text.toml",
        code="bad_plan_text",
    )


def _check_references(plan: PlanType, rights: str, limits: Mapping[str, str]) -> None:
    kinds = {r.kind for r in load_rules().rules if r.plan_type is plan}
    for owner, name in _REFERENCE.findall(rights):
        if owner == LIMITS:
            if name not in limits:
                raise _broken(f"{plan.value}: {{limits.{name}}} is not declared")
        elif owner not in kinds or name not in RULE_FIELDS:
            raise _broken(f"{plan.value}: {{{owner}.{name}}} names no rule field")
    if "{" in _REFERENCE.sub("", rights) or "}" in _REFERENCE.sub("", rights):
        raise _broken(f"{plan.value}: a brace that is not a {{KIND.FIELD}} reference")


def _parse_plan(plan: PlanType, entry: Any) -> PlanText:
    if not isinstance(entry, dict):
        raise _broken(f"no [plan.{plan.value}] table")
    unknown = set(entry) - _KEYS
    if unknown:
        raise _broken(f"{plan.value}: unknown keys {sorted(unknown)}")
    texts = {k: entry.get(k, "") for k in (*_TEXT_KEYS, *_OPTIONAL_TEXT_KEYS)}
    if not all(isinstance(v, str) for v in texts.values()) or not all(
        texts[k].strip() for k in _TEXT_KEYS
    ):
        raise _broken(f"{plan.value}: {', '.join(_TEXT_KEYS)} must be non-empty text")
    limits = entry.get(LIMITS, {})
    enclosures = entry.get("enclosures", [])
    if not isinstance(limits, dict) or not all(isinstance(v, str) for v in limits.values()):
        raise _broken(f"{plan.value}: limits must map names to text")
    if not isinstance(enclosures, list) or not all(isinstance(e, str) for e in enclosures):
        raise _broken(f"{plan.value}: enclosures must be a list of text")
    _check_references(plan, texts["rights"], limits)
    return PlanText(
        plan_type=plan,
        has_external_review=bool(entry.get("has_external_review", False)),
        enclosures=tuple(enclosures),
        limits=dict(limits),
        **texts,
    )


def parse_plan_texts(doc: dict[str, Any]) -> dict[PlanType, PlanText]:
    """Validate the parsed data file: one entry per plan type, references that resolve.

    Raises:
        MissingDependencyError: the file is malformed (a broken install, hence exit 3).
    """
    if doc.get("schema_version") != 1:
        raise _broken("schema_version must be 1")
    plans = doc.get("plan", {})
    extra = set(plans) - {p.value for p in PlanType}
    if extra:
        raise _broken(f"unknown plan types {sorted(extra)}")
    return {p: _parse_plan(p, plans.get(p.value)) for p in PlanType}


@functools.cache
def load_plan_texts() -> dict[PlanType, PlanText]:
    """Read and validate the packaged plan-type text (once per process).

    Raises:
        MissingDependencyError: the file is missing or malformed.
    """
    doc = read_toml("denialparse.appeal", *PLAN_TEXT_RESOURCE, broken=_broken)
    return parse_plan_texts(doc)
