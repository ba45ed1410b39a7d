"""Render a denial letter into the forms a front desk really receives.

A practice gets the same letter as a born-digital PDF from a payer portal, as a flatbed scan of the
paper copy, as a fax (bilevel G4 TIFF with non-square pixels), or as a phone photo a patient sent.
The extractor must cope with all of them, so the samples, the hand-written test set and the
training corpus are all rendered through this one module.

Everything is deterministic for a given ``seed`` (PDFs are written with reportlab's invariant mode,
noise comes from ``numpy.random.default_rng(seed)``), and every output is written atomically
(temporary file in the target directory, then ``os.replace``).

Dependencies are kept light: reportlab, Pillow, numpy, pypdfium2. Import it from the dev
package (``pip install -e dev/``)::

    from denialparse_dev import letterforms

Public functions:
    render_text_pdf(letter, out, *, letterhead=None, font="Helvetica", seed=0) -> Path
    rasterize(pdf, dpi) -> list[PIL.Image.Image]
    render_scan_pdf(letter_or_pdf, out, *, dpi=240, skew_deg=0.0, rotate=0, noise=0.0,
                    blur=0.0, jpeg_quality=None, seed=0) -> Path
    render_fax_tiff(letter_or_pdf, out, *, fine=True, seed=0, header=None) -> Path
    render_photo_jpeg(letter_or_pdf, out, *, seed=0, exif_rotate=None) -> Path
    split_letterhead(text) -> tuple[str | None, str]
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # heavy imports stay inside the functions that need them
    from PIL import Image

log = logging.getLogger(__name__)

__all__ = [
    "FAX_WIDTH_PX",
    "rasterize",
    "render_fax_tiff",
    "render_photo_jpeg",
    "render_scan_pdf",
    "render_text_pdf",
    "split_letterhead",
]

# US Letter in PDF points.
PAGE_W, PAGE_H = 612.0, 792.0
# ITU-T T.4: an A4/Letter fax line is 1728 pels at 8 pels/mm (~204 dpi) across 215 mm.
FAX_WIDTH_PX = 1728
FAX_DPI_X = 204
FAX_DPI_Y_FINE = 196
FAX_DPI_Y_STANDARD = 98

_BOLD = {
    "Helvetica": "Helvetica-Bold",
    "Times-Roman": "Times-Bold",
    "Courier": "Courier-Bold",
}

LetterOrPdf = str | Path


# --------------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------------


@contextmanager
def _atomic_path(out: Path) -> Iterator[Path]:
    """Yield a temporary path next to ``out``; move it over ``out`` only if the block succeeds."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        tmp.replace(out)  # atomic within one directory (os.replace)
    finally:
        if tmp.exists():
            tmp.unlink()


def _rng(seed: int):  # noqa: ANN202 - numpy Generator; numpy imported lazily
    import numpy as np

    return np.random.default_rng(seed)


def split_letterhead(text: str) -> tuple[str | None, str]:
    """Split a letter's first block off as its letterhead when it looks like one.

    A letterhead is the first paragraph (up to the first blank line) when it has at most six
    short lines. Portal notices and fax cover sheets often have none; they are returned whole.

    Args:
        text: the letter as printed.

    Returns:
        ``(letterhead, body)``; ``letterhead`` is None when the first block is not one.
    """
    head, sep, body = text.lstrip("\n").partition("\n\n")
    lines = head.splitlines()
    if sep and 1 <= len(lines) <= 6 and all(len(x) <= 70 for x in lines):
        return head, body.lstrip("\n")
    return None, text


# --------------------------------------------------------------------------------------------
# born-digital PDF
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Line:
    """One laid-out line: text, font, size, x offset in points, extra space above it."""

    text: str
    font: str
    size: float
    x: float
    gap: float = 0.0


def _is_tabular(line: str) -> bool:
    """A line laid out with runs of spaces (tables, EOB rows) must keep its columns."""
    stripped = line.strip()
    return stripped.startswith("|") or ("   " in stripped) or stripped.startswith("+--")


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy word wrap by real glyph widths."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    words = text.split(" ")
    lines: list[str] = []
    cur = ""
    for w in words:
        cand = f"{cur} {w}" if cur else w
        if stringWidth(cand, font, size) <= width or not cur:
            cur = cand
        else:
            lines.append(cur)
            cur = w
    lines.append(cur)
    return lines


def _layout_body(body: str, *, font: str, size: float, width: float) -> list[list[_Line] | None]:
    r"""Lay the body out as a stream of lines; ``None`` marks a forced page break (``\\f``)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    stream: list[list[_Line] | None] = []
    for chunk_no, chunk in enumerate(body.split("\f")):
        if chunk_no:
            stream.append(None)
        for raw in chunk.strip("\n").split("\n"):
            raw = raw.rstrip().expandtabs(4)
            if not raw.strip():
                stream.append([_Line("", font, size, 0.0)])
                continue
            indent_chars = len(raw) - len(raw.lstrip(" "))
            if _is_tabular(raw):
                # Monospace keeps the columns; shrink rather than wrap so a row stays a row.
                mono_size = size - 1
                while mono_size > 6 and stringWidth(raw, "Courier", mono_size) > width:
                    mono_size -= 0.5
                stream.append([_Line(raw, "Courier", mono_size, 0.0)])
                continue
            indent = indent_chars * stringWidth(" ", font, size) * 1.6
            stream.append(
                [
                    _Line(t, font, size, indent)
                    for t in _wrap(raw.strip(), font, size, width - indent)
                ]
            )
    return stream


def render_text_pdf(
    letter: str,
    out: Path,
    *,
    letterhead: str | None = None,
    font: str = "Helvetica",
    seed: int = 0,
) -> Path:
    r"""Render a letter as a born-digital PDF with a real text layer.

    Args:
        letter: the letter body as printed; ``"\\f"`` forces a page break.
        out: where to write the PDF.
        letterhead: optional letterhead block for page 1 (first line is the brand, set bold and
            large; the rest small). Its text is in the text layer too, as on a real letter.
        font: a standard PDF font: ``Helvetica``, ``Times-Roman`` or ``Courier``.
        seed: varies margins, body size and letterhead alignment deterministically.

    Returns:
        ``out``.
    """
    from reportlab.lib.colors import Color
    from reportlab.pdfgen import canvas

    rng = _rng(seed)
    bold = _BOLD.get(font, "Helvetica-Bold")
    size = float(rng.choice([9.5, 10.0, 10.5, 11.0]))
    leading = size * float(rng.choice([1.22, 1.3, 1.38]))
    margin_x = float(rng.choice([54, 63, 72]))
    margin_top = float(rng.choice([54, 60, 72]))
    margin_bottom = 64.0
    width = PAGE_W - 2 * margin_x
    align = str(rng.choice(["left", "center", "right"]))
    accent = Color(*[float(c) for c in rng.choice([(0, 0, 0), (0.05, 0.2, 0.45), (0.2, 0.2, 0.2)])])

    stream = _layout_body(letter, font=font, size=size, width=width)

    # Paginate first so the footer can say "Page i of N".
    pages: list[list[_Line]] = [[]]
    y_room = PAGE_H - margin_top - margin_bottom
    head_h = 0.0
    if letterhead:
        head_lines = [x for x in letterhead.strip("\n").split("\n")]
        head_h = 18 + 11 * (len(head_lines) - 1) + 22
    room = y_room - head_h
    for block in stream:
        if block is None:
            pages.append([])
            room = y_room
            continue
        for ln in block:
            if room < leading:
                pages.append([])
                room = y_room
            if not pages[-1] and not ln.text:
                continue  # no blank line at the top of a page
            pages[-1].append(ln)
            room -= leading
    pages = [p for p in pages if p] or [[]]

    with _atomic_path(out) as tmp:
        c = canvas.Canvas(str(tmp), pagesize=(PAGE_W, PAGE_H), invariant=1)
        c.setTitle("Correspondence")
        for page_no, lines in enumerate(pages, start=1):
            y = PAGE_H - margin_top
            if page_no == 1 and letterhead:
                y = _draw_letterhead(c, letterhead, y, margin_x, width, bold, align, accent)
            c.setFillColorRGB(0, 0, 0)
            for ln in lines:
                y -= leading
                if ln.text:
                    c.setFont(ln.font, ln.size)
                    c.drawString(margin_x + ln.x, y, ln.text)
            if len(pages) > 1:
                c.setFont(font, 8)
                c.setFillColorRGB(0.3, 0.3, 0.3)
                c.drawCentredString(PAGE_W / 2, 36, f"Page {page_no} of {len(pages)}")
            c.showPage()
        c.save()
    return out


def _draw_letterhead(c, letterhead, y, margin_x, width, bold, align, accent) -> float:  # noqa: ANN001, PLR0913
    """Draw the letterhead block; return the y below it."""
    lines = letterhead.strip("\n").split("\n")

    def draw(text: str, yy: float) -> None:
        if align == "center":
            c.drawCentredString(margin_x + width / 2, yy, text)
        elif align == "right":
            c.drawRightString(margin_x + width, yy, text)
        else:
            c.drawString(margin_x, yy, text)

    c.setFillColor(accent)
    c.setFont(bold, 15)
    y -= 15
    draw(lines[0], y)
    c.setFont("Helvetica", 8.5)
    for extra in lines[1:]:
        y -= 11
        draw(extra, y)
    y -= 9
    c.setStrokeColor(accent)
    c.setLineWidth(0.8)
    c.line(margin_x, y, margin_x + width, y)
    return y - 8


# --------------------------------------------------------------------------------------------
# raster forms
# --------------------------------------------------------------------------------------------


def rasterize(pdf: Path, dpi: int) -> list[Image.Image]:
    """Render every page of a PDF to a grayscale PIL image at ``dpi``.

    Args:
        pdf: the PDF to render.
        dpi: resolution of the output images.

    Returns:
        One ``"L"`` mode image per page.
    """
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        images = []
        for i in range(len(doc)):
            page = doc[i]
            bitmap = page.render(scale=dpi / 72.0, grayscale=True)
            images.append(bitmap.to_pil().convert("L"))
            page.close()
        return images
    finally:
        doc.close()


def _source_pages(letter_or_pdf: LetterOrPdf, dpi: int, seed: int) -> list[Image.Image]:
    """Rasterize a PDF path, or render letter text to a PDF first (letterhead split off)."""
    if isinstance(letter_or_pdf, Path):
        return rasterize(letter_or_pdf, dpi)
    letterhead, body = split_letterhead(letter_or_pdf)
    with tempfile.TemporaryDirectory(prefix="letterforms-") as tmpdir:
        pdf = render_text_pdf(body, Path(tmpdir) / "letter.pdf", letterhead=letterhead, seed=seed)
        return rasterize(pdf, dpi)


def _scanner_artifacts(
    img: Image.Image, *, rng, noise: float, blur: float, skew_deg: float  # noqa: ANN001
) -> Image.Image:
    """Paper tone, toner speckle, sensor noise, optical blur and a slightly crooked page."""
    import numpy as np
    from PIL import Image, ImageFilter

    a = np.asarray(img, dtype=np.float32)
    h, w = a.shape
    # Toner is never pure black and paper never pure white on a scan.
    a = 18 + a * (236 - 18) / 255.0
    # Slow illumination falloff across the platen (a few grey levels, left to right).
    a += np.linspace(3, -5, w, dtype=np.float32)[None, :]
    if noise > 0:
        a += rng.normal(0, 14 * noise, size=a.shape).astype(np.float32)
        # Dust specks: isolated dark pixels on the paper.
        n_specks = int(h * w * 0.00025 * noise)
        ys = rng.integers(0, h, n_specks)
        xs = rng.integers(0, w, n_specks)
        a[ys, xs] = rng.uniform(40, 140, n_specks)
        # Toner dropout: a few light pixels inside strokes.
        n_drop = int(h * w * 0.0004 * noise)
        ys = rng.integers(0, h, n_drop)
        xs = rng.integers(0, w, n_drop)
        a[ys, xs] = np.maximum(a[ys, xs], rng.uniform(120, 200, n_drop))
    out = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "L")
    if blur > 0:
        out = out.filter(ImageFilter.GaussianBlur(radius=blur))
    if skew_deg:
        # The lid behind the page is a little darker than the paper.
        out = out.rotate(skew_deg, resample=Image.Resampling.BICUBIC, fillcolor=226)
    return out


def render_scan_pdf(
    letter_or_pdf: LetterOrPdf,
    out: Path,
    *,
    dpi: int = 240,
    skew_deg: float = 0.0,
    rotate: int = 0,
    noise: float = 0.0,
    blur: float = 0.0,
    jpeg_quality: int | None = None,
    seed: int = 0,
) -> Path:
    """Render an image-only PDF (no text layer), as a flatbed scanner or copier produces.

    Args:
        letter_or_pdf: letter text (rendered with ``render_text_pdf`` first) or a PDF ``Path``.
        out: where to write the PDF.
        dpi: scan resolution (200-300 is what office scanners use).
        skew_deg: page rotation on the platen, degrees counter-clockwise (real scans: 0.3-2).
        rotate: 0, 90, 180 or 270; the page was fed sideways or upside down (counter-clockwise).
        noise: 0 (clean) .. 1 (a tired copier); sensor noise, dust specks, toner dropout.
        blur: Gaussian blur radius in pixels (0.6-1.2 looks like a cheap scanner).
        jpeg_quality: embed greyscale pages as JPEG at this quality (colour/grey scanner mode);
            None scans in black-and-white copier mode (thresholded, CCITT G4), as many office
            multifunction printers do by default.
        seed: noise seed.

    Returns:
        ``out``.

    Raises:
        ValueError: ``rotate`` is not a multiple of 90 or ``dpi`` is out of 72..600.
    """
    if rotate not in (0, 90, 180, 270):
        raise ValueError(f"rotate must be 0, 90, 180 or 270, not {rotate}")
    if not 72 <= dpi <= 600:
        raise ValueError(f"dpi must be within 72..600, not {dpi}")
    rng = _rng(seed)
    pages = _source_pages(letter_or_pdf, dpi, seed)

    images = []
    for i, page in enumerate(pages):
        # Each sheet sits a little differently on the platen.
        page_skew = skew_deg + (float(rng.normal(0, 0.15)) if skew_deg and i else 0.0)
        img = _scanner_artifacts(page, rng=rng, noise=noise, blur=blur, skew_deg=page_skew)
        if rotate:
            img = img.rotate(rotate, expand=True)
        if jpeg_quality is None:
            # Black-and-white copier mode: a fixed threshold, stored as CCITT G4.
            img = img.point(lambda v: 255 if v >= 150 else 0).convert("1")
        images.append(img)

    with _atomic_path(out) as tmp:
        # Pillow writes one full-page image per page and nothing else: no fonts, no text.
        # Empty dates and a fixed title keep the bytes reproducible.
        extra = {"quality": jpeg_quality} if jpeg_quality is not None else {}
        images[0].save(
            tmp,
            format="PDF",
            save_all=True,
            append_images=images[1:],
            resolution=float(dpi),
            **extra,
            title="Scanned Document",
            producer="Scanner",
            creationDate="",
            modDate="",
        )
    return out


def _fax_font(size: int):  # noqa: ANN202
    """Pillow's bundled font: the same glyphs on every machine, so output is reproducible."""
    from PIL import ImageFont

    return ImageFont.load_default(size=size)


def render_fax_tiff(
    letter_or_pdf: LetterOrPdf,
    out: Path,
    *,
    fine: bool = True,
    seed: int = 0,
    header: str | None = None,
) -> Path:
    """Render a multi-page bilevel CCITT G4 TIFF as a fax server stores a received fax.

    Pixels are not square: 204 dpi across, 196 (fine) or 98 (standard) dpi down, and the TIFF
    resolution tags say so. Each page gets the sending machine's header line (TSI) on top.

    Args:
        letter_or_pdf: letter text or a PDF ``Path``.
        out: where to write the TIFF.
        fine: fine (196 lpi) or standard (98 lpi) vertical resolution.
        seed: noise seed.
        header: the sender's header text, e.g. ``"03/14/2026 10:02  CIGNA APPEALS  8005551234"``;
            ``" P.1/3"`` is appended per page. A generic one is made from ``seed`` when None.

    Returns:
        ``out``.
    """
    import numpy as np
    from PIL import Image, ImageDraw, ImageFilter

    rng = _rng(seed)
    dpi_y = FAX_DPI_Y_FINE if fine else FAX_DPI_Y_STANDARD
    pages = _source_pages(letter_or_pdf, FAX_DPI_X, seed)
    if header is None:
        hh, mm = int(rng.integers(7, 18)), int(rng.integers(0, 60))
        header = f"{hh:02d}:{mm:02d}  FROM: 800 555 {int(rng.integers(1000, 9999))}"
    font = _fax_font(22)

    frames: list[Image.Image] = []
    for i, page in enumerate(pages, start=1):
        # Fit to the 1728-pel fax line (the sender scales Letter width to it).
        w = FAX_WIDTH_PX
        h_square = round(page.height * w / page.width)
        page = page.resize((w, h_square), Image.Resampling.LANCZOS)
        # The header is printed by the sender into the top of the page image.
        canvas_img = Image.new("L", (w, h_square + 40), 255)
        canvas_img.paste(page, (0, 40))
        draw = ImageDraw.Draw(canvas_img)
        draw.text((30, 8), f"{header}   P.{i}/{len(pages)}", fill=0, font=font)
        # Slight smear from the sender's CIS scan head before thresholding.
        smeared = canvas_img.filter(ImageFilter.GaussianBlur(radius=0.5))
        a = np.asarray(smeared, dtype=np.float32)
        a += rng.normal(0, 22, size=a.shape).astype(np.float32)
        # Threshold varies slowly down the page (auto-exposure drift).
        thr = 150 + 12 * np.sin(np.linspace(0, 3.0, a.shape[0]) + float(rng.uniform(0, 6)))
        bw = a > thr[:, None]
        # Line noise: a few scanlines with dropouts, and sparse salt-and-pepper.
        for y in rng.integers(60, bw.shape[0], int(rng.integers(1, 4))):
            span = slice(int(rng.integers(0, w // 2)), int(rng.integers(w // 2, w)))
            bw[y, span] = rng.random(span.stop - span.start) > 0.25
        pepper = rng.random(bw.shape) < 0.0004
        bw[pepper] = False
        img = Image.fromarray((bw * 255).astype(np.uint8), "L")
        # Anisotropic resample to the fax line pitch.
        h_fax = round(img.height * dpi_y / FAX_DPI_X)
        img = img.resize((w, h_fax), Image.Resampling.BOX if not fine else Image.Resampling.NEAREST)
        frames.append(img.point(lambda v: 255 if v >= 128 else 0).convert("1"))

    with _atomic_path(out) as tmp:
        frames[0].save(
            tmp,
            format="TIFF",
            compression="group4",
            dpi=(FAX_DPI_X, dpi_y),
            save_all=True,
            append_images=frames[1:],
        )
    return out


def _perspective_coeffs(
    dst: list[tuple[float, float]], src: list[tuple[float, float]]
) -> list[float]:
    """Coefficients for ``Image.transform(PERSPECTIVE)`` mapping output ``dst`` to input ``src``."""
    import numpy as np

    rows = []
    for (x, y), (u, v) in zip(dst, src, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    a = np.array(rows, dtype=np.float64)
    b = np.array([c for pt in src for c in pt], dtype=np.float64)
    return [float(v) for v in np.linalg.solve(a, b)]


def render_photo_jpeg(
    letter_or_pdf: LetterOrPdf,
    out: Path,
    *,
    seed: int = 0,
    exif_rotate: bool | None = None,
) -> Path:
    """Render page 1 as a phone photo: tilted, unevenly lit, on a desk, JPEG quality ~70.

    Args:
        letter_or_pdf: letter text or a PDF ``Path``.
        out: where to write the JPEG.
        seed: varies tilt, lighting, background and blur.
        exif_rotate: store the pixels rotated 90 degrees with EXIF Orientation=6 (what phones do
            when held in portrait with the sensor in landscape); None lets ``seed`` decide
            (about one photo in three).

    Returns:
        ``out``.
    """
    import numpy as np
    from PIL import Image, ImageFilter

    rng = _rng(seed)
    page = _source_pages(letter_or_pdf, 200, seed)[0]
    out_w, out_h = 1800, 2400
    # Background: a desk, warm grey to brown, with texture. Smooth fields (background shading,
    # lighting) are computed on a coarse grid and upscaled: full-size float maths took seconds.
    small = (out_w // 8, out_h // 8)
    yy, xx = np.mgrid[0 : small[1], 0 : small[0]].astype(np.float32)
    xx *= out_w / small[0]
    yy *= out_h / small[1]
    base = np.array(rng.choice([(92, 78, 62), (120, 116, 110), (60, 58, 64), (150, 130, 100)]))
    shade = 0.85 + 0.3 * xx / out_w
    bg_small = np.clip(base[None, None, :] * shade[..., None], 0, 255).astype(np.uint8)
    bg_img = Image.fromarray(bg_small, "RGB").resize((out_w, out_h), Image.Resampling.BILINEAR)

    # Page corners in the photo: a slightly tilted quadrilateral filling ~85% of the frame.
    pw, ph = page.size
    mx, my = out_w * 0.07, out_h * 0.06

    def jitter(s: float) -> float:
        return float(rng.uniform(-s, s))

    dst = [
        (mx + jitter(60) + 40, my + jitter(50)),
        (out_w - mx + jitter(60) - 20, my + jitter(50) + 30),
        (out_w - mx + jitter(40), out_h - my + jitter(40)),
        (mx + jitter(40), out_h - my + jitter(40) - 20),
    ]
    src = [(0.0, 0.0), (float(pw), 0.0), (float(pw), float(ph)), (0.0, float(ph))]
    coeffs = _perspective_coeffs(dst, src)
    paper = Image.merge(
        "RGB",
        [
            page.point(lambda v, k=k: int(v * k / 255))
            for k in (float(rng.uniform(238, 250)), 244.0, float(rng.uniform(225, 240)))
        ],
    )
    warped = paper.transform(
        (out_w, out_h), Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BICUBIC
    )
    mask = Image.new("L", page.size, 255).transform(
        (out_w, out_h), Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BILINEAR
    )
    photo = bg_img.copy()
    photo.paste(warped, (0, 0), mask)

    # Lighting: a lamp on one side, and the phone's shadow across a corner.
    angle = float(rng.uniform(0, 2 * np.pi))
    grad = np.cos(angle) * xx / out_w + np.sin(angle) * yy / out_h
    light = 1.0 - 0.22 * (grad - grad.min()) / (np.ptp(grad) + 1e-6)
    cx, cy = float(rng.uniform(0, out_w)), float(rng.uniform(out_h * 0.6, out_h))
    shadow = np.exp(-(((xx - cx) / (out_w * 0.35)) ** 2 + ((yy - cy) / (out_h * 0.25)) ** 2))
    light = (light * (1.0 - 0.28 * shadow)).astype(np.float32)
    light_full = np.asarray(
        Image.fromarray(light, "F").resize((out_w, out_h), Image.Resampling.BILINEAR)
    )
    a = np.asarray(photo, dtype=np.float32)
    a *= light_full[..., None]
    # Sensor noise (also gives the desk its grain).
    a += rng.standard_normal(a.shape, dtype=np.float32) * np.float32(4.0)
    photo = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "RGB")
    photo = photo.filter(ImageFilter.GaussianBlur(radius=float(rng.uniform(0.6, 1.1))))

    if exif_rotate is None:
        exif_rotate = bool(rng.random() < 0.34)
    exif = Image.Exif()
    exif[0x010F] = "Generic"  # Make
    exif[0x0110] = "Phone Camera"  # Model
    if exif_rotate:
        # Sensor pixels are landscape; the tag tells viewers to turn them 90 degrees clockwise.
        photo = photo.transpose(Image.Transpose.ROTATE_90)
        exif[0x0112] = 6
    else:
        exif[0x0112] = 1

    with _atomic_path(out) as tmp:
        photo.save(tmp, format="JPEG", quality=70, exif=exif.tobytes())
    return out


# A name the training helper can look up to render by form name.
RENDERERS: dict[str, Callable[..., Path]] = {
    "pdf": render_text_pdf,
    "scan": render_scan_pdf,
    "fax": render_fax_tiff,
    "photo": render_photo_jpeg,
}
