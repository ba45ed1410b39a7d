"""Ingest: type sniffing, limits, every bad input -> one exact InputFileError subclass (exit 4).

Also the text-layer and plain-text paths of ``read_text``, which need no tesseract.
Fixtures are made here, in tmp_path, with reportlab / PIL / pypdf.
"""

from __future__ import annotations

import hashlib
import io
import struct
import zlib
from pathlib import Path

import pytest

from denialparse.exceptions import (
    EncryptedPdfError,
    ExitCode,
    InputFileError,
    LimitExceededError,
    UnreadableLetterError,
    UnsupportedFileError,
)
from denialparse.options import OcrMode, Options
from denialparse.reading import ingest, ocr
from denialparse.reading.ingest import load_document
from denialparse.reading.text import read_text
from denialparse.types import TextSource

LETTER_LINES = [
    "Cigna Healthcare of Texas, Inc.",
    "March 14, 2026",
    "Member ID: U1234567801",
    "Claim number: 20314-0998871",
    "",
    "We have denied coverage because the service is not medically necessary.",
    "You may appeal within 180 days of receiving this letter.",
]


def make_text_pdf(path: Path, pages: list[list[str]] | None = None) -> Path:
    """A born-digital PDF (real text objects), one list of lines per page."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=letter)
    for lines in pages or [LETTER_LINES]:
        y = 720.0
        for line in lines:
            if line:
                c.setFont("Helvetica", 11)
                c.drawString(72, y, line)
            y -= 16
        c.showPage()
    c.save()
    return path


def make_png(path: Path, size: tuple[int, int] = (40, 30)) -> Path:
    from PIL import Image

    Image.new("L", size, 255).save(path)
    return path


def png_header_bomb(path: Path, width: int, height: int) -> Path:
    """A tiny PNG whose IHDR promises width x height pixels; the pixels are never allocated."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit grayscale
    chunk = b"IHDR" + ihdr
    data = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(ihdr)) + chunk
    data += struct.pack(">I", zlib.crc32(chunk) & 0xFFFFFFFF)
    idat = zlib.compress(b"\x00" * 64)
    data += struct.pack(">I", len(idat)) + b"IDAT" + idat
    data += struct.pack(">I", zlib.crc32(b"IDAT" + idat) & 0xFFFFFFFF)
    data += struct.pack(">I", 0) + b"IEND" + struct.pack(">I", zlib.crc32(b"IEND") & 0xFFFFFFFF)
    path.write_bytes(data)
    return path


# ------------------------------------------------------------------------------------------
# good inputs


def test_born_digital_pdf_is_sniffed_and_hashed(tmp_path: Path) -> None:
    pdf = make_text_pdf(tmp_path / "letter.pdf", [LETTER_LINES, ["Page two"]])
    doc = load_document(pdf, Options())
    assert doc.media_type == "application/pdf"
    assert doc.page_count == 2
    assert doc.sha256 == hashlib.sha256(pdf.read_bytes()).hexdigest()
    info = doc.source_info()
    assert (info.path, info.media_type, info.pages) == (str(pdf), "application/pdf", 2)


@pytest.mark.parametrize(
    ("maker", "wrong_name", "media_type"),
    [
        ("pdf", "scan.tif", "application/pdf"),
        ("png", "scan.pdf", "image/png"),
        ("jpeg", "scan.txt", "image/jpeg"),
        ("tiff", "scan.png", "image/tiff"),
    ],
)
def test_type_comes_from_magic_bytes_not_extension(
    tmp_path: Path, maker: str, wrong_name: str, media_type: str
) -> None:
    from PIL import Image

    path = tmp_path / wrong_name
    if maker == "pdf":
        make_text_pdf(path)
    else:
        fmt = {"png": "PNG", "jpeg": "JPEG", "tiff": "TIFF"}[maker]
        Image.new("L", (50, 40), 255).save(path, format=fmt)
    assert load_document(path, Options()).media_type == media_type


def test_input_file_is_not_modified(tmp_path: Path) -> None:
    pdf = make_text_pdf(tmp_path / "letter.pdf")
    before = (pdf.read_bytes(), pdf.stat().st_mtime_ns)
    read_text(load_document(pdf, Options()), Options(ocr=OcrMode.NEVER))
    assert (pdf.read_bytes(), pdf.stat().st_mtime_ns) == before


def test_text_layer_words_point_into_page_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_ocr(*args: object, **kwargs: object) -> None:
        raise AssertionError("a born-digital page must not be OCRed")

    monkeypatch.setattr(ocr, "ocr_page", no_ocr)
    pdf = make_text_pdf(tmp_path / "letter.pdf")
    letter = read_text(load_document(pdf, Options()), Options())
    assert letter.source is TextSource.TEXT_LAYER
    assert letter.mean_confidence is None
    assert letter.errors == []
    page = letter.pages[0]
    assert page.source is TextSource.TEXT_LAYER
    assert page.confidence is None
    assert "Member ID: U1234567801" in page.text
    assert "Claim number: 20314-0998871" in page.text
    # The empty line in the letter becomes a paragraph break.
    assert "20314-0998871\n\nWe have denied" in page.text
    assert page.width == pytest.approx(612.0) and page.height == pytest.approx(792.0)
    assert len(page.words) == sum(len(line.split()) for line in LETTER_LINES)
    for word in page.words:
        assert page.text[word.start : word.end] == word.text
    member = next(w for w in page.words if w.text == "U1234567801")
    x0, top, x1, bottom = member.bbox
    # Drawn at x=72 after "Member ID: " in 11-pt Helvetica, baseline 720 - 2*16 from the bottom.
    assert 100 < x0 < 150 and x1 > x0
    assert top == pytest.approx(792 - 688 - 11 * 0.9, abs=2.5)
    assert bottom == pytest.approx(792 - 688, abs=3.5)


def test_junk_text_layer_page_is_flagged_not_used(tmp_path: Path) -> None:
    pdf = make_text_pdf(
        tmp_path / "letter.pdf",
        [LETTER_LINES, ["#### %%%% $$$$ 1234 5678 @@@@ !!!! ---- ==== ++++"]],
    )
    letter = read_text(load_document(pdf, Options()), Options(ocr=OcrMode.NEVER))
    assert letter.pages[1].text == ""
    assert [(e.stage, e.code, e.page) for e in letter.errors] == [("ocr", "page_unreadable", 2)]
    assert "--ocr auto" in letter.errors[0].message


def test_text_layer_of_wrong_letters_is_junk(tmp_path: Path) -> None:
    # What a font without a Unicode map gives: letters, but they spell nothing.
    gibberish = ["Qxv Zkrq wlpb gfh Jmcn tyvr hsdk Plqw zrtv Nbxq"] * 4
    pdf = make_text_pdf(tmp_path / "letter.pdf", [LETTER_LINES, gibberish])
    letter = read_text(load_document(pdf, Options()), Options(ocr=OcrMode.NEVER))
    assert "Member ID" in letter.pages[0].text
    assert letter.pages[1].text == ""
    assert [(e.code, e.page) for e in letter.errors] == [("page_unreadable", 2)]


def test_plain_text_pages_split_on_form_feed(tmp_path: Path) -> None:
    path = tmp_path / "letter.txt"
    path.write_bytes("Member ID: U1234567801\r\nDenied.\fPage two: café\f".encode())
    doc = load_document(path, Options())
    assert (doc.media_type, doc.page_count) == ("text/plain", 2)
    letter = read_text(doc, Options())
    assert letter.source is TextSource.PLAIN
    assert letter.mean_confidence is None
    assert [p.text for p in letter.pages] == ["Member ID: U1234567801\nDenied.", "Page two: café"]
    assert all(p.source is TextSource.PLAIN and p.confidence is None for p in letter.pages)


def test_latin1_text_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "letter.txt"
    path.write_bytes("Dear Mr. Muñoz, your claim was denied.".encode("latin-1"))
    letter = read_text(load_document(path, Options()), Options())
    assert letter.pages[0].text == "Dear Mr. Muñoz, your claim was denied."


def test_blank_text_file_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "letter.txt"
    path.write_text("   \n\n  ")
    with pytest.raises(InputFileError, match="only blank space") as err:
        load_document(path, Options())
    assert type(err.value) is InputFileError


def test_image_only_pdf_with_ocr_off_is_unreadable(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    png = make_png(tmp_path / "scan.png", (850, 1100))
    pdf = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(pdf))
    c.drawImage(str(png), 0, 0, 612, 792)
    c.save()
    with pytest.raises(UnreadableLetterError) as err:
        read_text(load_document(pdf, Options()), Options(ocr=OcrMode.NEVER))
    assert "--ocr auto" in err.value.message
    assert err.value.exit_code is ExitCode.INPUT_FILE


# ------------------------------------------------------------------------------------------
# bad inputs: exact class, one line, exit 4


def _bad_empty(tmp: Path) -> tuple[Path, Options]:
    (tmp / "empty.pdf").write_bytes(b"")
    return tmp / "empty.pdf", Options()


def _bad_truncated_pdf(tmp: Path) -> tuple[Path, Options]:
    data = make_text_pdf(tmp / "full.pdf", [LETTER_LINES] * 3).read_bytes()
    (tmp / "cut.pdf").write_bytes(data[: len(data) // 2])
    return tmp / "cut.pdf", Options()


def _bad_encrypted_pdf(tmp: Path) -> tuple[Path, Options]:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(make_text_pdf(tmp / "plain.pdf")))
    writer.encrypt("s3cret", algorithm="AES-256")
    with (tmp / "locked.pdf").open("wb") as fh:
        writer.write(fh)
    return tmp / "locked.pdf", Options()


def _bad_random_bytes(tmp: Path) -> tuple[Path, Options]:
    import random

    rng = random.Random(7)
    (tmp / "noise.pdf").write_bytes(bytes(rng.randrange(256) for _ in range(4096)))
    return tmp / "noise.pdf", Options()


def _bad_elf(tmp: Path) -> tuple[Path, Options]:
    (tmp / "letter.pdf").write_bytes(b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56 + b"payload" * 20)
    return tmp / "letter.pdf", Options()


def _bad_zip(tmp: Path) -> tuple[Path, Options]:
    import zipfile

    with zipfile.ZipFile(tmp / "letter.docx", "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    return tmp / "letter.docx", Options()


def _bad_png_bomb(tmp: Path) -> tuple[Path, Options]:
    return png_header_bomb(tmp / "bomb.png", 50_000, 50_000), Options()


def _bad_png_over_side(tmp: Path) -> tuple[Path, Options]:
    # Under PIL's own bomb limits, over ours: our limit must apply, before decoding.
    return png_header_bomb(tmp / "wide.png", 30_000, 10), Options()


def _bad_png_over_pixels(tmp: Path) -> tuple[Path, Options]:
    return make_png(tmp / "big.png", (400, 300)), Options(max_image_pixels=100_000)


def _bad_truncated_png(tmp: Path) -> tuple[Path, Options]:
    from PIL import Image, ImageDraw

    img = Image.new("L", (600, 400), 255)
    ImageDraw.Draw(img).text((10, 10), "Member ID " * 20, fill=0)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    (tmp / "cut.png").write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    return tmp / "cut.png", Options()


def _bad_truncated_jpeg(tmp: Path) -> tuple[Path, Options]:
    from PIL import Image, ImageDraw

    img = Image.new("L", (600, 400), 255)
    ImageDraw.Draw(img).text((10, 10), "Member ID " * 20, fill=0)
    buf = io.BytesIO()
    img.save(buf, format="JPEG")
    (tmp / "cut.jpg").write_bytes(buf.getvalue()[: len(buf.getvalue()) // 3])
    return tmp / "cut.jpg", Options()


def _bad_missing(tmp: Path) -> tuple[Path, Options]:
    return tmp / "nowhere" / "letter.pdf", Options()


def _bad_directory(tmp: Path) -> tuple[Path, Options]:
    (tmp / "inbox").mkdir()
    return tmp / "inbox", Options()


def _bad_too_many_pages(tmp: Path) -> tuple[Path, Options]:
    return make_text_pdf(tmp / "long.pdf", [["page"]] * 4), Options(max_pages=3)


def _bad_tiff_too_many_pages(tmp: Path) -> tuple[Path, Options]:
    from PIL import Image

    frames = [Image.new("1", (100, 100), 1) for _ in range(4)]
    frames[0].save(tmp / "fax.tif", save_all=True, append_images=frames[1:], compression="group4")
    return tmp / "fax.tif", Options(max_pages=3)


def _bad_too_big_file(tmp: Path) -> tuple[Path, Options]:
    return make_text_pdf(tmp / "letter.pdf"), Options(max_file_bytes=500)


BAD_INPUTS = {
    "empty": (_bad_empty, InputFileError),
    "truncated-pdf": (_bad_truncated_pdf, InputFileError),
    "encrypted-pdf": (_bad_encrypted_pdf, EncryptedPdfError),
    "random-bytes": (_bad_random_bytes, UnsupportedFileError),
    "elf": (_bad_elf, UnsupportedFileError),
    "zip": (_bad_zip, UnsupportedFileError),
    "png-header-bomb": (_bad_png_bomb, LimitExceededError),
    "png-over-side": (_bad_png_over_side, LimitExceededError),
    "png-over-pixels": (_bad_png_over_pixels, LimitExceededError),
    "truncated-png": (_bad_truncated_png, InputFileError),
    "truncated-jpeg": (_bad_truncated_jpeg, InputFileError),
    "missing": (_bad_missing, InputFileError),
    "directory": (_bad_directory, InputFileError),
    "pdf-over-page-limit": (_bad_too_many_pages, LimitExceededError),
    "tiff-over-page-limit": (_bad_tiff_too_many_pages, LimitExceededError),
    "over-size-limit": (_bad_too_big_file, LimitExceededError),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS), ids=list(BAD_INPUTS))
def test_bad_input_raises_exact_error_with_one_line(tmp_path: Path, case: str) -> None:
    make, expected = BAD_INPUTS[case]
    path, options = make(tmp_path)
    with pytest.raises(InputFileError) as err:
        load_document(path, options)
    assert type(err.value) is expected
    assert err.value.exit_code is ExitCode.INPUT_FILE
    message = str(err.value)
    assert "\n" not in message and message == err.value.message
    assert str(path) in message
    assert len(message) < 220


def test_messages_say_what_to_do(tmp_path: Path) -> None:
    path, _ = _bad_encrypted_pdf(tmp_path)
    with pytest.raises(EncryptedPdfError, match="password-protected: save an unprotected copy"):
        load_document(path, Options())
    path, _ = _bad_elf(tmp_path)
    with pytest.raises(UnsupportedFileError, match="PDF, TIFF, PNG, JPEG and plain-text"):
        load_document(path, Options())
    path, _ = _bad_png_bomb(tmp_path)
    with pytest.raises(LimitExceededError, match="50000x50000"):
        load_document(path, Options())


def test_bomb_is_refused_before_decoding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from PIL import ImageFile

    def no_decode(self: object) -> None:
        raise AssertionError("the pixels of an over-limit image must not be decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decode)
    with pytest.raises(LimitExceededError):
        load_document(png_header_bomb(tmp_path / "bomb.png", 50_000, 50_000), Options())
    with pytest.raises(LimitExceededError):
        load_document(png_header_bomb(tmp_path / "wide.png", 30_000, 10), Options())


def test_unreadable_permission(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pdf = make_text_pdf(tmp_path / "letter.pdf")
    real_open = Path.open

    def denied(self: Path, *args: object, **kwargs: object) -> object:
        if self == pdf:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", denied)
    with pytest.raises(InputFileError, match="permission denied") as err:
        load_document(pdf, Options())
    assert type(err.value) is InputFileError
    assert err.value.code == "permission_denied"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"%PDF-1.7\n", "application/pdf"),
        (b"junk\r\n%PDF-1.4\n", "application/pdf"),
        (b"II*\x00\x08\x00", "image/tiff"),
        (b"MM\x00*\x00\x00", "image/tiff"),
        (b"\x89PNG\r\n\x1a\n\x00", "image/png"),
        (b"\xff\xd8\xff\xe0\x00", "image/jpeg"),
        (b"Dear member,\nyour claim was denied.\n", "text/plain"),
        ("\ufeffDear member".encode(), "text/plain"),
        ("Dear member".encode("utf-16"), "text/plain"),
        (b"\x7fELF\x02\x01\x01", None),
        (b"PK\x03\x04\x14\x00", None),
        (b"GIF89a\x01\x00", None),
        (b"abc\x00def", None),
        (bytes(range(256)), None),
    ],
)
def test_sniff_media_type(data: bytes, expected: str | None) -> None:
    assert ingest.sniff_media_type(data) == expected
