"""Member ID and claim number on layouts the generator never drew (issue 11, class 5)."""

from __future__ import annotations

import pytest

from denialparse.types import LetterText, PageText, TextSource
from denialparse.understanding.extract import _fix_ocr_digits, extract

_HEAD = "Northgate Health Plan\n1200 Harbor Way\nSpringfield, IL 62701\n\nMay 4, 2026\n\n"
_TAIL = ("\n\nWe reviewed the request for physical therapy and it is not medically necessary.\n"
         "You may appeal within 180 days.\n")


def _letter(body: str, *, ocr: bool = False) -> LetterText:
    source = TextSource.OCR if ocr else TextSource.PLAIN
    page = PageText(number=1, source=source, text=_HEAD + body + _TAIL,
                    confidence=0.9 if ocr else None)
    return LetterText(pages=[page], source=source)


def _fields(rules_nlp, body: str, *, ocr: bool = False):
    return extract(_letter(body, ocr=ocr), rules_nlp).fields


def _value(field) -> str | None:
    return None if field is None else field.value.replace(" ", "").replace("-", "")


@pytest.mark.parametrize(("line", "member"), [
    ("Patient: Dana Ruiz      ID#  WQ7730155", "WQ7730155"),
    ("Identification No.: 55120-88431", "5512088431"),
    ("Subscriber #  88213077", "88213077"),
    ("Member No. YHK904412276", "YHK904412276"),
    ("Enrollee ID: 4410029931", "4410029931"),
    ("Customer ID:    U7041198823", "U7041198823"),
    ("Insured's ID No.: 300129944", "300129944"),
    ("Cert # 77120094", "77120094"),
    ("ID #: 4471900936", "4471900936"),
    ("Member # 300441997", "300441997"),
    ("Insured ID 993017725", "993017725"),
    ("Policy # 88201-4471", "882014471"),
    ("Recipient ID: 120055873301", "120055873301"),
    ("Beneficiary Identification Number: 9GT2-KP4-WM81", "9GT2KP4WM81"),
])
def test_member_id_labels(rules_nlp, line: str, member: str) -> None:
    assert _value(_fields(rules_nlp, line).member_id) == member


@pytest.mark.parametrize(("body", "member"), [
    ("Member ID: XZM 4418 2093 7\nClaim #: 2026050400123", "XZM441820937"),
    ("Subscriber ID: W12345 6789     Group: 00417", "W123456789"),
    ("Member ID: 88120934 Group Number: 71-00412", "88120934"),
    ("Member ID: 88120934 Date of service: 04/02/2026", "88120934"),
    ("Member ID: 88120934 04/02/2026", "88120934"),
])
def test_member_id_split_by_spaces_and_next_label(rules_nlp, body: str, member: str) -> None:
    assert _value(_fields(rules_nlp, body).member_id) == member


def test_ids_in_the_cells_under_their_labels(rules_nlp) -> None:
    body = ("Patient name            Member ID          Claim number\n"
            "Dana Ruiz               K40081123          E77120048813\n")
    f = _fields(rules_nlp, body)
    assert _value(f.member_id) == "K40081123"
    assert _value(f.claim_id) == "E77120048813"


def test_claim_cell_under_its_label_is_not_the_member_id(rules_nlp) -> None:
    body = ("Claim #                      Member ID\n"
            "2026041100587                W90014423\n")
    f = _fields(rules_nlp, body)
    assert _value(f.claim_id) == "2026041100587"
    assert _value(f.member_id) == "W90014423"


def test_value_on_the_line_under_its_label(rules_nlp) -> None:
    f = _fields(rules_nlp, "Your member ID number:\n  JQ4471109\n")
    assert _value(f.member_id) == "JQ4471109"


@pytest.mark.parametrize("body", [
    "Member ID: 66120944           Medicaid ID: 310088441227",
    "Medicaid ID: 310088441227\nPlan member ID: 66120944",
    "MBI: 3QW7-RT2-KM55\nMember ID: 66120944",
    "Recipient ID: 310088441227     Subscriber ID: 66120944",
])
def test_the_plan_member_id_beats_a_state_or_medicare_id(rules_nlp, body: str) -> None:
    assert _value(_fields(rules_nlp, body).member_id) == "66120944"


def test_a_medicare_contract_number_is_not_the_member_id(rules_nlp) -> None:
    body = "Member number: H4421-017 / 5530912284"
    assert _value(_fields(rules_nlp, body).member_id) == "5530912284"


@pytest.mark.parametrize(("body", "claim"), [
    ("Claim # 7712004455", "7712004455"),
    ("Claim number: 7712004455 150.00 billed", "7712004455"),
    ("ICN 2226041155309", "2226041155309"),
    ("Case #: AP-2026-00417", "AP202600417"),
    ("Tracking number 55-0019-77", "55001977"),
    ("Request ID: PA-88012-TX", "PA88012TX"),
    ("Claims > Claim 7C1E-22019-003", "7C1E22019003"),
    ("Authorization #:\n   AU-55019", "AU55019"),
])
def test_claim_id_labels(rules_nlp, body: str, claim: str) -> None:
    assert _value(_fields(rules_nlp, body).claim_id) == claim


def test_claim_split_inside_a_group_by_ocr(rules_nlp) -> None:
    f = _fields(rules_nlp, "Claim number 31-2604 1-558-102\n", ocr=True)
    assert _value(f.claim_id) == "312604155810 2".replace(" ", "")


@pytest.mark.parametrize(("raw", "fixed"), [
    ("58221O09", "58221009"),
    ("1EG4-TE5-MK7B", "1EG4-TE5-MK78"),  # an MBI has no B, S, O, I, L or Z
    ("7QS4-HT8-XR1S", "7Q54-HT8-XR15"),
])
def test_fix_ocr_digits(raw: str, fixed: str) -> None:
    assert _fix_ocr_digits(raw) == fixed


def test_an_ocr_id_with_a_letter_that_may_be_a_digit_is_less_sure(rules_nlp) -> None:
    sure = _fields(rules_nlp, "Customer ID: U7041198823", ocr=True).member_id
    unsure = _fields(rules_nlp, "Customer ID: US041198823", ocr=True).member_id
    assert sure is not None and unsure is not None
    assert unsure.confidence < sure.confidence


@pytest.mark.parametrize("sure", ["YPB844103392", "H83304719"])
def test_a_card_alpha_prefix_read_by_ocr_is_not_unsure(rules_nlp, sure: str) -> None:
    found = _fields(rules_nlp, f"Member ID: {sure}", ocr=True).member_id
    assert found is not None and found.confidence > 0.7


@pytest.mark.parametrize(("body", "member"), [
    ("Medicare Nurnber: 5TW2-QA7-HN40", "5TW2QA7HN40"),
    ("Enrollee: Ana Ortiz      1D: K2207714093", "K2207714093"),
    ("Participant: Lee Moss    Member Lb: 41120094-02", "4112009402"),
    ("Beneficiary: MOSS, LEE        DBN: 2204419870", "2204419870"),
])
def test_member_labels_as_ocr_or_tricare_print_them(rules_nlp, body: str, member: str) -> None:
    assert _value(_fields(rules_nlp, body, ocr=True).member_id) == member


@pytest.mark.parametrize(("body", "claim"), [
    ("Acme claim number; 7720019944", "7720019944"),
    ("**Claim:** CLM-2025-0417", "CLM20250417"),
    ("regarding the Notice of Adverse Benefit Determination, NABD Number ZZ-19-004417, denying",
     "ZZ19004417"),
])
def test_claim_labels_as_ocr_or_markdown_print_them(rules_nlp, body: str, claim: str) -> None:
    assert _value(_fields(rules_nlp, body).claim_id) == claim
