"""The generator draws the structures of letters written by others (issue 11), labels exact.

One test per structure: it occurs in a generated corpus, and the tagged span's text is the value
(the named therapy, the plan, the plan's member ID), never the reference phrase, the benefit
manager, the department or the state's Medicaid ID.
"""

from __future__ import annotations

import random
import re

import pytest

from denialparse_dev import generate as G
from denialparse_dev import reasons as R
from denialparse_dev import vocab as V


def _corpus(n_per_seed: int = 200, seeds: tuple[int, ...] = (11, 12, 13)) -> list[G.Letter]:
    out = []
    for seed in seeds:
        rng = random.Random(seed)
        out += [G.make_letter(rng, f"u{seed}_{i}") for i in range(n_per_seed)]
    return out


LETTERS = _corpus()


def _with(shape: str) -> list[G.Letter]:
    """Letters that drew ``shape``, without surface noise (noise may re-wrap the lines)."""
    got = [lt for lt in LETTERS if shape in lt.shapes and not lt.noisy]
    assert got, f"no letter drew {shape}"
    return got


def _spans(lt: G.Letter, label: str) -> list[tuple[int, int]]:
    return [(s, e) for s, e, lab in lt.ents if lab == label]


def _line_of(lt: G.Letter, pos: int) -> tuple[str, str]:
    """(text of the line before ``pos``, the line above that one)."""
    start = lt.text.rfind("\n", 0, pos) + 1
    above_end = max(start - 1, 0)
    above = lt.text[lt.text.rfind("\n", 0, above_end) + 1:above_end]
    return lt.text[start:pos], above


def _untagged(lt: G.Letter, needle: str, label: str) -> bool:
    """``needle`` occurs in the text and no ``label`` span overlaps that occurrence."""
    i = lt.text.lower().find(needle.lower())
    return i >= 0 and not any(s < i + len(needle) and i < e for s, e in _spans(lt, label))


def test_all_structures_occur_in_a_corpus() -> None:
    shapes = {sh for lt in LETTERS for sh in lt.shapes}
    assert {"therapy_by_reference", "reason_under_heading", "reason_multi_sentence",
            "reason_table_cell", "reason_after_decision", "reason_criteria_list",
            "payer_department_letterhead", "benefit_manager_on_behalf",
            "official_notice_form", "member_id_label_seen", "member_id_under_label",
            "member_id_and_state_medicaid_id"} <= shapes
    a = G.make_letter(random.Random(21), "d")
    b = G.make_letter(random.Random(21), "d")
    assert (a.text, a.ents, a.shapes) == (b.text, b.ents, b.shapes)


def test_therapy_named_once_referred_to_elsewhere() -> None:
    phrases = [p for ps in G.REF_PHRASES.values() for p in ps]
    named_on_line = 0
    for lt in _with("therapy_by_reference"):
        assert any(_untagged(lt, p, "THERAPY") for p in phrases), lt.id
        spans = _spans(lt, "THERAPY")
        assert spans, lt.id
        for s, e in spans:
            value = lt.text[s:e]
            assert value.lower() not in phrases, (lt.id, value)
            assert lt.labels["therapy"] == lt.text[spans[0][0]:spans[0][1]]
            before, above = _line_of(lt, s)
            if re.search(r"(RE|Re|Drug requested|Medication Name/Strength|Service|Drug Name|"
                         r"Service requested|Item|Requested service|Medication requested)"
                         r"(: Request for|: Prior authorization request for)?: $", before):
                named_on_line += 1
                rest = lt.text[e:lt.text.index("\n", e)]
                # the name ends the line, or its code does, or a second column starts
                assert re.fullmatch(r"( \([A-Z0-9]+\))?( {3,}.*)?", rest), (lt.id, rest)
    assert named_on_line >= 3


@pytest.mark.parametrize("shape", ["reason_under_heading", "reason_multi_sentence",
                                   "reason_table_cell", "reason_after_decision",
                                   "reason_criteria_list"])
def test_reason_structures(shape: str) -> None:
    for lt in _with(shape):
        flat = " ".join(lt.text.split())
        reason = lt.labels["denial_reason"]
        assert reason and reason in flat, lt.id
        if shape == "reason_table_cell":
            line = next(ln for ln in lt.text.splitlines() if reason in ln)
            assert re.match(r"(Reason|Reason for denial|Denial reason|Rationale)\s*(\||\t| )",
                            line), (lt.id, line)
        if shape == "reason_after_decision":
            before = flat[:flat.index(reason)][-200:]
            assert "determin" in before.lower() or "denied" in before.lower(), lt.id
        if shape == "reason_under_heading":
            assert any(h.lower() in flat[:flat.index(reason)].lower()[-60:]
                       for h in R.REASON_HEADINGS_SEEN), lt.id
    if shape == "reason_criteria_list":
        assert any(len(re.findall(r"(\n\s*(?:[-•*o☐]|\d\.) )", lt.text)) >= 2
                   for lt in _with(shape))


def test_department_letterhead_is_not_the_payer() -> None:
    for lt in _with("payer_department_letterhead"):
        dept = next(d for d in G.DEPARTMENTS if d.lower() in lt.text.lower())
        assert _untagged(lt, dept, "PAYER"), lt.id
        s, e = _spans(lt, "PAYER")[0]
        assert lt.labels["payer"] == lt.text[s:e]
        assert dept.lower() not in lt.text[s:e].lower()


def test_benefit_manager_on_behalf_of_the_plan() -> None:
    managers = [*G.PBM_NAMES, *V.RBMS]
    for lt in _with("benefit_manager_on_behalf"):
        first_line = lt.text.split("\n", 1)[0]
        bm = next(m for m in managers if m.lower() == first_line.lower())
        assert _untagged(lt, bm, "PAYER"), lt.id
        payer = lt.labels["payer"]
        assert payer and payer not in managers and bm.lower() not in payer.lower(), lt.id
        s, _ = _spans(lt, "PAYER")[0]
        before, _ = _line_of(lt, s)
        assert re.search(r"(on behalf of|Acting for|For members of|manager for|benefits for|"
                         r"review for) $", before), (lt.id, before)


def test_official_notice_form_cites_its_own_plan() -> None:
    cites = {"erisa": "502(a)", "fehb": "OPM", "aca_individual": "Marketplace"}
    for lt in _with("official_notice_form"):
        assert lt.plan_type in cites, lt.id
        assert "notice of adverse benefit determination" in lt.text.lower()
        assert re.search(r"(\[X\]|☒|\(x\)|■|X) (Pre-service|Post-service)", lt.text), lt.id
        assert cites[lt.plan_type] in lt.text
        others = [t for t, prog in G.OTHER_PROGRAMS if prog != lt.plan_type]
        flat = " ".join(lt.text.split())
        assert any(t in flat for t in others), lt.id
        s, e = _spans(lt, "PAYER")[0]
        assert _line_of(lt, s)[0] in ("Plan name: ", "Health plan: ", "Issuer: ",
                                      "Claims administrator: ")
        assert lt.text[e] == "\n"


def test_member_id_labels_seen_on_unseen_letters() -> None:
    for lt in _with("member_id_label_seen"):
        s, e = _spans(lt, "MEMBER_ID")[0]
        assert lt.labels["member_id"] == lt.text[s:e]
        assert re.fullmatch(r"[A-Z0-9][A-Z0-9 *-]*", lt.text[s:e]), lt.id
        before, above = _line_of(lt, s)
        window = lt.text[max(0, s - 400):s].lower()
        assert any(lab.lower() in window for lab in G.ID_LABELS_SEEN), lt.id


def test_member_id_value_under_its_label() -> None:
    labels = re.compile(r"ID|Identification|Member|Medicare|Medicaid|Recipient|Client|CIN|"
                        r"Policy|DBN|Sponsor|Beneficiary|MBI|Number", re.I)
    for lt in _with("member_id_under_label"):
        s, e = _spans(lt, "MEMBER_ID")[0]
        before, above = _line_of(lt, s)
        if before.strip():  # a row of values: the label is in the same cell of the row above
            col = len(CELLS.split(before)) - 1
            assert labels.search(CELLS.split(above)[col]), (lt.id, above, before)
        else:  # stacked boxes: the label is the line above
            assert labels.search(above), (lt.id, above)


def _state_ids(text: str) -> list[str]:
    """Values printed for a state Medicaid ID label: after it, under it, or in its column."""
    label = r"(?i:State Medicaid ID|Medicaid ID|Medicaid #|CIN|State ID)"
    found = re.findall(label + r"(?::[ \t]*|[ \t]*\|[ \t]*|[ \t]+)([A-Z0-9]{6,})(?=\s|,|$)",
                       text)
    found += re.findall(r"^" + label + r"\n([A-Z0-9]{6,})$", text, re.M)
    lines = text.splitlines()
    for i, line in enumerate(lines[:-1]):
        cells = CELLS.split(line)
        for j, cell in enumerate(cells):
            if re.fullmatch(label, cell.strip()):
                below = CELLS.split(lines[i + 1])
                if j < len(below):
                    found.append(below[j].strip())
    return found


CELLS = re.compile(r" *(?:\t| \| ) *| {3,}")


def test_plan_member_id_tagged_state_medicaid_id_not() -> None:
    for lt in _with("member_id_and_state_medicaid_id"):
        assert lt.plan_type in ("medicaid_mco", "unknown")
        tagged = [lt.text[s:e] for s, e in _spans(lt, "MEMBER_ID")]
        assert tagged and lt.labels["member_id"] == tagged[0]
        state = _state_ids(lt.text)
        assert state, lt.id
        assert not set(state) & set(tagged), lt.id
