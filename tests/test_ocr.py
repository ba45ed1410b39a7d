"""OCR and page text: scans, faxes, photos, orientation, retries, errors per page.

Tests marked ``ocr`` run the real tesseract binary (CI installs it; they must not be skipped
there). The others drive the error paths with stand-ins for tesseract (a crashing engine, a
low-confidence engine, a missing binary), in the spirit of OCRmyPDF's test plugins.
Fixture letters are drawn here at 200 dpi with PIL and reportlab, kept short so the whole file
OCRs in well under a minute.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from denialparse.exceptions import ExitCode, MissingDependencyError, UnreadableLetterError
from denialparse.options import OcrMode, Options
from denialparse.reading import ocr
from denialparse.reading.ingest import load_document
from denialparse.reading.ocr import OcrFailedError, OcrWord
from denialparse.reading.text import read_text
from denialparse.types import LetterText, PageText, TextSource

DPI = 200
FONT_PX = 34  # ~12 pt at 200 dpi
MEMBER_ID = "U1234567801"
PAGE_ONE = [
    "Cigna Healthcare of Texas, Inc.",
    f"Member ID: {MEMBER_ID}",
    "Claim number: 20314-0998871",
    "",
    "We denied coverage because the service is not medically necessary.",
    "You may appeal within 180 days.",
]
PAGE_TWO = ["Page 2 of 2", "Reference code: CO-50", "Member Services: 1-800-555-0100"]
LEFT, TOP, LEADING = 120, 120, 46  # single-spaced, like a letter


def _font(size: int = FONT_PX):  # type: ignore[no-untyped-def]
    from PIL import ImageFont

    for name in ("DejaVuSans.ttf", "LiberationSans-Regular.ttf", "FreeSans.ttf"):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    for path in (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    ):
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)  # Pillow's bundled FreeType font


def draw_page(lines: list[str], size: tuple[int, int] = (1700, 700)):  # type: ignore[no-untyped-def]
    """An upright 200-dpi page image with ``lines`` of black text."""
    from PIL import Image, ImageDraw

    img = Image.new("L", size, 255)
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        draw.text((LEFT, TOP + i * LEADING), line, font=_font(), fill=0)
    return img


def member_id_box_px() -> tuple[float, float, float, float]:
    """Where ``MEMBER_ID`` was drawn on ``draw_page(PAGE_ONE)``, in pixels."""
    from PIL import Image, ImageDraw

    draw = ImageDraw.Draw(Image.new("L", (10, 10)))
    x = LEFT + _font().getlength("Member ID: ")
    box = draw.textbbox((x, TOP + LEADING), MEMBER_ID, font=_font())
    return (float(box[0]), float(box[1]), float(box[2]), float(box[3]))


def image_pdf(
    path: Path,
    pages: list[object],
    text_pages: dict[int, list[str]] | None = None,
    stamp: str | None = None,
) -> Path:
    """A PDF of page images (200 dpi, top of a US-letter page); ``text_pages`` are born-digital."""
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=letter)
    for i, page in enumerate(pages):
        if text_pages and i in text_pages:
            y = 720.0
            for line in text_pages[i]:
                c.setFont("Helvetica", 11)
                c.drawString(72, y, line)
                y -= 16
        else:
            w_px, h_px = page.size  # type: ignore[attr-defined]
            w_pt, h_pt = w_px * 72 / DPI, h_px * 72 / DPI
            c.drawImage(ImageReader(page), 0, 792 - h_pt, w_pt, h_pt)
            if stamp:  # a fax header: a thin real text layer over the scan
                c.setFont("Helvetica", 7)
                c.drawString(20, 780, stamp)
        c.showPage()
    c.save()
    return path


def assert_offsets(page: PageText) -> None:
    assert page.words, "no words"
    for w in page.words:
        assert page.text[w.start : w.end] == w.text


def ocr_text(letter: LetterText) -> str:
    return "\n".join(p.text for p in letter.pages)


@pytest.fixture
def fresh_status() -> Iterator[None]:
    ocr._tesseract_status.cache_clear()
    yield
    ocr._tesseract_status.cache_clear()


# ------------------------------------------------------------------------------------------
# real tesseract


@pytest.mark.ocr
def test_tesseract_status_reports_version_and_languages() -> None:
    status = ocr.tesseract_status("eng")
    assert str(status["version"])[0].isdigit()
    assert "eng" in status["langs"]  # type: ignore[operator]
    assert status["osd"] is True


@pytest.mark.ocr
def test_missing_language_data_names_the_package(fresh_status: None) -> None:
    with pytest.raises(MissingDependencyError, match="apt-get install tesseract-ocr-xyz") as err:
        ocr.tesseract_status("eng+xyz")
    assert err.value.exit_code is ExitCode.MISSING_DEPENDENCY
    assert "\n" not in str(err.value)


@pytest.mark.ocr
def test_image_only_pdf_is_ocred_with_boxes_in_points(tmp_path: Path) -> None:
    pdf = image_pdf(tmp_path / "scan.pdf", [draw_page(PAGE_ONE)])
    letter = read_text(load_document(pdf, Options()), Options(dpi=DPI))
    page = letter.pages[0]
    assert letter.source is TextSource.OCR and page.source is TextSource.OCR
    # Lines and paragraphs as on the page, laid out like a text layer would be.
    assert f"Member ID: {MEMBER_ID}\nClaim number: 20314-0998871\n\nWe denied" in page.text
    assert page.confidence is not None and page.confidence > 0.85
    assert letter.mean_confidence == page.confidence
    assert letter.errors == []
    assert (page.width, page.height) == (612.0, 792.0)
    assert_offsets(page)
    word = next(w for w in page.words if w.text == MEMBER_ID)
    expected = [v * 72 / DPI for v in member_id_box_px()]
    assert word.bbox == pytest.approx(expected, abs=4.0)  # PDF points, top-left origin
    assert word.confidence is not None and 0.0 <= word.confidence <= 1.0


@pytest.mark.ocr
def test_mixed_pdf_uses_text_layer_and_ocr(tmp_path: Path) -> None:
    pdf = image_pdf(
        tmp_path / "mixed.pdf",
        [None, draw_page(PAGE_TWO)],
        text_pages={0: PAGE_ONE},
        stamp="FAX 555-0100 P.2",  # a thin layer over the scan must not hide the scan's text
    )
    letter = read_text(load_document(pdf, Options()), Options(dpi=DPI))
    assert letter.source is TextSource.MIXED
    first, second = letter.pages
    assert first.source is TextSource.TEXT_LAYER and first.confidence is None
    assert f"Member ID: {MEMBER_ID}" in first.text
    assert second.source is TextSource.OCR
    assert "CO-50" in second.text and "Member Services" in second.text
    assert letter.mean_confidence == second.confidence
    assert_offsets(first)
    assert_offsets(second)


@pytest.mark.ocr
def test_ocr_always_reads_a_born_digital_page(tmp_path: Path) -> None:
    pdf = image_pdf(tmp_path / "digital.pdf", [None], text_pages={0: PAGE_ONE})
    letter = read_text(load_document(pdf, Options()), Options(dpi=DPI, ocr=OcrMode.ALWAYS))
    assert letter.source is TextSource.OCR
    assert MEMBER_ID in letter.pages[0].text


def fax_tiff(path: Path, ydpi: int, blank_second: bool = False) -> Path:
    """A 2-page G4 fax at 204 x ``ydpi`` dpi: pixels squashed vertically, as a fax sends them."""
    from PIL import Image

    frames = []
    for lines in (PAGE_ONE, [] if blank_second else PAGE_TWO):
        upright = draw_page(lines, size=(1734, 700))  # drawn at ~204 dpi square
        squashed = upright.resize(
            (upright.width, round(upright.height * ydpi / 204)), Image.BILINEAR
        )
        frames.append(squashed.point(lambda v: 255 if v > 140 else 0).convert("1"))
    frames[0].save(
        path, save_all=True, append_images=frames[1:], compression="group4", dpi=(204, ydpi)
    )
    return path


@pytest.mark.ocr
@pytest.mark.parametrize("ydpi", [196, 98], ids=["fine-204x196", "standard-204x98"])
def test_fax_g4_tiff_both_pages(tmp_path: Path, ydpi: int) -> None:
    tif = fax_tiff(tmp_path / "fax.tif", ydpi)
    doc = load_document(tif, Options())
    assert (doc.media_type, doc.page_count) == ("image/tiff", 2)
    letter = read_text(doc, Options())
    first, second = letter.pages
    assert letter.source is TextSource.OCR
    assert MEMBER_ID in first.text and "Member ID" in first.text
    assert "CO-50" in second.text
    # Boxes are in the file's pixels: x as drawn, y squashed by the fax's vertical resolution.
    word = next(w for w in first.words if w.text == MEMBER_ID)
    x0, y0, _, y1 = word.bbox
    ex0, ey0, _, ey1 = member_id_box_px()
    assert x0 == pytest.approx(ex0, abs=8)
    assert y0 == pytest.approx(ey0 * ydpi / 204, abs=8)
    assert y1 == pytest.approx(ey1 * ydpi / 204, abs=8)
    assert (first.width, first.height) == (1734.0, float(round(700 * ydpi / 204)))
    assert_offsets(first)
    assert_offsets(second)


@pytest.mark.ocr
def test_blank_page_is_an_error_entry_not_a_silent_blank(tmp_path: Path) -> None:
    tif = fax_tiff(tmp_path / "fax.tif", 196, blank_second=True)
    letter = read_text(load_document(tif, Options()), Options())
    assert MEMBER_ID in letter.pages[0].text
    assert letter.pages[1].text == ""
    assert [(e.stage, e.code, e.page) for e in letter.errors] == [("ocr", "page_unreadable", 2)]


@pytest.mark.ocr
def test_all_blank_letter_is_unreadable(tmp_path: Path) -> None:
    from PIL import Image

    Image.new("L", (1700, 2200), 255).save(tmp_path / "blank.png")
    with pytest.raises(UnreadableLetterError) as err:
        read_text(load_document(tmp_path / "blank.png", Options()), Options())
    assert err.value.exit_code is ExitCode.INPUT_FILE
    assert "\n" not in str(err.value)


@pytest.mark.ocr
def test_upside_down_scan_is_turned(tmp_path: Path) -> None:
    draw_page(PAGE_ONE).rotate(180).save(tmp_path / "upside.png", dpi=(DPI, DPI))
    letter = read_text(load_document(tmp_path / "upside.png", Options()), Options())
    page = letter.pages[0]
    assert page.rotation == 180
    assert f"Member ID: {MEMBER_ID}\nClaim number: 20314-0998871\n\nWe denied" in page.text
    # Boxes are in the file's pixels: the upside-down word sits mirrored through the centre.
    word = next(w for w in page.words if w.text == MEMBER_ID)
    ex0, ey0, ex1, ey1 = member_id_box_px()
    assert word.bbox == pytest.approx((1700 - ex1, 700 - ey1, 1700 - ex0, 700 - ey0), abs=8)
    assert_offsets(page)


@pytest.mark.ocr
def test_sideways_scan_is_turned(tmp_path: Path) -> None:
    draw_page(PAGE_ONE).rotate(90, expand=True).save(tmp_path / "sideways.png", dpi=(DPI, DPI))
    letter = read_text(load_document(tmp_path / "sideways.png", Options()), Options())
    page = letter.pages[0]
    assert page.rotation == 90  # clockwise quarter turn reads it
    # Laid out as read upright: lines and paragraphs in order, not the sideways geometry.
    assert f"Member ID: {MEMBER_ID}\nClaim number: 20314-0998871\n\nWe denied" in page.text
    word = next(w for w in page.words if w.text == MEMBER_ID)
    x0, y0, x1, y1 = word.bbox
    assert (y1 - y0) > 3 * (x1 - x0)  # vertical in the file, as it was scanned
    assert 0 <= x0 < x1 <= 700 and 0 <= y0 < y1 <= 1700


@pytest.mark.ocr
def test_noisy_phone_photo_with_exif_rotation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import numpy as np
    from PIL import Image, ImageFilter

    rng = np.random.default_rng(3)
    page = draw_page(PAGE_ONE).filter(ImageFilter.GaussianBlur(1.2))
    arr = np.asarray(page, dtype=np.float64)
    arr = arr * 0.75 + 40 + rng.normal(0, 28, arr.shape)  # grey paper, sensor noise
    speckle = rng.random(arr.shape)
    arr[speckle < 0.01] = 0
    arr[speckle > 0.99] = 255
    photo = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    # Stored sideways with EXIF Orientation 6 ("rotate 90 clockwise to view"), like a phone.
    stored = photo.rotate(90, expand=True)
    exif = Image.Exif()
    exif[0x0112] = 6
    stored.convert("RGB").save(tmp_path / "photo.jpg", quality=35, exif=exif.tobytes())
    passes: list[bool] = []
    real_pass = ocr._pass

    def spy(*args: object, **kwargs: object) -> ocr.OcrPage:
        passes.append(bool(kwargs.get("clean")))
        return real_pass(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ocr, "_pass", spy)
    letter = read_text(load_document(tmp_path / "photo.jpg", Options()), Options())
    page = letter.pages[0]
    assert page.rotation == 0  # EXIF put it upright before OCR
    # A photo (no recorded resolution) starts with the clean-up pass, which reads it at once;
    # plain tesseract reads nothing on this noise.
    assert passes == [True]
    assert "Member ID" in page.text and MEMBER_ID[1:] in page.text  # U/0 may be confused
    assert "20314-0998871" in page.text
    assert (page.width, page.height) == (1700.0, 700.0)
    assert_offsets(page)


# ------------------------------------------------------------------------------------------
# stand-ins for tesseract: the error paths, fast and deterministic


def _words(texts: list[str], conf: float) -> list[OcrWord]:
    return [
        OcrWord(
            text=t,
            box=(10.0 * i, 10.0, 10.0 * i + 8, 20.0),
            confidence=conf,
            block=1,
            par=1,
            line=1,
        )
        for i, t in enumerate(texts)
    ]


@pytest.fixture
def fake_engine(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, object]]:
    """A tesseract stand-in: no binary, OSD says upright; tests set ``behaviour``."""
    calls: list[dict[str, object]] = []
    monkeypatch.setattr(
        ocr, "tesseract_status", lambda lang="eng": {"version": "5", "langs": ["eng"], "osd": True}
    )
    monkeypatch.setattr(ocr, "detect_orientation", lambda img, dpi=None, lang="eng": 0)
    return calls


def _scan_png(tmp_path: Path) -> Path:
    draw_page(PAGE_ONE).save(tmp_path / "scan.png", dpi=(DPI, DPI))
    return tmp_path / "scan.png"


def test_low_confidence_first_pass_is_retried_with_clean_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_engine: list[dict[str, object]]
) -> None:
    def engine(
        img: object, *, lang: str, dpi: float | None, psm: int = 3, config: tuple[str, ...] = ()
    ) -> list[OcrWord]:
        fake_engine.append({"config": list(config), "dpi": dpi})
        if "thresholding_method=2" in config:
            return _words(["Member", "ID:", MEMBER_ID], 0.93)
        return _words(["M3mb", "1D"], 0.31)

    monkeypatch.setattr(ocr, "run_tesseract_tsv", engine)
    letter = read_text(load_document(_scan_png(tmp_path), Options()), Options())
    assert [c["config"] for c in fake_engine] == [[], ["thresholding_method=2"]]
    assert letter.pages[0].text == f"Member ID: {MEMBER_ID}"
    assert letter.pages[0].confidence == pytest.approx(0.93)
    assert letter.errors == []


def test_low_confidence_after_retry_is_flagged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_engine: list[dict[str, object]]
) -> None:
    monkeypatch.setattr(ocr, "run_tesseract_tsv", lambda img, **kw: _words(["Member", "ID"], 0.4))
    letter = read_text(load_document(_scan_png(tmp_path), Options()), Options())
    assert letter.pages[0].text == "Member ID"  # kept: low confidence is not nothing
    assert [(e.code, e.page) for e in letter.errors] == [("low_confidence", 1)]
    assert "0.40" in letter.errors[0].message
    assert letter.mean_confidence == pytest.approx(0.4)


def test_crashing_engine_on_one_page_keeps_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_engine: list[dict[str, object]]
) -> None:
    def crash(img: object, **kw: object) -> list[OcrWord]:
        raise OcrFailedError("tesseract exited with -11: Segmentation fault")

    monkeypatch.setattr(ocr, "run_tesseract_tsv", crash)
    pdf = image_pdf(tmp_path / "mixed.pdf", [None, draw_page(PAGE_TWO)], text_pages={0: PAGE_ONE})
    letter = read_text(load_document(pdf, Options()), Options(dpi=DPI))
    assert MEMBER_ID in letter.pages[0].text
    assert letter.pages[1].text == ""
    [error] = letter.errors
    assert (error.stage, error.code, error.page) == ("ocr", "page_unreadable", 2)
    assert "Segmentation fault" in error.message and "\n" not in error.message


def test_engine_that_reads_nothing_makes_the_letter_unreadable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_engine: list[dict[str, object]]
) -> None:
    monkeypatch.setattr(ocr, "run_tesseract_tsv", lambda img, **kw: [])
    with pytest.raises(UnreadableLetterError, match="rescan it at 300 dpi"):
        read_text(load_document(_scan_png(tmp_path), Options()), Options())


def test_missing_tesseract_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_status: None
) -> None:
    monkeypatch.setenv(ocr.TESSERACT_ENV, str(tmp_path / "no-such-tesseract"))
    with pytest.raises(MissingDependencyError) as err:
        ocr.tesseract_status()
    assert str(err.value) == (
        "tesseract is not installed: run `sudo apt-get install tesseract-ocr tesseract-ocr-eng` "
        "or `denialparse doctor`"
    )
    assert err.value.exit_code is ExitCode.MISSING_DEPENDENCY
    with pytest.raises(MissingDependencyError):
        read_text(load_document(_scan_png(tmp_path), Options()), Options())
    # A born-digital letter needs no tesseract at all.
    pdf = image_pdf(tmp_path / "digital.pdf", [None], text_pages={0: PAGE_ONE})
    assert MEMBER_ID in read_text(load_document(pdf, Options()), Options()).pages[0].text


def test_tesseract_child_runs_single_threaded(monkeypatch: pytest.MonkeyPatch) -> None:
    # Without OMP_THREAD_LIMIT=1 one page takes 7 s instead of 1.4 s (measured.md).
    monkeypatch.delenv("OMP_THREAD_LIMIT", raising=False)
    seen: dict[str, object] = {}

    class Done:
        returncode = 0
        stdout = b"level\n"
        stderr = b""

    def fake_run(args: list[str], **kwargs: object) -> Done:
        seen.update(kwargs)
        return Done()

    monkeypatch.setattr(ocr.subprocess, "run", fake_run)
    ocr._run(["tesseract", "--version"], timeout=5)
    env = seen["env"]
    assert isinstance(env, dict) and env["OMP_THREAD_LIMIT"] == "1"
    assert "OMP_THREAD_LIMIT" not in os.environ  # set for the child only, not for us


def test_parse_tsv_keeps_words_and_scales_confidence() -> None:
    tsv = (
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
        "1\t1\t0\t0\t0\t0\t0\t0\t100\t50\t-1\t\n"
        "5\t1\t1\t1\t1\t1\t10\t12\t30\t8\t96.5\tMember\n"
        "5\t1\t1\t1\t1\t2\t45\t12\t20\t8\t91\tID:\n"
        "5\t1\t1\t1\t1\t3\t70\t12\t20\t8\t95\t \n"
    )
    words = ocr.parse_tsv(tsv)
    assert [(w.text, w.box, w.confidence) for w in words] == [
        ("Member", (10.0, 12.0, 40.0, 20.0), 0.965),
        ("ID:", (45.0, 12.0, 65.0, 20.0), 0.91),
    ]


def test_estimate_skew_finds_a_small_tilt() -> None:
    from PIL import Image

    page = draw_page(PAGE_ONE + PAGE_TWO, size=(1700, 900))
    tilted = page.rotate(-2.0, resample=Image.BILINEAR, fillcolor=255)
    assert ocr.estimate_skew(tilted) == pytest.approx(2.0, abs=0.3)
    assert ocr.estimate_skew(page) == pytest.approx(0.0, abs=0.3)


def test_to_gray_keeps_16_bit_and_transparent_pages_readable() -> None:
    import numpy as np
    from PIL import Image

    from denialparse.reading.images import to_gray

    sixteen = Image.fromarray(np.array([[0, 30000, 65535]], dtype=np.uint16))
    assert np.asarray(to_gray(sixteen)).ravel().tolist() == [0, 116, 255]
    clear = Image.new("RGBA", (2, 1), (0, 0, 0, 0))
    clear.putpixel((1, 0), (0, 0, 0, 255))
    assert np.asarray(to_gray(clear)).ravel().tolist() == [255, 0]
    fax = Image.new("1", (2, 1), 1)
    fax.putpixel((0, 0), 0)
    assert np.asarray(to_gray(fax)).ravel().tolist() == [0, 255]


def test_oversized_pdf_page_is_rendered_within_the_pixel_limits() -> None:
    from denialparse.reading.pdf import render_dpi as _render_dpi

    assert _render_dpi(612, 792, Options()) == 300  # a letter page: as asked
    dpi = _render_dpi(14_400, 14_400, Options())  # a 200-inch "page"
    assert (200 * dpi) ** 2 <= Options().max_image_pixels
    assert 200 * dpi <= Options().max_image_side


def test_image_with_ocr_off_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(UnreadableLetterError, match="--ocr auto"):
        read_text(load_document(_scan_png(tmp_path), Options()), Options(ocr=OcrMode.NEVER))


def test_blank_detection() -> None:
    from PIL import Image

    assert ocr.is_blank(Image.new("L", (1700, 2200), 255))
    assert not ocr.is_blank(draw_page(PAGE_ONE))
    # One short line on a whole 300-dpi page is not blank: it must be read.
    one_line = Image.new("L", (2550, 3300), 255)
    one_line.paste(draw_page(["Page 2 of 2"], size=(1700, 200)), (300, 300))  # 8-pt at 300 dpi
    assert not ocr.is_blank(one_line)
