"""The bundled samples, the hand-written test set, and the letter-form renderer behind them.

These check that the files exist, open, and carry the properties each form is meant to have
(page counts, fax resolution tags, no text layer on scans, EXIF on photos) and that every label
file follows the contract's ``labels.jsonl`` schema. Extraction accuracy on them is tested
elsewhere.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from denialparse.types import DENIAL_LABELS, PLAN_LABELS
from denialparse_dev import letterforms

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
TESTSET = REPO / "models" / "testset"
TESTSETS = [TESTSET, REPO / "models" / "testset2"]  # A (tuned on, not blind) and B (blind)


def _load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


make_samples = _load(SAMPLES / "make_samples.py", "make_samples")

CASES = {c.name: c for c in make_samples.CASES}

# The contract's labels.jsonl keys, then the additions the samples carry.
LABEL_KEYS = (
    "id", "payer", "payer_canonical", "plan_type", "therapy", "denial_type", "denial_reason",
    "letter_date", "service_date", "member_id", "claim_id",
)
SAMPLE_EXTRA_KEYS = (
    "patient_name", "provider_name", "reference_codes", "stated_deadline", "stated_deadline_text",
)
PLAN_TYPES = set(PLAN_LABELS)
DENIAL_TYPES = set(DENIAL_LABELS)


def _optional_keys(label: dict[str, object]) -> tuple[str, ...]:
    """benefit_manager: an optional key, last, where a benefit manager decided for the plan."""
    return ("benefit_manager",) if "benefit_manager" in label else ()


def check_label(label: dict[str, object], keys: tuple[str, ...]) -> None:
    """Assert one label object follows the schema (fails with the offending key)."""
    assert tuple(label) == keys, f"keys differ: {set(label) ^ set(keys)}"
    assert isinstance(label["id"], str) and label["id"]
    assert label["denial_type"] in DENIAL_TYPES
    assert label["plan_type"] is None or label["plan_type"] in PLAN_TYPES
    for key in ("letter_date", "service_date", "stated_deadline"):
        value = label.get(key)
        if value is not None:
            assert isinstance(value, str)
            dt.date.fromisoformat(value)  # raises on anything but YYYY-MM-DD
    for key in ("payer", "payer_canonical", "therapy", "denial_reason", "member_id", "claim_id"):
        assert label[key] is None or (isinstance(label[key], str) and label[key].strip()), key
    if label["payer"] is not None:
        assert label["payer_canonical"] is not None, "a printed payer needs its canonical brand"
    if "reference_codes" in label:
        codes = label["reference_codes"]
        assert isinstance(codes, list) and all(isinstance(c, str) for c in codes)


def _squash(text: str) -> str:
    return " ".join(text.split())


def _pdf_pages(path: Path) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        return len(doc)
    finally:
        doc.close()


# ------------------------------------------------------------------------------------------
# samples/
# ------------------------------------------------------------------------------------------


def test_every_sample_folder_is_a_configured_case() -> None:
    folders = {
        p.name for p in SAMPLES.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))
    }
    assert folders == set(CASES)


def test_each_form_is_covered_several_times() -> None:
    for form in ("scan", "fax", "photo"):
        n = sum(form in c.forms for c in CASES.values())
        assert n >= 3, f"only {n} samples have a {form}"


def test_samples_stay_small() -> None:
    total = sum(p.stat().st_size for p in SAMPLES.rglob("*") if p.is_file())
    assert total < 15 * 1024 * 1024, f"samples/ is {total / 1e6:.1f} MB"


@pytest.mark.parametrize("case", sorted(CASES))
def test_expected_json_follows_the_labels_schema(case: str) -> None:
    label = json.loads((SAMPLES / case / "expected.json").read_text(encoding="utf-8"))
    check_label(label, LABEL_KEYS + SAMPLE_EXTRA_KEYS + _optional_keys(label))
    assert label["id"] == case


@pytest.mark.parametrize("case", sorted(CASES))
def test_expected_values_are_printed_in_the_letter(case: str) -> None:
    # Labels are what the letter says, never what we wish it said.
    label = json.loads((SAMPLES / case / "expected.json").read_text(encoding="utf-8"))
    text = _squash((SAMPLES / case / "letter.txt").read_text(encoding="utf-8"))
    for key in ("member_id", "claim_id", "denial_reason"):
        if label[key] is not None:
            assert _squash(label[key]) in text, key


@pytest.mark.parametrize("case", sorted(CASES))
def test_text_pdf_has_a_text_layer_matching_the_source(case: str) -> None:
    import pdfplumber

    label = json.loads((SAMPLES / case / "expected.json").read_text(encoding="utf-8"))
    with pdfplumber.open(SAMPLES / case / "letter.pdf") as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    assert len(text) > 500
    assert label["member_id"] in text


@pytest.mark.parametrize("case", sorted(c for c in CASES if "scan" in CASES[c].forms))
def test_scan_is_image_only_at_its_dpi(case: str) -> None:
    import pdfplumber

    spec = CASES[case]
    pages = _pdf_pages(SAMPLES / case / "letter.pdf")
    with pdfplumber.open(SAMPLES / case / "scan.pdf") as pdf:
        assert len(pdf.pages) == pages
        for page in pdf.pages:
            assert len(page.chars) == 0, "a scan must have no text layer"
            assert len(page.images) == 1
            image = page.images[0]
            dpi = image["srcsize"][0] * 72.0 / float(page.width)
            assert abs(dpi - float(spec.scan.get("dpi", 240))) < 1.0


def test_demo_scan_is_two_image_only_pages() -> None:
    import pdfplumber

    with pdfplumber.open(SAMPLES / "scan_cigna_cimt.pdf") as pdf:
        assert len(pdf.pages) == 2
        assert all(len(p.chars) == 0 and len(p.images) == 1 for p in pdf.pages)


@pytest.mark.parametrize("case", sorted(c for c in CASES if "fax" in CASES[c].forms))
def test_fax_is_multipage_g4_with_fax_resolution(case: str) -> None:
    from PIL import Image

    fine = CASES[case].fax.get("fine", True)
    pages = _pdf_pages(SAMPLES / case / "letter.pdf")
    with Image.open(SAMPLES / case / "fax.tif") as im:
        assert im.n_frames == pages
        for i in range(im.n_frames):
            im.seek(i)
            assert im.mode == "1"
            assert im.info["compression"] == "group4"
            assert im.width == letterforms.FAX_WIDTH_PX
            assert tuple(round(v) for v in im.info["dpi"]) == (204, 196 if fine else 98)
            # Non-square pixels: a Letter page is 11 inches tall at the vertical resolution.
            assert abs(im.height / (196 if fine else 98) - 11.2) < 0.4


@pytest.mark.parametrize("case", sorted(c for c in CASES if "photo" in CASES[c].forms))
def test_photo_is_a_jpeg_with_orientation(case: str) -> None:
    from PIL import Image, ImageOps

    with Image.open(SAMPLES / case / "photo.jpg") as im:
        assert im.format == "JPEG"
        orientation = im.getexif().get(0x0112)
        assert orientation in (1, 6)
        upright = ImageOps.exif_transpose(im)
        assert upright.height > upright.width, "the page is portrait once EXIF is applied"


def test_some_photo_relies_on_the_exif_tag() -> None:
    from PIL import Image

    tags = []
    for case in (c for c in CASES if "photo" in CASES[c].forms):
        with Image.open(SAMPLES / case / "photo.jpg") as im:
            tags.append(im.getexif().get(0x0112))
    assert 6 in tags and 1 in tags


@pytest.mark.ocr
def test_demo_scan_is_readable_by_tesseract(tmp_path: Path) -> None:
    if shutil.which("tesseract") is None:
        pytest.fail("tesseract is not installed (apt-get install tesseract-ocr)")
    page = letterforms.rasterize(SAMPLES / "scan_cigna_cimt.pdf", 300)[0]
    png = tmp_path / "p1.png"
    page.save(png)
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    out = subprocess.run(
        ["tesseract", str(png), "-", "--psm", "3"],
        capture_output=True, text=True, check=True, env=env, timeout=120,
    ).stdout
    assert "U5822140903" in out
    assert "duplicate therapy" in _squash(out)


# ------------------------------------------------------------------------------------------
# denialparse_dev.letterforms
# ------------------------------------------------------------------------------------------

LETTER = "Acme Health Plan\nPO Box 1\n\nJanuary 2, 2026\n\nMember ID: X123\n\fPage two text.\n"


def test_text_pdf_breaks_pages_on_form_feed_and_is_deterministic(tmp_path: Path) -> None:
    a = letterforms.render_text_pdf(LETTER, tmp_path / "a.pdf", seed=3)
    b = letterforms.render_text_pdf(LETTER, tmp_path / "b.pdf", seed=3)
    assert _pdf_pages(a) == 2
    assert a.read_bytes() == b.read_bytes()


def test_long_letter_flows_onto_more_pages(tmp_path: Path) -> None:
    long = "\n\n".join(["word " * 120] * 12)
    pdf = letterforms.render_text_pdf(long, tmp_path / "long.pdf")
    assert _pdf_pages(pdf) >= 2


def test_standard_fax_has_half_vertical_resolution(tmp_path: Path) -> None:
    from PIL import Image

    tif = letterforms.render_fax_tiff(LETTER, tmp_path / "f.tif", fine=False, seed=1)
    with Image.open(tif) as im:
        assert im.n_frames == 2
        assert tuple(round(v) for v in im.info["dpi"]) == (204, 98)


def test_scan_rejects_odd_rotation(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="rotate"):
        letterforms.render_scan_pdf(LETTER, tmp_path / "s.pdf", rotate=45)


def test_photo_with_exif_rotation_is_stored_sideways(tmp_path: Path) -> None:
    from PIL import Image

    jpg = letterforms.render_photo_jpeg(LETTER, tmp_path / "p.jpg", seed=2, exif_rotate=True)
    with Image.open(jpg) as im:
        assert im.getexif()[0x0112] == 6
        assert im.width > im.height


def test_failed_render_leaves_no_file(tmp_path: Path) -> None:
    out = tmp_path / "never.pdf"
    with pytest.raises(ValueError):
        letterforms.render_scan_pdf(LETTER, out, dpi=5)
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------------------------------
# models/testset/ (set A) and models/testset2/ (set B)
# ------------------------------------------------------------------------------------------


def _testset_labels(folder: Path) -> list[dict[str, object]]:
    lines = (folder / "labels.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.mark.parametrize("testset", TESTSETS, ids=["A", "B"])
def test_testset_labels_follow_the_schema_and_match_the_files(testset: Path) -> None:
    labels = _testset_labels(testset)
    ids = [str(lab["id"]) for lab in labels]
    assert len(ids) == len(set(ids)), "duplicate ids"
    assert 30 <= len(ids) <= 40
    for label in labels:
        check_label(label, LABEL_KEYS + _optional_keys(label))
    assert set(ids) == {p.stem for p in testset.glob("*.txt")}


@pytest.mark.parametrize("testset", TESTSETS, ids=["A", "B"])
def test_testset_covers_every_denial_type_twice_and_every_plan_type(testset: Path) -> None:
    labels = _testset_labels(testset)
    for denial in DENIAL_TYPES:
        n = sum(lab["denial_type"] == denial for lab in labels)
        assert n >= 2, f"{denial}: {n}"
    seen_plans = {lab["plan_type"] for lab in labels}
    assert PLAN_TYPES - {"unknown"} <= seen_plans


@pytest.mark.parametrize("testset", TESTSETS, ids=["A", "B"])
def test_testset_labels_are_printed_in_the_letters(testset: Path) -> None:
    for label in _testset_labels(testset):
        text = _squash((testset / f"{label['id']}.txt").read_text(encoding="utf-8"))
        for key in ("member_id", "claim_id", "denial_reason", "therapy"):
            if label[key] is not None:
                assert _squash(str(label[key])) in text, (label["id"], key)


@pytest.mark.parametrize("testset", TESTSETS, ids=["A", "B"])
@pytest.mark.parametrize(("form", "suffix"), [("pdf", ".pdf"), ("scan", ".pdf"), ("fax", ".tif")])
def test_testset_forms_match_the_sources(testset: Path, form: str, suffix: str) -> None:
    folder = testset / "forms" / form
    if not folder.exists():
        pytest.fail(f"run {testset.relative_to(REPO)}/render.py to build {folder.relative_to(REPO)}")
    assert _testset_labels(folder) == _testset_labels(testset)
    ids = {str(lab["id"]) for lab in _testset_labels(testset)}
    assert {p.stem for p in folder.iterdir() if p.suffix == suffix} == ids
