"""Tests of the appeal letter: profile loading, templates, placeholders, comments, letter text
as data, atomic output and a LibreOffice round trip."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.enum.text import WD_COLOR_INDEX
from lxml import etree

from denialparse.appeal import render, templates
from denialparse.appeal.marks import clean_text
from denialparse.appeal.profile import PracticeProfile, load_profile, npi_is_valid
from denialparse.exceptions import OutputError, ProfileError, TemplateError
from denialparse.types import (
    Deadline,
    DenialType,
    DenialTypeResult,
    Evidence,
    Fields,
    FieldValue,
    LetterResult,
    PageSummary,
    PlanType,
    SourceInfo,
    Status,
    TextSource,
    TextSummary,
)

REPO = Path(__file__).resolve().parents[1]
TEMPLATES = REPO / "src" / "denialparse" / "appeal" / "templates"
SAMPLE_PROFILE = REPO / "samples" / "profile.toml"
TODAY = dt.date(2026, 3, 20)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------


def fv(value: str, confidence: float = 0.95, page: int = 1, raw: str | None = None) -> FieldValue:
    return FieldValue(
        value=value,
        raw=raw if raw is not None else value,
        confidence=confidence,
        evidence=Evidence(page=page, start=0, end=len(value)),
    )


def make_result(
    label: str = "duplicate_therapy",
    plan: str | None = "erisa",
    *,
    deadlines: list[Deadline] | None = None,
    needs_review: list[str] | None = None,
    label_confidence: float = 0.91,
    **fields: Any,
) -> LetterResult:
    """A hand-built result: every field found with high confidence unless overridden."""
    base: dict[str, Any] = {
        "payer": fv("Cigna", raw="Cigna Healthcare of Texas, Inc."),
        "plan_type": fv(plan, 0.9) if plan else None,
        "therapy": fv("constraint-induced movement therapy"),
        "denial_reason": fv("CIMT duplicates occupational therapy already approved."),
        "letter_date": fv("2026-03-14"),
        "service_date": fv("2026-03-02"),
        "member_id": fv("U1234567801"),
        "claim_id": fv("20314-0998871"),
        "patient_name": fv("Jordan Rivera"),
        "reference_codes": ["CO-50"],
        "appeal_address": fv("Appeals Unit\nPO Box 188011\nChattanooga, TN 37422"),
    }
    base.update(fields)
    if deadlines is None:
        deadlines = [
            Deadline(
                kind="internal_appeal",
                due="2026-09-10",
                rule="29 CFR 2560.503-1(h)(3)(i)",
                basis="180 days from receipt; receipt taken as the letter date",
                source="regulation",
            )
        ]
    return LetterResult(
        source=SourceInfo(path="in/x.pdf", sha256="0" * 64, media_type="application/pdf", pages=2),
        status=Status.SUCCESS,
        text=TextSummary(
            source=TextSource.MIXED,
            mean_confidence=0.9,
            pages=[
                PageSummary(number=1, source=TextSource.TEXT_LAYER, chars=1000),
                PageSummary(number=2, source=TextSource.OCR, confidence=0.8, chars=900),
            ],
        ),
        fields=Fields(**base),
        denial_type=DenialTypeResult(
            label=DenialType(label),
            confidence=label_confidence,
            scores={label: label_confidence, "medical_necessity": 0.05},
        ),
        deadlines=deadlines,
        needs_review=needs_review or [],
    )


def all_paragraphs(doc: Any) -> list[Any]:
    """Paragraphs of the body, its tables (nested too), headers and footers."""
    out = []

    def walk(container: Any) -> None:
        out.extend(container.paragraphs)
        for table in container.tables:
            for row in table.rows:
                for cell in row.cells:
                    walk(cell)

    walk(doc)
    for section in doc.sections:
        walk(section.header)
        walk(section.footer)
    return out


def doc_text(doc: Any) -> str:
    return "\n".join(p.text for p in all_paragraphs(doc))


def highlighted_texts(doc: Any) -> list[str]:
    return [
        r.text
        for p in all_paragraphs(doc)
        for r in p.runs
        if r.font.highlight_color == WD_COLOR_INDEX.YELLOW
    ]


def assert_valid_docx(path: Path) -> None:
    """Every XML part parses with a strict parser, and python-docx reopens the file."""
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None
        for name in zf.namelist():
            if name.endswith((".xml", ".rels")):
                etree.fromstring(zf.read(name), etree.XMLParser(recover=False, huge_tree=True))
    Document(str(path))


@pytest.fixture(scope="module")
def profile() -> PracticeProfile:
    return load_profile(SAMPLE_PROFILE)


def render_to(tmp_path: Path, result: LetterResult, **kw: Any) -> tuple[Any, Any]:
    out = tmp_path / "appeal.docx"
    info = render.render_appeal(result, out, today=TODAY, **kw)
    assert_valid_docx(out)
    return info, Document(str(out))


# ---------------------------------------------------------------------------------------------
# every template x every plan type
# ---------------------------------------------------------------------------------------------

# A citation each plan type's rights or file request must carry (domain sheet, section A).
PLAN_CITATION = {
    PlanType.ERISA: "2560.503-1(h)(2)(iii)",
    PlanType.ACA_INDIVIDUAL: "147.136",
    PlanType.MEDICARE_ADVANTAGE: "422.582",
    PlanType.MEDICARE_PART_D: "423.582",
    PlanType.ORIGINAL_MEDICARE: "405.942",
    PlanType.MEDICAID_MCO: "438.402",
    PlanType.FEHB: "890.105",
    PlanType.TRICARE: "90 days",
    PlanType.UNKNOWN: "2560.503-1(h)(2)(iii)",
}


@pytest.mark.parametrize("plan", list(PlanType), ids=[p.value for p in PlanType])
@pytest.mark.parametrize("label", list(DenialType), ids=[d.value for d in DenialType])
def test_every_template_renders_for_every_plan_type(
    label: DenialType, plan: PlanType, profile: PracticeProfile
) -> None:
    result = make_result(label.value, plan.value)
    doc, name = render.render_document(result, profile=profile, today=TODAY)
    assert name == label.value
    buf = io.BytesIO()
    doc.save(buf)
    doc = Document(io.BytesIO(buf.getvalue()))  # python-docx reopens what was written
    text = doc_text(doc)
    assert "{{" not in text and "{%" not in text and "%}" not in text
    assert not re.search("[\ue000-\ue1ff]", text), "a render mark was left in the letter"
    assert PLAN_CITATION[plan] in text
    # The letter's facts are all there, quoted as extracted.
    for value in (
        "Jordan Rivera",
        "U1234567801",
        "20314-0998871",
        "March 14, 2026",
        "CIMT duplicates occupational therapy already approved.",
        "Riverbend Neurology & Rehabilitation",
        "Avery Morgan, MD",
        "1234567893",
    ):
        assert value in text
    assert "September 10, 2026" in text and "29 CFR 2560.503-1(h)(3)(i)" in text


def test_rendered_file_reopens_and_has_no_temp_files(
    tmp_path: Path, profile: PracticeProfile
) -> None:
    info, doc = render_to(tmp_path, make_result(), profile=profile)
    assert info.path == str(tmp_path / "appeal.docx")
    assert info.template == "duplicate_therapy"
    assert [p.name for p in tmp_path.iterdir()] == ["appeal.docx"]
    assert "Appeal of duplicate therapy denial" in doc_text(doc)


# ---------------------------------------------------------------------------------------------
# each denial type argues the way it is won
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "plan", "must_have", "must_not_have"),
    [
        (
            "medical_necessity",
            "erisa",
            ["Criterion the plan applied", "[Criterion 1", "2560.503-1(g)(1)(v)", "(h)(3)(iii)"],
            ["422.101"],
        ),
        (
            "medical_necessity",
            "medicare_advantage",
            ["422.101(b)(6)", "422.590(g)(2)"],
            ["2560.503-1(h)(2)(iii)"],
        ),
        (
            "step_therapy",
            "medicare_part_d",
            ["Dose and frequency", "423.578", "[Drug 1]"],
            ["self-funded ERISA"],
        ),
        ("step_therapy", "erisa", ["Dates (start – stop)", "self-funded ERISA"], ["423.578"]),
        ("experimental", "erisa", ["NCCN", "FDA approval", 'definition of "experimental'], []),
        ("prior_auth", "medicare_advantage", ["Retroactive authorization", "CMS-4201-F"], []),
        ("prior_auth", "erisa", ["urgent or an emergency"], ["CMS-4201-F"]),
        ("non_formulary", "medicare_part_d", ["formulary exception under 42 CFR 423.578"], []),
        (
            "non_formulary",
            "erisa",
            ["formulary (non-formulary drug) exception process"],
            ["423.578"],
        ),
        ("quantity_limit", "medicare_part_d", ["423.578(b)", "Dose rationale"], []),
        (
            "out_of_network",
            "erisa",
            ["No adequate in-network provider", "Continuity of care", "Emergency"],
            [],
        ),
        (
            "duplicate_therapy",
            "erisa",
            [
                "What distinguishes it",
                "Separate goals",
                "Guideline support",
                "Functional deficits",
                "duplicate-therapy criterion",
            ],
            [],
        ),
        ("not_covered", "erisa", ["quote the exact provision", "2560.503-1(g)(1)"], []),
        ("coding_billing", "erisa", ["corrected claim", "reprocess this claim"], ["peer-to-peer"]),
        ("timely_filing", "fehb", ["proof that the claim was submitted in time"], ["peer-to-peer"]),
        (
            "step_therapy",
            "erisa",
            ["peer-to-peer discussion with a reviewer of the same specialty ([specialty])"],
            [],
        ),
        ("not_covered", "erisa", ["covered. Please call me at"], ["peer-to-peer"]),
        ("timely_filing", "erisa", ["clearinghouse", "acknowledged by the payer"], []),
        ("other", "unknown", ["[The plan type could not be determined"], []),
        (
            "medical_necessity",
            "tricare",
            ["appoints the provider in writing", "signed appointment of me as representative"],
            [],
        ),
    ],
)
def test_argument_fits_denial_and_plan(
    label: str, plan: str, must_have: list[str], must_not_have: list[str]
) -> None:
    doc, _ = render.render_document(make_result(label, plan), today=TODAY)
    text = doc_text(doc)
    for s in must_have:
        assert s in text, s
    for s in must_not_have:
        assert s not in text, s


def test_physician_prompts_are_highlighted() -> None:
    doc, _ = render.render_document(make_result("medical_necessity", "erisa"), today=TODAY)
    marked = " ".join(highlighted_texts(doc))
    assert "[diagnosis with ICD-10 code(s)" in marked
    assert "[Chart fact, with date and source document]" in marked
    # Extracted facts are not highlighted.
    assert "Jordan Rivera" not in marked


# ---------------------------------------------------------------------------------------------
# profile / placeholders
# ---------------------------------------------------------------------------------------------


def test_no_profile_gives_highlighted_letterhead_placeholders(tmp_path: Path) -> None:
    _, doc = render_to(tmp_path, make_result(), profile=None)
    marked = highlighted_texts(doc)
    for prompt in (
        "[Practice name]",
        "[Street address]",
        "[City, State ZIP]",
        "[phone]",
        "[fax]",
        "[practice NPI]",
        "[Physician name, credentials]",
    ):
        assert prompt in marked, prompt
    assert "Riverbend" not in doc_text(doc)


def test_profile_fills_letterhead_and_signature(tmp_path: Path, profile: PracticeProfile) -> None:
    _, doc = render_to(tmp_path, make_result(), profile=profile)
    text = doc_text(doc)
    assert "1200 Example Avenue, Suite 300\nSpringfield, IL 62701" in text
    assert "(217) 555-0142" in text and "(217) 555-0143" in text
    assert "NPI 1245319599" in text  # the physician's own NPI under the signature
    assert "Attending Physician, Stroke Rehabilitation Program" in text
    assert "[Practice name]" not in text


def test_missing_fields_are_highlighted_placeholders_never_invented(tmp_path: Path) -> None:
    result = make_result(
        claim_id=None,
        service_date=None,
        denial_reason=None,
        appeal_address=None,
        patient_name=None,
        payer=None,
    )
    _, doc = render_to(tmp_path, result)
    marked = highlighted_texts(doc)
    for prompt in (
        "[claim or reference number]",
        "[date of service]",
        "[Patient's full name]",
        "[Quote the reason for the denial exactly as the letter states it]",
        "[Appeals mailing address or fax number: see the denial letter]",
        "[Health plan name]",
    ):
        assert prompt in marked, prompt
    text = doc_text(doc)
    assert "20314-0998871" not in text and "Cigna" not in text


def test_logo_from_profile_is_embedded(tmp_path: Path) -> None:
    from PIL import Image

    Image.new("RGB", (120, 40), (31, 42, 68)).save(tmp_path / "logo.png")
    toml = SAMPLE_PROFILE.read_text(encoding="utf-8").replace(
        '# logo = "logo.png"', 'logo = "logo.png"'
    )
    (tmp_path / "p.toml").write_text(toml, encoding="utf-8")
    prof = load_profile(tmp_path / "p.toml")
    assert prof.logo_path == tmp_path / "logo.png"
    render.render_appeal(make_result(), tmp_path / "a.docx", profile=prof, today=TODAY)
    with zipfile.ZipFile(tmp_path / "a.docx") as zf:
        assert any(n.startswith("word/media/") for n in zf.namelist())
    assert_valid_docx(tmp_path / "a.docx")


def test_sample_profile_loads(profile: PracticeProfile) -> None:
    assert profile.practice == "Riverbend Neurology & Rehabilitation"
    assert profile.address_lines == ("1200 Example Avenue, Suite 300", "Springfield, IL 62701")
    assert profile.physician_display == "Avery Morgan, MD"
    assert profile.specialty == "Physical Medicine and Rehabilitation"
    assert profile.logo_path is None


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t.replace('phone = "(217) 555-0142"\n', ""), "missing key practice.phone"),
        (
            lambda t: t.replace('name = "Avery Morgan"', "name = 42"),
            "physician.name must be a quoted string",
        ),
        (
            lambda t: re.sub(r"address = \[.*\]", 'address = "1200 Example Avenue"', t),
            "practice.address must be a list",
        ),
        (
            lambda t: t.replace('fax = "(217) 555-0143"', 'fax = "(217) 555-0143"\nphon = "1"'),
            "unknown key practice.phon",
        ),
        (
            lambda t: t.replace('npi = "1234567893"', 'npi = "1234567890"'),
            "practice.npi is not a valid 10-digit NPI",
        ),
        (lambda t: t.replace("[physician]", "[physicain]"), "unknown table [physicain]"),
        (lambda t: t.replace('name = "Riverbend', 'name = "Riverbend\n'), "is not valid TOML"),
        (lambda t: t.replace('# logo = "logo.png"', 'logo = "nowhere.png"'), "practice.logo file"),
        (
            lambda t: t.replace('credentials = "MD"', 'credentials = "  "'),
            "physician.credentials is empty",
        ),
    ],
    ids=[
        "missing",
        "wrong-type",
        "not-a-list",
        "unknown-key",
        "bad-npi",
        "unknown-table",
        "bad-toml",
        "missing-logo",
        "empty",
    ],
)
def test_malformed_profile_raises_profile_error_naming_the_key(
    tmp_path: Path, edit: Any, message: str
) -> None:
    path = tmp_path / "profile.toml"
    path.write_text(edit(SAMPLE_PROFILE.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(ProfileError) as exc:
        load_profile(path)
    assert message in exc.value.message
    assert "\n" not in exc.value.message


def test_missing_profile_file_raises_profile_error(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="practice profile not found"):
        load_profile(tmp_path / "nope.toml")


def test_logo_that_is_not_an_image_is_refused(tmp_path: Path) -> None:
    (tmp_path / "logo.png").write_text("not an image", encoding="utf-8")
    toml = SAMPLE_PROFILE.read_text(encoding="utf-8").replace(
        '# logo = "logo.png"', 'logo = "logo.png"'
    )
    (tmp_path / "p.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(ProfileError, match="not a PNG or JPEG"):
        load_profile(tmp_path / "p.toml")


def test_npi_check_digit() -> None:
    assert npi_is_valid("1234567893")
    assert not npi_is_valid("1234567890")
    assert not npi_is_valid("123456789")
    assert not npi_is_valid("12345678９3")


# ---------------------------------------------------------------------------------------------
# review comments
# ---------------------------------------------------------------------------------------------


def _comment_anchors(path: Path) -> dict[str, str]:
    """comment id -> the text between its range start and end in document.xml."""
    with zipfile.ZipFile(path) as zf:
        root = etree.fromstring(zf.read("word/document.xml"))
    anchors: dict[str, str] = {}
    open_ids: set[str] = set()
    for el in root.iter():
        if el.tag == W + "commentRangeStart":
            open_ids.add(el.get(W + "id"))
            anchors[el.get(W + "id")] = ""
        elif el.tag == W + "commentRangeEnd":
            open_ids.discard(el.get(W + "id"))
        elif el.tag == W + "t":
            for cid in open_ids:
                anchors[cid] += el.text or ""
    return anchors


def test_uncertain_fields_get_a_comment_saying_where_they_came_from(tmp_path: Path) -> None:
    result = make_result(
        therapy=fv("constraint-induced movement therapy", 0.93, page=2),
        member_id=fv("U1234567801", 0.55, page=1),
        needs_review=["therapy"],
    )
    out = tmp_path / "appeal.docx"
    render.render_appeal(result, out, today=TODAY)
    assert_valid_docx(out)
    comments = {c.text for c in Document(str(out)).comments}
    assert len(comments) == 2
    therapy_note = next(c for c in comments if "service or therapy" in c)
    assert "read by OCR on page 2" in therapy_note
    assert "93%" in therapy_note and "flagged for review" in therapy_note
    member_note = next(c for c in comments if "member ID" in c)
    assert "text layer on page 1" in member_note and "55%" in member_note
    # Each comment is anchored on the value itself.
    assert sorted(_comment_anchors(out).values()) == sorted(
        ["constraint-induced movement therapy", "U1234567801"]
    )
    # Only the sure fields are left without a note.
    assert all("patient" not in c for c in comments)


def test_a_doubtful_payer_gets_one_comment_although_printed_twice(tmp_path: Path) -> None:
    result = make_result(payer=fv("Cigna", 0.4, raw="Cigna Healthcare of Texas, Inc."))
    out = tmp_path / "appeal.docx"
    render.render_appeal(result, out, today=TODAY)
    notes = [c.text for c in Document(str(out)).comments]
    assert len(notes) == 1 and "health plan's name" in notes[0]
    assert list(_comment_anchors(out).values()) == ["Cigna Healthcare of Texas, Inc."]


def test_practice_base_and_a_value_twice_in_one_paragraph(tmp_path: Path) -> None:
    doc = Document()
    doc.add_paragraph("A {{ claim.therapy }} B {{ claim.therapy }} C")
    doc.add_paragraph("{{p argument }}")
    doc.save(str(tmp_path / "base.docx"))
    out = tmp_path / "a.docx"
    result = make_result("experimental", therapy=fv("CIMT", 0.3))
    render.render_appeal(result, out, template_dir=tmp_path, today=TODAY)
    assert_valid_docx(out)
    text = doc_text(Document(str(out)))
    assert text.startswith("A CIMT B CIMT C\n") and "NCCN" in text
    assert list(_comment_anchors(out).values()) == ["CIMT"]


def test_confident_letter_has_no_comments(tmp_path: Path) -> None:
    _, doc = render_to(tmp_path, make_result())
    assert list(doc.comments) == []


def test_doubtful_denial_type_and_plan_type_are_commented(tmp_path: Path) -> None:
    result = make_result(
        "step_therapy", label_confidence=0.41, plan_type=fv("medicare_part_d", 0.5)
    )
    _, doc = render_to(tmp_path, result)
    notes = [c.text for c in doc.comments]
    assert any("classified as step_therapy with 41% confidence" in n for n in notes)
    assert any("rights assume the plan is a Medicare Part D" in n for n in notes)


def test_plan_type_comment_reads_well(tmp_path: Path) -> None:
    _, doc = render_to(tmp_path, make_result(plan_type=fv("erisa", 0.3)))
    assert any(
        "assume the plan is an employer group health plan governed by ERISA" in c.text
        for c in doc.comments
    )


def _runs_with(doc: Any, text: str) -> list[Any]:
    """Runs holding ``text``; fails if an appearance is split over runs (part unmarked)."""
    runs = [r for p in all_paragraphs(doc) for r in p.runs if text in r.text]
    appearances = sum(p.text.count(text) for p in all_paragraphs(doc))
    assert len(runs) == appearances, "an appearance of the value is split over several runs"
    return runs


DOUBTFUL_THERAPY = "it because hearing aids"


def test_a_doubtful_field_is_highlighted_wherever_it_is_printed(tmp_path: Path) -> None:
    """Issue 9, bug 6: a comment is invisible on paper, so the value itself is highlighted."""
    result = make_result(therapy=fv(DOUBTFUL_THERAPY, 0.68))
    _, doc = render_to(tmp_path, result)
    text = doc_text(doc)
    assert f"denial of coverage for {DOUBTFUL_THERAPY}" in text
    assert f"reversed and {DOUBTFUL_THERAPY} covered" in text
    runs = _runs_with(doc, DOUBTFUL_THERAPY)
    assert len(runs) >= 3
    assert all(r.font.highlight_color is not None for r in runs)
    # Told apart from the prompts to fill in, and still commented once.
    assert {r.font.highlight_color for r in runs} == {WD_COLOR_INDEX.TURQUOISE}
    assert [c.text for c in doc.comments if "service or therapy" in c.text]
    assert list(_comment_anchors(tmp_path / "appeal.docx").values()) == [DOUBTFUL_THERAPY]


def test_a_sure_field_is_not_highlighted(tmp_path: Path) -> None:
    _, doc = render_to(tmp_path, make_result(therapy=fv(DOUBTFUL_THERAPY, 0.95)))
    runs = _runs_with(doc, DOUBTFUL_THERAPY)
    # Copies inside a [prompt] are yellow with their prompt; none is marked as doubtful.
    assert all(r.font.highlight_color != WD_COLOR_INDEX.TURQUOISE for r in runs)
    for sentence in ("denial of coverage for", "I ask that the denial be reversed"):
        paragraph = next(p for p in all_paragraphs(doc) if sentence in p.text)
        value = [r for r in paragraph.runs if DOUBTFUL_THERAPY in r.text]
        assert value and all(r.font.highlight_color is None for r in value), paragraph.text
    assert list(doc.comments) == []


def test_every_copy_of_a_doubtful_payer_is_highlighted(tmp_path: Path) -> None:
    _, doc = render_to(tmp_path, make_result(payer=fv("Cigna", 0.4, raw="Cigna Healthcare, Inc.")))
    for form in ("Cigna Healthcare, Inc.", "Cigna"):  # as printed (address), brand (text)
        runs = [r for p in all_paragraphs(doc) for r in p.runs if r.text == form]
        assert runs and all(r.font.highlight_color == WD_COLOR_INDEX.TURQUOISE for r in runs)


def test_doubtful_denial_and_plan_type_are_highlighted(tmp_path: Path) -> None:
    result = make_result("step_therapy", label_confidence=0.41, plan_type=fv("fehb", 0.5))
    _, doc = render_to(tmp_path, result)
    doubt = [
        r.text for p in all_paragraphs(doc) for r in p.runs
        if r.font.highlight_color == WD_COLOR_INDEX.TURQUOISE
    ]
    assert "step therapy" in doubt
    assert any("5 CFR 890.105(b)(1)" in t for t in doubt)  # the rights resting on the plan type


@pytest.mark.parametrize(("threshold", "commented"), [(None, False), (0.7, False), (0.8, True)])
def test_the_review_threshold_decides_what_is_flagged(
    tmp_path: Path, threshold: float | None, commented: bool
) -> None:
    """Issue 9, bug 3: render took 0.70 whatever --review-threshold said."""
    result = make_result(therapy=fv("constraint-induced movement therapy", 0.75))
    out = tmp_path / "appeal.docx"
    render.render_appeal(result, out, today=TODAY, review_threshold=threshold)
    doc = Document(str(out))
    assert bool([c for c in doc.comments if "service or therapy" in c.text]) is commented
    runs = _runs_with(doc, "constraint-induced movement therapy")
    assert any(r.font.highlight_color == WD_COLOR_INDEX.TURQUOISE for r in runs) is commented


def test_write_appeal_passes_the_review_threshold(tmp_path: Path) -> None:
    from denialparse.api import write_appeal

    result = make_result(member_id=fv("U1234567801", 0.85))
    strict = write_appeal(result, tmp_path / "strict.docx", review_threshold=0.9)
    default = write_appeal(result, tmp_path / "default.docx")
    assert [c.text for c in Document(strict.appeal.path).comments if "member ID" in c.text]
    assert list(Document(default.appeal.path).comments) == []


def test_estimated_deadline_is_commented_and_missing_due_is_a_placeholder(tmp_path: Path) -> None:
    deadlines = [
        Deadline(
            kind="reconsideration",
            due="2026-05-18",
            rule="42 CFR 422.582(b)",
            basis="65 days from the notice date",
            source="estimate",
            needs_review=True,
        ),
        Deadline(
            kind="alj_hearing",
            due=None,
            rule="42 CFR 422.602",
            basis="60 days after the IRE decision",
        ),
    ]
    _, doc = render_to(tmp_path, make_result(plan="medicare_advantage", deadlines=deadlines))
    text = doc_text(doc)
    assert "Reconsideration" in text and "May 18, 2026" in text and "42 CFR 422.582(b)" in text
    assert "Hearing before an administrative law judge" in text
    assert "[no date: see how it is set]" in highlighted_texts(doc)
    assert any("65 days from the notice date" in c.text for c in doc.comments)


def test_no_deadlines_gives_a_highlighted_prompt(tmp_path: Path) -> None:
    _, doc = render_to(tmp_path, make_result(deadlines=[]))
    assert any("appeal deadline could not be worked out" in t for t in highlighted_texts(doc))
    assert "The deadlines that apply" not in doc_text(doc)


# ---------------------------------------------------------------------------------------------
# letter text is data
# ---------------------------------------------------------------------------------------------

HOSTILE = [
    ("jinja-expression", "{{ 7*7 }}", "{{ 7*7 }}"),
    (
        "jinja-statement",
        "{% for x in range(3) %}x{% endfor %}",
        "{% for x in range(3) %}x{% endfor %}",
    ),
    ("jinja-comment", "{# hidden #}", "{# hidden #}"),
    ("docxtpl-tags", "{%p if x %}{{r y }}{%tr endfor %}", "{%p if x %}{{r y }}{%tr endfor %}"),
    ("docxtpl-escapes", "{_{ a }_} {_% b %_}", "{_{ a }_} {_% b %_}"),
    ("xml", "</w:t></w:r><w:p><w:r><w:t>injected", "</w:t></w:r><w:p><w:r><w:t>injected"),
    ("entities", "A & B < C > D \"q\" 'a' &amp;", "A & B < C > D \"q\" 'a' &amp;"),
    ("controls", "a\x00b\x01c\x07d\x0be\x0cf\x1bg\x7fh", "abcdefg\x7fh"),
    ("tab-newline", "one\ttwo\nthree\r\nfour", "one\ttwo\nthree\nfour"),
    ("private-use", "x\ue000y\ue100z\ue003w", "xyzw"),
    ("unicode", "Łódź — naïve ✓ 患者", "Łódź — naïve ✓ 患者"),
]


@pytest.mark.parametrize(
    ("value", "expected"), [h[1:] for h in HOSTILE], ids=[h[0] for h in HOSTILE]
)
def test_letter_text_comes_out_literally(tmp_path: Path, value: str, expected: str) -> None:
    result = make_result(
        denial_reason=fv(value),
        therapy=fv(value, 0.5),  # low confidence: goes through the comment path as well
        patient_name=fv(value),
        payer=fv(value, raw=value),
        reference_codes=[value],
    )
    _, doc = render_to(tmp_path, result)
    text = doc_text(doc)
    # Quoted denial reason, the RE block and the argument all carry it literally.
    assert f"“{expected}”" in text
    assert text.count(expected) >= 5
    assert "49" not in text.replace("2560.503-1", "")  # {{ 7*7 }} never evaluated
    assert "injected" not in text or expected.endswith("injected")
    assert not re.search("[\ue000-\ue1ff]", text)


def test_huge_value_renders_and_stays_valid(tmp_path: Path) -> None:
    huge = ("The requested service is denied because {{ x }} & <y>. " * 2000)[:100_000]
    assert len(huge) == 100_000
    _, doc = render_to(tmp_path, make_result(denial_reason=fv(huge)))
    assert huge.strip() in doc_text(doc)


def test_clean_text() -> None:
    assert clean_text("a\r\nb\rc\x00d\ufffe") == "a\nb\ncd"
    assert clean_text("{_{") != "{_{"  # defused for docxtpl, restored after the render
    assert re.sub("[\ue000-\ue1ff]", "", clean_text("{_{ %_}")) == "{_{ %_}"


# ---------------------------------------------------------------------------------------------
# template selection, practice folders, broken templates
# ---------------------------------------------------------------------------------------------


def _practice_template(path: Path, body: str) -> None:
    doc = Document()
    doc.add_paragraph(body)
    doc.save(str(path))


def test_template_defaults_to_denial_type_and_general_alias(tmp_path: Path) -> None:
    info = render.render_appeal(make_result("experimental"), tmp_path / "a.docx", today=TODAY)
    assert info.template == "experimental"
    info = render.render_appeal(
        make_result("experimental"), tmp_path / "b.docx", template="general", today=TODAY
    )
    assert info.template == "other"


def test_unknown_template_name_lists_the_available_ones() -> None:
    with pytest.raises(TemplateError) as exc:
        render.render_document(make_result(), template="no_such_thing")
    msg = exc.value.message
    assert "'no_such_thing'" in msg
    for label in DenialType:
        assert label.value in msg
    assert "base" not in msg.split("available:")[1].split(", ")


@pytest.mark.parametrize("name", ["../templates/other", "/etc/passwd", "base", "", "a/b"])
def test_template_names_are_plain_names(name: str) -> None:
    with pytest.raises(TemplateError, match="no appeal template named"):
        render.render_document(make_result(), template=name)


def test_output_metadata_is_the_appeal_not_the_template(tmp_path: Path) -> None:
    _, doc = render_to(tmp_path, make_result("step_therapy"))
    props = doc.core_properties
    assert props.title == "Appeal of a step therapy denial"
    assert props.created is not None
    now = dt.datetime.now(dt.UTC)
    assert abs((props.created.replace(tzinfo=dt.UTC) - now).total_seconds()) < 3600
    assert "Jordan" not in (props.title + props.subject + props.comments)  # no PHI in metadata


def test_practice_folder_overrides_ours_file_by_file(tmp_path: Path) -> None:
    practice = tmp_path / "practice"
    practice.mkdir()
    _practice_template(
        practice / "medical_necessity.docx", "OUR OWN ARGUMENT for {{ claim.therapy }}"
    )
    _practice_template(practice / "cimt.docx", "CIMT ARGUMENT")
    assert templates.template_dirs(practice)[0] == practice
    assert "cimt" in templates.available_templates(practice)

    doc, name = render.render_document(
        make_result("medical_necessity"), template_dir=practice, today=TODAY
    )
    text = doc_text(doc)
    assert name == "medical_necessity"
    assert "OUR OWN ARGUMENT for constraint-induced movement therapy" in text
    assert "Riverbend" not in text and "To the appeals reviewer:" in text  # our base frame
    doc, name = render.render_document(
        make_result("step_therapy"), template_dir=practice, today=TODAY
    )
    assert "Dose and frequency" in doc_text(doc)  # not overridden: ours
    doc, name = render.render_document(
        make_result(), template="cimt", template_dir=practice, today=TODAY
    )
    assert "CIMT ARGUMENT" in doc_text(doc)


def test_templates_are_package_data() -> None:
    """The templates live inside the package (found with importlib.resources, as in a wheel)."""
    from importlib import resources

    packaged = Path(str(resources.files("denialparse.appeal").joinpath("templates")))
    assert templates.template_dirs() == [packaged]
    assert (packaged / "base.docx").is_file()
    assert templates.template_dirs(Path("/practice"))[0] == Path("/practice")


def test_label_without_template_falls_back_to_general(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ours = tmp_path / "ours"
    ours.mkdir()
    for name in ("base.docx", "other.docx"):
        shutil.copy(TEMPLATES / name, ours / name)
    monkeypatch.setattr(templates, "_our_template_dir", lambda: ours)
    _, name = render.render_document(make_result("step_therapy"), today=TODAY)
    assert name == "other"


@pytest.mark.parametrize(
    "body",
    ["{{ claim.therapy ", "{{ patient.nmae }}", "{% if %}"],
    ids=["unclosed", "misspelt-field", "bad-statement"],
)
def test_broken_practice_template_raises_template_error(tmp_path: Path, body: str) -> None:
    _practice_template(tmp_path / "other.docx", body)
    with pytest.raises(TemplateError) as exc:
        render.render_document(make_result("other"), template_dir=tmp_path)
    assert "other.docx" in exc.value.message and "\n" not in exc.value.message


def test_doctor_check_names_the_broken_practice_template(tmp_path: Path) -> None:
    _practice_template(tmp_path / "other.docx", "{{ patient.nmae }}")
    _practice_template(tmp_path / "fine.docx", "A fine argument for {{ claim.therapy }}.")
    problems = templates.check_templates(tmp_path)
    assert len(problems) == 1 and "other.docx" in problems[0] and "nmae" in problems[0]


def test_not_a_docx_template_raises_template_error(tmp_path: Path) -> None:
    (tmp_path / "other.docx").write_text("plain text", encoding="utf-8")
    with pytest.raises(TemplateError, match="not a readable .docx"):
        render.render_document(make_result("other"), template_dir=tmp_path)


def test_missing_base_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(templates, "_our_template_dir", lambda: tmp_path)
    with pytest.raises(TemplateError, match="base.docx not found"):
        render.render_document(make_result())
    assert any("base.docx not found" in p for p in templates.check_templates())


def test_our_argument_templates_share_the_base_styles() -> None:
    """They are spliced into base.docx without docxcompose's merge (most of the render time)."""
    for name in templates.available_templates():
        assert render._same_styles(TEMPLATES / f"{name}.docx", TEMPLATES / "base.docx"), name


def test_our_templates_pass_the_doctor_check() -> None:
    assert templates.check_templates() == []


def test_committed_templates_match_the_build_script(tmp_path: Path) -> None:
    """templates/*.docx are what scripts/build_templates.py produces (same text and tags)."""
    _build_templates(tmp_path)
    for built in sorted(tmp_path.glob("*.docx")):
        committed = TEMPLATES / built.name
        assert committed.is_file(), f"{built.name} not committed"
        ours, theirs = Document(str(built)), Document(str(committed))
        assert doc_text(ours) == doc_text(theirs), built.name
        assert highlighted_texts(ours) == highlighted_texts(theirs), built.name


def _build_script() -> Any:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "build_templates", REPO / "scripts" / "build_templates.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _build_templates(out: Path) -> None:
    assert _build_script().main(["--out", str(out)]) == 0


@pytest.mark.parametrize("label", list(DenialType), ids=[d.value for d in DenialType])
def test_rendered_properties_are_in_schema_order(
    tmp_path: Path, label: DenialType, profile: PracticeProfile
) -> None:
    """Word rejects a file whose pPr/tblPr/tcPr/rPr children are out of schema order."""
    order = _build_script().PROPERTY_ORDER
    result = make_result(
        label.value, "medicare_part_d", claim_id=None, therapy=fv("x\ty", 0.3), needs_review=["x"]
    )
    out = tmp_path / "a.docx"
    render.render_appeal(result, out, profile=profile, today=TODAY)
    with zipfile.ZipFile(out) as zf:
        for name in zf.namelist():
            if not (name.startswith("word/") and name.endswith(".xml")):
                continue
            root = etree.fromstring(zf.read(name))
            for local, seq in order.items():
                rank = {W + t: i for i, t in enumerate(seq)}
                for el in root.iter(W + local):
                    ranks = [rank[c.tag] for c in el if c.tag in rank]
                    assert ranks == sorted(ranks), (name, local, [c.tag for c in el])


# ---------------------------------------------------------------------------------------------
# output
# ---------------------------------------------------------------------------------------------


def test_output_into_a_directory_path_raises_output_error(tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.mkdir()
    with pytest.raises(OutputError, match="can't write the appeal"):
        render.render_appeal(make_result(), target, today=TODAY)
    assert [p.name for p in tmp_path.iterdir()] == ["taken"]  # no temp file left behind
    assert list(target.iterdir()) == []


def test_output_under_a_file_raises_output_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(OutputError):
        render.render_appeal(make_result(), tmp_path / "file" / "appeal.docx", today=TODAY)


def test_output_folder_is_created_and_existing_file_replaced(tmp_path: Path) -> None:
    out = tmp_path / "new" / "dir" / "appeal.docx"
    render.render_appeal(make_result("timely_filing"), out, today=TODAY)
    render.render_appeal(make_result("coding_billing"), out, today=TODAY)
    assert "corrected claim" in doc_text(Document(str(out)))
    assert [p.name for p in out.parent.iterdir()] == ["appeal.docx"]


# ---------------------------------------------------------------------------------------------
# LibreOffice round trip
# ---------------------------------------------------------------------------------------------


@pytest.mark.libreoffice
def test_libreoffice_converts_representative_appeals(
    tmp_path: Path, profile: PracticeProfile
) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice (soffice) is not installed"
    cases = [
        ("duplicate_therapy", "erisa", profile, make_result().fields.therapy),
        ("step_therapy", "medicare_part_d", None, fv("Ubrelvy 100 mg tablet", 0.5, page=2)),
        ("medical_necessity", "medicare_advantage", profile, fv("{{ 7*7 }} & <therapy>")),
    ]
    paths = []
    for label, plan, prof, therapy in cases:
        out = tmp_path / f"{label}.docx"
        render.render_appeal(
            make_result(label, plan, therapy=therapy), out, profile=prof, today=TODAY
        )
        paths.append(out)
    proc = subprocess.run(
        [
            soffice,
            "--headless",
            "-env:UserInstallation=file:///tmp/lo_profile_test",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            *map(str, paths),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    for path, (_, _, _, therapy) in zip(paths, cases, strict=True):
        pdf = path.with_suffix(".pdf")
        assert pdf.is_file() and pdf.stat().st_size > 5_000, f"{pdf.name} missing"
        if shutil.which("pdftotext"):
            text = subprocess.run(
                ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
            ).stdout
            assert "Jordan Rivera" in text
            assert therapy is not None and therapy.value.split()[0] in text


def test_the_appeal_goes_to_the_plan_in_care_of_its_benefit_manager(tmp_path: Path) -> None:
    result = make_result(
        payer=fv("Acme Health Plan"),
        benefit_manager=fv("Express Scripts"),
        appeal_address=fv("PO Box 66588\nSt. Louis, MO 63166"),
    )
    _, doc = render_to(tmp_path, result)
    lines = [p.text for p in doc.paragraphs]
    at = lines.index("Acme Health Plan")
    assert lines[at + 1] == "c/o Express Scripts, Appeals Department"
    assert "PO Box 66588" in lines[at + 2]


def test_a_benefit_manager_that_is_the_payer_is_not_printed_twice(tmp_path: Path) -> None:
    result = make_result(payer=fv("Express Scripts"), benefit_manager=fv("Express Scripts"))
    _, doc = render_to(tmp_path, result)
    assert "c/o" not in doc_text(doc)
