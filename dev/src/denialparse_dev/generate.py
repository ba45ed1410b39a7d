"""Generate labelled denial letters for training: many structures, wordings, payers and formats.

A letter is composed from independently varied parts (letterhead, date line, address block,
RE block, opening, decision, reason, distractors, plan-specific rights, taglines, fax cover, EOB
table...). Every entity is written through a ``Builder`` that records its character offsets, so
labels are exact by construction. Output, per letter: ``ID.txt`` (pages separated by form feeds,
the way ``letterforms`` takes them), a line of ``labels.jsonl`` in the contract's
format, and a line of ``spans.jsonl`` (text, entity offsets, doc categories) for training.

Usage::

    python -m denialparse_dev.generate OUT_DIR --n N --seed SEED

(``models/project.yml`` runs it with the recipe's numbers.)
"""

from __future__ import annotations

import argparse
import json
import random
import re
import string
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from denialparse.files import atomic_write_text
from denialparse.types import DENIAL_LABELS, PLAN_LABELS, PlanType
from denialparse_dev import noise as N
from denialparse_dev import reasons as R
from denialparse_dev import vocab as V

NOISE_SHARE = 0.3  # letters that get surface noise (noise.py): OCR slips, wraps, stray lines

# Plan types a letter can state; a letter that states none is labelled "unknown".
STATED_PLANS = tuple(p for p in PLAN_LABELS if p != PlanType.UNKNOWN)
DRUG_TYPES = {"step_therapy", "non_formulary", "quantity_limit"}
CLAIM_TYPES = {"coding_billing", "timely_filing", "other", "out_of_network"}


# ------------------------------------------------------------------------------------------
# Builder: text with exact entity offsets
# ------------------------------------------------------------------------------------------


class Builder:
    """Append text and entities; offsets are recorded as the text grows."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.n = 0
        self.spans: list[tuple[int, int, str]] = []
        self.missing: list[tuple[int, int]] = []
        self.reason: tuple[int, int] | None = None
        # Which of the structures of letters written by others (issue 11) this letter drew;
        # reported per corpus, tested per structure.
        self.shapes: set[str] = set()

    def t(self, s: str) -> Builder:
        self.parts.append(s)
        self.n += len(s)
        return self

    def e(self, s: str, label: str | None) -> Builder:
        start = self.n
        self.t(s)
        if label == "MISSING":
            self.missing.append((start, self.n))
        elif label:
            self.spans.append((start, self.n, label))
        return self

    def nl(self, k: int = 1) -> Builder:
        return self.t("\n" * k)

    def page(self) -> Builder:
        # letterforms takes "\f" as a page break; strip trailing blank lines first.
        return self.t("\n\f")

    def fill(self, tmpl: str, slots: dict[str, tuple[str, str | None]], wrap: int = 0) -> tuple[
            int, int]:
        """Write ``tmpl`` with ``{NAME}`` slots; returns the (start, end) of what was written."""
        start = self.n
        text_parts: list[str] = []
        spans: list[tuple[int, int, str]] = []
        pos = 0
        if slots.get("T", ("", "THERAPY"))[1] is None:
            # The therapy is referred to ("the above drug"): drop the article or "requested"
            # the template put before the name, the reference phrase brings its own.
            tmpl = _REF_DET.sub("{T}", tmpl)
        for m in re.finditer(r"\{([A-Z0-9_]+)\}", tmpl):
            text_parts.append(tmpl[pos:m.start()])
            val, label = slots.get(m.group(1), (m.group(0), None))
            off = sum(len(p) for p in text_parts)
            text_parts.append(val)
            if label:
                spans.append((off, off + len(val), label))
            pos = m.end()
        text_parts.append(tmpl[pos:])
        s = "".join(text_parts)
        if s[:1].islower():
            s = s[0].upper() + s[1:]
        if wrap:
            s = N.wrap_same_length(s, wrap)
        self.t(s)
        for a, b, lab in spans:
            if lab == "MISSING":
                self.missing.append((start + a, start + b))
            else:
                self.spans.append((start + a, start + b, lab))
        return start, self.n

    @property
    def text(self) -> str:
        return "".join(self.parts)


_REF_DET = re.compile(r"\b(?:[Tt]he |[Yy]our |[Tt]his |[Aa]n? )?(?:requested |prescribed )?\{T\}")


# ------------------------------------------------------------------------------------------
# values: dates, IDs, names
# ------------------------------------------------------------------------------------------

DATE_STYLES = (
    "long", "long", "long", "long", "mdy", "mdy", "mdy_nopad", "mdy2", "short", "short_dot",
    "dmy_long", "iso", "mdy_dash", "upper_long", "weekday", "dmy_short", "dmy_dot", "abbr_dot",
    "md_yy", "dmy_upper", "mdy_space",
)


def fmt_date(d: date, style: str) -> str:
    month = d.strftime("%B")
    if style == "long":
        return f"{month} {d.day}, {d.year}"
    if style == "mdy":
        return d.strftime("%m/%d/%Y")
    if style == "mdy_nopad":
        return f"{d.month}/{d.day}/{d.year}"
    if style == "mdy2":
        return d.strftime("%m/%d/%y")
    if style == "short":
        return f"{d.strftime('%b')} {d.day}, {d.year}"
    if style == "short_dot":
        ab = d.strftime("%b")
        return f"{ab}{'.' if ab != 'May' else ''} {d.day:02d}, {d.year}"
    if style == "dmy_long":
        return f"{d.day} {month} {d.year}"
    if style == "iso":
        return d.isoformat()
    if style == "mdy_dash":
        return d.strftime("%m-%d-%Y")
    if style == "upper_long":
        return f"{month.upper()} {d.day}, {d.year}"
    if style == "weekday":
        return f"{d.strftime('%A')}, {month} {d.day}, {d.year}"
    if style == "dmy_short":  # 3 Mar 2026
        return f"{d.day} {d.strftime('%b')} {d.year}"
    if style == "dmy_dot":  # 03.03.2026
        return d.strftime("%d.%m.%Y")
    if style == "abbr_dot":  # Mar. 3, 2026
        ab = d.strftime("%b")
        return f"{ab}{'.' if ab != 'May' else ''} {d.day}, {d.year}"
    if style == "md_yy":  # 3/3/26
        return f"{d.month}/{d.day}/{d.strftime('%y')}"
    if style == "dmy_upper":  # 03-MAR-2026
        return f"{d.day:02d}-{d.strftime('%b').upper()}-{d.year}"
    if style == "mdy_space":  # 03 / 03 / 2026
        return d.strftime("%m / %d / %Y")
    raise ValueError(style)


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


def _alnum(rng: random.Random, n: int, alphabet: str = "ABCDEFGHJKMNPQRTUVWXY0123456789") -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def make_member_id(rng: random.Random, style: str, plan: str) -> str:
    if plan == "original_medicare" or style == "mbi":
        letters = "ACDEFGHJKMNPQRTUVWXY"
        mbi = (rng.choice("123456789") + rng.choice(letters) + rng.choice(letters + "0123456789")
               + rng.choice(string.digits) + rng.choice(letters)
               + rng.choice(letters + "0123456789")
               + rng.choice(string.digits) + rng.choice(letters) + rng.choice(letters)
               + _digits(rng, 2))
        return rng.choice([mbi, f"{mbi[:4]}-{mbi[4:7]}-{mbi[7:]}"])
    if plan == "fehb" and rng.random() < 0.5:
        return "R" + _digits(rng, 8)
    if style == "uhc":
        return rng.choice([_digits(rng, 9), _digits(rng, 9) + "-01", _digits(rng, 11),
                           "U" + _digits(rng, 10)])
    if style == "bcbs":
        pre = "".join(rng.choice(string.ascii_uppercase) for _ in range(3))
        return rng.choice([pre + _digits(rng, 9), f"{pre} {_digits(rng, 9)}",
                           pre + _digits(rng, 8) + "01", f"{pre}{_alnum(rng, 9)}",
                           f"{pre}W{_digits(rng, 8)}", f"{pre}-{_digits(rng, 3)}-{_digits(rng, 3)}"
                           f"-{_digits(rng, 3)}", f"{pre}{_digits(rng, 9)} 02"])
    if style == "aetna":
        return rng.choice(["W" + _digits(rng, 9), "1" + _digits(rng, 9), "ME" + _digits(rng, 8),
                           f"W{_digits(rng, 3)} {_digits(rng, 3)} {_digits(rng, 3)}",
                           f"W{_digits(rng, 3)}-{_digits(rng, 3)}-{_digits(rng, 3)}"])
    if style == "cigna":
        return rng.choice(["U" + _digits(rng, 8) + " 01", "U" + _digits(rng, 8) + "01",
                           _digits(rng, 9)])
    if style == "humana":
        return rng.choice(["H" + _digits(rng, 8), "H" + _digits(rng, 8) + "01"])
    if style == "kaiser":
        return rng.choice([_digits(rng, 8), "0000" + _digits(rng, 8), _digits(rng, 7)])
    if style == "medicaid":
        return rng.choice([_digits(rng, 9) + rng.choice("ABCDEFGH"), _digits(rng, 11),
                           "".join(rng.choice(string.ascii_uppercase) for _ in range(2))
                           + _digits(rng, 5) + rng.choice(string.ascii_uppercase),
                           _digits(rng, 10), "U" + _digits(rng, 8)])
    if style == "pbm":
        return rng.choice([_digits(rng, 9) + "00", "A" + _digits(rng, 11), _alnum(rng, 9),
                           f"{_digits(rng, 9)}-01", "ZGX" + _digits(rng, 9)])
    if style == "tricare":
        return rng.choice([_digits(rng, 11), _digits(rng, 10)])
    return rng.choice(["M" + _digits(rng, 10), _digits(rng, 11), _alnum(rng, 10),
                       f"{_alnum(rng, 3, string.ascii_uppercase)}{_digits(rng, 9)}",
                       f"{_digits(rng, 4)} {_digits(rng, 4)} {_digits(rng, 3)}",
                       f"{rng.choice('ABCDEFGHJKMNPRSTUVWXYZ')}{_digits(rng, 2)}-{_digits(rng, 6)}"
                       f"-{_digits(rng, 2)}",
                       f"{_digits(rng, 3)}-{_digits(rng, 3)}-{_digits(rng, 4)}",
                       "".join(rng.choice(string.ascii_uppercase) for _ in range(3))
                       + _digits(rng, 7), _digits(rng, 9) + "*01"])


def make_claim_id(rng: random.Random, plan: str, year: int = 2026) -> str:
    if plan == "original_medicare":
        return rng.choice([_digits(rng, 13), _digits(rng, 15), f"{_digits(rng, 2)}-"
                           f"{_digits(rng, 11)}", f"{_digits(rng, 2)}{year % 100:02d}"
                           f"{_digits(rng, 9)}"])
    if plan == "medicaid_mco" and rng.random() < 0.3:  # ICN: region, year, julian day, batch
        return f"{_digits(rng, 2)}{year % 100:02d}{rng.randint(1, 365):03d}{_digits(rng, 10)}"
    if rng.random() < 0.3:
        return rng.choice([
            _digits(rng, rng.randint(15, 20)), f"{year}{_digits(rng, rng.randint(11, 14))}",
            f"{_digits(rng, 4)} {_digits(rng, 4)} {_digits(rng, 4)} {_digits(rng, 3)}",
            f"ICN {_digits(rng, 13)}"[4:], f"{rng.choice('ABDEFHKMPRTW')}{_digits(rng, 2)}"
            f"{_digits(rng, 12)}", f"{_digits(rng, 3)}-{_digits(rng, 5)}-{_digits(rng, 2)}"
            f"-{_digits(rng, 4)}"])
    return rng.choice([
        "20" + _digits(rng, 11), f"E{_digits(rng, 7)}-01", f"{_digits(rng, 2)}-{_digits(rng, 3)}-"
        f"{_digits(rng, 6)}", f"CLM{_digits(rng, 4)}-{_digits(rng, 5)}", _alnum(rng, 10),
        f"{_digits(rng, 5)}-{_digits(rng, 7)}", _digits(rng, 12), f"EOB-{year}-{_digits(rng, 7)}",
        f"{_digits(rng, 10)} {_digits(rng, 2)}", f"1K{_digits(rng, 4)}H{_digits(rng, 5)}",
    ])


def make_ref(rng: random.Random, year: int = 2026) -> str:
    if rng.random() < 0.3:
        return rng.choice([f"PA-{year}-{_digits(rng, 7)}", f"UM-{year}-{_digits(rng, 6)}",
                           f"{year}{_digits(rng, 2)}{_digits(rng, 6)}", f"AUTH{_digits(rng, 9)}",
                           f"CD{year % 100:02d}-{_digits(rng, 5)}-{_alnum(rng, 2)}",
                           f"{_alnum(rng, 3, string.ascii_uppercase)}-{_digits(rng, 8)}",
                           f"{_digits(rng, 3)} {_digits(rng, 3)} {_digits(rng, 4)}"])
    return rng.choice([f"PA-{_digits(rng, 4)}-{_digits(rng, 4)}-{_digits(rng, 3)}",
                       _digits(rng, 10), f"CD-{_digits(rng, 6)}", f"A{_digits(rng, 9)}",
                       f"UM{_digits(rng, 8)}", f"{_digits(rng, 3)}{_alnum(rng, 5)}",
                       f"{_digits(rng, 4)}-{_digits(rng, 6)}"])


def phone(rng: random.Random) -> str:
    n = f"{rng.choice(['800', '866', '877', '888', '855'])}-{_digits(rng, 3)}-{_digits(rng, 4)}"
    return rng.choice([f"1-{n}", n, f"({n[:3]}) {n[4:]}", f"1-{n} (TTY: 711)"])


def address(rng: random.Random) -> tuple[str, str]:
    city, st, z = rng.choice(V.CITIES)
    street = rng.choice([f"{rng.randint(10, 9999)} {rng.choice(V.STREETS)}",
                         f"P.O. Box {rng.randint(100, 99999)}", f"PO BOX {rng.randint(100, 9999)}",
                         f"{rng.randint(10, 999)} {rng.choice(V.STREETS)}, Suite "
                         f"{rng.randint(100, 900)}"])
    return street, f"{city}, {st} {z}" + (f"-{_digits(rng, 4)}" if rng.random() < 0.3 else "")


# ------------------------------------------------------------------------------------------
# the letter's facts
# ------------------------------------------------------------------------------------------


@dataclass
class Ctx:
    """Everything sampled for one letter."""

    rng: random.Random
    dtype: str
    plan: str  # the plan's real type
    stated: bool  # whether the letter says its plan type
    payer: V.Payer
    therapy: V.Therapy
    t_name: str
    t_alt: str
    alts: tuple[str, str]
    dup: str
    dup_class: str
    patient: tuple[str, str, str]
    provider: tuple[str, str, str]
    practice: str
    member_id: str
    claim_id: str | None
    ref: str
    letter_date: date
    service_date: date | None
    dstyle: str
    wrap: int
    upper_names: bool
    to_provider: bool
    misc: dict[str, str] = field(default_factory=dict)
    reason_text: str = ""
    # Set when the body refers to the therapy ("the above drug") and only a named line (RE line,
    # "Drug requested:", a table row) names it; that line alone is tagged THERAPY.
    ref_phrase: str = ""

    @property
    def payer_mention(self) -> str:
        opts = [self.payer.printed, *self.payer.short]
        return self.rng.choice(opts)

    def d(self, x: date) -> str:
        return fmt_date(x, self.dstyle)


def _pick_therapy(rng: random.Random, dtype: str, plan: str, payer: V.Payer) -> tuple[
        V.Therapy, str]:
    drugs_only = payer.pbm or plan == "medicare_part_d"
    if dtype == "quantity_limit" and not drugs_only and rng.random() < 0.35:
        pool = [t for t in V.SERVICES + V.DME if {"visits", "ql"} & set(t.tags)]
        return rng.choice(pool), "svc"
    if dtype in DRUG_TYPES or drugs_only:
        pool = list(V.DRUGS)
        if dtype == "quantity_limit":
            pool = [t for t in pool if "ql" in t.tags] * 3 + pool
        if dtype == "step_therapy":
            pool = [t for t in pool if t.alternatives]
        if dtype == "not_covered" and rng.random() < 0.6:
            pool = [t for t in pool if "excluded" in t.tags]
        if dtype == "experimental" and rng.random() < 0.5:
            pool = [t for t in pool if "offlabel" in t.tags] or pool
        if dtype == "duplicate_therapy":
            pool = [t for t in pool if t.drug_class in V.DRUG_CLASS_NAMES]
        if dtype == "quantity_limit" and not drugs_only and rng.random() < 0.2:
            pool = [t for t in V.DME if "ql" in t.tags]
        return rng.choice(pool), "drug"
    if dtype == "duplicate_therapy":
        if rng.random() < 0.5:
            pool = [t for t in V.SERVICES if "svcdup" in t.tags]
            return rng.choice(pool), "svc"
        pool = [t for t in V.DRUGS if t.drug_class in V.DRUG_CLASS_NAMES]
        return rng.choice(pool), "drug"
    services = list(V.SERVICES) + list(V.DME)
    if dtype == "experimental":
        tagged = [t for t in services + list(V.DRUGS) if {"experimental", "offlabel"} & set(t.tags)]
        return rng.choice(tagged if rng.random() < 0.7 else services), "svc"
    if dtype == "not_covered":
        tagged = [t for t in services + list(V.DRUGS) if {"excluded", "cosmetic"} & set(t.tags)]
        return rng.choice(tagged if rng.random() < 0.6 else services), "svc"
    if dtype in ("medical_necessity", "prior_auth") and rng.random() < 0.25:
        return rng.choice(V.DRUGS), "drug"
    if dtype == "out_of_network" and rng.random() < 0.1:
        return rng.choice(V.DRUGS), "drug"
    return rng.choice(services), "svc"


def _person(rng: random.Random) -> tuple[str, str, str]:
    return rng.choice(V.FIRST_NAMES), rng.choice(V.MIDDLE_INITIALS), rng.choice(V.LAST_NAMES)


def sample_ctx(rng: random.Random, dtype: str | None = None) -> Ctx:
    dtype = dtype or rng.choice(DENIAL_LABELS)
    # Plan first (uniform-ish), then a payer that sells it.
    plan = rng.choice(STATED_PLANS)
    if dtype in DRUG_TYPES and plan == "original_medicare":
        plan = "medicare_part_d"
    payers = [p for p in V.PAYERS if plan in p.plans]
    if dtype not in DRUG_TYPES and dtype != "duplicate_therapy" or rng.random() < 0.5:
        payers = [p for p in payers if not p.pbm] or payers
    if plan == "erisa" and rng.random() < 0.3:
        # self-funded plans run by a TPA, and union (Taft-Hartley) funds
        payers = [p for p in payers if p.kind in ("tpa", "union")] or payers
    payer = rng.choice(payers)
    stated = rng.random() > 0.06
    therapy, _kind = _pick_therapy(rng, dtype, plan, payer)
    if therapy.kind == "drug" and plan == "medicare_advantage" and "infusion" not in (
            " ".join(therapy.names).lower()):
        # Convention: drug denials under an MA-PD plan are Part D decisions.
        plan = "medicare_part_d"
    names = therapy.names
    t_name = names[0] if rng.random() < 0.6 else rng.choice(names)
    t_alt = rng.choice(names) if rng.random() < 0.3 else t_name
    alts_pool = list(therapy.alternatives) or ["a preferred formulary drug", "a generic "
                                                "alternative"]
    rng.shuffle(alts_pool)
    alts = (alts_pool[0], alts_pool[1] if len(alts_pool) > 1 else "another preferred drug")
    dup = ""
    if dtype == "duplicate_therapy":
        if therapy.kind == "drug":
            same = [t for t in V.DRUGS if t.drug_class == therapy.drug_class and t is not therapy]
            dup = rng.choice(same).names[-1 if rng.random() < 0.5 else 0] if same else (
                "another drug in the same class")
        else:
            pairs = [p for p in V.SERVICE_DUPS if p[0].lower() in [n.lower() for n in names]]
            dup = rng.choice(pairs)[1] if pairs else rng.choice(V.SERVICE_DUPS)[1]
    letter_date = date(2019, 1, 1) + timedelta(days=rng.randint(0, 365 * 8))
    post = dtype in CLAIM_TYPES or (dtype in ("medical_necessity", "prior_auth",
                                              "experimental", "not_covered") and rng.random() < .5)
    service_date = letter_date - timedelta(days=rng.randint(3, 200)) if post else None
    # Labelling convention (samples/README.md): claim_id is the claim number, or on pre-service
    # decisions the case / reference / authorization number.
    claim_id = (make_claim_id(rng, plan, letter_date.year) if post
                else make_ref(rng, letter_date.year))
    if rng.random() < 0.08:
        claim_id = None
    return Ctx(
        rng=rng, dtype=dtype, plan=plan, stated=stated, payer=payer, therapy=therapy,
        t_name=t_name, t_alt=t_alt, alts=alts, dup=dup,
        dup_class=V.DRUG_CLASS_NAMES.get(therapy.drug_class, "drugs from the same class"),
        patient=_person(rng), provider=_person(rng), practice=rng.choice(V.PRACTICE_WORDS),
        member_id=make_member_id(rng, payer.id_style, plan), claim_id=claim_id, ref=make_ref(rng),
        letter_date=letter_date, service_date=service_date, dstyle=rng.choice(DATE_STYLES),
        wrap=rng.choice([0, 0, 0, 64, 72, 78, 84, 90, 100]),
        upper_names=rng.random() < 0.3, to_provider=rng.random() < 0.3,
    )


# ------------------------------------------------------------------------------------------
# parts
# ------------------------------------------------------------------------------------------


def patient_name(c: Ctx, form: str | None = None) -> str:
    first, mi, last = c.patient
    form = form or c.rng.choice(["full", "full", "mi", "upper", "last_first"])
    if form == "mi":
        return f"{first} {mi}. {last}"
    if form == "upper":
        return f"{first} {mi} {last}".upper()
    if form == "last_first":
        return f"{last}, {first}" if c.rng.random() < 0.5 else f"{last.upper()}, {first.upper()}"
    return f"{first} {last}"


def provider_name(c: Ctx, with_title: bool = False) -> tuple[str, str, str]:
    """Returns (before, name, after): the name is the PROVIDER span, credentials stay outside."""
    first, mi, last = c.provider
    cred = c.misc.setdefault("cred", c.rng.choice(V.CREDENTIALS))
    name = f"{first} {last}" if c.rng.random() < 0.7 else f"{first} {mi}. {last}"
    if with_title and c.rng.random() < 0.5:
        return "Dr. ", name, ""
    return "", name, f", {cred}"


def slots(c: Ctx) -> dict[str, tuple[str, str | None]]:
    rng = c.rng
    qty_unit = rng.choice(["tablets", "units", "capsules", "mL", "pens", "patches", "sensors"])
    limit = rng.choice([4, 8, 9, 16, 30, 60, 2, 1])
    qty = limit * rng.choice([2, 3, 4]) if limit > 1 else rng.choice([2, 3, 4])
    before, pname, after = provider_name(c)
    return {
        "T": (c.t_name if rng.random() < 0.8 else c.t_alt, "THERAPY") if not c.ref_phrase
        else (c.ref_phrase, None),
        "PAYER": (c.payer_mention, "PAYER"),
        "ALT1": (c.alts[0], None), "ALT2": (c.alts[1], None),
        "DUP": (c.dup, None), "CLASS": (c.dup_class, None),
        "CRIT": (rng.choice(V.CRITERIA), None), "SPEC": (rng.choice(V.REVIEWER_SPECIALTIES), None),
        "QTY": (f"{qty} {qty_unit}", None), "LIMIT": (f"{limit} {qty_unit}", None),
        "DAYS": (str(rng.choice([30, 28, 25, 90, 34])), None),
        "N": (str(rng.choice([12, 20, 24, 30, 6, 8])), None),
        "M": (str(rng.choice([14, 22, 26, 36, 10])), None),
        "AUTHN": (make_ref(rng), None),
        "XDATE": (c.d(c.letter_date - timedelta(days=rng.randint(20, 400))), None),
        "EOC": (rng.choice(V.EOC_NAMES), None), "DX": (rng.choice(V.DIAGNOSES), None),
        "FL": (rng.choice(["90", "180", "365", "120", "60"]), None),
        "NET": (rng.choice(["Select", "HMO", "Pathway X", "Navigate", "Connect", "Blue Choice",
                            "Open Access"]), None),
        "CODE": (rng.choice(["99213", "20610", "97140", "11042", "36415"]), None),
        "YEAR": (str(c.letter_date.year), None),
        "POLICY": (rng.choice(V.POLICIES).format(n=_digits(rng, 3), a=rng.randint(1, 9),
                                                b=_digits(rng, 2), yr=c.letter_date.year), None),
        "MOD": (rng.choice(V.MODIFIERS), None), "ALTSVC": (rng.choice(V.ALT_SERVICES), None),
        "PROV": (pname, "PROVIDER"), "PAT": (patient_name(c, "full"), "PATIENT"),
        "PRACTICE": (c.practice, "PROVIDER"),
        "PT": (patient_name(c, "full"), "PATIENT"),
        "SDATE": (c.d(c.service_date), "SERVICE_DATE") if c.service_date else ("", None),
        "PHONE": (phone(rng), None),
    }


def write_payer(b: Builder, c: Ctx, upper: bool = False) -> None:
    name = c.payer.printed
    b.e(name.upper() if upper else name, "PAYER")


def letterhead(b: Builder, c: Ctx) -> None:
    rng = c.rng
    street, city = address(rng)
    style = rng.randrange(9)
    dept = rng.choice(["Utilization Management", "Clinical Review", "Pharmacy Services",
                       "Appeals and Grievances", "Claims Department", "Member Services",
                       "Prior Authorization Department", "Coverage Review Department", ""])
    if style >= 7:
        # A department or service line over or under the plan's name: only the plan is PAYER.
        b.shapes.add("payer_department_letterhead")
        dept = rng.choice(DEPARTMENTS)
        dept = dept.upper() if rng.random() < 0.3 else dept
        if style == 7:
            b.t(dept).nl()
            write_payer(b, c, upper=rng.random() < 0.3)
        else:
            write_payer(b, c, upper=rng.random() < 0.3)
            b.nl().t(dept)
        b.nl().t(street).nl().t(city).nl(2)
    elif style == 0:
        write_payer(b, c)
        b.nl().t(street).nl().t(city).nl(2)
    elif style == 1:
        write_payer(b, c, upper=True)
        if dept:
            b.t(" | " + dept)
        b.t(f" | {street} | {city}").nl(2)
    elif style == 2:
        write_payer(b, c)
        if c.payer.canonical in ("Anthem", "HCSC", "Highmark", "Florida Blue", "Regence",
                                 "Premera", "CareFirst") or "Blue" in c.payer.printed:
            b.nl().t("An independent licensee of the Blue Cross Blue Shield Association")
        b.nl().t(dept or "Member Services").nl().t(f"{street}, {city}").nl(2)
    elif style == 3:
        b.t(rng.choice(["Claims administered by ", "Administered by ", "Plan administrator: "]))
        write_payer(b, c)
        b.nl().t(f"{street}\n{city}").nl().t(f"Phone {phone(rng)}").nl(2)
    elif style == 4:
        b.t(f"{street}   {city}   {phone(rng)}").nl()
        write_payer(b, c)
        b.nl(2)
    elif style == 5:
        write_payer(b, c)
        b.t(rng.choice([".com", " Online", ""])).nl()
        b.t(f"www.{re.sub(r'[^a-z]', '', c.payer.canonical.lower())[:18]}.com").nl(2)
    else:
        write_payer(b, c)
        b.nl(2)


DEPARTMENTS = ["Utilization Management Department", "Pharmacy Services", "Appeals Unit",
               "Finance Center", "Grievance and Appeals Department", "Clinical Pharmacy Services",
               "Medical Management", "Member Correspondence Unit", "Claims Processing Center",
               "Health Services Department", "Provider Dispute Resolution Unit"]


def date_line(b: Builder, c: Ctx) -> None:
    pre = c.rng.choice(["", "", "", "Date: ", "Notice Date: ", "Date of this notice: ",
                        "Letter date: ", "Mailing Date: ", "DATE: ", "Date of Notice: ",
                        "Date sent: "])
    indent = c.rng.choice(["", "", " " * 40])
    b.t(indent + pre).e(c.d(c.letter_date), "LETTER_DATE").nl(2)


def address_block(b: Builder, c: Ctx) -> None:
    street, city = address(c.rng)
    if c.to_provider:
        before, name, after = provider_name(c, with_title=True)
        b.t(before).e(name, "PROVIDER").t(after).nl()
        if c.rng.random() < 0.6:
            b.e(c.practice, "PROVIDER").nl()
    else:
        b.e(patient_name(c, "upper" if c.upper_names else "full"), "PATIENT").nl()
    b.t(f"{street}\n{city}").nl(2)


def _kv(b: Builder, c: Ctx, label: str, value: str, ent: str | None, sep: str) -> None:
    b.t(label + sep).e(value, ent)


def re_block(b: Builder, c: Ctx, therapy: bool = True) -> None:
    """The facts block; ``therapy=False`` when the letter names the therapy on its own line."""
    rng = c.rng
    plan = c.plan
    id_label = rng.choice(["Member ID", "ID #", "Member ID Number", "Subscriber ID",
                           "Identification No.", "Member #", "Member Number", "ID Number",
                           "Policy Number", "Cardholder ID", "Member ID No.", *ID_LABELS_SEEN])
    if plan == "original_medicare":
        id_label = rng.choice(["Medicare Number", "Medicare ID", "MBI", "Beneficiary ID"])
    elif plan == "medicaid_mco" and rng.random() < 0.5:
        id_label = rng.choice(["Medicaid ID", "Recipient ID", "Client ID", "CIN", "Member ID"])
    elif plan == "tricare" and rng.random() < 0.6:
        id_label = rng.choice(["DoD Benefits Number", "DBN", "Sponsor ID"])
    state_id = None
    if plan == "medicaid_mco" and rng.random() < 0.5:
        # The plan's own ID (tagged) and the state's Medicaid ID (not ours to report) side by side.
        id_label = rng.choice(["Member ID", "Plan Member ID", "Health Plan ID", "ID#",
                               "Subscriber ID"])
        state_id = make_member_id(rng, "medicaid", plan)
        b.shapes.add("member_id_and_state_medicaid_id")
    if id_label in ID_LABELS_SEEN:
        b.shapes.add("member_id_label_seen")
    pat_label = rng.choice(["Member", "Member Name", "Patient", "Patient Name", "Enrollee",
                            "Beneficiary", "Subscriber", "Name", "Insured", "Patient name"])
    items: list[tuple[str, str, str | None]] = [
        (pat_label, patient_name(c, "upper" if c.upper_names else None), "PATIENT"),
        (id_label, c.member_id, "MEMBER_ID"),
    ]
    if state_id and state_id != c.member_id:
        items.append((rng.choice(["Medicaid ID", "State Medicaid ID", "Medicaid #", "CIN",
                                  "State ID"]), state_id, None))
    if rng.random() < 0.4:
        items.append((rng.choice(["Group #", "Group Number", "Group No.", "Group"]),
                      _digits(rng, rng.choice([5, 6, 7, 8])), None))
    if c.stated and rng.random() < 0.45:
        items.append((rng.choice(["Plan", "Plan Name", "Product", "Coverage", "Benefit Plan",
                                  "Line of business"]), plan_name(c), None))
    for lab, val in distractor_rows(c, rng.choice([0, 0, 1, 2, 3])):
        items.append((lab, val, None))
    if c.claim_id and c.service_date:
        items.append((rng.choice(["Claim #", "Claim Number", "Claim ID", "Claim No.", "ICN",
                                  "Claim reference number", "Claim"]), c.claim_id, "CLAIM_ID"))
    elif c.claim_id:
        items.append((rng.choice(REF_LABELS), c.claim_id, "CLAIM_ID"))
    if c.service_date:
        items.append((rng.choice(["Date of Service", "Date(s) of Service", "DOS", "Service Date",
                                  "Date service received", "Dates of service"]),
                      c.d(c.service_date), "SERVICE_DATE"))
    _, pname, _ = provider_name(c)
    items.append((rng.choice(["Provider", "Requesting Provider", "Rendering Provider",
                              "Prescriber", "Treating Physician", "Ordering Provider",
                              "Servicing Provider", "Physician"]), pname, "PROVIDER"))
    tlabel = "Drug" if c.therapy.kind == "drug" else "Service"
    if therapy and c.ref_phrase and rng.random() < 0.5:
        named_therapy_line(b, c)  # the RE line names it; the block below does not
    elif therapy:
        items.append((rng.choice([tlabel, f"{tlabel} Requested", "Item/Service", "Requested",
                                  "Description", f"{tlabel} name", "Medication" if
                                  tlabel == "Drug" else "Procedure"]), c.t_name, "THERAPY"))
    if c.therapy.code and rng.random() < 0.5:
        items.append((rng.choice(["CPT/HCPCS", "Procedure code", "Code"]), c.therapy.code, None))
    rng.shuffle(items)
    # Patient and ID first most of the time, as letters print them.
    items.sort(key=lambda it: 0 if it[2] in ("PATIENT", "MEMBER_ID") and rng.random() < 0.8
               else 1)
    layout = rng.choice(["lines", "lines", "two_col", "re_inline", "pipes", "caps",
                         "header_row", "stacked"])
    sep = rng.choice([": ", ": ", ":  ", " ", ": "])
    if layout in ("header_row", "stacked"):
        _cells_under_labels(b, c, items, layout)
        return
    if layout == "re_inline":
        b.t(rng.choice(["RE: ", "Re: ", "Regarding: ", "Subject: "]))
        for i, (lab, val, ent) in enumerate(items):
            if i:
                b.t(", ")
            b.t(f"{lab} ").e(val, ent)
        b.nl(2)
        return
    if layout in ("lines", "caps"):
        if rng.random() < 0.5:
            b.t(rng.choice(["RE:", "Re:", "REGARDING:", "Member information", "Request details",
                            "About this decision"])).nl()
        for lab, val, ent in items:
            lab = lab.upper() if layout == "caps" else lab
            b.t(rng.choice(["", "", "  "]))
            _kv(b, c, lab, val, ent, sep)
            b.nl()
        b.nl()
        return
    if layout == "pipes":
        for lab, val, ent in items:
            b.t(f"| {lab:<22}| ").e(val, ent).t(" |").nl()
        b.nl()
        return
    # two columns
    for i in range(0, len(items), 2):
        lab, val, ent = items[i]
        cell = f"{lab}{sep}"
        b.t(cell).e(val, ent)
        if i + 1 < len(items):
            pad = max(3, 40 - len(cell) - len(val))
            lab2, val2, ent2 = items[i + 1]
            b.t(" " * pad + f"{lab2}{sep}").e(val2, ent2)
        b.nl()
    b.nl()


# Member-ID labels the unseen letters of issue 11 print (the first four were drawn before,
# now twice as often; the others are new).
ID_LABELS_SEEN = ["Identification No.", "Subscriber ID", "Member #", "ID #", "ID#",
                  "Enrollee ID", "Identification Number", "Subscriber ID #", "Member ID#"]


def _cells_under_labels(b: Builder, c: Ctx, items: list[tuple[str, str, str | None]],
                        layout: str) -> None:
    """A form's boxes: each value under its label, in a row of columns or one box a line."""
    rng = c.rng
    if any(ent == "MEMBER_ID" for _, _, ent in items):
        b.shapes.add("member_id_under_label")
    if layout == "stacked":
        for lab, val, ent in items:
            b.t(lab.upper() if rng.random() < 0.3 else lab).nl().e(val, ent).nl(
                rng.choice([1, 2]))
        b.nl()
        return
    sep = rng.choice(["   ", " | ", "\t"])
    for i in range(0, len(items), 3):
        row = items[i:i + 3]
        widths = [max(len(lab), len(val)) for lab, val, _ in row]
        b.t(sep.join(lab.ljust(w) for (lab, _, _), w in zip(row, widths, strict=True)).rstrip())
        b.nl()
        for j, ((_, val, ent), w) in enumerate(zip(row, widths, strict=True)):
            if j:
                b.t(sep)
            b.e(val, ent)
            if j < len(row) - 1:
                b.t(" " * (w - len(val)))
        b.nl()
    b.nl()


REF_LABELS = ["Case #", "Reference #", "Request ID", "Case Number", "Tracking Number",
              "PA Case ID", "Reference Number", "Authorization #", "Case ID", "PA #",
              "Review ID", "Request number", "Auth Ref"]

# How letters refer back to a therapy they name elsewhere (never tagged THERAPY).
REF_PHRASES = {
    "drug": ["the above drug", "this medication", "the requested medication", "the drug listed "
             "above", "the requested drug", "the above medication", "the prescribed drug"],
    "svc": ["the requested service(s)", "the item", "the requested services", "the above "
            "service", "the service listed above", "this procedure", "the requested item",
            "the above-referenced service"],
}


def named_therapy_line(b: Builder, c: Ctx) -> None:
    """The one line that names a therapy the body only refers to: RE line or a labelled line."""
    rng = c.rng
    if c.therapy.kind == "drug":
        labels = ["RE: ", "Re: ", "Drug requested: ", "Medication Name/Strength: ",
                  "Drug Name: ", "Medication requested: ", "RE: Request for "]
    else:
        labels = ["RE: ", "Re: ", "Service: ", "Service requested: ", "Item: ",
                  "Requested service: ", "RE: Prior authorization request for "]
    b.t(rng.choice(labels)).e(c.t_name, "THERAPY")
    if c.therapy.code and rng.random() < 0.3:
        b.t(f" ({c.therapy.code})")
    b.nl(2)


def plan_name(c: Ctx) -> str:
    """A product name that says the plan type, as letters print it on a 'Plan:' line."""
    rng = c.rng
    short = c.payer.short[0] if c.payer.short else c.payer.printed
    emp = c.misc.setdefault("emp", rng.choice(V.EMPLOYERS))
    metal = rng.choice(["Bronze", "Silver", "Gold", "Platinum"])
    hmo = rng.choice(["HMO", "PPO", "EPO", "HMO-POS"])
    contract = f"{rng.choice('HR')}{_digits(rng, 4)}-{_digits(rng, 3)}"
    state = rng.choice(V.STATE_MEDICAID)[0]
    names = {
        "erisa": [f"{emp} Employee Health Plan", f"{emp} Group Medical Plan ({hmo})",
                  f"Choice Plus - {emp}", f"Open Access Plus - {emp}",
                  f"{emp} Self-Funded Health Plan", f"Employer group plan: {emp}"],
        "aca_individual": [f"{metal} {hmo} {rng.randint(1, 99)}", f"Individual {metal} {hmo}",
                           f"Marketplace {metal} {rng.choice([70, 73, 87, 94])} {hmo}",
                           f"{short} {metal} Individual & Family Plan",
                           f"{metal} plan (purchased on {rng.choice(V.MARKETPLACES)})"],
        "medicare_advantage": [f"{short} Medicare Advantage ({hmo})",
                               f"{short} Gold Plus (HMO) {contract}",
                               f"Medicare Advantage {hmo} {contract}",
                               f"{short} Dual Complete (HMO D-SNP)",
                               f"{short} Medicare Choice ({hmo})"],
        "medicare_part_d": [f"{short} Rx Plus (PDP) S{_digits(rng, 4)}-{_digits(rng, 3)}",
                            "Medicare Prescription Drug Plan (PDP)",
                            f"{short} Medicare Part D Basic", f"{short} MAPD - Part D benefit",
                            f"{short} Medicare Rx Saver (PDP)"],
        "original_medicare": ["Medicare Part B", "Original Medicare - Part B",
                              "Medicare Part A", "Medicare Fee-for-Service"],
        "medicaid_mco": [f"{state}", f"{short} Medicaid", f"{state} Managed Care",
                         "CHIP (Children's Health Insurance Program)", f"{state} - STAR Kids"],
        "fehb": ["FEP Blue Standard Option", "Service Benefit Plan (Standard Option)",
                 f"{short} (FEHB) High Option", "Federal Employee Program (FEP) Basic Option",
                 "FEHB Program - Self and Family"],
        "tricare": ["TRICARE Prime", "TRICARE Select", "TRICARE For Life",
                    "TRICARE Prime - East Region", "TRICARE Select - West Region"],
    }
    return rng.choice(names.get(c.plan, ["Health plan"]))


def distractor_rows(c: Ctx, k: int) -> list[tuple[str, str]]:
    """Rows that are in real RE blocks but are none of our fields."""
    rng = c.rng
    other = f"{rng.choice(V.FIRST_NAMES)} {rng.choice(V.LAST_NAMES)}"
    pool = [
        ("Account #", _digits(rng, 8)), ("NPI", "1" + _digits(rng, 9)),
        ("Tax ID", f"{_digits(rng, 2)}-{_digits(rng, 7)}"), ("Rx #", _digits(rng, 7)),
        ("Pharmacy", f"{rng.choice(['CVS Pharmacy', 'Walgreens', 'Kroger Pharmacy'])} "
                     f"#{_digits(rng, 4)}"),
        ("Diagnosis", rng.choice(V.DIAGNOSES)), ("Place of service", rng.choice(
            ["11 - Office", "22 - Outpatient hospital", "21 - Inpatient", "12 - Home"])),
        ("Amount billed", f"${rng.randint(50, 9000)}.00"),
        ("Date received", c.d(c.letter_date - timedelta(days=rng.randint(2, 30)))),
        ("Sponsor" if c.plan == "tricare" else "Policyholder", other),
        ("Review type", rng.choice(["Standard", "Expedited", "Pre-service", "Post-service"])),
        ("Quantity", f"{rng.randint(1, 120)} per {rng.choice([30, 90])} days"),
    ]
    rng.shuffle(pool)
    return pool[:k]


OPENINGS_PRE = [
    "We received a request from {PROV} for {T}.",
    "On {XDATE}, we received a request for coverage of {T} for {PT}.",
    "Your doctor, {PROV}, asked us to approve {T}.",
    "We reviewed the prior authorization request submitted by {PRACTICE} for {T}.",
    "Thank you for your request for {T}. We have completed our review.",
    "This letter is about the request for {T} that we received on {XDATE}.",
    "A coverage review was completed for {T}, prescribed by {PROV}.",
    "We have finished reviewing your coverage request.",
    "{PAYER} has reviewed the request for {T}.",
    "You or your prescriber asked us to cover {T}.",
]
OPENINGS_POST = [
    "We received a claim for services you received on {SDATE} from {PROV}.",
    "This notice is about the claim for {T} on {SDATE}.",
    "On {SDATE}, {PT} received {T} from {PRACTICE}. We reviewed the claim for these services.",
    "We reviewed the bill from {PRACTICE} for the date of service {SDATE}.",
    "We processed a claim for {T} that you received from {PROV}.",
    "We have processed the claim for services provided by {PRACTICE}.",
    "This letter explains our decision on the claim for {T}.",
    "{PAYER} received a claim for {T} provided to {PT}.",
    "We reviewed the claim submitted for your care.",
    "Your provider, {PROV}, sent us a claim for {T}.",
    "The following claim has been processed and denied in whole or in part.",
]
DECISIONS = [
    "We have denied this request.", "Your request has been DENIED.",
    "We are unable to approve this request.", "Decision: Denied", "DECISION: DENIED",
    "We cannot cover this.", "The request is not approved.", "This claim has been denied.",
    "After careful review, we have decided not to cover it.",
    "We have made an adverse benefit determination.", "Payment for this service is denied.",
    "Coverage is denied.", "Your claim was not paid.", "",
]


def opening(b: Builder, c: Ctx) -> None:
    post = c.service_date is not None
    tmpl = c.rng.choice(OPENINGS_POST if post else OPENINGS_PRE)
    b.fill(tmpl, slots(c), c.wrap)
    dec = c.rng.choice(DECISIONS)
    if dec:
        b.t(" " if c.rng.random() < 0.6 else "\n\n").t(dec)
    b.nl(2)


def _lower_first(t: str) -> str:
    if len(t) > 1 and t[0].isupper() and t[1].islower():
        return t[0].lower() + t[1:]
    return t


def reason_template(c: Ctx) -> str:
    """One wording of the letter's denial type that fits its therapy and stated plan."""
    rng = c.rng
    kind = "drug" if c.therapy.kind == "drug" else "svc"
    plan = c.plan if c.stated else None
    pool = R.pool(c.dtype, kind, plan)
    tmpl = rng.choice(pool)
    if c.dtype in R.GRAMMAR and rng.random() < 0.35 and not (
            kind != "drug" and c.dtype in ("duplicate_therapy", "step_therapy",
                                           "non_formulary")):
        tmpl = R.compose(c.dtype, rng.choice)
    return tmpl


STRUCTURED_REASON_SHARE = 0.3  # reasons drawn in a structure of letters written by others


def _reason_sentences(b: Builder, c: Ctx, k: int) -> tuple[int, int]:
    """``k`` different wordings of the letter's reason, one after the other (one span)."""
    s = slots(c)
    seen: list[str] = []
    start = end = b.n
    for _ in range(k * 3):
        tmpl = reason_template(c)
        if tmpl in seen:
            continue
        if seen:
            b.t(" ")
        _, end = b.fill(tmpl, s, c.wrap)
        seen.append(tmpl)
        if len(seen) == k:
            break
    return start, end


def structured_reason(b: Builder, c: Ctx, inline: bool) -> None:
    """The reason under a heading, in a table cell, over 2-3 sentences, after a decision line,
    or as a list of the criteria that were not met (``inline``: the letter already wrote the
    words the reason continues, "We denied this request because:", so no heading or table)."""
    rng = c.rng
    kinds = ["sentences"] if inline else ["heading", "sentences", "table_cell"]
    kinds += ["criteria_list"] * 2 if c.dtype in R.CRITERIA_BULLETS else []
    kinds += ["after_decision"] * 2 if c.dtype in R.DECISION_LINES and not inline else []
    kind = rng.choice(kinds)
    s = slots(c)
    if kind == "heading":
        b.shapes.add("reason_under_heading")
        h = rng.choice(R.REASON_HEADINGS_SEEN)
        b.t(h.upper() if rng.random() < 0.2 else h).nl(rng.choice([1, 1, 2]))
        b.reason = _reason_sentences(b, c, rng.choice([1, 2]))
    elif kind == "sentences":
        b.shapes.add("reason_multi_sentence")
        b.reason = _reason_sentences(b, c, rng.choice([2, 3]))
    elif kind == "table_cell":
        b.shapes.add("reason_table_cell")
        sep = rng.choice([" | ", "\t", "   "])
        lab = rng.choice(["Decision", "Determination", "Outcome"])
        b.t(f"{lab:<20}{sep}").t(rng.choice(["Denied", "DENIED", "Not approved"])).nl()
        b.t(f"{rng.choice(['Reason', 'Reason for denial', 'Denial reason', 'Rationale']):<20}"
            f"{sep}")
        start = b.n
        _, end = b.fill(reason_template(c), s, 0)
        b.reason = (start, end)
    elif kind == "after_decision":
        b.shapes.add("reason_after_decision")
        b.fill(rng.choice(R.DECISION_LINES[c.dtype]), s, c.wrap)
        b.t(rng.choice([" ", "\n", "\n\n"]))
        b.reason = _reason_sentences(b, c, rng.choice([1, 2]))
    else:
        b.shapes.add("reason_criteria_list")
        start, _ = b.fill(rng.choice(R.CRITERIA_LEADS[c.dtype]), s, c.wrap)
        bullets = R.CRITERIA_BULLETS[c.dtype][:]
        rng.shuffle(bullets)
        mark, indent = rng.choice(R.BULLETS), rng.choice(["", "  ", "    "])
        end = b.n
        for i, tmpl in enumerate(bullets[:rng.randint(2, 4)]):
            b.nl().t(indent + (mark or f"{i + 1}. "))
            _, end = b.fill(tmpl, s, 0)
            end = b.n
            if rng.random() < 0.4:
                b.t(";" if rng.random() < 0.5 else ".")
                end = b.n
        b.reason = (start, end)
    b.nl(2)


def reason(b: Builder, c: Ctx, heading: bool | None = None) -> None:
    rng = c.rng
    if rng.random() < STRUCTURED_REASON_SHARE:
        structured_reason(b, c, inline=heading is False)
        return
    tmpl = reason_template(c)
    split = rng.random() < 0.15
    if heading is None:
        heading = rng.random() < 0.6
    if heading and not split:
        h = rng.choice(R.REASON_HEADINGS)
        b.t(h.upper() if rng.random() < 0.15 else h).t("\n" if rng.random() < 0.5 else " ")
    s = slots(c)
    start = b.n
    if split:
        # The reason split across a heading that names the type and a paragraph under it.
        h = rng.choice(R.TYPE_HEADINGS[c.dtype])
        b.t(h.upper() if rng.random() < 0.3 else h).t(rng.choice(["\n", "\n", "\n\n"]))
    if rng.random() < 0.14:
        lead = rng.choice(R.LEADINS[c.dtype])
        tmpl = lead + (_lower_first(tmpl) if lead.endswith(", ") else tmpl)
    _, end = b.fill(tmpl, s, c.wrap)
    if rng.random() < 0.3:
        # A second sentence of the same reason (also part of the reason span).
        b.t(" ")
        tmpl2 = reason_template(c)
        if tmpl2 != tmpl:
            _, end = b.fill(tmpl2, s, c.wrap)
    b.reason = (start, end)
    b.nl(2)
    if rng.random() < 0.3:
        code, desc = rng.choice(R.CODE_TABLE[c.dtype])
        if code in R.PHARMACY_CODES:
            b.t(rng.choice(["NCPDP reject code: ", "Reject code ", "Pharmacy reject: "]))
        else:
            b.t(rng.choice(["Remark code(s): ", "CARC/RARC: ", "Reason code ", "Adjustment code: ",
                            "Denial code: "]))
        b.t(code + (f" - {desc}" if rng.random() < 0.3 else "")).nl(2)


FILLERS = [
    "Please keep this letter for your records.",
    "This is not a bill. If you already paid your provider, contact them about a refund.",
    "If you have questions about this letter, call Member Services at {PHONE}. TTY users call "
    "711. We are open 8 a.m. to 8 p.m., seven days a week.",
    "We reviewed the following information: the request form, office notes dated {XDATE}, and "
    "a letter from {PROV}.",
    "The decision was made by {SPEC} reviewer after looking at the information your doctor "
    "sent us.",
    "Your provider can call {PHONE} to discuss this decision with a physician reviewer "
    "(peer-to-peer review).",
    "Your privacy is important to us. This letter contains personal health information.",
    "Para obtener ayuda en español, llame al {PHONE}.",
    "You can get this letter in large print, braille or another language for free.",
    "A copy of this notice was sent to {PROV}.",
    "Your plan year runs from January 1 to December 31.",
    "Other services on this claim were paid as billed and are not part of this decision.",
    "This decision applies only to the request described above.",
]


def filler(b: Builder, c: Ctx, k: int = 1) -> None:
    for _ in range(k):
        if c.rng.random() < 0.5:
            b.fill(c.rng.choice(FILLERS), slots(c), c.wrap)
            b.nl(2)


def distractor(b: Builder, c: Ctx) -> None:
    """A sentence naming another denial word in passing (never one that contradicts the label)."""
    if c.rng.random() < 0.35:
        ok = [t for t, bad in R.TYPED_DISTRACTORS if c.dtype not in bad]
        b.fill(c.rng.choice(ok), slots(c), c.wrap)
        b.nl(2)


# --- plan-specific text -------------------------------------------------------------------

PLAN_TEXT: dict[str, list[str]] = {
    "erisa": [
        "You have the right to bring a civil action under Section 502(a) of the Employee "
        "Retirement Income Security Act (ERISA) if your appeal is denied.",
        "Your coverage is provided through your employer's group health plan, {EMP}.",
        "This plan is a self-funded group health plan sponsored by {EMP}; {PAYER} provides "
        "claims administration services only.",
        "You may contact the Employee Benefits Security Administration at 1-866-444-3272 for "
        "help with your rights under ERISA.",
        "This group health plan is subject to the Employee Retirement Income Security Act of "
        "1974. If your appeal is denied you may have the right to sue under federal law.",
        "Questions about your employer-sponsored coverage can also go to your plan "
        "administrator or your human resources department at {EMP}.",
        "Your employer, {EMP}, pays claims under this plan; {PAYER} administers it.",
        "See your Summary Plan Description for your plan's appeal procedures. You may also have "
        "the right to file suit under section 502(a) of ERISA.",
    ],
    "aca_individual": [
        "You bought this individual health plan through {MKT}.",
        "Your {METAL} plan is an individual and family plan purchased on {MKT}.",
        "If you need help, contact your state's Consumer Assistance Program or visit "
        "HealthCare.gov. Your Marketplace plan must give you a full and fair review.",
        "This notice applies to your individual coverage purchased through {MKT}.",
        "Because you bought this policy yourself, you may ask your state Department of "
        "Insurance for an external review after your internal appeal.",
        "Your plan is a qualified health plan offered on the exchange ({MKT}).",
        "Members who enrolled through the Marketplace may get help from a navigator.",
    ],
    "medicare_advantage": [
        "{PAYER} is a Medicare Advantage organization with a Medicare contract. Enrollment in "
        "{PAYER} depends on contract renewal.",
        "You have the right to ask for a plan reconsideration of this organization determination "
        "within 65 days of the date of this notice.",
        "If we uphold our decision, your case will be sent automatically to an Independent "
        "Review Entity for a new review.",
        "This is about your Medicare health plan ({HMO}).",
        "You can also call 1-800-MEDICARE for help with your Medicare Advantage appeal rights.",
        "As a member of our Medicare Advantage plan, you can ask us for a reconsideration.",
        "{PAYER} is an HMO/PPO plan with a Medicare contract.",
    ],
    "medicare_part_d": [
        "You have the right to request a redetermination of this coverage determination under "
        "your Medicare Part D prescription drug plan.",
        "Your Medicare drug plan ({PAYER} PDP) made this decision.",
        "You can ask for a redetermination (appeal) within 65 days of the date of this notice. "
        "You may also be eligible for Extra Help with Part D costs.",
        "Your prescriber can ask for a coverage determination exception under your Medicare "
        "drug plan.",
        "This notice explains our Part D coverage determination for your prescription.",
        "{PAYER} is a Medicare-approved Part D sponsor.",
    ],
    "original_medicare": [
        "If you disagree with a coverage decision on this Medicare Summary Notice, you can file "
        "an appeal (redetermination) within 120 days of the date you get this notice.",
        "This claim was processed under Original Medicare, Part B. Questions? Call "
        "1-800-MEDICARE (1-800-633-4227).",
        "{PAYER} is the Medicare Administrative Contractor that processed this claim.",
        "To ask for a redetermination, send the request to the Medicare contractor at the "
        "address on this notice.",
    ],
    "medicaid_mco": [
        "{PAYER} is a Medicaid managed care plan serving members of {SMP}.",
        "You may ask for a State Fair Hearing after you finish the plan appeal process.",
        "If you want your benefits to continue while your appeal is decided, you must appeal "
        "within 10 days of the date of this notice or before the date the change takes effect.",
        "You are enrolled in {SMP} through {PAYER}.",
        "You may ask for a fair hearing with the state after your appeal with us is decided.",
        "This notice is from your Medicaid health plan. Keep it with your Medicaid ID card.",
        "The state's Medicaid agency contracts with {PAYER} to provide your benefits.",
    ],
    "fehb": [
        "Your plan is offered under the Federal Employees Health Benefits (FEHB) Program.",
        "If we deny your request for reconsideration, you may ask the U.S. Office of Personnel "
        "Management (OPM) to review it. See Section 8 of your plan brochure for the disputed "
        "claims process.",
        "Write to OPM, Federal Employee Insurance Operations, Health Insurance 1, 1900 E Street "
        "NW, Washington, DC 20415.",
        "As a federal employee enrolled in this plan, you may ask OPM to review our decision "
        "after our reconsideration.",
        "This is a disputed claim under the Federal Employee Program (FEP).",
    ],
    "tricare": [
        "Your TRICARE {TRI} coverage is managed by {PAYER} for the Defense Health Agency.",
        "To appeal, send a written request postmarked or received within 90 days of the date of "
        "this notice. This decision concerns your TRICARE benefit.",
        "TRICARE beneficiaries may request reconsideration of this denial.",
        "The Defense Health Agency oversees your TRICARE health plan.",
        "Active duty service members and their families can get help from a Beneficiary "
        "Counseling and Assistance Coordinator (BCAC).",
    ],
}

GENERIC_RIGHTS = [
    "You have the right to appeal this decision. Your appeal must be made in writing within "
    "{DAYS} days of the date you receive this letter.",
    "If you disagree with this decision, you or your doctor may ask us to review it again. Send "
    "your request and any records that support it to the address below.",
    "You can ask for a free copy of the documents and criteria we used to make this decision.",
    "An expedited (fast) appeal is available if waiting could seriously harm your health.",
    "To appeal, call Member Services at {PHONE} or write to us at the address on this letter.",
    "Your provider may also request a peer-to-peer conversation with our medical director by "
    "calling {PHONE}.",
    "You may be able to request an external review by an independent review organization after "
    "the internal appeal.",
]


def plan_paragraphs(b: Builder, c: Ctx, k: int = 1) -> None:
    if not c.stated:
        return
    rng = c.rng
    pool = PLAN_TEXT[c.plan][:]
    rng.shuffle(pool)
    s = dict(slots(c))
    s.update({
        "EMP": (c.misc.setdefault("emp", rng.choice(V.EMPLOYERS)), None),
        "MKT": (rng.choice(V.MARKETPLACES), None),
        "METAL": (rng.choice(["Bronze", "Silver", "Gold", "Platinum", "Expanded Bronze"]), None),
        "HMO": (rng.choice(["HMO", "PPO", "HMO-POS", "D-SNP", "HMO D-SNP", "Medicare PPO"]), None),
        "SMP": (rng.choice(V.STATE_MEDICAID)[0], None),
        "TRI": (rng.choice(["Prime", "Select", "For Life", "Prime Remote"]), None),
    })
    for tmpl in pool[:k]:
        b.fill(tmpl, s, c.wrap)
        b.nl(2)


def rights(b: Builder, c: Ctx, k: int = 2) -> None:
    rng = c.rng
    pool = GENERIC_RIGHTS[:]
    rng.shuffle(pool)
    s = dict(slots(c))
    s["PHONE"] = (phone(rng), None)
    s["DAYS"] = (rng.choice(["180", "60", "65", "90", "30"]), None)
    if rng.random() < 0.5:
        b.t(rng.choice(["YOUR RIGHT TO APPEAL", "How to appeal", "What you can do",
                        "Your appeal rights", "If you disagree with this decision",
                        "IMPORTANT INFORMATION ABOUT YOUR APPEAL RIGHTS"])).nl(2)
    for tmpl in pool[:k]:
        b.fill(tmpl, s, c.wrap)
        b.nl(2)


def signature(b: Builder, c: Ctx) -> None:
    rng = c.rng
    b.t(rng.choice(["Sincerely,", "Sincerely,", "Thank you,", "Respectfully,", ""])).nl(2)
    reviewer = f"{rng.choice(V.FIRST_NAMES)} {rng.choice(V.LAST_NAMES)}"
    if rng.random() < 0.6:
        b.t(f"{reviewer}, {rng.choice(['MD', 'DO', 'PharmD', 'RN'])}").nl()
        b.t(rng.choice(["Medical Director", "Clinical Pharmacist", "Physician Reviewer",
                        "Associate Medical Director", "Utilization Review Nurse"])).nl()
    else:
        b.t(rng.choice(["Utilization Management Department", "Pharmacy Team", "Member Services",
                        "Appeals Unit", "Clinical Services"])).nl()
    if rng.random() < 0.5:
        write_payer(b, c)
        b.nl()
    b.nl()
    if rng.random() < 0.4:
        before, name, after = provider_name(c)
        b.t(rng.choice(["cc: ", "CC: ", "Copy to: "])).t(before).e(name, "PROVIDER").t(after).nl(2)


def taglines(b: Builder, c: Ctx) -> None:
    rng = c.rng
    ph = phone(rng)
    lines = [
        f"ATTENTION: If you speak Spanish, language assistance services, free of charge, are "
        f"available to you. Call {ph}.",
        f"Español: ATENCIÓN: si habla español, tiene a su disposición servicios gratuitos de "
        f"asistencia lingüística. Llame al {ph}.",
        f"Français: ATTENTION: Si vous parlez français, des services d'aide linguistique vous "
        f"sont proposés gratuitement. Appelez le {ph}.",
        f"Tagalog: PAUNAWA: Kung nagsasalita ka ng Tagalog, maaari kang gumamit ng mga serbisyo "
        f"ng tulong sa wika nang walang bayad. Tumawag sa {ph}.",
        f"Português: ATENÇÃO: Se fala português, encontram-se disponíveis serviços linguísticos, "
        f"grátis. Ligue para {ph}.",
        f"Deutsch: ACHTUNG: Wenn Sie Deutsch sprechen, stehen Ihnen kostenlos sprachliche "
        f"Hilfsdienstleistungen zur Verfügung. Rufnummer: {ph}.",
        f"Kreyòl Ayisyen: ATANSYON: Si w pale Kreyòl Ayisyen, gen sèvis èd pou lang ki "
        f"disponib gratis pou ou. Rele {ph}.",
        f"Italiano: ATTENZIONE: In caso la lingua parlata sia l'italiano, sono disponibili "
        f"servizi di assistenza linguistica gratuiti. Chiamare il numero {ph}.",
        f"Polski: UWAGA: Jeżeli mówisz po polsku, możesz skorzystać z bezpłatnej pomocy "
        f"językowej. Zadzwoń pod numer {ph}.",
        f"Tiếng Việt: CHÚ Ý: Nếu bạn nói Tiếng Việt, có các dịch vụ hỗ trợ ngôn ngữ miễn phí "
        f"dành cho bạn. Gọi số {ph}.",
        f"中文: 注意：如果您使用繁體中文，您可以免費獲得語言援助服務。請致電 {ph}。",
        f"한국어: 주의: 한국어를 사용하시는 경우, 언어 지원 서비스를 무료로 이용하실 수 있습니다. "
        f"{ph} 번으로 전화해 주십시오.",
        f"Русский: ВНИМАНИЕ: Если вы говорите на русском языке, то вам доступны бесплатные "
        f"услуги перевода. Звоните {ph}.",
        f"العربية: ملحوظة: إذا كنت تتحدث العربية، فإن خدمات المساعدة اللغوية تتوافر لك بالمجان. "
        f"اتصل برقم {ph}.",
        f"Diné: Díí baa akó nínízin: Díí saad bee yáníłti'go Diné Bizaad, saad bee "
        f"áká'ánída'áwo'déé', t'áá jiik'eh, éí ná hólǫ́, kojį' hódíílnih {ph}.",
        f"日本語: 注意事項：日本語を話される場合、無料の言語支援をご利用いただけます。{ph} まで、"
        f"お電話にてご連絡ください。",
    ]
    rng.shuffle(lines)
    b.t(rng.choice(["Language Assistance Services", "Multi-language Interpreter Services",
                    "Notice of Availability", "Discrimination is against the law"])).nl(2)
    if rng.random() < 0.6:
        b.fill("{PAYER} complies with applicable Federal civil rights laws and does not "
               "discriminate on the basis of race, color, national origin, age, disability, or "
               "sex.", {"PAYER": (c.payer_mention, "PAYER")}, c.wrap)
        b.nl(2)
    if rng.random() < 0.4:
        b.t(rng.choice(["Notice of Nondiscrimination", "NONDISCRIMINATION NOTICE"])).nl(2)
        b.t("We provide free aids and services to people with disabilities to communicate "
            "effectively with us, such as qualified sign language interpreters and written "
            "information in other formats. We provide free language services to people whose "
            "primary language is not English. If you believe that we have failed to provide "
            "these services or discriminated in another way, you can file a grievance with our "
            "Civil Rights Coordinator, or a civil rights complaint with the U.S. Department of "
            "Health and Human Services, Office for Civil Rights, at 1-800-368-1019.").nl(2)
    for ln in lines[: rng.randint(3, len(lines))]:
        b.t(N.wrap_same_length(ln, c.wrap) if c.wrap else ln).nl()
    b.nl()


def footer(b: Builder, c: Ctx, page: int, pages: int) -> None:
    rng = c.rng
    opt = rng.randrange(4)
    if opt == 0:
        b.t(f"Page {page} of {pages}").nl()
    elif opt == 1:
        b.t(f"{rng.choice(['Y0040', 'H1036', 'S5884', 'Y0114', 'H5216'])}_{_alnum(rng, 8)}_C"
            f"{'   ' if rng.random() < 0.5 else ' '}{page}").nl()
    elif opt == 2:
        b.t(f"{_alnum(rng, 6)} (Rev. {rng.randint(1, 12):02d}/{rng.randint(19, 26)})").nl()


# --- structures ---------------------------------------------------------------------------


def s_mailed(b: Builder, c: Ctx) -> None:
    """A mailed letter with letterhead, date, address, RE block and body."""
    letterhead(b, c)
    if c.rng.random() < 0.5:
        date_line(b, c)
        address_block(b, c)
    else:
        address_block(b, c)
        date_line(b, c)
    re_block(b, c)
    salutation(b, c)
    opening(b, c)
    if c.rng.random() < 0.4:
        distractor(b, c)
    reason(b, c)
    distractor(b, c)
    filler(b, c, 2)
    plan_paragraphs(b, c, c.rng.randint(1, 2))
    rights(b, c, c.rng.randint(1, 3))
    filler(b, c)
    signature(b, c)


def salutation(b: Builder, c: Ctx) -> None:
    rng = c.rng
    if c.to_provider:
        opt = rng.randrange(3)
        if opt == 0:
            b.t("Dear ").e("Dr. " + c.provider[2], "MISSING").t(":")
        elif opt == 1:
            b.t("Dear Provider:")
        else:
            b.t("Dear ").e(f"{c.provider[0]} {c.provider[2]}", "PROVIDER").t(",")
    else:
        opt = rng.randrange(4)
        if opt == 0:
            b.t("Dear ").e(patient_name(c, "full"), "PATIENT").t(":")
        elif opt == 1:
            b.t(rng.choice(["Dear Member:", "Dear Member,", "Dear Valued Member:", "Hello,"]))
        elif opt == 2:
            b.t(f"Dear {rng.choice(['Mr.', 'Ms.', 'Mx.'])} ").e(c.patient[2], "MISSING").t(":")
        else:
            b.t("Dear ").e(c.patient[0], "MISSING").t(",")
    b.nl(2)


def s_portal(b: Builder, c: Ctx) -> None:
    """A claim/authorization detail page printed from a member or provider portal."""
    rng = c.rng
    b.e(c.payer.printed, "PAYER").t(rng.choice([" Member Portal", " | Provider Portal",
                                                  " Online Services", ""])).nl()
    b.t(rng.choice(["Home > Claims > Claim Details", "Authorizations > Request Detail",
                    "My Claims / Claim detail", "Coverage Determination Status"])).nl(2)
    b.t(rng.choice(["Notice date: ", "Decision date: ", "Date of notice: ", "Letter Date: "]))
    b.e(c.d(c.letter_date), "LETTER_DATE").nl()
    b.t(rng.choice(["Status: Denied", "Status: DENIED", "Decision: Not approved",
                    "Claim status: Denied"])).nl(2)
    re_block(b, c)
    if rng.random() < 0.5:
        b.t("Printed on " + c.d(c.letter_date + timedelta(days=rng.randint(1, 30)))).nl(2)
    reason(b, c, heading=True)
    distractor(b, c)
    filler(b, c)
    plan_paragraphs(b, c, rng.randint(1, 2))
    rights(b, c, rng.randint(1, 2))


def s_eob(b: Builder, c: Ctx) -> None:
    """An Explanation of Benefits with a service table and remark codes."""
    rng = c.rng
    if c.service_date is None:
        c.service_date = c.letter_date - timedelta(days=rng.randint(10, 120))
    if c.claim_id is None:
        c.claim_id = make_claim_id(rng, c.plan)
    letterhead(b, c)
    b.t(rng.choice(["EXPLANATION OF BENEFITS", "Explanation of Benefits",
                    "Your Explanation of Benefits (EOB)", "CLAIM DETAIL STATEMENT"]))
    b.t(rng.choice(["    THIS IS NOT A BILL", "\nThis is not a bill.", ""])).nl(2)
    b.t(rng.choice(["Statement date: ", "Date: ", "Date Processed: ", "Statement Date "]))
    b.e(c.d(c.letter_date), "LETTER_DATE").nl()
    b.t(rng.choice(["Member: ", "Patient: ", "Subscriber: "])).e(
        patient_name(c, "upper" if c.upper_names else "full"), "PATIENT")
    b.t("    " + rng.choice(["Member ID: ", "ID: ", "Member #: "])).e(c.member_id, "MEMBER_ID")
    b.nl()
    b.t(rng.choice(["Claim number: ", "Claim #: ", "Claim ID: "])).e(c.claim_id, "CLAIM_ID")
    _, pname, after = provider_name(c)
    b.t("    Provider: ").e(pname if rng.random() < 0.6 else c.practice, "PROVIDER").nl(2)
    billed = rng.randint(80, 40000) + rng.choice([0, 0.5, 0.25])
    # The code always belongs to the letter's own type (pharmacy types print their NCPDP code).
    code = rng.choice(R.CODE_TABLE[c.dtype])[0]
    hdr = ("Date of service   Service                              Billed      Plan paid   "
           "You owe   Code")
    b.t(hdr).nl()
    desc = c.t_name.upper() if rng.random() < 0.5 else c.t_name
    desc = desc[:35].rstrip(" (-/,")
    b.e(c.d(c.service_date) if rng.random() < 0.5 else fmt_date(c.service_date, "mdy"),
        "SERVICE_DATE")
    b.t("        ").e(desc, "THERAPY").t(" " * max(3, 37 - len(desc)))
    b.t(f"${billed:,.2f}   $0.00       ${billed:,.2f}   {code}").nl(2)
    b.t(rng.choice(["Notes:", "Remark codes:", "What the codes mean:", "Claim notes"])).nl()
    b.t(code + " ")
    reason(b, c, heading=False)
    distractor(b, c)
    plan_paragraphs(b, c, rng.randint(1, 2))
    rights(b, c, rng.randint(1, 2))


def s_ma_notice(b: Builder, c: Ctx) -> None:
    """Medicare Advantage integrated denial notice (CMS-10003-NDMCP) layout."""
    rng = c.rng
    b.t(rng.choice(["Notice of Denial of Medical Coverage (or Payment)",
                    "NOTICE OF DENIAL OF MEDICAL COVERAGE",
                    "Notice of Denial of Payment"])).nl(2)
    b.t("Date: ").e(c.d(c.letter_date), "LETTER_DATE").t("    ")
    b.t(rng.choice(["Member number: ", "Member ID: "])).e(c.member_id, "MEMBER_ID").nl()
    b.t("Name: ").e(patient_name(c), "PATIENT").nl()
    b.e(c.payer.printed, "PAYER").t(rng.choice([" Medicare Advantage (HMO)", " (PPO)", "",
                                                  " Medicare Plan"])).nl(2)
    if c.claim_id:
        b.t("Claim number: " if c.service_date else rng.choice(["Case number: ", "Reference: "]))
        b.e(c.claim_id, "CLAIM_ID").nl()
    if c.service_date:
        b.t("Date of service: ").e(c.d(c.service_date), "SERVICE_DATE").nl()
    b.nl()
    b.t(rng.choice(["Your request was denied", "We denied payment", "Your request was "
                    "partially approved"])).nl()
    b.t("We denied the medical services/items listed below that you or your physician asked "
        "for:").nl()
    b.e(c.t_name, "THERAPY").nl(2)
    b.t(rng.choice(["We denied this request because: ", "Why we denied your request\n",
                    "We denied this request because\n"]))
    reason(b, c, heading=False)
    distractor(b, c)
    b.t("You have the right to appeal our decision").nl()
    b.fill("You have the right to ask {PAYER} to review our decision by asking us for a plan "
           "reconsideration. You must ask for a reconsideration within 65 calendar days from "
           "the date of this notice.", slots(c), c.wrap)
    b.nl(2)
    if rng.random() < 0.5:
        b.t("If you want someone to act for you: you can name a relative, friend, attorney, or "
            "doctor to act as your representative.").nl(2)
    b.t(f"Form CMS-10003-NDMCP OMB Approval 0938-0829 (Expires: "
        f"{rng.randint(1, 12):02d}/{rng.randint(2024, 2028)})").nl()


def s_partd_notice(b: Builder, c: Ctx) -> None:
    """Part D coverage denial (CMS-10146) layout."""
    rng = c.rng
    letterhead(b, c)
    b.t(rng.choice(["Notice of Denial of Medicare Prescription Drug Coverage",
                    "NOTICE OF DENIAL OF MEDICARE PRESCRIPTION DRUG COVERAGE",
                    "Request for Medicare Prescription Drug Coverage: Denied"])).nl(2)
    date_line(b, c)
    b.t("Enrollee's name: ").e(patient_name(c), "PATIENT").nl()
    b.t(rng.choice(["Member ID: ", "Enrollee ID: ", "Medicare Part D ID: "])).e(
        c.member_id, "MEMBER_ID").nl()
    b.t("Drug: ").e(c.t_name, "THERAPY").nl()
    _, pname, after = provider_name(c)
    b.t("Prescriber: ").e(pname, "PROVIDER").t(after).nl()
    if c.claim_id:
        b.t(rng.choice(["Case number: ", "Request ID: ", "Coverage determination #: "])).e(
            c.claim_id, "CLAIM_ID").nl()
    b.nl()
    b.fill("We have denied your request for the prescription drug listed above. We denied "
           "this request because:", slots(c), c.wrap)
    b.nl()
    reason(b, c, heading=False)
    distractor(b, c)
    b.t("You have the right to request a redetermination (appeal) of our decision").nl()
    b.fill("You have 65 days from the date of this notice to request a redetermination. "
           "Your request must be made to {PAYER}.", slots(c), c.wrap)
    b.nl(2)
    b.t("Form CMS-10146").nl()


def s_medicaid_notice(b: Builder, c: Ctx) -> None:
    """Medicaid managed care Notice of Adverse Benefit Determination."""
    rng = c.rng
    letterhead(b, c)
    b.t(rng.choice(["NOTICE OF ADVERSE BENEFIT DETERMINATION", "Notice of Action",
                    "Notice of Adverse Benefit Determination", "Notice of Denial of Service"]))
    b.nl(2)
    date_line(b, c)
    address_block(b, c)
    re_block(b, c)
    b.t(rng.choice(["What happened?", "What is this notice about?", "What did we decide?"]))
    b.nl()
    opening(b, c)
    b.t(rng.choice(["Why?", "Why did we make this decision?", "The reason for our decision:"]))
    b.nl()
    reason(b, c, heading=False)
    distractor(b, c)
    filler(b, c)
    plan_paragraphs(b, c, 2)
    b.t(rng.choice(["Your rights", "What if I don't agree?", "How to ask for an appeal"])).nl()
    rights(b, c, 2)
    signature(b, c)


def s_pbm(b: Builder, c: Ctx) -> None:
    """PBM coverage-determination letter (often addressed to the prescriber)."""
    rng = c.rng
    b.e(c.payer.printed, "PAYER").t(rng.choice(["", " Coverage Review Department",
                                                  " Prior Authorization", " Clinical Services"]))
    b.nl()
    street, city = address(rng)
    b.t(f"{street}, {city}").nl(2)
    b.t(rng.choice(["Coverage Determination", "COVERAGE DETERMINATION NOTICE",
                    "Prior Authorization Determination", "Drug Coverage Decision"])).nl(2)
    date_line(b, c)
    b.t(rng.choice(["Patient: ", "Member: ", "Patient Name: "])).e(
        patient_name(c, "upper" if c.upper_names else None), "PATIENT").nl()
    b.t(rng.choice(["Member ID: ", "Cardholder ID: ", "ID: "])).e(c.member_id, "MEMBER_ID").nl()
    b.t(rng.choice(["Drug Requested: ", "Medication: ", "Drug: ", "Requested drug: "])).e(
        c.t_name, "THERAPY").nl()
    _, pname, after = provider_name(c)
    b.t(rng.choice(["Prescriber: ", "Prescribing Physician: ", "Prescriber Name: "])).e(
        pname, "PROVIDER").t(after).nl()
    if c.claim_id:
        b.t(rng.choice(["Case ID: ", "Request #: ", "PA Reference: ", "Claim #: " if
                        c.service_date else "Reference: "])).e(c.claim_id, "CLAIM_ID").nl()
    b.nl()
    b.t(rng.choice(["Decision: Denied", "Outcome: DENIED", "Determination: Not Approved"]))
    b.nl(2)
    reason(b, c, heading=True)
    distractor(b, c)
    if rng.random() < 0.4:
        b.t(f"Alternatives: {c.alts[0]}; {c.alts[1]}").nl(2)
    plan_paragraphs(b, c, 1)
    rights(b, c, rng.randint(1, 2))
    signature(b, c)


def s_msn(b: Builder, c: Ctx) -> None:
    """Medicare Summary Notice (Original Medicare, Part B) with a denied line."""
    rng = c.rng
    if c.service_date is None:
        c.service_date = c.letter_date - timedelta(days=rng.randint(20, 90))
    if c.claim_id is None:
        c.claim_id = make_claim_id(rng, c.plan)
    b.t("Medicare Summary Notice for Part B (Medical Insurance)").nl(2)
    b.t("The Official Summary of Your Medicare Claims from the Centers for Medicare & Medicaid "
        "Services").nl(2)
    b.e(patient_name(c, "upper"), "PATIENT").nl()
    street, city = address(rng)
    b.t(f"{street}\n{city}").nl(2)
    b.t("Notice for ").e(patient_name(c, "full"), "PATIENT").nl()
    b.t("Medicare Number ").e(c.member_id, "MEMBER_ID").nl()
    b.t("Date of This Notice ").e(c.d(c.letter_date), "LETTER_DATE").nl()
    b.t("Claims Processed Between ").t(c.d(c.service_date)).t(" and ").t(
        c.d(c.letter_date - timedelta(days=2))).nl(2)
    b.t("Your Claims & Costs This Period").nl()
    _, pname, after = provider_name(c)
    b.t("Service Provided & Billing Code    Amount Provider Charged    Medicare Approved    "
        "Maximum You May Be Billed    See Notes").nl()
    b.e(fmt_date(c.service_date, "mdy"), "SERVICE_DATE").t("   ")
    b.e(pname, "PROVIDER").t("   ").e(c.t_name, "THERAPY")
    b.t(f" ({c.therapy.code or 'J3490'})   ${rng.randint(90, 5000)}.00   $0.00   "
        f"${rng.randint(90, 5000)}.00   A").nl()
    b.t("Claim number ").e(c.claim_id, "CLAIM_ID").nl(2)
    b.t("Notes for Your Claims").nl().t("A ")
    reason(b, c, heading=False)
    plan_paragraphs(b, c, 2)
    b.t("If you have questions, call ").e(c.payer.printed, "PAYER").t(" at " + phone(rng)).nl(2)


def s_fax(b: Builder, c: Ctx) -> None:
    """A fax cover sheet, then the letter to the provider."""
    rng = c.rng
    c.to_provider = True
    b.t(rng.choice(["FAX", "FACSIMILE TRANSMITTAL", "Fax Cover Sheet", "F A X"])).nl(2)
    b.t("To: ").e(c.practice, "PROVIDER").nl()
    b.t(f"Fax: ({_digits(rng, 3)}) {_digits(rng, 3)}-{_digits(rng, 4)}").nl()
    b.t("From: ").e(c.payer.printed, "PAYER").t(" " + rng.choice(["Utilization Management",
                                                                   "Pharmacy Prior Auth", ""]))
    b.nl()
    b.t("Date: ").e(c.d(c.letter_date), "LETTER_DATE").nl()
    b.t(f"Pages: {rng.randint(2, 6)} (including cover)").nl()
    b.t(rng.choice(["RE: Adverse determination", "Re: Coverage decision", "Subject: Denial "
                    "notice"])).nl(2)
    b.t("CONFIDENTIALITY NOTICE: This facsimile contains protected health information. If you "
        "received it in error, notify the sender and destroy it.").nl()
    b.page()
    letterhead(b, c)
    re_block(b, c)
    salutation(b, c)
    opening(b, c)
    reason(b, c)
    distractor(b, c)
    plan_paragraphs(b, c, 1)
    rights(b, c, rng.randint(1, 2))
    signature(b, c)


def s_tersenotice(b: Builder, c: Ctx) -> None:
    """A terse one-screen notice: heading line, facts, reason; used by small plans and TPAs."""
    rng = c.rng
    b.t(rng.choice(["ADVERSE BENEFIT DETERMINATION", "Denial Notice", "Claim Denial",
                    "Pre-Service Denial"])).t(" - ").e(c.payer.printed, "PAYER").nl()
    b.e(c.d(c.letter_date), "LETTER_DATE").nl(2)
    re_block(b, c)
    reason(b, c, heading=True)
    plan_paragraphs(b, c, 1)
    rights(b, c, 1)



# --- structures added for variety ----------------------------------------------------------


def _heading(c: Ctx, text: str) -> str:
    return text.upper() if c.rng.random() < 0.4 else text


def table_reason(b: Builder, c: Ctx) -> None:
    """A claim table whose reason column is the only statement of the reason (pipes or tabs)."""
    rng = c.rng
    code, desc = rng.choice(R.CODE_TABLE[c.dtype])
    sep = rng.choice([" | ", "\t", "  |  "])
    billed = f"${rng.randint(40, 25000):,}.{rng.choice(['00', '50', '25'])}"
    cols = ["Date of Service", "Service", "Code", "Billed", "Allowed", "Reason", "Description"]
    if rng.random() < 0.5:
        cols = [x.upper() for x in cols]
    b.t(sep.join(cols).strip()).nl()
    if c.service_date:
        b.e(fmt_date(c.service_date, rng.choice(["mdy", "mdy2", c.dstyle])), "SERVICE_DATE")
    else:
        b.t("--")
    b.t(sep).e(c.t_name, "THERAPY").t(sep + (c.therapy.code or "-") + sep + billed + sep + "$0.00"
                                      + sep + code + sep)
    start = b.n
    b.t(desc)
    b.reason = (start, b.n)
    b.nl(2)


def s_claim_table(b: Builder, c: Ctx) -> None:
    """Claim statement whose reason is given only as a code and its description in a table."""
    rng = c.rng
    letterhead(b, c)
    b.t(_heading(c, rng.choice(["Claim Determination", "Claim Summary", "Statement of Claim "
                                "Processing", "Notice of Claim Denial"]))).nl(2)
    date_line(b, c)
    address_block(b, c)
    re_block(b, c)
    if rng.random() < 0.5:
        b.t(rng.choice(["The claim below was processed as follows.", "We processed the "
                        "following service. The reason code explains the decision.",
                        "Details of this claim are shown in the table."])).nl(2)
    table_reason(b, c)
    distractor(b, c)
    plan_paragraphs(b, c, rng.randint(1, 2))
    rights(b, c, rng.randint(1, 3))
    signature(b, c)


SECTION_HEADS = {
    "facts": ["MEMBER INFORMATION", "Request information", "About this request", "Details"],
    "decision": ["DECISION", "Our decision", "What we decided", "Determination"],
    "reason": ["WHY WE MADE THIS DECISION", "Reason", "Basis for our decision",
               "Explanation of decision"],
    "plan": ["ABOUT YOUR PLAN", "Your coverage", "Plan information"],
    "rights": ["YOUR RIGHTS", "Appeal rights", "What you can do next", "IF YOU DISAGREE"],
}


def s_sections(b: Builder, c: Ctx) -> None:
    """A letter built of headed sections in a varying order (reason first, facts last...)."""
    rng = c.rng
    letterhead(b, c)
    date_line(b, c)
    if rng.random() < 0.6:
        address_block(b, c)

    def facts() -> None:
        re_block(b, c)

    def decision() -> None:
        opening(b, c)

    def why() -> None:
        reason(b, c, heading=False)
        distractor(b, c)

    def plan() -> None:
        if c.stated:
            plan_paragraphs(b, c, rng.randint(1, 2))
        else:
            filler(b, c)

    def rts() -> None:
        rights(b, c, rng.randint(1, 3))

    parts = [("facts", facts), ("decision", decision), ("reason", why), ("plan", plan),
             ("rights", rts)]
    rng.shuffle(parts)
    caps = rng.random() < 0.5
    for key, fn in parts:
        h = rng.choice(SECTION_HEADS[key])
        b.t(h.upper() if caps else h).t(rng.choice([":", "", ""])).nl(rng.choice([1, 2]))
        fn()
    signature(b, c)


def s_medicaid_state(b: Builder, c: Ctx) -> None:
    """State Medicaid agency notice of action (the plan named as the deciding contractor)."""
    rng = c.rng
    prog, st = rng.choice(V.STATE_MEDICAID)
    agency = rng.choice(V.STATE_AGENCIES.get(st, ("State Department of Health Services",)))
    b.t(agency.upper() if rng.random() < 0.5 else agency).nl()
    b.t(rng.choice(["Office of Medicaid Managed Care", "Division of Medical Assistance",
                    "Medicaid Program", ""])).nl(2)
    b.t(_heading(c, rng.choice(["NOTICE OF ACTION", "Notice of Action - Denial of Services",
                                "NOTICE OF ADVERSE BENEFIT DETERMINATION",
                                "Notice of Decision"]))).nl(2)
    date_line(b, c)
    address_block(b, c)
    b.t(rng.choice(["Recipient", "Client name", "Member", "Enrollee"]) + ": ").e(
        patient_name(c, "upper" if c.upper_names else None), "PATIENT").nl()
    b.t(rng.choice(["Medicaid ID", "Client ID", "Recipient ID", "CIN"]) + ": ").e(
        c.member_id, "MEMBER_ID").nl()
    b.t("Program: " + prog).nl()
    b.t(rng.choice(["Health plan", "Managed care organization", "Your MCO"]) + ": ")
    write_payer(b, c)
    b.nl()
    if c.claim_id:
        b.t(rng.choice(["Notice number", "Case number", "Reference"]) + ": ").e(
            c.claim_id, "CLAIM_ID").nl()
    b.t(rng.choice(["Service", "Service requested", "Item/service"]) + ": ").e(
        c.t_name, "THERAPY").nl(2)
    b.fill(rng.choice([
        "{PAYER}, your Medicaid health plan, has taken the following action on the request "
        "from your provider. The action is: DENIED.",
        "This notice tells you that {PAYER} has denied the service listed above. {PAYER} "
        "manages your Medicaid benefits under a contract with the state.",
        "The state Medicaid agency and your health plan, {PAYER}, are sending you this notice "
        "about the service listed above."]), slots(c), c.wrap)
    b.nl(2)
    b.t(_heading(c, rng.choice(["Reason for the action", "Why?", "The reason for this "
                                "action is:"]))).nl()
    reason(b, c, heading=False)
    b.t(rng.choice(["This action is taken under ", "Legal basis: ", "Rule: "]) +
        rng.choice(["42 CFR 438.404", "42 CFR 438.210", "42 CFR 440.230",
                    f"the {st} Medicaid Provider Manual", "your Member Handbook"]) + ".").nl(2)
    b.t(_heading(c, "Your right to appeal")).nl()
    b.fill("You may ask {PAYER} for an appeal within 60 days of the date of this notice. After "
           "the appeal, you can ask for a State Fair Hearing. If you want your services to "
           "continue while you appeal, you must ask within 10 days.", slots(c), c.wrap)
    b.nl(2)
    plan_paragraphs(b, c, 1)


def s_rbm(b: Builder, c: Ctx) -> None:
    """A radiology / specialty benefit manager's letter on behalf of the health plan."""
    rng = c.rng
    rbm = rng.choice(V.RBMS)
    b.t(rbm).nl()
    b.t(rng.choice(["on behalf of ", "Utilization review for ", "Acting for ", "For members of "]))
    write_payer(b, c)
    b.nl()
    street, city = address(rng)
    b.t(f"{street}, {city}").nl(2)
    b.t(_heading(c, rng.choice(["Notice of Adverse Determination", "Outcome of Your Prior "
                                "Authorization Request", "Clinical Review Determination",
                                "Medical Necessity Determination"]))).nl(2)
    date_line(b, c)
    address_block(b, c)
    re_block(b, c)
    salutation(b, c)
    b.fill(rng.choice([
        "{PAYER} has asked " + rbm + " to review requests for advanced imaging and certain "
        "procedures for its members. We reviewed the request for {T}.",
        rbm + " manages prior authorization of this service for {PAYER}. A request for {T} "
        "was submitted by {PROV}.",
        "We are writing on behalf of {PAYER} about the request for {T}."]), slots(c), c.wrap)
    b.nl(2)
    if rng.random() < 0.7:
        b.t(rng.choice(DECISIONS[:-1])).nl(2)
    reason(b, c)
    distractor(b, c)
    if rng.random() < 0.5:
        b.fill("Your provider may request a peer-to-peer discussion with a " + rbm.split(" (")[0]
               + " physician reviewer by calling {PHONE}.", slots(c), c.wrap)
        b.nl(2)
    plan_paragraphs(b, c, 1)
    rights(b, c, rng.randint(1, 2))
    signature(b, c)


ERISA_TPA = [
    "The {EMP} Employee Health Plan (the \"Plan\") is a self-funded group health plan. "
    "{PAYER} is the claims administrator and does not insure or guarantee the benefits.",
    "{PAYER} provides administrative services only for the Plan. The Plan Sponsor, {EMP}, is "
    "responsible for paying claims.",
    "The Plan Administrator has discretionary authority to interpret the terms of the Plan. "
    "This notice is provided under the Employee Retirement Income Security Act of 1974 (ERISA).",
    "If your appeal is denied, you have the right to bring a civil action under section 502(a) "
    "of ERISA.",
]
UNION_TEXT = [
    "The Board of Trustees of {PAYER} has sole discretion to interpret the Plan's Rules and "
    "Regulations.",
    "This letter is sent by the Fund Office on behalf of the Board of Trustees.",
    "{PAYER} is a multiemployer health plan maintained under collective bargaining agreements "
    "and governed by ERISA.",
    "You may appeal to the Board of Trustees within 180 days. After the Trustees decide your "
    "appeal, you may file suit under section 502(a) of ERISA.",
    "Questions may also be directed to your Local Union office.",
]


def _erisa_block(b: Builder, c: Ctx, pool: list[str], k: int) -> None:
    rng = c.rng
    s = dict(slots(c))
    s["EMP"] = (c.misc.setdefault("emp", rng.choice(V.EMPLOYERS)), None)
    picks = pool[:]
    rng.shuffle(picks)
    for tmpl in picks[:k]:
        b.fill(tmpl, s, c.wrap)
        b.nl(2)


def s_tpa(b: Builder, c: Ctx) -> None:
    """A third-party administrator's letter for a self-funded employer plan (ERISA)."""
    rng = c.rng
    emp = c.misc.setdefault("emp", rng.choice(V.EMPLOYERS))
    letterhead(b, c)
    b.t(rng.choice([f"Claims administrator for the {emp} Employee Health Plan",
                    f"{emp} Health & Welfare Plan", f"Plan Sponsor: {emp}"])).nl(2)
    b.t(_heading(c, rng.choice(["Notice of Adverse Benefit Determination",
                                "EXPLANATION OF CLAIM DENIAL", "Pre-Service Claim Denial"])))
    b.nl(2)
    date_line(b, c)
    address_block(b, c)
    re_block(b, c)
    salutation(b, c)
    opening(b, c)
    reason(b, c)
    b.t("Plan provision: " + rng.choice(["Article IV, Section 4.2", "Section 7 - Exclusions",
                                         "Schedule of Benefits", "Section 5.3 (Utilization "
                                         "Review)", "Covered Expenses, paragraph (k)"])).nl(2)
    distractor(b, c)
    _erisa_block(b, c, ERISA_TPA, rng.randint(2, 4))
    rights(b, c, rng.randint(1, 2))
    signature(b, c)


def s_union(b: Builder, c: Ctx) -> None:
    """A Taft-Hartley union health fund's denial (ERISA)."""
    rng = c.rng
    b.e(c.payer.printed.upper() if rng.random() < 0.5 else c.payer.printed, "PAYER").nl()
    b.t(rng.choice(["Fund Office", "Benefits Department", "Claims Department"])).nl()
    street, city = address(rng)
    b.t(f"{street}\n{city}").nl(2)
    date_line(b, c)
    address_block(b, c)
    b.t(rng.choice(["Participant", "Participant/Patient", "Member"]) + ": ").e(
        patient_name(c, "upper" if c.upper_names else None), "PATIENT").nl()
    b.t(rng.choice(["Participant ID", "Member ID", "SSN/ID"]) + ": ").e(c.member_id,
                                                                        "MEMBER_ID").nl()
    b.t(f"Local: {rng.randint(2, 1199)}").nl()
    if c.claim_id:
        b.t(rng.choice(["Claim No.", "Reference No."]) + ": ").e(c.claim_id, "CLAIM_ID").nl()
    if c.service_date:
        b.t("Date of service: ").e(c.d(c.service_date), "SERVICE_DATE").nl()
    b.t("Service: ").e(c.t_name, "THERAPY").nl(2)
    salutation(b, c)
    opening(b, c)
    reason(b, c)
    _erisa_block(b, c, UNION_TEXT, rng.randint(2, 4))
    rights(b, c, 1)
    b.t("Sincerely,").nl(2).t("Fund Administrator").nl()
    b.t("On behalf of the Board of Trustees").nl(2)


def s_sms(b: Builder, c: Ctx) -> None:
    """A short portal message / text-style notice."""
    rng = c.rng
    write_payer(b, c, upper=rng.random() < 0.3)
    b.t(rng.choice([": ", " - ", "\n"]))
    b.t(rng.choice(["Update on your request. ", "Claim update: ", "Coverage decision: ",
                    "New message: ", ""]))
    b.fill(rng.choice(["Your request for {T} was denied. ", "We could not approve {T}. ",
                       "{T}: not approved. ", "Claim for {T} denied. "]), slots(c), 0)
    b.t("Reason: ")
    start = b.n
    b.fill(reason_template(c), slots(c), 0)
    b.reason = (start, b.n)
    b.nl()
    b.t(rng.choice(["Member ID ", "ID: ", "Mbr# "])).e(c.member_id, "MEMBER_ID").t(" ")
    if c.claim_id:
        b.t(rng.choice(["Ref ", "Case #", "Claim #"])).e(c.claim_id, "CLAIM_ID").t(" ")
    b.t(rng.choice(["Sent ", "Date: ", ""])).e(c.d(c.letter_date), "LETTER_DATE").nl()
    b.t(rng.choice(["A letter with your appeal rights will be mailed to you.",
                    "View the full notice and your appeal rights in your member portal.",
                    "Reply STOP to opt out. Msg&data rates may apply.",
                    f"Questions? Call {phone(rng)}."])).nl()
    if c.stated and rng.random() < 0.5:
        plan_paragraphs(b, c, 1)


def s_msn_lines(b: Builder, c: Ctx) -> None:
    """Medicare Summary Notice with several claim lines, one of them denied."""
    rng = c.rng
    if c.service_date is None:
        c.service_date = c.letter_date - timedelta(days=rng.randint(20, 90))
    if c.claim_id is None:
        c.claim_id = make_claim_id(rng, c.plan, c.letter_date.year)
    b.t(_heading(c, "Medicare Summary Notice for Part B (Medical Insurance)")).nl()
    b.t("The Official Summary of Your Medicare Claims from the Centers for Medicare & "
        "Medicaid Services").nl(2)
    b.t("Notice for ").e(patient_name(c, rng.choice(["full", "upper"])), "PATIENT").nl()
    b.t("Medicare Number ").e(c.member_id, "MEMBER_ID").nl()
    b.t("Date of This Notice ").e(c.d(c.letter_date), "LETTER_DATE").nl(2)
    b.t("Did Medicare Approve All Services? NO").nl()
    b.t("Number of Services Medicare Denied: 1").nl(2)
    _, pname, _ = provider_name(c)
    b.t(rng.choice(["Your Claims & Costs This Period", "Claims for Part B services"])).nl()
    b.t("Claim number ").e(c.claim_id, "CLAIM_ID").nl()
    b.e(pname, "PROVIDER").t(", " + c.practice if rng.random() < 0.3 else "").nl()
    b.t("Service Approved?  Amount Charged  Medicare Approved  You May Be Billed  See Notes").nl()
    lines = [("Office/outpatient visit est (99214)", "Yes", ""),
             ("Collection of venous blood (36415)", "Yes", ""),
             ("Electrocardiogram complete (93000)", "Yes", ""),
             ("Comprehensive metabolic panel (80053)", "Yes", "")]
    rng.shuffle(lines)
    lines = lines[:rng.randint(1, 3)]
    pos = rng.randint(0, len(lines))
    b.e(fmt_date(c.service_date, "mdy"), "SERVICE_DATE").nl()
    for i in range(len(lines) + 1):
        if i == pos:
            b.e(c.t_name, "THERAPY").t(f" ({c.therapy.code or 'J3490'})  No  "
                                       f"${rng.randint(90, 5000)}.00  $0.00  "
                                       f"${rng.randint(90, 5000)}.00  A").nl()
        if i < len(lines):
            d, ok, _ = lines[i]
            b.t(f"{d}  {ok}  ${rng.randint(20, 300)}.00  ${rng.randint(10, 200)}.{_digits(rng, 2)}"
                f"  ${rng.randint(2, 60)}.{_digits(rng, 2)}").nl()
    b.nl().t("Notes for Your Claims").nl().t("A ")
    reason(b, c, heading=False)
    plan_paragraphs(b, c, 2)
    b.t("If you have questions, call ").e(c.payer.printed, "PAYER").t(" at " + phone(rng)).nl(2)


# --- structures of letters written by others (issue 11) -----------------------------------


def therapy_table_row(b: Builder, c: Ctx) -> None:
    """A claim/request table whose row is the only place the therapy is named."""
    rng = c.rng
    sep = rng.choice([" | ", "   ", "\t"])
    when = c.service_date or c.letter_date - timedelta(days=rng.randint(2, 20))
    status = rng.choice(["Denied", "DENIED", "Not approved"])
    b.t(sep.join(["Date", "Description", "Code", "Status"])).nl()
    b.t(fmt_date(when, rng.choice(["mdy", c.dstyle])) + sep).e(c.t_name, "THERAPY")
    b.t(sep + (c.therapy.code or "-") + sep + status).nl(2)


def s_by_reference(b: Builder, c: Ctx) -> None:
    """A letter whose body says "the above drug" / "the requested service(s)": the therapy is
    named once, on an RE / "Drug requested:" / "Service:" line or in a table row."""
    rng = c.rng
    letterhead(b, c)
    date_line(b, c)
    address_block(b, c)
    if rng.random() < 0.7:
        named_therapy_line(b, c)
    else:
        therapy_table_row(b, c)
    re_block(b, c, therapy=False)
    salutation(b, c)
    opening(b, c)
    reason(b, c)
    distractor(b, c)
    filler(b, c)
    plan_paragraphs(b, c, rng.randint(1, 2))
    rights(b, c, rng.randint(1, 2))
    signature(b, c)


PBM_NAMES = sorted({p.printed for p in V.PAYERS if p.kind == "pbm"})


def s_bm_behalf(b: Builder, c: Ctx) -> None:
    """A pharmacy or radiology benefit manager's letter on behalf of the plan: the manager's
    name heads the letter as plain text, the plan (whose coverage it is) is the PAYER."""
    rng = c.rng
    drug = c.therapy.kind == "drug"
    bm = rng.choice(PBM_NAMES if drug else V.RBMS)
    b.shapes.add("benefit_manager_on_behalf")
    b.t(bm.upper() if rng.random() < 0.3 else bm).nl()
    if rng.random() < 0.4:
        b.t(rng.choice(DEPARTMENTS)).nl()
    b.t(rng.choice(["on behalf of ", "Acting for ", "For members of "]
                   + (["Pharmacy benefit manager for ", "Administering pharmacy benefits for "]
                      if drug else ["Utilization review for "])))
    write_payer(b, c)
    b.nl()
    street, city = address(rng)
    b.t(f"{street}, {city}").nl(2)
    date_line(b, c)
    address_block(b, c)
    re_block(b, c)
    salutation(b, c)
    b.fill(rng.choice([
        bm + " reviewed this request on behalf of {PAYER}, your health plan.",
        "{PAYER} has asked " + bm + " to review " + ("prescription drug" if drug else
                                                     "imaging and procedure")
        + " coverage requests for its members. We reviewed the request for {T}.",
        "We are writing on behalf of {PAYER} about the request for {T}.",
        bm + " manages this benefit for {PAYER}. Your coverage is provided by {PAYER}.",
    ]), slots(c), c.wrap)
    b.nl(2)
    if rng.random() < 0.6:
        b.t(rng.choice(DECISIONS[:-1])).nl(2)
    reason(b, c)
    distractor(b, c)
    plan_paragraphs(b, c, 1)
    rights(b, c, rng.randint(1, 2))
    signature(b, c)
    if rng.random() < 0.5:
        b.fill(bm + " is an independent company that provides " + ("pharmacy benefit "
               "management" if drug else "utilization management") + " services on behalf "
               "of {PAYER}.", slots(c), c.wrap)
        b.nl(2)


# Appeal rights an official notice form cites for its own plan (shared/domain/appeal-rights.md);
# the first of each names the law or office, and every form prints it.
FORM_OWN_RIGHTS = {
    "erisa": [
        "You have the right to bring a civil action under section 502(a) of the Employee "
        "Retirement Income Security Act (ERISA) following an adverse benefit determination on "
        "review.",
        "You may appeal this decision within 180 days after you receive this notice. Send your "
        "appeal to the Plan at the address above.",
        "You may ask for an external review by an independent review organization within 4 "
        "months after you receive the final internal adverse benefit determination.",
        "For questions about your rights under ERISA, contact the Employee Benefits Security "
        "Administration at 1-866-444-3272.",
    ],
    "fehb": [
        "If we do not change our decision, you may ask the U.S. Office of Personnel Management "
        "(OPM) to review it within 90 days of our reconsideration decision.",
        "You may ask us to reconsider this decision. Your request must be in writing and "
        "received within 6 months of the date of this notice.",
        "This plan is offered under the Federal Employees Health Benefits (FEHB) Program. See "
        "Section 8 of your FEHB plan brochure for the disputed claims process.",
        "If OPM upholds the decision, a lawsuit must be brought against OPM, not the carrier.",
    ],
    "aca_individual": [
        "Because you bought this plan through the Health Insurance Marketplace, you have 180 "
        "days after you receive this notice to ask us for an internal appeal.",
        "After our internal appeal you may ask for an external review by an independent review "
        "organization within 4 months. The external reviewer's decision is binding on the plan.",
        "For help, contact your state's consumer assistance program or visit HealthCare.gov.",
        "This notice is about your individual coverage, a qualified health plan offered on the "
        "Marketplace.",
    ],
}
# Boilerplate such forms print about OTHER programs, with the program each is about.
OTHER_PROGRAMS = [
    ("If you have Medicare, this notice is not about your Medicare benefits. For a Medicare "
     "appeal, follow your Medicare notice or call 1-800-MEDICARE.", "medicare"),
    ("Medicaid members may have the right to a State Fair Hearing. If you also have Medicaid, "
     "contact your state Medicaid agency about your Medicaid benefits.", "medicaid_mco"),
    ("If you are enrolled in a Medicare Advantage plan, different appeal rules and time limits "
     "apply; see your Evidence of Coverage.", "medicare"),
    ("If your coverage is under the Federal Employees Health Benefits Program, the disputed "
     "claims process of your plan brochure applies instead.", "fehb"),
    ("Church plans and non-federal governmental plans are not subject to ERISA; if your plan is "
     "one of them, state law may give you other rights.", "erisa"),
    ("If you bought coverage through the Health Insurance Marketplace, questions about "
     "eligibility appeals go to the Marketplace Call Center.", "aca_individual"),
    ("TRICARE beneficiaries should follow the appeal instructions of their TRICARE "
     "contractor.", "tricare"),
]
CHECKBOXES = (("[X]", "[ ]"), ("☒", "☐"), ("(x)", "( )"), ("X", "_"), ("■", "□"))


def _checkbox_row(b: Builder, c: Ctx, options: list[str], chosen: int) -> None:
    on, off = c.misc.setdefault("box", "|".join(c.rng.choice(CHECKBOXES))).split("|")
    b.t("   ".join(f"{on if i == chosen else off} {o}" for i, o in enumerate(options))).nl()


def s_notice_form(b: Builder, c: Ctx) -> None:
    """A filled-in official-style "Notice of Adverse Benefit Determination" form: checkbox
    sections, the plan's own appeal rights (ERISA / FEHB-OPM / Marketplace) and paragraphs
    about other programs (Medicare, Medicaid...) that are not the letter's plan type."""
    rng = c.rng
    b.shapes.add("official_notice_form")
    sec = rng.choice([lambda i, t: f"Section {'ABCDEFG'[i]}. {t}", lambda i, t: f"PART {i + 1} - "
                      f"{t.upper()}", lambda i, t: f"{i + 1}. {t}"])
    b.t(_heading(c, "Notice of Adverse Benefit Determination")).t(rng.choice(
        ["", " (Pre-Service Claim)" if not c.service_date else " (Post-Service Claim)"])).nl()
    b.t(rng.choice(["Plan name: ", "Health plan: ", "Issuer: ", "Claims administrator: "]))
    write_payer(b, c)
    b.nl()
    if rng.random() < 0.5:
        b.t("Plan: " + plan_name(c)).nl()
    b.t(rng.choice(["Date of notice: ", "Date: ", "Notice date: "])).e(
        c.d(c.letter_date), "LETTER_DATE").nl(2)
    b.t(sec(0, "Information about you and your claim")).nl()
    re_block(b, c)
    b.t(sec(1, "Type of claim")).nl()
    _checkbox_row(b, c, ["Pre-service", "Post-service", "Urgent care", "Concurrent care"],
                  1 if c.service_date else 0)
    b.nl().t(sec(2, "Our decision")).nl()
    _checkbox_row(b, c, ["Denied", "Partially denied", "Reduced or ended"], 0)
    b.nl().t(sec(3, "Reason for the decision")).nl()
    reason(b, c, heading=False)
    b.t("Plan provision relied on: " + rng.choice([
        "Summary Plan Description, Exclusions", "Section 5.3 (Utilization Review)",
        "Schedule of Benefits", "Plan brochure, Section 3", "Evidence of Coverage, Chapter 4",
        "Medical Policy " + _digits(rng, 3)])).nl()
    _checkbox_row(b, c, ["A copy of the internal rule, guideline or protocol relied on is "
                         "available free of charge on request."], 0)
    b.t("The diagnosis and treatment codes and their meanings are available on request.").nl(2)
    b.t(sec(4, "Your appeal rights")).nl()
    s = dict(slots(c))
    s["MKT"] = (rng.choice(V.MARKETPLACES), None)
    cite, *own = FORM_OWN_RIGHTS[c.plan]
    rng.shuffle(own)
    own.insert(rng.randint(0, 1), cite)
    for tmpl in own[:rng.randint(2, 4)]:
        b.fill(tmpl, s, c.wrap)
        b.nl(2)
    b.t(sec(5, rng.choice(["Other help", "Other rights", "Other important information"]))).nl()
    others = [t for t, prog in OTHER_PROGRAMS if prog != c.plan]
    rng.shuffle(others)
    for t in others[:rng.randint(1, 3)]:
        b.fill(t, s, c.wrap)
        b.nl(2)


STRUCTURES = {
    "mailed": s_mailed, "portal": s_portal, "eob": s_eob, "ma": s_ma_notice,
    "partd": s_partd_notice, "medicaid": s_medicaid_notice, "pbm": s_pbm, "msn": s_msn,
    "fax": s_fax, "terse": s_tersenotice, "claim_table": s_claim_table, "sections": s_sections,
    "medicaid_state": s_medicaid_state, "rbm": s_rbm, "tpa": s_tpa, "union": s_union,
    "sms": s_sms, "msn_lines": s_msn_lines, "by_reference": s_by_reference,
    "bm_behalf": s_bm_behalf, "notice_form": s_notice_form,
}
# Structures that name the therapy on a line or row of its own, so the body may refer to it.
BY_REFERENCE_OK = {"mailed", "portal", "sections", "tpa", "fax", "terse", "medicaid",
                   "claim_table", "rbm", "pbm", "partd", "medicaid_state", "union", "ma", "eob",
                   "bm_behalf", "notice_form"}
BY_REFERENCE_SHARE = 0.12  # of the letters of those structures


def choose_structure(c: Ctx) -> str:
    rng = c.rng
    opts = ["mailed"] * 4 + ["portal", "fax", "terse", "sms"] + ["sections"] * 2
    opts += ["by_reference"]
    if c.payer.kind == "plan" and (c.therapy.kind == "drug" or c.plan not in (
            "original_medicare", "tricare")):
        opts += ["bm_behalf"] * (2 if c.therapy.kind == "drug" else 1)
    if c.stated and c.plan in FORM_OWN_RIGHTS:
        opts += ["notice_form"] * 2
    if c.service_date is not None:
        opts += ["eob"] * 2 + ["claim_table"] * 2
    if c.therapy.kind != "drug" and c.plan not in ("original_medicare", "tricare"):
        opts += ["rbm"] * (2 if "imaging" in c.therapy.tags or "surgery" in c.therapy.tags
                           else 1)
    if c.stated and c.payer.kind == "tpa":
        opts += ["tpa"] * 12  # as likely as before the structures of issue 11
    if c.stated and c.payer.kind == "union":
        opts += ["union"] * 12  # as likely as before the structures of issue 11
    if c.therapy.kind == "drug":
        opts += ["pbm"] * (3 if c.payer.pbm else 1)
    if c.stated:
        if c.plan == "medicare_advantage" and c.therapy.kind != "drug":
            opts += ["ma"] * 4
        if c.plan == "medicare_part_d":
            opts += ["partd"] * 4
        if c.plan == "medicaid_mco":
            opts += ["medicaid"] * 4 + ["medicaid_state"] * 4
        if c.plan == "original_medicare" and c.therapy.kind != "drug":
            opts += ["msn"] * 3 + ["msn_lines"] * 3
    return rng.choice(opts)


@dataclass
class Letter:
    """One generated letter with its labels."""

    id: str
    text: str
    ents: list[tuple[int, int, str]]
    missing: list[tuple[int, int]]
    denial_type: str
    plan_type: str
    labels: dict[str, object]
    structure: str
    noisy: bool = False
    shapes: tuple[str, ...] = ()  # structures of letters written by others (issue 11) drawn


def make_letter(rng: random.Random, idx: str) -> Letter:
    c = sample_ctx(rng)
    b = Builder()
    structure = choose_structure(c)
    if structure == "by_reference" or (structure in BY_REFERENCE_OK
                                       and rng.random() < BY_REFERENCE_SHARE):
        c.ref_phrase = rng.choice(REF_PHRASES["drug" if c.therapy.kind == "drug" else "svc"])
    STRUCTURES[structure](b, c)
    # Extra pages: appeal rights, taglines.
    n_pages = 1 + b.text.count("\f")
    if rng.random() < 0.5:
        footer(b, c, n_pages, n_pages + 1)
        b.page()
        b.t(rng.choice(["IMPORTANT INFORMATION ABOUT YOUR APPEAL RIGHTS", "Appeal Rights",
                        "What if I disagree?", "Your Rights"])).nl(2)
        plan_paragraphs(b, c, 2)
        rights(b, c, rng.randint(2, 4))
    if rng.random() < 0.45:
        b.page()
        taglines(b, c)
    text = b.text.rstrip() + "\n"
    if c.ref_phrase and c.ref_phrase.lower() in text.lower():
        b.shapes.add("therapy_by_reference")
    plan_label = c.plan if c.stated else PlanType.UNKNOWN.value
    ents = sorted(b.spans)
    missing = sorted(b.missing)
    reason_span = b.reason
    noisy = rng.random() < NOISE_SHARE
    if noisy:
        text, ents, missing, reason_span = N.apply(rng, text, ents, missing, reason_span,
                                                   level=rng.choice([0.5, 1.0, 1.0, 2.0]))
    first = {}
    for s, e, lab in ents:
        first.setdefault(lab, text[s:e])
    reason_text = text[reason_span[0]:reason_span[1]] if reason_span else None
    labels = {
        "id": idx,
        "payer": first.get("PAYER"),
        "payer_canonical": c.payer.canonical,
        "plan_type": None if plan_label == PlanType.UNKNOWN else plan_label,
        "therapy": first.get("THERAPY"),
        "denial_type": c.dtype,
        "denial_reason": re.sub(r"\s+", " ", reason_text) if reason_text else None,
        "letter_date": c.letter_date.isoformat(),
        "service_date": c.service_date.isoformat() if any(
            lab == "SERVICE_DATE" for _, _, lab in ents) and c.service_date else None,
        "member_id": first.get("MEMBER_ID", c.member_id),
        "claim_id": first.get("CLAIM_ID"),
        "patient_name": f"{c.patient[0]} {c.patient[2]}",
        "provider_name": first.get("PROVIDER"),
    }
    return Letter(idx, text, ents, missing, c.dtype, plan_label, labels, structure, noisy,
                  tuple(sorted(b.shapes)))


def generate(out_dir: Path, n: int, seed: int, prefix: str = "g") -> list[Letter]:
    """Write ``n`` letters (``ID.txt``), ``labels.jsonl`` and ``spans.jsonl`` into ``out_dir``."""
    rng = random.Random(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    letters = [make_letter(rng, f"{prefix}{seed}_{i:05d}") for i in range(n)]
    for lt in letters:
        atomic_write_text(out_dir / f"{lt.id}.txt", lt.text)
    atomic_write_text(out_dir / "labels.jsonl",
                  "".join(json.dumps(lt.labels) + "\n" for lt in letters))
    atomic_write_text(out_dir / "spans.jsonl", "".join(json.dumps({
        "id": lt.id, "text": lt.text, "ents": lt.ents, "missing": lt.missing,
        "denial_type": lt.denial_type, "plan_type": lt.plan_type, "structure": lt.structure,
        "form": "plain", "noisy": lt.noisy, "shapes": list(lt.shapes)}) + "\n"
        for lt in letters))
    return letters


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out_dir", type=Path)
    # No defaults: the recipe's numbers are models/project.yml's vars, nowhere else.
    ap.add_argument("--n", type=int, required=True)
    ap.add_argument("--seed", type=int, required=True)
    args = ap.parse_args(argv)
    letters = generate(args.out_dir, args.n, args.seed)
    print(f"wrote {len(letters)} letters to {args.out_dir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
