"""The denial reason where letters nobody here wrote put it (issue 11, failure class 2).

Each letter below is written for this test in its own words; each case failed on the finder
before it read headings, table cells, decision lines with their why, and unmet-criteria lists.
"""

from __future__ import annotations

import pytest

from denialparse.types import LetterText, PageText, TextSource
from denialparse.understanding.extract import extract
from denialparse.understanding.finders.reasons import find_reason
from denialparse.understanding.sentences import split_sentences


def _reason(text: str, nlp):
    letter = LetterText(pages=[PageText(number=1, source=TextSource.PLAIN, text=text)],
                        source=TextSource.PLAIN)
    return extract(letter, nlp).fields.denial_reason


HEADING_ALONE = """Northwind Health Plan
Member ID: NW5512093

Dear Ms. Parrish,

We reviewed the request from Dr. Okafor for lumbar spinal fusion.

Why we denied your request
The clinical notes we were sent do not show six months of physical therapy or other
conservative care before surgery was requested. Imaging does not show instability.

What you can do next
If you disagree with this decision, you have the right to appeal within 60 days.
"""

HEADING_WITHOUT_CUE = """Bluewater Care
Member ID: BW88120

Re: Continuous glucose monitor

Reason(s) for this decision
The notes provided show the member checks blood sugar twice a day and is not on insulin.
Our coverage policy for continuous glucose monitors requires multiple daily insulin doses.

Your right to appeal
You may ask for an appeal within 65 days.
"""

EXPLANATION_LABEL = """Cedar Valley Health
Member ID: CV100233

Service: Home health aide visits

Explanation:
Custodial help with bathing and dressing is outside what the home health benefit pays for.
Skilled nursing needs were not documented for these dates.

If you disagree you may appeal.
"""


@pytest.mark.parametrize(("text", "first", "last"), [
    (HEADING_ALONE, "The clinical notes", "does not show instability."),
    (HEADING_WITHOUT_CUE, "The notes provided", "multiple daily insulin doses."),
    (EXPLANATION_LABEL, "Custodial help", "not documented for these dates."),
], ids=["why-we-denied", "reasons-for-this-decision", "explanation"])
def test_the_block_under_a_reason_heading(rules_nlp, text: str, first: str, last: str) -> None:
    got = _reason(text, rules_nlp)
    assert got is not None
    assert got.value.startswith(first) and got.value.endswith(last)
    assert "appeal" not in got.value


def test_the_reason_column_of_a_claim_table(rules_nlp) -> None:
    text = """Pinecrest Insurance
Member ID: PI3390021

Claim summary
Claim number      Date of service   Billed     Paid    Reason
PC-2291-004       03/02/2026        $412.00    $0.00   Service performed by a provider outside your network

If you have questions call member services.
"""
    got = _reason(text, rules_nlp)
    assert got is not None and got.value == "Service performed by a provider outside your network"


def test_a_reason_row_stops_at_the_next_row(rules_nlp) -> None:
    text = """Orchard Health
Member ID: OH2209118

Claim number: 99120034
Denial reason: Procedure billed without the required anatomical modifier
Amount billed: $220.00

You may request a review of this claim.
"""
    got = _reason(text, rules_nlp)
    assert got is not None
    assert got.value == "Procedure billed without the required anatomical modifier"


def test_a_code_under_the_reason_label_yields_to_the_letters_own_words(rules_nlp) -> None:
    text = """Granite State Health
Member ID: GS4471002

Your claim for a knee arthroscopy has been denied.

Denial reason: CO-50 - Non-covered services because this is not deemed a medical necessity

Reviewer comments: Arthroscopic debridement is not medically necessary for knee arthritis without
locking or a loose body. The records describe pain and stiffness only.

You have the right to appeal within 180 days.
"""
    got = _reason(text, rules_nlp)
    assert got is not None and "Arthroscopic debridement" in got.value
    assert "CO-50" not in got.value


def test_a_decision_line_keeps_the_sentences_that_say_why(rules_nlp) -> None:
    text = """Harbor Mutual
Member ID: HM5529012

Dear Provider,

Your request for an MRI of the left knee has been determined as not medically necessary.
The information submitted does not show at least six weeks of guided home exercise or
physical therapy. It also does not show a change on the exam that would alter treatment.

You have the right to appeal this decision.
"""
    got = _reason(text, rules_nlp)
    assert got is not None
    assert got.value.startswith("Your request for an MRI")
    assert got.value.endswith("would alter treatment.")


def test_a_decision_line_after_its_reason(rules_nlp) -> None:
    text = """Lakeview Benefit Plan
Member ID: LB2201877

The plan excludes hearing aids and the exams to fit them. See the plan booklet, Exclusions,
item 12. The claim is therefore denied.

You may ask for a review within 180 days.
"""
    got = _reason(text, rules_nlp)
    assert got is not None and got.value.startswith("The plan excludes hearing aids")


@pytest.mark.parametrize(("text", "items"), [
    ("""Redwood Health
Member ID: RW3310442

We cannot approve the request for bariatric surgery.

You do not meet the following criteria:
- A body mass index of 40 or more, or 35 or more with a related condition
- Completion of a six-month supervised weight loss program

You have the right to appeal.
""", ("body mass index of 40", "supervised weight loss program")),
    ("""Valleywide Health
Member ID: VW8812003

Your request for Ozempic has been denied.

Criteria not met:
1. A diagnosis of type 2 diabetes documented in the chart
2. A trial of metformin for at least 90 days

If you disagree you may appeal within 60 days.
""", ("type 2 diabetes", "metformin for at least 90 days")),
    ("""Foothill Rx
Member ID: FR0092211

The requested drug is not approved. Under the plan's policy, members must first show an
inadequate response to:

  1) two weeks of a generic triptan, and
  2) one preferred combination product

Please have your doctor send chart notes.
""", ("generic triptan", "preferred combination product")),
], ids=["bullets", "numbered", "indented-after-a-colon"])
def test_the_list_of_unmet_criteria(rules_nlp, text: str, items: tuple[str, ...]) -> None:
    got = _reason(text, rules_nlp)
    assert got is not None
    for item in items:
        assert item in got.value


def test_a_reason_code_column_is_not_a_reason() -> None:
    text = """Claim  Date        Billed   Paid   Remark
A-118  01/03/2026  $90.00   $0.00  CO-97
"""
    assert find_reason(text, split_sentences(text)) == []


def test_appeal_rights_are_never_the_reason(rules_nlp) -> None:
    text = """Summit Plan
Member ID: SP7781203

We denied your request for a sleep study.

If you disagree with our decision, you have the right to ask for an appeal because we must
review it again within 30 days.
"""
    got = _reason(text, rules_nlp)
    assert got is not None and "right" not in got.value


def test_wording_under_an_appeal_rights_heading_is_not_the_reason(rules_nlp) -> None:
    text = """Maple Leaf Health
Explanation of Benefits

Member name      Tomas Brandt         Member ID      MLH-2201934
Service date     February 9, 2026

Service              Billed      Paid    Reason
MRI brain            $1,800.00   $0.00   Eastside Imaging is not a plan provider

YOUR RIGHT TO APPEAL
You may appeal within 180 days. For out-of-network billing disputes you may be eligible for a
federal dispute process.
"""
    got = _reason(text, rules_nlp)
    assert got is not None and got.value == "Eastside Imaging is not a plan provider"


def test_a_decision_in_the_appeal_section_still_counts(rules_nlp) -> None:
    text = """Birch Valley Plan
Member ID: BV3390117

Claim lines
Office visit     $140.00    $0.00    CO-197

YOUR APPEAL RIGHTS
You have the right to appeal within 180 days. The visit on 03/02/2026 was denied because no
authorization was on file for it. Call us to ask about the process.
"""
    got = _reason(text, rules_nlp)
    assert got is not None and "no authorization was on file" in got.value


def test_a_forms_fields_are_not_the_reason(rules_nlp) -> None:
    # A text layer that lost the gaps between labels and values: the lines still are fields.
    text = """Cobalt Health
Statement of benefits

Patient Dora Quist Member ID CH-4410028 Group 5521
Provider Westgate Family and Urgent Care Clinic (OUT-OF-NETWORK)
Service Date May 2, 2026 Place of service Office
Diagnosis J45.40 - Moderate persistent asthma, uncomplicated

Explanation: The inhaler training visit repeats the teaching given at the visit a week before.
"""
    got = _reason(text, rules_nlp)
    assert got is not None and got.value.startswith("The inhaler training visit repeats")


def test_a_reason_label_after_a_sentence_on_the_same_line(rules_nlp) -> None:
    text = """Prairie Sky Health
We could not approve the sleep study. Reason: Your symptoms can be tested with a home study first.
Member ID PS-55120934
"""
    got = _reason(text, rules_nlp)
    assert got is not None and got.value == "Your symptoms can be tested with a home study first."


def test_a_why_beats_a_decision_line_that_gives_none(rules_nlp) -> None:
    text = """NORTHERN LAKES HEALTH | Utilization Review Department | 12 Pier Rd

Member ID: NL7731220

We looked at the bill from Harbor Lab for 04/11/2026.

Your claim was not paid.

The lab is in our network. The order form is missing the ordering doctor's signature.
"""
    got = _reason(text, rules_nlp)
    assert got is not None and "missing the ordering doctor's signature" in got.value


def test_a_rule_about_drugs_in_general_is_not_this_letters_reason(rules_nlp) -> None:
    text = """Quarry Rx Plan
Member ID: QR1100274

Some medications have quantity limits to keep you safe.

Your doctor asked for 90 capsules a month, which exceeds your plan's limit of 30.
"""
    got = _reason(text, rules_nlp)
    assert got is not None and "which exceeds your plan's limit of 30" in got.value
    assert "Some medications" not in got.value


def test_the_paragraph_after_a_bare_decision_line(rules_nlp) -> None:
    text = """Ridgeway Health
Member ID: RH5520917

Dear Provider:

We finished our review. Payment for this visit is denied.

The visit took place after the approved treatment period had closed (June 3, 2026).
"""
    got = _reason(text, rules_nlp)
    assert got is not None and "approved treatment period had closed" in got.value


def test_a_sentence_about_what_the_letter_is_not_is_not_the_reason(rules_nlp) -> None:
    text = """Heron Bay Health
Member ID: HB2093311

Coverage for the insulin pump supplies was reduced. Your plan only pays for one box of infusion
sets every 30 days, and the order was for three.

This notice does not mean the pump is experimental or unsafe.
"""
    got = _reason(text, rules_nlp)
    assert got is not None and "one box of infusion sets" in got.value
    assert "does not mean" not in got.value


def test_a_pharmacy_reject_line_yields_to_the_letters_own_words(rules_nlp) -> None:
    text = """Tidewater Rx
Member ID: TW6602391

Claim reject: 75 - PRIOR AUTHORIZATION REQUIRED - NON-FORMULARY PRODUCT

The exception request did not include why the two covered creams can't be used.
"""
    got = _reason(text, rules_nlp)
    assert got is not None and got.value.startswith("The exception request did not include")
