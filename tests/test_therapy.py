"""The therapy finder on letter layouts written by other people (issue 11, failure class 1).

A therapy is a noun phrase naming a drug, service, procedure or device. A back-reference ("the
above drug"), a request ("request to cover"), a placeholder, a heading, a diagnosis or a clause is
not one: the value is what the letter names elsewhere, or nothing. The snippets are our own wording.
"""

from __future__ import annotations

import pytest

from denialparse.types import LetterText, PageText, TextSource
from denialparse.understanding.extract import extract
from denialparse.understanding.finders.therapy import (
    clean_therapy,
    find_therapy,
    named_elsewhere,
)


def _therapy(text: str, rules_nlp) -> str | None:
    letter = LetterText(pages=[PageText(number=1, source=TextSource.PLAIN, text=text)],
                        source=TextSource.PLAIN)
    got = extract(letter, rules_nlp).fields.therapy
    return got.value if got else None


@pytest.mark.parametrize("phrase", [
    "the above drug",
    "the requested service(s)",
    "coverage of the requested services",
    "request to cover",
    "[name of service]",
    "<drug>",
    "{Requested Item}",
    "NOTICE OF DENIAL OF MEDICAL COVERAGE",
    "MEDICARE PRESCRIPTION DRUG COVERAGE DETERMINATION",
    "it because hearing aids",
    "them in advance",
    "services that were not approved",
    "Major depressive disorder (F33.1)",
    "moderate to severe plaque psoriasis",
    "Denied - not medically necessary",
    "See attached",
    "XXXXXXXXXXXX",
    "presence of",
    "appeal 2",
    "Outpatient",
    "Notice of Medicare Non-Coverage",
    "Your Right to Appeal",
    "NON-COVERAGE \u2014 OUT OF NETWORK PROVIDER",
])
def test_what_is_not_a_therapy(phrase: str) -> None:
    assert clean_therapy(phrase) is None


@pytest.mark.parametrize(("raw", "value"), [
    ("Otezla 30 mg tablet", "Otezla 30 mg tablet"),
    ("MRI LUMBAR SPINE W/O CONTRAST (72148)", "MRI LUMBAR SPINE W/O CONTRAST (72148)"),
    ("home health care", "home health care"),
    ("request to cover Dupixent 300 mg/2 mL pen", "Dupixent 300 mg/2 mL pen"),
    ("claim for arthroscopic meniscectomy", "arthroscopic meniscectomy"),
    ("Claim \u2014 64483 (Epidural steroid injection)", "64483 (Epidural steroid injection)"),
    ("Prior Authorization \u2014 Insulin pump (E0784)", "Insulin pump (E0784)"),
    ("Insulin pump (E0784))", "Insulin pump (E0784)"),
    ("prior authorization for Xolair 150 mg vial", "Xolair 150 mg vial"),
    ("Taltz 80 mg/mL autoinjector Prescriber NPI: 1639201177", "Taltz 80 mg/mL autoinjector"),
    ("Spinal cord stimulator trial Days supply: 30", "Spinal cord stimulator trial"),
    ("Total Knee Arthroplasty Diagnosis: M17.11", "Total Knee Arthroplasty"),
    ("CPAP device for obstructive sleep apnea", "CPAP device"),
    ("Botulinum toxin for injection", "Botulinum toxin for injection"),
    ("US abdomen, complete (76700)", "US abdomen, complete (76700)"),
])
def test_what_is_a_therapy(raw: str, value: str) -> None:
    assert clean_therapy(raw) == value


def test_a_labelled_diagnosis_is_not_the_therapy() -> None:
    text = "Primary diagnosis: G43.709 Chronic migraine without aura\n"
    diagnoses = named_elsewhere(text)
    assert clean_therapy("chronic migraine without aura", diagnoses) is None
    botox = "onabotulinumtoxinA injection"
    assert clean_therapy(botox, diagnoses) == botox
    assert not [c for c in find_therapy(text + "We reviewed the request for Chronic migraine "
                                        "without aura because your doctor asked.\n")]


BACK_REFERENCE = """Harborline Health Plan
Pharmacy Services

Name of drug: Nurtec ODT 75 mg orally disintegrating tablet
Prescriber: Dr. Imani Okafor

We have denied coverage of the above drug because the plan's criteria are not met.
"""


def test_a_back_reference_gives_way_to_the_drug_named_above(rules_nlp) -> None:
    assert _therapy(BACK_REFERENCE, rules_nlp) == "Nurtec ODT 75 mg orally disintegrating tablet"


NOTHING_NAMED = """Lakeshore Community Health
NOTICE OF DENIAL OF MEDICAL COVERAGE

Dear member,
We are unable to approve the requested service(s) because they are not medically necessary.
We denied your request to cover it because hearing aids are excluded from your plan.
Your request for [name of service] was denied.
"""


def test_nothing_named_gives_no_therapy(rules_nlp) -> None:
    assert _therapy(NOTHING_NAMED, rules_nlp) is None


@pytest.mark.parametrize(("text", "expected"), [
    # a label the old finder did not know, the value on the line under it
    ("Medication Requested:\n  Skyrizi 150 mg/mL pen\nDear member,\n", "Skyrizi 150 mg/mL pen"),
    ("Drug Name/Strength: Vyvanse 40 mg capsule\n", "Vyvanse 40 mg capsule"),
    ("Procedure Code(s)/Description: 29881 Knee arthroscopy with meniscectomy\n",
     "29881 Knee arthroscopy with meniscectomy"),
    # a value wrapped onto an indented line
    ("Service Requested: E0486 - Oral appliance\n"
     "                   (custom mandibular advancement device)\nDiagnosis: G47.33\n",
     "E0486 - Oral appliance (custom mandibular advancement device)"),
])
def test_more_label_layouts(text: str, expected: str, rules_nlp) -> None:
    assert _therapy(text + "We cannot approve the above item.\n", rules_nlp) == expected


EOB_SPACED = """Statement of benefits
DATE OF SERVICE   SERVICE DESCRIPTION                AMOUNT BILLED   PLAN PAID   NOTES
03/02/2026        Capsule endoscopy (91110)          $1,840.00       $0.00       N-4
03/02/2026        Office visit                       $190.00         $150.00     N-1
"""
EOB_BARS = """+----------+-------------------------------+---------+
| Date     | Procedure                     | Charged |
+----------+-------------------------------+---------+
| 03/02/26 | Genetic panel, hereditary     | $980.00 |
+----------+-------------------------------+---------+
"""
# What a PDF's text layer makes of a table: the columns run together with single spaces.
EOB_RUN_TOGETHER = """DATE OF SERVICE SERVICE AMOUNT BILLED PLAN PAID NOTES
03/02/2026 Capsule endoscopy (91110) No $1,840.00 $0.00 N-4
"""
# Paid rows first: the denied one is the therapy (paid nothing, or says so).
EOB_PAID_FIRST = """Procedure                      Code     Billed     Plan Paid   Remark
Allergy skin testing           95004    $240.00    $192.00     PR-1
Sublingual immunotherapy       J3490    $610.00    $0.00       CO-96
"""
LINE_ITEMS = """Line  Procedure code  Description                   Charge    Status
1     99213           Office visit, established     $160.00   Paid
2     96372           Therapeutic injection         $55.00    Denied
"""


@pytest.mark.parametrize(("text", "expected"), [
    (EOB_SPACED, "Capsule endoscopy (91110)"),
    (EOB_BARS, "Genetic panel, hereditary"),
    (EOB_RUN_TOGETHER, "Capsule endoscopy (91110)"),
    (EOB_PAID_FIRST, "Sublingual immunotherapy"),
    (LINE_ITEMS, "Therapeutic injection"),
])
def test_claim_table_first_row(text: str, expected: str, rules_nlp) -> None:
    assert _therapy(text + "\nWe denied payment for the services because they were not "
                    "authorized in advance.\n", rules_nlp) == expected


def test_a_service_line_names_the_service_a_code_only_refers_to(rules_nlp) -> None:
    text = ("Service line 1: HCPCS E0470 - Bi-level respiratory assist device\n\n"
            "Coverage for HCPCS E0470 is denied because the criteria are not met.\n")
    assert _therapy(text, rules_nlp) == "HCPCS E0470 - Bi-level respiratory assist device"


def test_listed_below_reads_the_next_line(rules_nlp) -> None:
    text = ("We will not pay for the services shown below that you\nreceived:\n"
            "Outpatient sleep study, attended (95811), on 02/11/2026, at Northgate Clinic.\n\n"
            "The plan did not approve them in advance.\n")
    assert _therapy(text, rules_nlp) == "Outpatient sleep study, attended (95811)"


def test_a_filled_in_notice_form_names_it_after_the_following(rules_nlp) -> None:
    text = ("We have denied coverage of the following prescription drug(s) that you or your "
            "physician requested:\n    Tremfya 100 mg/mL prefilled syringe\n\n"
            "We denied this request because the above drug is not on our formulary.\n")
    assert _therapy(text, rules_nlp) == "Tremfya 100 mg/mL prefilled syringe"


def test_the_reasons_listed_below_are_no_therapy() -> None:
    text = ("We denied the request for the reasons listed below:\n"
            "Records do not show a trial of two preferred drugs.\n\n"
            "To appeal, do the following:\n1. Call member services.\n")
    assert find_therapy(text) == []


def test_a_summary_of_benefits_is_no_claim_table() -> None:
    text = ("Service                 You pay        Plan pays\n"
            "Urgent care visit       $40 copay      The rest\n")
    assert find_therapy(text) == []


def test_a_strength_with_a_decimal_point_is_read_whole(rules_nlp) -> None:
    text = ("Regarding: Request for authorization of Wegovy 0.25 mg/0.5 mL pen\n"
            "We denied the request for Wegovy 0.25 mg/0.5 mL pen because it is excluded.\n")
    assert _therapy(text, rules_nlp) == "Wegovy 0.25 mg/0.5 mL pen"


def test_a_subject_line_that_is_the_drug(rules_nlp) -> None:
    text = ("RE: CIMZIA 200 MG/ML PREFILLED SYRINGE\nRE: Member Ana Ruiz\n\n"
            "We cannot approve the requested medication at this time.\n")
    assert _therapy(text, rules_nlp) == "CIMZIA 200 MG/ML PREFILLED SYRINGE"


def test_a_claim_for_a_person_is_no_therapy(rules_nlp) -> None:
    text = ("Hello Marisol,\nWe reviewed a claim for Marisol Vega (member ID 55120-3). We also "
            "reviewed the claim for Group Therapy sessions.\n")
    assert _therapy(text, rules_nlp) == "Group Therapy sessions"
    for line in ("Member name: Ms. Dana Q. Ruiz   Group: Acme Tools\n",
                 "Member: Dana Ruiz Group: Acme Tools\n", "Dear Ms. Dana Ruiz:\n"):
        assert named_elsewhere(line).people == {"dana", "ruiz"}


def test_a_coded_therapy_in_a_sentence_beats_a_looser_one() -> None:
    text = ("We received a request for a cardiac event monitor (CPT 93229) for you. "
            "We denied coverage for remote monitoring because it is not medically necessary.\n")
    best = max(find_therapy(text), key=lambda c: c.confidence)
    assert best.value == "cardiac event monitor (CPT 93229)"


def test_the_models_spans_are_checked_like_the_rules(rules_nlp) -> None:
    """A tagged reference, heading or labelled diagnosis is dropped; a named drug is kept."""
    from spacy.tokens import Span

    from denialparse.understanding.model_candidates import model_candidates

    text = ("NOTICE OF DENIAL\nDiagnosis: Chronic kidney disease, stage 3\n"
            "We denied the above drug, Farxiga 10 mg tablet, for chronic kidney disease.\n")
    doc = rules_nlp.make_doc(text)
    spans = []
    for phrase in ("NOTICE OF DENIAL", "the above drug", "Farxiga 10 mg tablet", "chronic kidney"):
        start = text.rindex(phrase)
        spans.append(doc.char_span(start, start + len(phrase), label="THERAPY"))
    assert all(isinstance(s, Span) for s in spans)
    doc.ents = spans
    assert [c.value for c in model_candidates(doc, {})] == ["Farxiga 10 mg tablet"]
