"""Hostile inputs of issue 12, made on the fly (the big ones would bloat the repository).

Each ``make_*`` writes one file into a folder and returns its path. The same files are measured
in bench/FUZZ.md (before/after figures) and replayed by tests/test_hostile.py.
"""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[1] / "samples"

LETTER_WORDS = (
    "Dear Member, we reviewed the request for coverage of the service and it was denied "
    "because it is not medically necessary. You may appeal within 180 days. "
)


def pdf_bytes(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF from numbered object bodies (object i+1 = objects[i]), with a correct xref."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, root, xref)
    )
    return out.getvalue()


def stream(body: bytes, extra: bytes = b"") -> bytes:
    """A stream object body (dictionary + data)."""
    return b"<< /Length %d %s >>\nstream\n" % (len(body), extra) + body + b"\nendstream"


def _text_page_pdf(pages: list[bytes], media_box: bytes = b"[0 0 612 792]") -> bytes:
    """Pages of Helvetica text; each entry is one page's (uncompressed) content stream."""
    n = len(pages)
    kids = b" ".join(b"%d 0 R" % (4 + 2 * i) for i in range(n))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % n,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for i, content in enumerate(pages):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox " + media_box + b" /Resources << /Font "
            b"<< /F1 3 0 R >> >> /Contents %d 0 R >>" % (5 + 2 * i)
        )
        objects.append(stream(zlib.compress(content), b"/Filter /FlateDecode"))
    return pdf_bytes(objects)


def _text_content(lines: list[str], size: float = 10.0) -> bytes:
    body = [b"BT /F1 %.1f Tf %.1f TL 36 756 Td" % (size, size * 1.2)]
    for line in lines:
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        body.append(b"(" + escaped.encode("latin-1") + b") Tj T*")
    body.append(b"ET")
    return b"\n".join(body)


# ------------------------------------------------------------------------------------------
# class A: a letter is never a novel


def make_long_text_one_line(folder: Path, chars: int = 10_000_000) -> Path:
    """One line of about ``chars`` characters (a 10 MB text file)."""
    path = folder / "one_line.txt"
    reps = chars // len(LETTER_WORDS) + 1
    path.write_text((LETTER_WORDS * reps)[:chars] + "\n")
    return path


def make_long_text_lines(folder: Path, lines: int = 40, width: int = 60_000) -> Path:
    """``lines`` lines of ``width`` characters (2.4 M characters)."""
    path = folder / "long_lines.txt"
    line = (LETTER_WORDS * (width // len(LETTER_WORDS) + 1))[:width]
    path.write_text("\n".join([line] * lines) + "\n")
    return path


def make_long_text_pdf(folder: Path, pages: int = 30, chars_per_page: int = 72_000) -> Path:
    """A text-layer PDF of ``pages`` pages full of tiny text (2.1 M characters)."""
    per_line = 400
    line = (LETTER_WORDS * (per_line // len(LETTER_WORDS) + 1))[:per_line]
    content = _text_content([line] * (chars_per_page // per_line), size=0.5)
    path = folder / "long_text.pdf"
    path.write_bytes(_text_page_pdf([content] * pages))
    return path


# ------------------------------------------------------------------------------------------
# class B: a truncated multi-page G4 fax


def make_truncated_fax(folder: Path, keep: float = 0.6) -> Path:
    """The two-page G4 sample fax cut after ``keep`` of its bytes."""
    data = (SAMPLES / "cigna_cimt" / "fax.tif").read_bytes()
    path = folder / "truncated_fax.tif"
    path.write_bytes(data[: int(len(data) * keep)])
    return path


# ------------------------------------------------------------------------------------------
# class C: a page tree that points back at itself


def _gray_image_object(width: int = 200, height: int = 100) -> bytes:
    pixels = bytes([255]) * (width * height)
    return stream(
        zlib.compress(pixels),
        b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Filter /FlateDecode" % (width, height),
    )


def make_self_referencing_tree(folder: Path) -> Path:
    """A scanned-looking PDF whose /Pages node lists itself among its kids."""
    draw = b"q 612 0 0 792 0 0 cm /Im1 Do Q"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 2 >>",
        (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>"
        ),
        stream(draw),
        _gray_image_object(),
    ]
    path = folder / "self_tree.pdf"
    path.write_bytes(pdf_bytes(objects))
    return path


# ------------------------------------------------------------------------------------------
# class D: thin images


def png_bytes(width: int, height: int, mode: str = "L") -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new(mode, (width, height), 255).save(buf, format="PNG")
    return buf.getvalue()


def make_thin_png(folder: Path, width: int = 3000, height: int = 1) -> Path:
    path = folder / f"thin_{width}x{height}.png"
    path.write_bytes(png_bytes(width, height))
    return path


# ------------------------------------------------------------------------------------------
# class E: corrupt images that make the decoders talk


def make_corrupt_fax(folder: Path) -> Path:
    """The sample fax with its G4 data scrambled in the middle (libtiff: "Bad code word")."""
    data = bytearray((SAMPLES / "umr_lumbar_mri" / "fax.tif").read_bytes())
    for i in range(2_000, min(len(data) - 2_000, 12_000), 7):
        data[i] ^= 0x5A
    path = folder / "corrupt_fax.tif"
    path.write_bytes(bytes(data))
    return path


def make_corrupt_jpeg(folder: Path) -> Path:
    """The sample photo with bytes flipped in its entropy-coded data."""
    data = bytearray((SAMPLES / "cigna_cimt" / "photo.jpg").read_bytes())
    for i in range(len(data) // 3, len(data) // 3 + 4_000, 5):
        data[i] = 0xFF if data[i] != 0xFF else 0x00
    path = folder / "corrupt_photo.jpg"
    path.write_bytes(bytes(data))
    return path


def make_corrupt_png(folder: Path) -> Path:
    """A PNG with a broken chunk CRC and a truncated IDAT."""
    data = bytearray(png_bytes(400, 300))
    idat = data.find(b"IDAT")
    length = struct.unpack(">I", data[idat - 4 : idat])[0]
    data[idat + 4 + length] ^= 0xFF  # the CRC
    path = folder / "corrupt.png"
    path.write_bytes(bytes(data[: idat + 4 + length // 2]))
    return path


# ------------------------------------------------------------------------------------------
# class F: a content stream compressed twice that expands to 4 GiB


def _deflate_zeros(total: int, chunk: int = 1 << 20) -> bytes:
    """A zlib stream that inflates to ``total`` zero bytes, built without inflating anything."""
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = comp.compress(bytes(chunk)) + comp.flush(zlib.Z_FULL_FLUSH)
    tail = zlib.compressobj(9, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)  # an empty final block
    adler = ((total % 65521) << 16) | 1  # Adler-32 of zeros: a stays 1, b counts the bytes
    return b"\x78\xda" + block * (total // chunk) + tail + struct.pack(">I", adler)


def make_flate_bomb(folder: Path, total: int = 4 << 30) -> Path:
    """A one-page PDF whose content stream is Flate twice over and inflates to ``total`` bytes."""
    inner = _deflate_zeros(total)
    outer = zlib.compress(inner, 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        stream(outer, b"/Filter [/FlateDecode /FlateDecode]"),
    ]
    path = folder / "flate_bomb.pdf"
    path.write_bytes(pdf_bytes(objects))
    return path


# ------------------------------------------------------------------------------------------
# class I: a page 14,400,000 points square


def make_huge_page(folder: Path, side: int = 14_400_000) -> Path:
    draw = b"q %d 0 0 %d 0 0 cm /Im1 Do Q" % (side, side)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] " % (side, side)
        + b"/Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>",
        stream(draw),
        _gray_image_object(),
    ]
    path = folder / "huge_page.pdf"
    path.write_bytes(pdf_bytes(objects))
    return path


# ------------------------------------------------------------------------------------------
# the fuzzer's CPU bomb: a small content stream that draws the page's picture 500,000 times


def make_draw_bomb(folder: Path, draws: int = 500_000) -> Path:
    """Within every size limit (50 KB, 15 MB inflated), but minutes of rendering."""
    draw = b"q 612 0 0 792 0 0 cm /Im1 Do Q\n" * draws
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>"
        ),
        stream(zlib.compress(draw, 9), b"/Filter /FlateDecode"),
        _gray_image_object(),
    ]
    path = folder / "draw_bomb.pdf"
    path.write_bytes(pdf_bytes(objects))
    return path


# ------------------------------------------------------------------------------------------
# the fuzzer's image-stream bomb: a picture's Flate layer that inflates to 200 MB


def make_image_stream_bomb(folder: Path, inflated: int = 200 << 20) -> Path:
    """A 1700 x 2200 gray scan (3.7 MB of pixels at most) whose [Flate, DCT] data inflates to
    ``inflated`` bytes before the JPEG decoder sees any of it."""
    image = stream(
        _deflate_zeros(inflated),
        b"/Type /XObject /Subtype /Image /Width 1700 /Height 2200 /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Filter [/FlateDecode /DCTDecode]",
    )
    draw = b"q 612 0 0 792 0 0 cm /Im1 Do Q"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>"
        ),
        stream(draw),
        image,
    ]
    path = folder / "image_stream_bomb.pdf"
    path.write_bytes(pdf_bytes(objects))
    return path


ALL = {
    "A_one_line": make_long_text_one_line,
    "A_long_lines": make_long_text_lines,
    "A_long_pdf": make_long_text_pdf,
    "B_truncated_fax": make_truncated_fax,
    "C_self_tree": make_self_referencing_tree,
    "D_thin_3000": make_thin_png,
    "D_thin_20000": lambda folder: make_thin_png(folder, 20_000, 1),
    "D_tall_1x20000": lambda folder: make_thin_png(folder, 1, 20_000),
    "E_corrupt_fax": make_corrupt_fax,
    "E_corrupt_jpeg": make_corrupt_jpeg,
    "E_corrupt_png": make_corrupt_png,
    "F_flate_bomb": make_flate_bomb,
    "I_huge_page": make_huge_page,
    "CPU_draw_bomb": make_draw_bomb,
    "F_image_stream_bomb": make_image_stream_bomb,
}


if __name__ == "__main__":  # python tests/hostile_inputs.py FOLDER: write them all
    import sys

    target = Path(sys.argv[1])
    target.mkdir(parents=True, exist_ok=True)
    for name, make in ALL.items():
        print(name, make(target))
