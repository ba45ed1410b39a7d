"""Rule extraction on letter texts, clean and OCR-like (no binaries, no trained model)."""

from __future__ import annotations

import pytest

from denialparse.types import LetterText, PageText, TextSource
from denialparse.understanding.extract import extract
from denialparse.understanding.finders.codes import find_codes
from denialparse.understanding.finders.dates import parse_date


def _letter(*pages: str, source: TextSource = TextSource.PLAIN) -> LetterText:
    return LetterText(
        pages=[PageText(number=i + 1, source=source, text=t, confidence=0.9 if source == "ocr" else None)
               for i, t in enumerate(pages)],
        source=source,
    )


CIGNA_ERISA = """Cigna Healthcare
P.O. Box 188011
Chattanooga, TN 37422

March 14, 2026

Member ID: U1234567801
Claim Number: 2026031400987
Patient: Jane Q. Doe
Provider: Dr. Alan Smith, MD
Service: Constraint-induced movement therapy (CIMT)
Date of Service: 02/20/2026

Dear Jane Q. Doe,

Coverage for constraint-induced movement therapy is denied because it duplicates the
occupational therapy services already authorized for the same condition. This is considered
duplicate therapy under your plan.

Your plan is governed by the Employee Retirement Income Security Act (ERISA). You have the right
to appeal within 180 days of receipt of this letter. You may file a civil action under section
502(a) of ERISA. If your appeal involves medical necessity or experimental treatment you may ask
for an external review.
"""

HUMANA_PART_D = """HUMANA
Notice of Denial of Medicare Prescription Drug Coverage

Date: 11/09/2025
Enrollee's name: ROBERT T. KLINE
Member ID number: H71548820
Drug: UBRELVY 100 MG TABLET
Prescriber: Dr. Maria Ortiz

We denied your request for UBRELVY 100 MG TABLET because our plan requires that you first try
and fail two preferred alternatives (sumatriptan and rizatriptan) before we will cover this drug.
NCPDP reject code 608.

You have the right to ask us for a redetermination within 65 days from the date of this notice.
"""

MOLINA_MEDICAID_OCR = """Molina Healthcare of Ohio
NOTICE OF ADVERSE BENEFIT DETERMINATION

Notice Date: Ju1y 2, 2026
Member Name: Luis Alvarez Member lD: 80044123
Reference #: PA-2026-55102

Your request for a power wheelchair (K0823) was not approved because the item was
performed by a non-participating provider. The supplier is not part of our network.

If you disagree you may appeal within 60 days of the date on this notice. After the appeal
you may ask for a State Fair Hearing. This is a Medicaid managed care plan.
"""


def test_cigna_duplicate_therapy_fields(rules_nlp) -> None:
    got = extract(_letter(CIGNA_ERISA), rules_nlp)
    f = got.fields
    assert f.payer is not None and f.payer.value == "Cigna"
    assert f.plan_type is not None and f.plan_type.value == "erisa"
    assert f.letter_date is not None and f.letter_date.value == "2026-03-14"
    assert f.service_date is not None and f.service_date.value == "2026-02-20"
    assert f.member_id is not None and f.member_id.value == "U1234567801"
    assert f.claim_id is not None and f.claim_id.value == "2026031400987"
    assert f.patient_name is not None and f.patient_name.value == "Jane Q. Doe"
    assert f.provider_name is not None and "Alan Smith" in f.provider_name.value
    assert f.therapy is not None and "movement therapy" in f.therapy.value.lower()
    assert f.denial_reason is not None and "duplicat" in f.denial_reason.value
    assert got.denial_type is not None and got.denial_type.label == "duplicate_therapy"
    # The appeal-rights boilerplate mentions medical necessity; it must not win.
    assert got.denial_type.scores["medical_necessity"] < 0.2


def test_evidence_points_at_the_printed_text(rules_nlp) -> None:
    got = extract(_letter(CIGNA_ERISA), rules_nlp)
    ev = got.fields.member_id.evidence
    assert ev is not None and ev.page == 1
    assert CIGNA_ERISA[ev.start : ev.end] == "U1234567801"


def test_part_d_step_therapy_indirect_wording(rules_nlp) -> None:
    got = extract(_letter(HUMANA_PART_D), rules_nlp)
    f = got.fields
    assert f.payer.value == "Humana"
    assert f.plan_type.value == "medicare_part_d"
    assert f.letter_date.value == "2025-11-09"
    assert f.member_id.value == "H71548820"
    assert f.therapy.value == "UBRELVY 100 MG TABLET"
    assert f.patient_name.value == "Robert T. Kline"
    assert "NCPDP-608" in f.reference_codes
    assert got.denial_type.label == "step_therapy"
    # "within 65 days from the date of this notice" + letter date -> the letter's own deadline
    assert f.stated_deadline is not None and f.stated_deadline.value == "2026-01-13"


def test_ocr_like_text_medicaid_out_of_network(rules_nlp) -> None:
    got = extract(_letter(MOLINA_MEDICAID_OCR, source=TextSource.OCR), rules_nlp)
    f = got.fields
    assert f.payer.value == "Molina"
    assert f.plan_type.value == "medicaid_mco"
    assert f.member_id.value == "80044123"
    assert f.claim_id.value == "PA-2026-55102"
    assert got.denial_type.label == "out_of_network"
    # "Ju1y" is an OCR slip: we don't guess a date we can't read
    assert f.letter_date is None
    assert "letter_date" in got.needs_review


def test_nothing_is_invented_on_an_unrelated_text(rules_nlp) -> None:
    got = extract(_letter("Grocery list:\nmilk\neggs\nbread\n"), rules_nlp)
    f = got.fields
    for name in ("payer", "plan_type", "therapy", "denial_reason", "letter_date", "member_id",
                 "claim_id", "patient_name", "provider_name"):
        assert getattr(f, name) is None, name
    assert f.reference_codes == []
    assert got.denial_type is None
    assert {"payer", "therapy", "letter_date", "denial_type"} <= set(got.needs_review)


def test_multi_page_evidence_maps_to_the_right_page(rules_nlp) -> None:
    page2 = "Claim Number: ZX-99812\nThe claim was received after the timely filing limit."
    got = extract(_letter("Aetna\n\nJanuary 5, 2026\n", page2), rules_nlp)
    ev = got.fields.claim_id.evidence
    assert ev.page == 2
    assert page2[ev.start : ev.end] == "ZX-99812"
    assert got.denial_type.label == "timely_filing"


def test_unknown_payer_keeps_its_printed_name(rules_nlp) -> None:
    text = "Prairie Sky Health Plan\n123 Main St\n\nApril 1, 2026\n\nMember ID: PSH0012345\n"
    got = extract(_letter(text), rules_nlp)
    assert got.fields.payer is not None
    assert got.fields.payer.value == "Prairie Sky Health Plan"
    assert got.fields.payer.confidence < 0.7  # printed name, not a known brand: review it
    assert "payer" in got.needs_review


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("March 14, 2026", "2026-03-14"),
        ("Mar. 4 2026", "2026-03-04"),
        ("14 March 2026", "2026-03-14"),
        ("03/14/2026", "2026-03-14"),
        ("3-4-26", "2026-03-04"),
        ("2026-03-14", "2026-03-14"),
        ("02/30/2026", None),
    ],
)
def test_parse_date(raw: str, iso: str | None) -> None:
    parsed = parse_date(raw)
    assert (parsed.isoformat() if parsed else None) == iso


def test_codes_carc_rarc_ncpdp() -> None:
    text = "Adjustment: CO-197, PR-96. Remark codes: N20, MA130. NCPDP Reject Code: 75. CARC 50"
    codes = [c for c, _, _ in find_codes(text)]
    assert codes[:2] == ["CO-197", "PR-96"]
    assert {"N20", "MA130", "NCPDP-75", "50"} <= set(codes)


@pytest.mark.parametrize(
    ("sentence", "label"),
    [
        ("This drug is not on your plan's list of covered drugs.", "non_formulary"),
        ("The service was performed by a non-participating provider.", "out_of_network"),
        ("You must first try and fail two preferred alternatives.", "step_therapy"),
        ("The request exceeds the plan's quantity limit of 30 tablets per 30 days.", "quantity_limit"),
        ("We denied the claim because no prior authorization was obtained.", "prior_auth"),
        ("This treatment is considered experimental and investigational.", "experimental"),
        ("Cosmetic procedures are excluded under your plan.", "not_covered"),
        ("The procedure code is inconsistent with the modifier used.", "coding_billing"),
        ("The claim was denied because it is a duplicate claim previously processed.", "coding_billing"),
        ("Two SSRIs at the same time is therapeutic duplication.", "duplicate_therapy"),
        ("The service is not medically necessary for your condition.", "medical_necessity"),
        ("The claim was received after the timely filing limit.", "timely_filing"),
    ],
)
def test_denial_type_wordings(rules_nlp, sentence: str, label: str) -> None:
    got = extract(_letter(f"Notice of denial\n\n{sentence}\n"), rules_nlp)
    assert got.denial_type is not None
    assert got.denial_type.label == label


@pytest.mark.parametrize(
    ("sentence", "due"),
    [
        ("You must ask within 65 calendar days from the date of this notice.", "2026-05-20"),
        ("Appeals must be received 60 days of the mail date of this notice.", "2026-05-15"),
        ("Your request must be received within 6 months from the date of this letter.", "2026-09-16"),
        ("You have 180 days from the date you receive this letter to appeal.", None),
    ],
)
def test_stated_deadline_counted_from_the_notice(rules_nlp, sentence: str, due: str | None) -> None:
    got = extract(_letter(f"Aetna\n\nMarch 16, 2026\n\n{sentence}\n"), rules_nlp)
    stated = got.fields.stated_deadline
    assert (stated.value if stated else None) == due


def test_plan_and_denial_cues_are_written_in_lower_case() -> None:
    """The cue matchers lower-case the text instead of matching case-insensitively."""
    import re

    from denialparse.understanding import lexicon

    for table in (lexicon.PLAN_CUES, lexicon.DENIAL_CUES):
        for cues in table.values():
            for pattern, _ in cues:
                assert not re.search(r"(?<!\\)[A-Z]", pattern), pattern


@pytest.mark.parametrize(("line", "expected"), [
    ("Policy Number: ZGP448120391", "ZGP448120391"),
    ("Certificate No. 884120337", "884120337"),
    ("CIN: AB12345C", "AB12345C"),
    ("Medical Policy Number: MP-0123", None),  # a guideline, not the member
    ("Clinical policy # 0456 applies", None),
])
def test_member_id_labels_of_commercial_and_medicaid_cards(line: str, expected: str | None) -> None:
    from denialparse.understanding.finders.ids import find_ids

    found = {c.value for c in find_ids(line + "\n") if c.field == "member_id"}
    assert found == ({expected} if expected else set())


def test_a_few_words_with_no_denial_wording_get_no_denial_type() -> None:
    """The classifier's guess on "garbage" is not a denial type (we never invent)."""
    from denialparse.types import LetterText, PageText, TextSource
    from denialparse.understanding.extract import extract
    from denialparse.understanding.pipeline import load_pipeline

    letter = LetterText(source=TextSource.PLAIN,
                        pages=[PageText(number=1, source=TextSource.PLAIN, text="garbage")])
    result = extract(letter, load_pipeline(None))
    assert result.denial_type is None
    assert "denial_type" in result.needs_review


# ------------------------------------------------------------------ payer and benefit manager
PBM_LETTER = """Express Scripts
PO Box 66583
St. Louis, MO 63166

March 3, 2026

Member ID: W123456789

Dear Jane Doe,

Express Scripts{on_behalf} has reviewed the request for Humira. The request was denied because
the drug is not on the formulary.

To appeal, write to Express Scripts Appeals, PO Box 66588, St. Louis, MO 63166.
"""


def test_a_benefit_manager_on_behalf_of_a_plan_gives_the_plan_as_payer(rules_nlp) -> None:
    text = PBM_LETTER.format(on_behalf=", on behalf of Acme Health Plan,")
    got = extract(_letter(text), rules_nlp).fields
    assert got.payer is not None and got.payer.value == "Acme Health Plan"
    assert got.benefit_manager is not None and got.benefit_manager.value == "Express Scripts"


def test_your_known_plan_names_the_plan_a_radiology_manager_decides_for(rules_nlp) -> None:
    text = ("eviCore healthcare\n730 Cool Springs Blvd\n\nApril 2, 2026\n\nMember ID: A12345678\n\n"
            "We reviewed the MRI of the lumbar spine requested under your Aetna Choice POS II plan "
            "and it is not medically necessary.\n")
    got = extract(_letter(text), rules_nlp).fields
    assert got.payer is not None and got.payer.value == "Aetna"
    assert got.benefit_manager is not None and got.benefit_manager.value == "eviCore healthcare"


def test_a_benefit_manager_alone_stays_the_payer_and_no_plan_is_invented(rules_nlp) -> None:
    got = extract(_letter(PBM_LETTER.format(on_behalf="")), rules_nlp).fields
    assert got.payer is not None and got.payer.value == "Express Scripts"
    assert got.benefit_manager is not None and got.benefit_manager.value == "Express Scripts"


def test_a_plan_letter_names_no_benefit_manager(rules_nlp) -> None:
    got = extract(_letter(CIGNA_ERISA), rules_nlp).fields
    assert got.payer is not None and got.payer.value == "Cigna"
    assert got.benefit_manager is None
    assert "benefit_manager" in got.model_dump()  # the key is always there, null


def test_the_administrator_is_the_benefit_manager(rules_nlp) -> None:
    text = CIGNA_ERISA.replace("Your plan is governed", "Your plan is administered by UMR. It is governed")
    got = extract(_letter(text), rules_nlp).fields
    assert got.administrator is not None and got.administrator.value == "UMR"
    assert got.benefit_manager == got.administrator


@pytest.mark.parametrize(
    ("sentence", "plan"),
    [
        ("We decided on behalf of Acme Health Plan, your insurer.", "Acme Health Plan"),
        ("This review was done for members of Blue Cross Blue Shield of Michigan.",
         "Blue Cross Blue Shield of Michigan"),
        ("Your Aetna Medicare Advantage plan does not cover it.", "Aetna"),
        ("Your doctor asked on behalf of John Smith.", None),  # a person, not a plan
        ("The request was made on behalf of your health plan.", None),  # names no plan
        ("We act on behalf of Express Scripts.", None),  # a benefit manager is not the plan
    ],
)
def test_the_named_plan(sentence: str, plan: str | None) -> None:
    from denialparse.understanding.finders.payers import find_named_plan

    assert [c.value for c in find_named_plan(sentence)] == ([plan] if plan else [])
