"""Issue 11, failure classes 3 and 4: who the payer is, and the plan type of official notice forms.

Payer: the plan whose coverage it is, never a letterhead department, a service, a title or a
template placeholder; a benefit manager's letter gives the plan it names. Plan type: a notice's
own identity (the law its appeal rights cite) outweighs paragraphs about other programs.
The letters here are written for these tests (no copies of any model notice).
"""

from __future__ import annotations

import pytest

from denialparse.types import LetterText, PageText, TextSource
from denialparse.understanding.extract import extract


def _fields(nlp, text: str):
    letter = LetterText(pages=[PageText(number=1, source=TextSource.PLAIN, text=text)],
                        source=TextSource.PLAIN)
    return extract(letter, nlp).fields


BODY = """
May 4, 2026

Member ID: QX55120034

Dear Member,

The claim for your physical therapy visits is denied because the visits exceed the 20 visits
per year your plan covers. You may appeal within 180 days of receipt of this letter.
"""


# ---------------------------------------------------------------------------------- the payer
@pytest.mark.parametrize(
    ("letterhead", "payer"),
    [
        # a department above the plan's name
        ("Care Management\nRiverbend Community Health Plan\n1400 Harbor Road",
         "Riverbend Community Health Plan"),
        ("Pharmacy Benefit Services\nPrairie Valley Health\n", "Prairie Valley Health"),
        # the department printed after the plan's name
        ("Bayshore Insurance Company Appeals Unit\nPO Box 4410\n", "Bayshore Insurance Company"),
        # the letter's title after a dash
        ("Northstar Insurance - Prior Authorization Denial\n", "Northstar Insurance"),
        # a name that reads like a health plan's beats an earlier payer-like line
        ("Greenleaf Pharmacy Solutions\nGreenleaf Health Plan\n", "Greenleaf Health Plan"),
        # a labelled plan line gives the name without its label
        ("Plan name: Copperline Manufacturing Group Health Plan\n",
         "Copperline Manufacturing Group Health Plan"),
    ],
)
def test_the_payer_is_the_plan_not_a_department_or_a_title(rules_nlp, letterhead: str,
                                                            payer: str) -> None:
    got = _fields(rules_nlp, letterhead + BODY).payer
    assert got is not None and got.value == payer


def test_a_payer_named_only_under_the_closing(rules_nlp) -> None:
    text = ("NOTICE OF DENIAL\n" + BODY
            + "\nSincerely,\n\nMedical Director\nGlobal Harbor Insurance\n")
    got = _fields(rules_nlp, text).payer
    assert got is not None and got.value == "Global Harbor Insurance"
    assert got.confidence < 0.6  # a signature line, not a letterhead: someone should look


def test_a_plan_named_only_in_what_the_law_makes_it_print(rules_nlp) -> None:
    text = ("PO Box 7710\nTampa, FL 33601\n" + BODY
            + "\nSunrise Senior Health Plan is an HMO plan with a Medicare contract. Enrollment in"
            " Sunrise Senior Health Plan depends on contract renewal.\n"
            "Sunrise Senior Health Plan complies with applicable Federal civil rights laws.\n")
    got = _fields(rules_nlp, text)
    assert got.payer is not None and got.payer.value == "Sunrise Senior Health Plan"
    assert got.plan_type is not None and got.plan_type.value == "medicare_advantage"


@pytest.mark.parametrize("name", ["Finance Center", "Utilization Management Department",
                                  "Pharmacy Services", "Appeals Unit", "Customer Care Center",
                                  "Health Plan", "MCC Letterhead", "[Plan Logo]"])
def test_a_department_generic_words_or_a_placeholder_name_no_payer(name: str) -> None:
    """Also what the trained model tags: its payer spans are cleaned the same way."""
    from denialparse.understanding.finders.payers import without_department
    from denialparse.understanding.model_candidates import _clean_value

    assert without_department(name) is None
    assert _clean_value("payer", name) is None


def test_a_brand_in_a_sentence_about_other_coverage_is_not_the_payer(rules_nlp) -> None:
    text = ("Notice of Adverse Benefit Determination\n" + BODY
            + "\nIf you have Medicare, this notice does not change your Medicare benefits.\n")
    assert _fields(rules_nlp, text).payer is None  # the letter names no plan: none is invented


def test_a_brand_addressing_its_own_members_stays_the_payer(rules_nlp) -> None:
    text = "NOTICE OF DENIAL\n" + BODY + "\nAetna plan members may ask for an appeal.\n"
    got = _fields(rules_nlp, text).payer
    assert got is not None and got.value == "Aetna"


def test_a_state_program_is_the_payer_only_when_no_plan_is_named(rules_nlp) -> None:
    template = "<MCO> Letterhead\n" + BODY + "\nYou can also ask TennCare for a fair hearing.\n"
    got = _fields(rules_nlp, template).payer
    assert got is not None and got.value == "TennCare" and got.confidence < 0.7
    named = "Sunshine Health\n" + BODY + "\nYou can also ask TennCare for a fair hearing.\n"
    assert _fields(rules_nlp, named).payer.value == "Centene"


# -------------------------------------------------------------- the plan a benefit manager names
@pytest.mark.parametrize(
    ("sentence", "plan"),
    [
        ("CVS Caremark administers the prescription benefit of your Harborview Health Plan.",
         "Harborview Health Plan"),
        ("Lakeside Health Plan has delegated the review of advanced imaging to us.",
         "Lakeside Health Plan"),
        ("We manage pharmacy benefits for Granite State Health Plan members.",
         "Granite State Health Plan"),
        ("This notice is about your Sunrise Health Medicare Advantage plan.", "Sunrise Health"),
        ("Pharmacy Benefit Manager for Blue Cross and Blue Shield of Minnesota",
         "Blue Cross and Blue Shield of Minnesota"),
        ("Blue Advantage Pharmacy Benefit Management", "Blue Advantage"),
        # a period OCR put inside the name does not end it; a sentence does
        ("Pharmacy Benefit Manager for Blue. Cross and Blue Shield of Minnesota",
         "Blue Cross and Blue Shield of Minnesota"),
        ("We act on behalf of Acme Health Plan. You may appeal.", "Acme Health Plan"),
        ("Plan: Great Lakes Logistics Group Benefit Plan (ERISA)",
         "Great Lakes Logistics Group Benefit Plan"),
        ("Plan sponsor: Midwest Grain Cooperative Employee Health Plan",
         "Midwest Grain Cooperative Employee Health Plan"),
        ("We review requests for Medicare members.", None),  # a program, not a plan
        ("Express Scripts has delegated nothing.", None),  # a benefit manager is not the plan
    ],
)
def test_the_plan_a_benefit_manager_names(sentence: str, plan: str | None) -> None:
    from denialparse.understanding.finders.payers import find_named_plan

    assert [c.value for c in find_named_plan(sentence)][:1] == ([plan] if plan else [])


def test_a_pbm_letter_gives_the_plan_as_payer_and_the_pbm_as_benefit_manager(rules_nlp) -> None:
    text = ("CVS Caremark\nPO Box 52000\nPhoenix, AZ 85072\n" + BODY
            + "\nCVS Caremark administers the prescription benefit of your Harborview Health"
            " Plan.\n")
    got = _fields(rules_nlp, text)
    assert got.payer is not None and got.payer.value == "Harborview Health Plan"
    assert got.benefit_manager is not None and got.benefit_manager.value == "CVS Caremark"


def test_carelon_is_a_benefit_manager_not_anthem(rules_nlp) -> None:
    text = ("Carelon\n" + BODY
            + "\nCarelon reviewed this request for Meadowlark Health Plan members.\n")
    got = _fields(rules_nlp, text)
    assert got.payer is not None and got.payer.value == "Meadowlark Health Plan"
    assert got.benefit_manager is not None
    assert got.benefit_manager.value == "Carelon Medical Benefits Management"


# ------------------------------------------------------------------ plan type on notice forms
OTHER_PROGRAMS = """
Other resources. If you have Medicare, Medicare Advantage members should ask their Medicare
health plan about Medicare appeals, and Part D enrollees should call 1-800-MEDICARE. If you are
enrolled in Medicaid or CHIP, you may also ask your state Medicaid agency for a State fair
hearing. Medicaid members may call the number on their card.
"""
NOTICES = {
    "erisa": """NOTICE OF ADVERSE BENEFIT DETERMINATION
Plan: Copperline Manufacturing Group Health Plan
Your claim for a knee arthroscopy was denied under Section 4.2 of the plan document.
You may request a review within 180 days following receipt of this notice under 29 CFR
2560.503-1, and you may bring a civil action under section 502(a) of the Act after the review.
""",
    "fehb": """Notice of Denial
Plan: Keystone Federal Health Benefit Plan
We denied your claim for a glucose monitor because the brochure excludes it. You may ask us to
reconsider within 6 months of this notice (5 CFR 890.105); if we do not change our decision you
may ask OPM to review it.
""",
    "aca_individual": """Notice of Adverse Benefit Determination
Coverage: an individual health plan bought through the Health Insurance Marketplace
We denied prior authorization for a sleep study as not medically necessary. You may file an
internal appeal within 180 days and then ask for external review under 45 CFR 147.136.
""",
    "medicaid_mco": """Notice of Adverse Benefit Determination
We denied home health visits as not medically necessary. You may appeal to us within 60 days
of this notice under 42 CFR 438.402; after our decision you may ask for a State fair hearing.
""",
    "tricare": """Denial notice
We denied the claim for a sleep study. You may ask for reconsideration within 90 days, as
32 CFR 199.10 provides.
""",
}


@pytest.mark.parametrize("plan_type", sorted(NOTICES))
def test_a_notice_form_is_the_plan_type_its_appeal_rights_cite(rules_nlp, plan_type: str) -> None:
    got = _fields(rules_nlp, NOTICES[plan_type] + OTHER_PROGRAMS).plan_type
    assert got is not None and got.value == plan_type


@pytest.mark.parametrize(
    ("letter", "plan_type"),
    [
        ("""Sunrise Health Plan
Notice of Denial of Medical Coverage
We denied the outpatient MRI you asked for because it is not medically necessary. You may ask us
to reconsider this organization determination within 65 days.
If you have Medicaid, you may also have the right to a State fair hearing. If you are enrolled in
Medicaid, your state Medicaid agency can help. Medicaid members may call 1-800-555-0100.
""", "medicare_advantage"),
        ("""Bayou Family Health
We denied home nursing visits because they are not medically necessary. You have 60 days from
the date of this notice to ask us for an appeal. After the appeal you can ask for a State Fair
Hearing.
If you have Medicare, Medicare Advantage members should call their Medicare plan. If you also
have Medicare Part D, contact your drug plan.
""", "medicaid_mco"),
    ],
)
def test_a_plans_own_letter_outweighs_its_paragraph_on_other_programs(
        rules_nlp, letter: str, plan_type: str) -> None:
    got = _fields(rules_nlp, letter).plan_type
    assert got is not None and got.value == plan_type


@pytest.mark.parametrize(
    ("sentence", "other"),
    [
        ("If you have Medicare Part B or a Medicare Advantage plan, Medicare pays first.", True),
        ("If your plan is a Medicare Advantage plan, call us.", True),
        ("If you are a Medicaid member, ask your state for a fair hearing.", True),
        ("Medicare Advantage members should call their plan.", True),
        ("Other resources\nMedicaid can help with costs.", True),
        ("If you have questions about your Medicare Advantage plan, call us.", False),
        ("If you disagree, you may ask for a State fair hearing.", False),
        ("Your Medicare Advantage plan denied this service.", False),
        ("Medicare Advantage plan members should call their plan.", True),
        ("You may be eligible for Medicaid or CHIP.", True),
        ("Acme Medicaid plan members may ask for a fair hearing.", True),
    ],
)
def test_a_cue_about_other_coverage(sentence: str, other: bool) -> None:
    from denialparse.understanding.classify import about_other_coverage

    low = sentence.lower()
    cue = next(c for c in ("medicare advantage", "medicaid", "fair hearing") if c in low)
    start = low.index(cue)
    assert about_other_coverage(low, start, start + len(cue)) is other


# ------------------------------------------------------------- third-party administrators (TPAs)


def test_a_tpa_letter_gives_the_employer_plan_it_names_as_payer(rules_nlp) -> None:
    """UMR is an alias of UnitedHealthcare in the lexicon, yet it decides for the employer's plan."""
    text = ("UMR\nP.O. Box 1000, Salt Lake City, UT 84130\n\n"
            "Plan: Harbor Valley Teachers Benefit Plan (self-funded; administered by UMR)\n" + BODY)
    got = _fields(rules_nlp, text)
    assert got.payer is not None and got.payer.value == "Harbor Valley Teachers Benefit Plan"
    assert got.benefit_manager is not None and got.benefit_manager.raw == "UMR"


def test_a_tpa_letter_naming_no_plan_keeps_the_tpa(rules_nlp) -> None:
    got = _fields(rules_nlp, "UMR\nP.O. Box 1000, Salt Lake City, UT 84130\n" + BODY)
    assert got.payer is not None and got.payer.raw == "UMR"  # no plan is invented


def test_an_ocr_slip_in_a_plan_word_is_mended_only_on_ocr_text(rules_nlp) -> None:
    text = ("UMR\nP.O. Box 1000, Salt Lake City, UT 84130\n\n"
            "Plan: Harbor Valley Teachers Benelit Plan (self-funded; administered by UMR)\n" + BODY)
    ocr = LetterText(pages=[PageText(number=1, source=TextSource.OCR, text=text, confidence=0.9)],
                     source=TextSource.OCR)
    assert extract(ocr, rules_nlp).fields.payer.value == "Harbor Valley Teachers Benefit Plan"
    # The same words in a text layer are as printed: nothing is mended.
    assert _fields(rules_nlp, text).payer.value == "Harbor Valley Teachers Benelit Plan"
