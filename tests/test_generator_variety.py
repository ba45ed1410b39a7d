"""The training-corpus generator: exact labels under variety and noise, coverage, speed."""

from __future__ import annotations

import random
import re
import time
from collections import Counter
from pathlib import Path

from denialparse.types import DENIAL_LABELS, ENTITY_LABELS, PLAN_LABELS
from denialparse_dev import generate, noise, reasons


def _letters(n_per_seed: int = 75, seeds: tuple[int, ...] = (1, 2, 3, 4)) -> list:
    out = []
    for seed in seeds:
        rng = random.Random(seed)
        out += [generate.make_letter(rng, f"v{seed}_{i}") for i in range(n_per_seed)]
    return out


LETTERS = _letters()


def test_spans_exact_non_overlapping_and_everything_occurs() -> None:
    types, plans, structures, labels = Counter(), Counter(), Counter(), Counter()
    for lt in LETTERS:
        prev = -1
        for start, end, label in lt.ents:
            span = lt.text[start:end]
            assert span and span == span.strip(), (lt.id, label, repr(span))
            assert start >= prev, (lt.id, "overlap")
            prev = end
            labels[label] += 1
        for start, end in lt.missing:
            assert 0 <= start < end <= len(lt.text)
        types[lt.denial_type] += 1
        plans[lt.plan_type] += 1
        structures[lt.structure] += 1
    assert set(types) == set(DENIAL_LABELS)
    assert set(plans) == set(PLAN_LABELS)
    assert set(labels) == set(ENTITY_LABELS)
    assert set(structures) == set(generate.STRUCTURES), set(generate.STRUCTURES) - set(
        structures)


def test_labels_record_agrees_with_text() -> None:
    flat = {lt.id: " ".join(lt.text.split()) for lt in LETTERS}
    for lt in LETTERS:
        assert lt.labels["member_id"] in lt.text, lt.id
        assert lt.labels["denial_reason"], lt.id
        assert lt.labels["denial_reason"][:20] in flat[lt.id], lt.id
        if lt.labels["claim_id"]:
            assert lt.labels["claim_id"] in lt.text


def test_no_unfilled_slot_and_noise_share() -> None:
    for lt in LETTERS:
        assert not re.search(r"\{[A-Z0-9_]+\}", lt.text), (lt.id, re.findall(
            r"\{[A-Z0-9_]+\}", lt.text))
    share = sum(lt.noisy for lt in LETTERS) / len(LETTERS)
    assert 0.15 < share < 0.45


def test_therapy_span_is_a_named_therapy() -> None:
    generic = {"the requested medication", "the service", "this drug", "the requested service",
               "this service", "the procedure"}
    for lt in LETTERS:
        for s, e, label in lt.ents:
            if label == "THERAPY":
                assert lt.text[s:e].lower() not in generic, lt.id


def test_distractors_never_contradict_the_label() -> None:
    for text, bad in reasons.TYPED_DISTRACTORS:
        assert set(bad) <= set(DENIAL_LABELS), text
    rng = random.Random(5)
    for _ in range(300):
        lt = generate.make_letter(rng, "d")
        if lt.denial_type == "timely_filing":
            assert "received within the filing limit" not in lt.text
        if lt.denial_type == "out_of_network":
            assert "is a participating provider with your plan" not in lt.text
        if lt.denial_type == "non_formulary":
            assert "is on the formulary at tier 4" not in lt.text


def test_reason_codes_belong_to_the_type() -> None:
    carc = {"medical_necessity": "50", "prior_auth": "197", "timely_filing": "29"}
    for dtype, code in carc.items():
        assert any(c.endswith(code) or c.startswith(f"CO-{code}") for c, _ in
                   reasons.CODE_TABLE[dtype])
    # benefit maxima are quantity limits, exact duplicate claims are billing
    assert any("Benefit maximum" in w for w in reasons.REASONS["quantity_limit"])
    assert not any("Benefit maximum" in w for w in reasons.REASONS["not_covered"])
    assert any(c == "OA-18" for c, _ in reasons.CODE_TABLE["coding_billing"])


def test_pools_respect_therapy_kind_and_plan() -> None:
    for dtype in DENIAL_LABELS:
        for kind in ("drug", "svc"):
            for plan in (*generate.STATED_PLANS, None):
                pool = reasons.pool(dtype, kind, plan)
                assert pool, (dtype, kind, plan)
                for w in pool:
                    assert not w.startswith(("D|", "S|"))
                    if plan not in ("medicare_advantage", "medicare_part_d",
                                    "original_medicare"):
                        assert "Medicare" not in w
                    if plan != "medicaid_mco":
                        assert "Medicaid" not in w


def test_noise_keeps_ids_and_entities() -> None:
    rng = random.Random(3)
    text = ("Member ID: W123456789\nPatient: Maria Lopez\n\nThe claim for the service was "
            "denied because the information submitted was incomplete.\nPage 1\n")
    ents = [(11, 21, "MEMBER_ID"), (31, 42, "PATIENT")]
    reason = (text.index("The claim"), text.index("incomplete.") + 11)
    for _ in range(200):
        t, e, _, r = noise.apply(rng, text, ents, [], reason, level=3.0)
        assert len(e) == 2
        for s, end, _ in e:
            assert t[s:end] and t[s:end] == t[s:end].strip()
        assert t[e[1][0]:e[1][1]].replace("\n", " ").lower() == "maria lopez"
        assert len(t[e[0][0]:e[0][1]]) == 10
        assert r is not None and t[r[1] - 1] in ".," and t[r[0]] in "TtIl1"
        assert abs((r[1] - r[0]) - (reason[1] - reason[0])) < 15


def test_deterministic_and_fast(tmp_path: Path) -> None:
    a = [generate.make_letter(random.Random(9), "a").text for _ in range(2)]
    assert a[0] == a[1]
    rng = random.Random(10)
    t = time.perf_counter()
    for i in range(400):
        generate.make_letter(rng, str(i))
    assert 400 / (time.perf_counter() - t) > 200
