"""Page images for the review screen: a PDF page rendered with pdfium, an image page with Pillow,
as PNG, made on first request and kept in the letter's folder.

The box of a field (``evidence.bbox``) is in PDF points for PDFs and in image pixels for
images; ``page_sizes`` gives each page's size in the same unit so the page can place the box as
a share of the page's width and height, whatever size the picture is shown at.
"""

from __future__ import annotations

import io
import threading
from pathlib import Path

from denialparse.files import atomic_write_bytes
from denialparse.reading import ingest

# 110 dpi: readable beside the form, small enough to load at once (about 100-200 KB a page).
PDF_RENDER_DPI = 110
IMAGE_MAX_WIDTH = 1400
# pdfium is not thread-safe; the web server answers from several threads.
_pdfium_lock = threading.Lock()


def _pdf_pages(data: bytes) -> list[tuple[float, float]]:
    import pypdfium2

    with _pdfium_lock:
        pdf = pypdfium2.PdfDocument(data)
        try:
            return [tuple(pdf[i].get_size()) for i in range(len(pdf))]  # type: ignore[misc]
        finally:
            pdf.close()


def page_sizes(path: Path, media_type: str) -> list[tuple[float, float]]:
    """Each page's (width, height) in the unit of the field boxes."""
    data = path.read_bytes()
    if media_type == ingest.PDF:
        return _pdf_pages(data)
    if media_type in (ingest.TIFF, ingest.PNG, ingest.JPEG):
        img = ingest.open_image(data, media_type)
        sizes = []
        for frame in range(getattr(img, "n_frames", 1)):
            img.seek(frame)
            sizes.append((float(img.width), float(img.height)))
        return sizes
    return []


def _render_pdf_page(data: bytes, number: int) -> bytes:
    import pypdfium2

    with _pdfium_lock:
        pdf = pypdfium2.PdfDocument(data)
        try:
            # Grey: a third of the bytes of RGB, and a scan's colour says nothing to the review.
            image = pdf[number - 1].render(scale=PDF_RENDER_DPI / 72, grayscale=True).to_pil()
        finally:
            pdf.close()
    return _png(image)


def _render_image_page(data: bytes, media_type: str, number: int) -> bytes:
    img = ingest.open_image(data, media_type)
    img.seek(number - 1)
    frame = img.convert("L")
    if frame.width > IMAGE_MAX_WIDTH:
        frame = frame.resize((IMAGE_MAX_WIDTH, round(frame.height * IMAGE_MAX_WIDTH / frame.width)))
    return _png(frame)


def _png(image: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)  # type: ignore[attr-defined]
    return out.getvalue()


def page_png(original: Path, media_type: str, number: int, cache_dir: Path) -> bytes:
    """The PNG of page ``number`` (1-based), from the cache or rendered now.

    Raises:
        ValueError: no such page, or a letter type without page images (plain text).
    """
    cached = cache_dir / f"page-{number:03d}.png"
    if cached.is_file():
        return cached.read_bytes()
    data = original.read_bytes()
    if media_type == ingest.PDF:
        png = _render_pdf_page(data, number)
    elif media_type in (ingest.TIFF, ingest.PNG, ingest.JPEG):
        png = _render_image_page(data, media_type, number)
    else:
        raise ValueError("this letter has no page images")
    cache_dir.mkdir(mode=0o700, exist_ok=True)
    atomic_write_bytes(cached, png)
    return png
