"""The word lists the rule finders and the classifier match, read once from ``data/*.toml``.

The lists are data, not code: each file under ``understanding/data/`` says where its facts come
from. They are package data, read through ``importlib.resources`` (so they load from a wheel as
from a checkout):

- ``payers.toml``: payer brands and their letterhead aliases, administrators, benefit managers, state
  programs, weak aliases;
- ``plan_cues.toml`` / ``denial_cues.toml``: cue phrases (regular expressions) with weights;
- ``codes.toml``: CARC and NCPDP codes -> denial type;
- ``id_labels.toml``: the labels that introduce a member ID or a claim number;
- ``therapy_words.toml``: words naming no particular therapy, heading words, therapy labels.
"""

from __future__ import annotations

from typing import Any

from denialparse.exceptions import MissingDependencyError
from denialparse.package_data import read_toml

Cues = dict[str, tuple[tuple[str, float], ...]]


def _read(name: str) -> dict[str, Any]:
    def broken(what: str) -> MissingDependencyError:
        return MissingDependencyError(
            f"the word list understanding/data/{name} is broken ({what}); reinstall denialparse",
            code="bad_lexicon",
        )

    return read_toml("denialparse.understanding", "data", name, broken=broken)


def _cues(table: dict[str, list[dict[str, Any]]]) -> Cues:
    return {label: tuple((cue["pattern"], float(cue["weight"])) for cue in cues)
            for label, cues in table.items()}


def _code_table(by_label: dict[str, list[str]]) -> dict[str, str]:
    return {code: label for label, codes in by_label.items() for code in codes}


_payers = _read("payers.toml")
_codes = _read("codes.toml")

# Canonical payer value (as the contract spells it) -> names printed on letterheads, in order.
PAYER_ALIASES: dict[str, tuple[str, ...]] = {
    canonical: tuple(aliases) for canonical, aliases in _payers["aliases"].items()
}
# Names that administer a plan rather than insure it (a hint of a self-funded ERISA plan).
ADMINISTRATORS: frozenset[str] = frozenset(_payers["roles"]["administrators"])
# Canonical payers that manage a benefit (pharmacy, radiology, utilization review) for a plan.
BENEFIT_MANAGERS: frozenset[str] = frozenset(_payers["roles"]["benefit_managers"])
BENEFIT_MANAGER_NAMES: frozenset[str] = frozenset(n.casefold() for n in BENEFIT_MANAGERS)
# Words plan names are made of, by lower-case spelling: OCR slips in them can be mended.
PLAN_NAME_WORDS: dict[str, str] = {w.lower(): w for w in _payers["roles"]["plan_name_words"]}
# Canonical payers that are state programs rather than plans (TennCare, Medi-Cal ...).
PROGRAMS: frozenset[str] = frozenset(_payers["roles"]["programs"])
# Aliases too short or too common to trust outside the letterhead (upper case).
WEAK_ALIASES: frozenset[str] = frozenset(_payers["roles"]["weak_aliases"])
# Plan type -> (regex, weight) cues, matched on the lower-cased letter.
PLAN_CUES: Cues = _cues(_read("plan_cues.toml"))
# Denial type -> (regex, weight) cues, matched on lower-cased sentences.
DENIAL_CUES: Cues = _cues(_read("denial_cues.toml"))
# CARC (group code stripped) / NCPDP reject code -> denial type.
CARC_TO_DENIAL: dict[str, str] = _code_table(_codes["carc"])
NCPDP_TO_DENIAL: dict[str, str] = _code_table(_codes["ncpdp"])
# Field -> the labels that introduce its value (regex alternatives, case-insensitive).
ID_LABELS: dict[str, str] = {
    field: "|".join(alternatives)
    for field, alternatives in _read("id_labels.toml")["id_labels"].items()
}
_therapy_words = _read("therapy_words.toml")["words"]
# Words that name no particular therapy ("the above drug", "coverage of the requested services").
THERAPY_GENERIC_WORDS: frozenset[str] = frozenset(_therapy_words["generic"])
# Words of a notice heading ("NOTICE OF DENIAL"): in capitals, the phrase is a heading.
THERAPY_HEADING_WORDS: frozenset[str] = frozenset(_therapy_words["heading"])
# Last words of diagnoses ("plaque psoriasis"): such a phrase names the condition, not a therapy.
THERAPY_DIAGNOSIS_WORDS: frozenset[str] = frozenset(_therapy_words["diagnosis"])
# Words a therapy label is made of, and those a label needs one of ("Drug Name/Strength:").
THERAPY_LABEL_WORDS: frozenset[str] = frozenset(_therapy_words["label"])
THERAPY_LABEL_HEADS: frozenset[str] = frozenset(_therapy_words["label_head"])
