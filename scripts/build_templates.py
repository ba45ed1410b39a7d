"""Build the appeal templates in ``templates/`` from Python, so they are reproducible.

Usage::

    .venv/bin/python scripts/build_templates.py [--out templates]

It writes ``base.docx`` (letterhead, addressee, RE block, the denial quoted, claim-file request,
appeal rights and deadlines, signature, enclosures) and one ``<denial_type>.docx`` per label of
``denialparse.types.DenialType`` holding only the argument for that type; ``render.py`` renders
the type file and places it in ``base.docx`` where ``{{p argument }}`` stands.

The generated files are committed. A practice manager may edit them in Word (or put edited
copies in the practice's own template folder); this script is the reference to rebuild from.

Conventions in the text below:
- ``[...]`` is a prompt for a fact only the physician knows. It is printed highlighted in yellow
  so it can't go out unnoticed.
- ``{{ ... }}`` is a context value (see ``templates/README.md``); ``{%p ... %}`` on a paragraph
  of its own is a paragraph-level condition or loop, ``{%tr ... %}`` the same for a table row.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph

FONT = "Calibri"  # LibreOffice substitutes the metric-compatible Carlito
# A bracketed prompt, allowing one level of nested brackets inside it.
_PROMPT = re.compile(r"(\[(?:[^\[\]]|\[[^\[\]]*\])*\])")
# **bold** inside a line of text.
_BOLD = re.compile(r"(\*\*[^*]+\*\*)")


# ---------------------------------------------------------------------------------------------
# document helpers
# ---------------------------------------------------------------------------------------------


def new_document() -> DocxDocument:
    """A blank US-letter document with the house styles."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Inches(8.5), Inches(11)
    section.left_margin = section.right_margin = Inches(1)
    section.top_margin, section.bottom_margin = Inches(0.8), Inches(0.8)
    styles = doc.styles
    normal = styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(11)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.08
    # East-Asian font attribute too, otherwise Word keeps the theme font for some text.
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    for name, size in (("Heading 1", 13), ("Heading 2", 11.5)):
        st = styles[name]
        st.font.name = FONT
        st.font.size = Pt(size)
        st.font.bold = True
        st.font.color.rgb = RGBColor(0x1F, 0x2A, 0x44)
        st.paragraph_format.space_before = Pt(10)
        st.paragraph_format.space_after = Pt(4)
        st.paragraph_format.keep_with_next = True
        # Drop the theme-font override, which would beat the font name set above.
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            st.element.rPr.rFonts.attrib.pop(qn(attr), None)
    core = doc.core_properties
    core.author = "denialparse"
    core.last_modified_by = "denialparse"
    core.title = "Appeal letter template"
    core.created = core.modified = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    core.revision = 1
    return doc


def add_text(paragraph: Paragraph, text: str, *, bold: bool = False, italic: bool = False) -> None:
    """Append ``text`` as runs: ``[prompts]`` highlighted, ``**bold**`` in bold.

    Jinja tags stay inside one run each (a tag split over runs still works in docxtpl, but a
    practice manager editing the file sees it more clearly whole).
    """
    for chunk in _PROMPT.split(text):
        if not chunk:
            continue
        prompt = chunk.startswith("[") and chunk.endswith("]")
        for piece in _BOLD.split(chunk):
            if not piece:
                continue
            strong = piece.startswith("**") and piece.endswith("**")
            run = paragraph.add_run(piece[2:-2] if strong else piece)
            run.bold = bold or strong or None
            run.italic = italic or None
            if prompt:
                run.font.highlight_color = WD_COLOR_INDEX.YELLOW


def para(
    doc: DocxDocument,
    text: str = "",
    *,
    style: str | None = None,
    bold: bool = False,
    italic: bool = False,
    indent: float | None = None,
    space_after: float | None = None,
    align: WD_ALIGN_PARAGRAPH | None = None,
    keep_with_next: bool = False,
) -> Paragraph:
    """Add one paragraph; see ``add_text`` for the inline markup."""
    p = doc.add_paragraph(style=style)
    add_text(p, text, bold=bold, italic=italic)
    fmt = p.paragraph_format
    if indent is not None:
        fmt.left_indent = Inches(indent)
    if space_after is not None:
        fmt.space_after = Pt(space_after)
    if align is not None:
        p.alignment = align
    if keep_with_next or text.rstrip().endswith(":"):
        fmt.keep_with_next = True  # a lead-in line never ends a page alone
    return p


def tag(doc: DocxDocument, jinja: str) -> Paragraph:
    """A paragraph holding only a ``{%p ... %}`` tag (removed entirely by the render)."""
    p = doc.add_paragraph()
    p.add_run(jinja)
    return p


def heading(doc: DocxDocument, text: str, level: int = 2) -> Paragraph:
    """A section heading."""
    return doc.add_heading(text, level=level)


def bullets(doc: DocxDocument, items: Sequence[str]) -> None:
    """A bulleted list."""
    for item in items:
        p = para(doc, item, style="List Bullet", space_after=3)
        p.paragraph_format.keep_together = True


def grounds(doc: DocxDocument, items: Sequence[str]) -> None:
    """Alternative grounds for the physician to keep or delete, as a bulleted list."""
    para(
        doc,
        "[Keep the grounds that apply and delete the others.]",
        space_after=3,
        keep_with_next=True,
    )
    bullets(doc, items)


def _set_cell_margins(table: Table, twips: int = 80) -> None:
    tbl_pr = table._tbl.tblPr
    mar = OxmlElement("w:tblCellMar")
    for side in ("top", "left", "bottom", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(twips if side in ("left", "right") else 30))
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    tbl_pr.append(mar)


def grid_table(
    doc: DocxDocument,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
) -> Table:
    """A bordered table: bold shaded header row, then ``rows`` (cells may hold prompts)."""
    table = doc.add_table(rows=0, cols=len(header))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _set_cell_margins(table)
    for cells, is_header in [(header, True), *[(r, False) for r in rows]]:
        row = table.add_row()
        for i, text in enumerate(cells):
            cell = row.cells[i]
            cell.width = Inches(widths[i])
            p = cell.paragraphs[0]
            p.paragraph_format.space_after = Pt(0)
            add_text(p, text, bold=is_header)
            if is_header:
                shd = OxmlElement("w:shd")
                shd.set(qn("w:val"), "clear")
                shd.set(qn("w:color"), "auto")
                shd.set(qn("w:fill"), "E7EAF0")
                cell._tc.get_or_add_tcPr().append(shd)
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:cantSplit"))
        if is_header:
            # Repeat the header row when the table breaks across pages.
            tr_pr.append(OxmlElement("w:tblHeader"))
    set_column_widths(table, widths)
    doc.add_paragraph().paragraph_format.space_after = Pt(2)
    return table


def set_column_widths(table: Table, widths: Sequence[float]) -> None:
    """Set the grid widths too: LibreOffice lays tables out from the grid, Word from cells."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Inches(width)


def bottom_border(paragraph: Paragraph) -> None:
    """A thin rule under the letterhead."""
    p_pr = paragraph._p.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "8"), ("w:space", "4"), ("w:color", "1F2A44")):
        bottom.set(qn(k), v)
    bdr.append(bottom)
    p_pr.append(bdr)


def _field(paragraph: Paragraph, instr: str, half_points: int = 17) -> None:
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), instr)
    run = OxmlElement("w:r")
    r_pr = OxmlElement("w:rPr")
    color = OxmlElement("w:color")
    color.set(qn("w:val"), "555555")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), str(half_points))
    r_pr.append(color)
    r_pr.append(size)
    run.append(r_pr)
    t = OxmlElement("w:t")
    t.text = "1"
    run.append(t)
    fld.append(run)
    paragraph._p.append(fld)


# ---------------------------------------------------------------------------------------------
# base.docx: the letter around the argument
# ---------------------------------------------------------------------------------------------


def build_base() -> DocxDocument:
    """The shared letter frame."""
    doc = new_document()

    # Letterhead.
    tag(doc, "{%p if practice.logo %}")
    para(doc, "{{ practice.logo }}", space_after=2)
    tag(doc, "{%p endif %}")
    p = para(doc, "{{ practice.name }}", bold=True, space_after=0)
    p.runs[0].font.size = Pt(15)
    p.runs[0].font.color.rgb = RGBColor(0x1F, 0x2A, 0x44)
    para(doc, "{{ practice.address }}", space_after=0)
    p = para(
        doc,
        "Phone {{ practice.phone }}   ·   Fax {{ practice.fax }}   ·   NPI {{ practice.npi }}",
        space_after=0,
    )
    tag(doc, "{%p if practice.email %}")
    para(doc, "{{ practice.email }}", space_after=0)
    tag(doc, "{%p endif %}")
    p = para(doc, "", space_after=14)
    bottom_border(p)

    para(doc, "{{ today }}", space_after=12)

    # Addressee.
    para(doc, "{{ payer.name }}", space_after=0)
    tag(doc, "{%p if payer.unit %}")
    para(doc, "{{ payer.unit }}", space_after=0)
    tag(doc, "{%p endif %}")
    para(doc, "{{ payer.address }}", space_after=12)

    # RE block: a borderless two-column table keeps the labels aligned in Word and LibreOffice.
    re_rows: list[tuple[str, str]] = [
        ("RE:", "**Appeal of {{ denial.type_name }} denial**"),
        ("Patient:", "{{ patient.name }}"),
        ("Member ID:", "{{ patient.member_id }}"),
        ("Claim / reference no.:", "{{ claim.claim_id }}"),
        ("Service or therapy:", "{{ claim.therapy }}"),
        ("Date of service:", "{{ claim.service_date }}"),
        ("Date of denial letter:", "{{ claim.letter_date }}"),
    ]
    table = doc.add_table(rows=0, cols=2)
    for label, value in re_rows:
        cells = table.add_row().cells
        cells[0].width, cells[1].width = Inches(1.9), Inches(4.6)
        for cell, text, bold in ((cells[0], label, True), (cells[1], value, False)):
            cp = cell.paragraphs[0]
            cp.paragraph_format.space_after = Pt(0)
            add_text(cp, text, bold=bold)
    # Optional rows: only when the letter names them.
    for cond, label, value in (
        ("payer.administrator", "Plan administrator:", "{{ payer.administrator }}"),
        ("claim.reference_codes", "Codes on the notice:", "{{ claim.reference_codes }}"),
    ):
        for jinja in (f"{{%tr if {cond} %}}", None, "{%tr endif %}"):
            cells = table.add_row().cells
            cells[0].width, cells[1].width = Inches(1.9), Inches(4.6)
            if jinja is not None:
                cells[0].paragraphs[0].add_run(jinja)
                continue
            for cell, text, bold in ((cells[0], label, True), (cells[1], value, False)):
                cp = cell.paragraphs[0]
                cp.paragraph_format.space_after = Pt(0)
                add_text(cp, text, bold=bold)
    set_column_widths(table, [1.9, 4.6])
    para(doc, "", space_after=4)

    para(doc, "To the appeals reviewer:")
    para(
        doc,
        "I am {{ patient.name }}'s treating physician. On the patient's behalf I appeal "
        "{{ payer.brand }}'s denial of coverage for {{ claim.therapy }}. Please treat this letter "
        "as {{ plan.appeal_request }}.",
    )
    para(doc, "The denial letter dated {{ claim.letter_date }} gives this reason:")
    para(doc, "“{{ claim.denial_reason }}”", italic=True, indent=0.5)

    heading(doc, "Why the denial should be reversed")
    tag(doc, "{{p argument }}")

    heading(doc, "Request for the claim file and the criteria applied")
    para(doc, "{{ plan.file_request }}")
    tag(doc, "{%p if plan.reviewer_request %}")
    para(doc, "{{ plan.reviewer_request }}")
    tag(doc, "{%p endif %}")

    heading(doc, "Appeal rights and deadline")
    para(doc, "{{ plan.rights }}")
    tag(doc, "{%p if deadlines %}")
    para(doc, "The deadlines that apply to this denial:", space_after=3)
    table = grid_table(
        doc,
        ["Step", "Due", "Rule", "How the date was set"],
        [],
        [1.35, 1.05, 1.55, 2.55],
    )
    for cells in (
        ["{%tr for d in deadlines %}", "", "", ""],
        ["{{ d.name }}", "{{ d.due }}", "{{ d.rule }}", "{{ d.basis }}"],
        ["{%tr endfor %}", "", "", ""],
    ):
        row = table.add_row()
        for i, text in enumerate(cells):
            cp = row.cells[i].paragraphs[0]
            cp.paragraph_format.space_after = Pt(0)
            add_text(cp, text)
            for run in cp.runs:
                run.font.size = Pt(9.5)  # the basis can be long; keep the rows short
    set_column_widths(table, [1.35, 1.05, 1.55, 2.55])
    tag(doc, "{%p else %}")
    para(
        doc,
        "[The appeal deadline could not be worked out from the letter: find it on the denial "
        "letter and state it here.]",
    )
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if plan.expedited_rule %}")
    para(
        doc,
        "[If waiting for a standard decision could seriously jeopardize the patient's life, "
        "health or ability to regain maximum function, say so here and ask for an expedited "
        "decision ({{ plan.expedited_rule }}). Otherwise delete this paragraph.]",
    )
    tag(doc, "{%p endif %}")

    tag(doc, "{%p if denial.is_billing %}")
    para(
        doc,
        "If anything else is needed to reprocess this claim, please call me at "
        "{{ practice.phone }} or fax {{ practice.fax }}.",
    )
    tag(doc, "{%p else %}")
    para(
        doc,
        "I ask that the denial be reversed and {{ claim.therapy }} covered."
        "{% if denial.is_medical_judgment %} I am available for a peer-to-peer discussion with "
        "a reviewer of the same specialty{% if physician.specialty %} "
        "({{ physician.specialty }}){% endif %}.{% endif %} Please call me at "
        "{{ practice.phone }}; records can be faxed to {{ practice.fax }}.",
    )
    tag(doc, "{%p endif %}")
    # The closing and signature block stay on one page (keep-with-next down to the last line).
    signature = [
        para(doc, "Sincerely,", space_after=30),
        para(doc, "_______________________________", space_after=0),
        para(doc, "{{ physician.signature }}", bold=True, space_after=0),
        tag(doc, "{%p if physician.specialty %}"),
        para(doc, "{{ physician.specialty }}", space_after=0),
        tag(doc, "{%p endif %}"),
        tag(doc, "{%p for line in physician.signature_lines %}"),
        para(doc, "{{ line }}", space_after=0),
        tag(doc, "{%p endfor %}"),
        para(doc, "NPI {{ physician.npi }}", space_after=0),
    ]
    for p in signature:
        p.paragraph_format.keep_with_next = True
    para(doc, "{{ practice.name }}", space_after=12)

    heading(doc, "Enclosures")
    tag(doc, "{%p for item in enclosures %}")
    para(doc, "☐  {{ item }}", indent=0.25, space_after=2)
    tag(doc, "{%p endfor %}")

    # Footer on every page: whose appeal this is, and the page number.
    footer = doc.sections[0].footer
    fp = footer.paragraphs[0]
    add_text(fp, "Appeal for {{ patient.name }}, member ID {{ patient.member_id }}  ·  page ")
    _field(fp, "PAGE")
    fp.add_run(" of ")
    _field(fp, "NUMPAGES")
    for run in fp.runs:
        run.font.size = Pt(8.5)
        run.font.color.rgb = RGBColor(0x55, 0x55, 0x55)
    return doc


# ---------------------------------------------------------------------------------------------
# one argument per denial type
# ---------------------------------------------------------------------------------------------

_CLINICAL_SUMMARY = [
    "**Diagnosis:** [diagnosis with ICD-10 code(s), date of onset, and how it was confirmed]",
    "**Current condition:** [symptoms, functional limits and objective measures, each with the "
    "date it was recorded]",
    "**Treatment so far:** [treatments tried, with dates, and why each was stopped or was not "
    "enough]",
    "**Why this treatment, now:** [what {{ claim.therapy }} is expected to achieve, and what is "
    "likely to happen without it]",
]


def medical_necessity(doc: DocxDocument) -> None:
    """Won by mapping each of the payer's criteria to a dated chart fact (domain sheet B1)."""
    para(
        doc,
        "The plan judged {{ claim.therapy }} not medically necessary. This patient's record "
        "shows otherwise:",
    )
    bullets(doc, _CLINICAL_SUMMARY)
    para(
        doc,
        "Each criterion the plan applied is met. The table sets each one beside the entry in "
        "the enclosed record that satisfies it:",
    )
    grid_table(
        doc,
        ["Criterion the plan applied", "Where the record shows it is met (date, document)"],
        [
            [
                "[Criterion 1, quoted from the plan's policy or guideline, with its number]",
                "[Chart fact, with date and source document]",
            ],
            ["[Criterion 2]", "[Chart fact, with date and source document]"],
            ["[Criterion 3]", "[Chart fact, with date and source document]"],
            ["[Add a row per criterion; delete unused rows]", "[Chart fact]"],
        ],
        [3.0, 3.5],
    )
    para(
        doc,
        "Published evidence supports this treatment for this condition: [guideline or "
        "peer-reviewed study, with author, year and the recommendation or finding].",
    )
    para(
        doc,
        "If the plan relied on criteria that were not sent with the denial, I ask to see them "
        "and to respond before the appeal is decided.",
    )
    tag(doc, "{%p if plan.is_medicare_advantage %}")
    para(
        doc,
        "As a Medicare Advantage plan, the plan must cover what traditional Medicare covers "
        "under its national and local coverage determinations (42 CFR 422.101(b)(6)). "
        "[If an NCD or LCD applies, name it and show that the record meets it.]",
    )
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if plan.has_external_review %}")
    para(
        doc,
        "This denial rests on medical judgment, so if the plan upholds it the patient may ask for "
        "external review by an independent review organization (plans that are not "
        "grandfathered).",
    )
    tag(doc, "{%p endif %}")


def step_therapy(doc: DocxDocument) -> None:
    """Won by tabulating prior trials and citing the exception grounds (domain sheet B15)."""
    para(
        doc,
        "The plan requires the patient to try other drugs before {{ claim.therapy }}. The "
        "patient has already tried the required alternatives, or cannot take them; the trials "
        "are listed below and documented in the enclosed records.",
    )
    grid_table(
        doc,
        ["Drug", "Dose and frequency", "Dates (start – stop)", "Outcome / reason stopped"],
        [
            ["[Drug 1]", "[dose]", "[start – stop]", "[ineffective / adverse effect: details]"],
            ["[Drug 2]", "[dose]", "[start – stop]", "[outcome]"],
            ["[Add a row per trial; delete unused rows]", "", "", ""],
        ],
        [1.7, 1.4, 1.5, 1.9],
    )
    para(doc, "An exception to the step-therapy requirement is warranted because:")
    grounds(
        doc,
        [
            "[the required drug is contraindicated, or likely to cause an adverse reaction or "
            "harm, for this patient: explain]",
            "[the required drug is expected to be ineffective given the patient's known clinical "
            "characteristics: explain]",
            "[the patient tried the required drug, or another with the same mechanism, and it "
            "failed or was not tolerated (see the table)]",
            "[the patient is stable on {{ claim.therapy }}, and switching risks deterioration: "
            "explain with dates]",
        ],
    )
    tag(doc, "{%p if plan.is_medicare_part_d %}")
    para(
        doc,
        "Please treat this letter as my supporting statement for a formulary exception under "
        "42 CFR 423.578: the preferred drug(s) would not be as effective for this patient "
        "and/or would have adverse effects, for the reasons above.",
    )
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if plan.is_erisa %}")
    para(
        doc,
        "[If the plan is fully insured (not self-funded), cite your state's step-therapy "
        "exception law here; state step-therapy laws do not bind self-funded ERISA plans.]",
    )
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if plan.is_aca_individual or plan.is_unknown %}")
    para(
        doc,
        "[If your state has a step-therapy exception law, cite it here with its decision "
        "deadline.]",
    )
    tag(doc, "{%p endif %}")


def experimental(doc: DocxDocument) -> None:
    """Won with approval status, compendia, guidelines and the plan's own definition (B3)."""
    para(
        doc,
        "The plan calls {{ claim.therapy }} experimental or investigational. For this patient's "
        "condition it is established treatment:",
    )
    bullets(
        doc,
        [
            "**Regulatory status:** [FDA approval or clearance for this indication: product, "
            "date, and the indication in the label. If use is off-label, say so and go on to "
            "the compendia.]",
            "**Compendia:** [listing in NCCN, AHFS-DI or DRUGDEX for this use, with the "
            "category or level of evidence]",
            "**Guidelines:** [professional society guideline recommending it, with year and "
            "strength of recommendation]",
            "**Published evidence:** [phase III or other peer-reviewed studies: author, "
            "journal, year, result]",
            "**This patient:** [why the patient's diagnosis and history fit the population in "
            "that evidence]",
        ],
    )
    para(
        doc,
        'The plan\'s own definition of "experimental or investigational" should be applied as '
        "written: [quote the definition from the policy or plan document, and show that this "
        "treatment falls outside it].",
    )
    tag(doc, "{%p if plan.has_external_review %}")
    para(
        doc,
        "Experimental or investigational determinations are open to external review by an "
        "independent review organization if the plan upholds the denial (plans that are not "
        "grandfathered).",
    )
    tag(doc, "{%p endif %}")


def prior_auth(doc: DocxDocument) -> None:
    """Won by showing authorization, urgency or retro-authorization eligibility (B2)."""
    para(
        doc,
        "The claim for {{ claim.therapy }} on {{ claim.service_date }} was denied for lack of "
        "prior authorization. It should be paid because:",
    )
    grounds(
        doc,
        [
            "[Authorization was obtained: number, dates and units approved; the service billed "
            "matches it.]",
            "[The service was urgent or an emergency: the clinical facts that made waiting for "
            "authorization unsafe, and when authorization was requested.]",
            "[The service did not require authorization on the date of service: cite the plan's "
            "prior-authorization list in force then.]",
            "[Retroactive authorization is requested: the service was medically necessary, as "
            "the enclosed records show.]",
        ],
    )
    para(
        doc,
        "The service was medically necessary: [diagnosis, the findings that called for it, and "
        "the outcome, with dates]. I ask the plan to review it on its merits rather than on the "
        "timing of the authorization.",
    )
    tag(doc, "{%p if plan.is_medicare_advantage %}")
    para(
        doc,
        "Where the plan approved a prior authorization, a Medicare Advantage organization may "
        "not later deny coverage for lack of medical necessity except for good cause or fraud "
        "(CMS-4201-F).",
    )
    tag(doc, "{%p endif %}")


def _exception_table(doc: DocxDocument, what: str) -> None:
    grid_table(
        doc,
        [what, "Dose", "Dates tried", "Outcome, or why it cannot be used"],
        [
            [
                "[Alternative 1]",
                "[dose]",
                "[start – stop]",
                "[ineffective / adverse effect / contraindicated: details]",
            ],
            ["[Alternative 2]", "[dose]", "[start – stop]", "[outcome]"],
            ["[Add a row per alternative; delete unused rows]", "", "", ""],
        ],
        [1.8, 1.2, 1.5, 2.0],
    )


def non_formulary(doc: DocxDocument) -> None:
    """Won with a formulary exception (Part D: 42 CFR 423.578) (B15, A5)."""
    para(
        doc,
        "The plan denied {{ claim.therapy }} because it is not on the formulary. I request a "
        "formulary exception: the formulary alternatives are not appropriate for this patient.",
    )
    _exception_table(doc, "Formulary alternative")
    para(
        doc,
        "The patient needs {{ claim.therapy }} because [clinical reasons this drug, and not a "
        "formulary drug, is right for this patient: diagnosis, comorbidities, interactions, "
        "prior response].",
    )
    tag(doc, "{%p if plan.is_medicare_part_d %}")
    para(
        doc,
        "Please treat this letter as my supporting statement for a formulary exception under "
        "42 CFR 423.578: the formulary alternatives would not be as effective for this patient "
        "and/or would have adverse effects. An approved exception remains in effect for refills "
        "for the rest of the plan year.",
    )
    tag(doc, "{%p else %}")
    para(
        doc,
        "Please process this as a request under the plan's formulary (non-formulary drug) "
        "exception process.",
    )
    tag(doc, "{%p endif %}")


def quantity_limit(doc: DocxDocument) -> None:
    """Won with a dose rationale and, for Part D, a dose-restriction exception (B17)."""
    para(
        doc,
        "The plan limited the quantity or dose of {{ claim.therapy }}. The prescribed amount is "
        "needed:",
    )
    bullets(
        doc,
        [
            "**Prescribed:** [dose, frequency and quantity per fill]",
            "**Dose rationale:** [weight- or surface-area-based dosing, titration history, "
            "labelled dosing for this indication]",
            "**Lower doses:** [what happened at the plan's limit or at lower doses, with dates "
            "(see the table)]",
        ],
    )
    _exception_table(doc, "Dose tried")
    tag(doc, "{%p if plan.is_medicare_part_d %}")
    para(
        doc,
        "Please treat this letter as my supporting statement for an exception to the plan's "
        "dose restriction under 42 CFR 423.578(b): the limited dose would not be as effective "
        "for this patient and/or would cause adverse effects.",
    )
    tag(doc, "{%p else %}")
    para(doc, "Please grant an exception to the quantity limit for this patient.")
    tag(doc, "{%p endif %}")


def out_of_network(doc: DocxDocument) -> None:
    """Won on network adequacy, continuity of care or emergency (B6)."""
    para(
        doc,
        "The plan denied {{ claim.therapy }} because it was provided out of network or without "
        "a referral. It should be covered at the in-network level because:",
    )
    grounds(
        doc,
        [
            "[No adequate in-network provider: the in-network providers contacted, dates, and "
            "why none could provide this service with the needed expertise in a reasonable "
            "time or distance.]",
            "[Continuity of care: the patient has been in an active course of treatment with me "
            "since (date) for (condition), and changing providers now would harm the patient "
            "because (reason).]",
            "[Emergency: the clinical facts that made this an emergency, and when.]",
            "[A referral was obtained or was not required: referral number and date, or the "
            "plan rule.]",
        ],
    )
    para(
        doc,
        "I ask the plan to grant a network gap exception for this service and process the "
        "claim at the in-network benefit level. [If the No Surprises Act protects this "
        "service, say so here.]",
    )


def duplicate_therapy(doc: DocxDocument) -> None:
    """Won by showing the therapy is distinct, with separate goals (B16, seed letters)."""
    para(
        doc,
        "The plan treated {{ claim.therapy }} as duplicating therapy the patient already "
        "receives. It does not: it is a distinct treatment with its own goals.",
    )
    bullets(
        doc,
        [
            "**What distinguishes it:** [how {{ claim.therapy }} differs from the other "
            "therapy in mechanism, protocol, intensity or indication]",
            "**Separate goals:** [the goal of each therapy, measurable and dated]",
            "**Guideline support:** [guideline or evidence recognising it as a distinct, "
            "indicated treatment for this condition, with year]",
            "**Functional deficits:** [the patient's functional deficits, with dates and "
            "standardised scores]",
            "**Overlap, if any:** [if the overlap is intended, state why; if it is a planned "
            "switch or taper, give its end date]",
        ],
    )
    para(doc, "Each point of the plan's duplicate-therapy criterion is answered by the record:")
    grid_table(
        doc,
        ["The plan's duplicate-therapy criterion", "What the record shows (date, document)"],
        [
            [
                "Overlap with current or prior therapy",
                "[How the two differ in mechanism and protocol]",
            ],
            [
                "Same therapeutic goal as a covered service",
                "[Separate, documented goals for each therapy]",
            ],
            ["Evidence that the treatment is distinct", "[Guideline or study cited above]"],
            ["Need for the additional treatment", "[Functional deficits and measures, with dates]"],
        ],
        [2.8, 3.7],
    )
    para(
        doc,
        "[If the plan instead treated the claim as a duplicate billing: the services were "
        "separate (different session, site or time) and were billed with modifier (76, 77, 91, "
        "59 or XE/XS/XP/XU); both reports are enclosed.]",
    )


def not_covered(doc: DocxDocument) -> None:
    """Won by quoting the plan language and showing the exclusion does not reach it (B4)."""
    para(
        doc,
        "The plan says {{ claim.therapy }} is not a covered benefit. The plan provision it "
        "relies on reads: [quote the exact provision, with the document name, section and "
        "page].",
    )
    para(
        doc,
        "That exclusion does not reach this service: [explain why the words of the exclusion do "
        "not apply to this service for this patient, e.g. it is not cosmetic or routine here, "
        "and why].",
    )
    bullets(
        doc,
        [
            "[If a state benefit mandate requires coverage (insured plans only), cite it.]",
            "[If this is a preventive service the plan must cover without cost sharing, say so.]",
            "[For mental health or substance use disorder care: explain how the exclusion "
            "limits this benefit more than comparable medical or surgical benefits (mental "
            "health parity).]",
        ],
    )
    tag(doc, "{%p if plan.is_erisa or plan.is_aca_individual or plan.is_unknown %}")
    para(
        doc,
        "If the plan relies on any other provision, please identify it: a denial must refer to "
        "the specific plan provisions on which it is based (29 CFR 2560.503-1(g)(1)).",
    )
    tag(doc, "{%p endif %}")


def coding_billing(doc: DocxDocument) -> None:
    """Usually fixed by a corrected claim, not an appeal (B10, B12)."""
    para(
        doc,
        "[Before sending: most coding and billing denials are resolved by a corrected claim, "
        "not an appeal. If the claim had an error, send a corrected claim and do not send this "
        "letter.]",
    )
    para(
        doc,
        "The claim for {{ claim.therapy }} was coded and billed correctly:",
    )
    bullets(
        doc,
        [
            "**Codes billed:** [CPT/HCPCS codes, modifiers and ICD-10 codes as billed]",
            "**Coding support:** [the CPT, ICD-10 or payer coding guideline that supports them]",
            "[If denied as bundled or included in another service: the separate site, session "
            "or incision, and the modifier used (59 or XE/XS/XP/XU).]",
            "[If the plan asked for records or information: what is enclosed now.]",
        ],
    )
    para(doc, "Please reprocess the claim as billed.")


def timely_filing(doc: DocxDocument) -> None:
    """Usually won with proof of timely submission (B9)."""
    para(
        doc,
        "[Before sending: a timely-filing denial is usually reversed only with proof that the "
        "claim was submitted in time (clearinghouse acceptance and payer acknowledgement "
        "reports). Attach them.]",
    )
    para(
        doc,
        "The claim for {{ claim.therapy }} on {{ claim.service_date }} was denied as filed "
        "late. It was filed on time, or the delay was not the practice's doing:",
    )
    grounds(
        doc,
        [
            "[Original submission on (date), accepted by (clearinghouse) on (date) and "
            "acknowledged by the payer on (date); the reports are enclosed.]",
            "[Payer error: (what happened, with dates and reference numbers).]",
            "[Retroactive eligibility: coverage was confirmed on (date), after the service.]",
            "[Coordination of benefits: the primary payer decided on (date); the claim was "
            "filed with this plan on (date).]",
        ],
    )
    para(doc, "Please reprocess the claim for payment.")


def other(doc: DocxDocument) -> None:
    """The general argument when the denial type is unclear."""
    para(
        doc,
        "The denial of {{ claim.therapy }} should be reversed for these reasons:",
    )
    bullets(doc, _CLINICAL_SUMMARY)
    para(
        doc,
        "[Answer the reason the plan gave, point by point, citing the enclosed records with "
        "dates.]",
    )
    para(
        doc,
        "Published evidence supports this treatment: [guideline or peer-reviewed study, with "
        "year and finding].",
    )


ARGUMENTS: dict[str, Callable[[DocxDocument], None]] = {
    "medical_necessity": medical_necessity,
    "experimental": experimental,
    "prior_auth": prior_auth,
    "step_therapy": step_therapy,
    "non_formulary": non_formulary,
    "quantity_limit": quantity_limit,
    "out_of_network": out_of_network,
    "duplicate_therapy": duplicate_therapy,
    "not_covered": not_covered,
    "coding_billing": coding_billing,
    "timely_filing": timely_filing,
    "other": other,
}


def build_argument(name: str) -> DocxDocument:
    """The argument template for one denial type."""
    doc = new_document()
    ARGUMENTS[name](doc)
    return doc


# Child order the OOXML schema requires (ECMA-376 part 1, CT_PPr / CT_TblPr / CT_TcPr /
# CT_RPr). Word refuses files that break it; LibreOffice doesn't care, so only a check catches
# it. python-docx and the raw elements added above don't always insert in order, hence the sort.
# fmt: off
PROPERTY_ORDER: dict[str, tuple[str, ...]] = {
    "pPr": (
        "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl",
        "numPr", "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens",
        "kinsoku", "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN",
        "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing",
        "mirrorIndents", "suppressOverlap", "jc", "textDirection", "textAlignment",
        "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange",
    ),
    "tblPr": (
        "tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
        "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd",
        "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription", "tblPrChange",
    ),
    "tcPr": (
        "cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap",
        "tcMar", "textDirection", "tcFitText", "vAlign", "hideMark", "headers", "cellIns",
        "cellDel", "cellMerge", "tcPrChange",
    ),
    "rPr": (
        "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike",
        "outline", "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish",
        "webHidden", "color", "spacing", "w", "kern", "position", "sz", "szCs", "highlight",
        "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em", "lang",
        "eastAsianLayout", "specVanish", "oMath", "rPrChange",
    ),
}
# fmt: on


def fix_property_order(doc: DocxDocument) -> None:
    """Sort the children of every pPr/tblPr/tcPr/rPr into schema order (stable)."""
    roots = [doc.element.body, doc.styles.element]
    roots += [s.footer._element for s in doc.sections] + [s.header._element for s in doc.sections]
    for root in roots:
        for local, order in PROPERTY_ORDER.items():
            rank = {qn(f"w:{t}"): i for i, t in enumerate(order)}
            for el in root.iter(qn(f"w:{local}")):
                children = list(el)
                ordered = sorted(children, key=lambda c: rank.get(c.tag, len(rank)))
                if ordered != children:
                    for c in children:
                        el.remove(c)
                    el.extend(ordered)


def save_reproducibly(doc: DocxDocument, path: Path) -> None:
    """Save with fixed zip timestamps, so an unchanged template rebuilds byte for byte."""
    fix_property_order(doc)
    buf = io.BytesIO()
    doc.save(buf)
    buf.seek(0)
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, src.read(item.filename))


def main(argv: Sequence[str] | None = None) -> int:
    """Write ``base.docx`` and one argument template per denial type."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).resolve().parents[1] / "src" / "denialparse" / "appeal" / "templates"
    )
    args = parser.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    save_reproducibly(build_base(), out / "base.docx")
    for name in ARGUMENTS:
        save_reproducibly(build_argument(name), out / f"{name}.docx")
    print(f"wrote {len(ARGUMENTS) + 1} templates to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
