"""The PDF text layer with pdfium: words, junk and scanned-page detection, page renders for OCR.

A page's text layer is read with pypdfium2 (pdfium, the engine of Chrome's viewer) and judged:
``good`` (use it), ``sparse`` (a fax header or page stamp over a scan: OCR the page too and keep
whichever reads more), ``junk`` (symbol-font garbage or letters mapped to the wrong codes: OCR)
or ``none``. Words come out in content-stream order with boxes in PDF points from the top-left
and are laid out into lines and paragraphs by ``layout.py``, the same way as OCR pages.

pdfium is not thread-safe: callers render one page at a time (``page_renderer`` takes a lock);
the OCR of the rendered pages runs in parallel elsewhere (``scheduling.py``).
"""

from __future__ import annotations

import logging
import threading
import unicodedata
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from denialparse.exceptions import InputFileError
from denialparse.reading.layout import group_lines, lay_out
from denialparse.reading.scheduling import UnloadablePageError
from denialparse.types import PageText, TextSource

if TYPE_CHECKING:
    from PIL import Image

    from denialparse.options import Options
    from denialparse.reading.ingest import SourceDocument

log = logging.getLogger(__name__)

# A text layer is junk when fewer than this share of its visible characters are letters
# (symbol-font garbage, glyphs without a Unicode mapping: pdfium gives those as control or
# private-use characters, non-letters) ...
_MIN_LETTER_SHARE = 0.5
# ... or, for English letters, when a page of real length has almost none of the commonest
# English words: letters that spell nothing (a font whose codes map to the wrong letters).
_MIN_WORDS_FOR_LANGUAGE_CHECK = 30
_MIN_COMMON_WORD_SHARE = 0.02
_COMMON_ENGLISH = frozenset(
    word
    for group in (
        "the of and to a in is for you your this that be are on or",
        "with we not by as it at from have has was will may our an if please",
    )
    for word in group.split()
)
# A layer this thin on a page that is mostly picture is a fax header or a page stamp over a
# scan: OCR the page and keep whichever reads far more.
_SPARSE_LAYER_CHARS = 200
_IMAGE_PAGE_SHARE = 0.25
_OUTLINED_TEXT_CURVES = 50


class PageLoadError(UnloadablePageError):
    """pdfium can't load or render one page (a page tree that points back at itself)."""


def _load_page(pdf: Any, index: int) -> Any:
    import pypdfium2 as pdfium

    try:
        return pdf[index]
    except pdfium.PdfiumError as e:
        raise PageLoadError(f"pdfium can't load page {index + 1}") from e


def open_pdf(doc: SourceDocument) -> Any:
    """The document opened with pdfium (the caller closes it).

    Raises:
        InputFileError: pdfium can't parse it (ingest opened it: only a file changed under us).
    """
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(doc.data)
    except pdfium.PdfiumError as e:
        raise InputFileError(
            f"{doc.path}: the PDF can't be parsed: re-download or rescan it", code="corrupt_pdf"
        ) from e


def layer_chars(pdf: Any, index: int) -> int:
    """Characters in page ``index``'s text layer, counted without reading them (~1 ms a page).

    Raises:
        PageLoadError: pdfium can't load the page.
    """
    page = _load_page(pdf, index)
    try:
        textpage = page.get_textpage()
        try:
            return int(textpage.count_chars())
        finally:
            textpage.close()
    finally:
        page.close()


def page_layer(
    pdf: Any, index: int, lang: str, *, want_layer: bool = True
) -> tuple[float, float, PageText | None, str]:
    """Page ``index``'s size in points, its text layer and the layer's verdict.

    Args:
        pdf: the open pdfium document.
        index: the page, from 0.
        lang: the OCR language(s); the junk check looks for English words when ``eng`` is in.
        want_layer: False (``--ocr always``) skips reading the layer: verdict ``none``.

    Returns:
        ``(width, height, layer, verdict)``, verdict ``good``, ``sparse``, ``junk`` or ``none``.

    Raises:
        PageLoadError: pdfium can't load the page.
    """
    page = _load_page(pdf, index)
    try:
        width, height = float(page.get_width()), float(page.get_height())
        layer, verdict = (
            text_layer(page, index + 1, width, height, lang) if want_layer else (None, "none")
        )
    finally:
        page.close()
    return width, height, layer, verdict


def page_renderer(
    pdf: Any, lock: threading.Lock, index: int, dpi: float
) -> Callable[[], Image.Image]:
    """A loader that renders page ``index`` at ``dpi`` to 8-bit gray, one render at a time.

    pdfium is not thread-safe: one render at a time under ``lock`` (0.03 s a page), OCR in
    parallel. The loader runs in the OCR worker so only pages in flight are in memory.

    Raises (from the loader):
        PageLoadError: pdfium can't load or render the page.
    """

    def render() -> Image.Image:
        import pypdfium2 as pdfium

        with lock:
            page = _load_page(pdf, index)
            try:
                bitmap = page.render(scale=dpi / 72.0, grayscale=True)
                return bitmap.to_pil().convert("L")
            except pdfium.PdfiumError as e:
                raise PageLoadError(f"pdfium can't render page {index + 1}") from e
            finally:
                page.close()

    return render


def render_dpi(width: float, height: float, options: Options) -> float:
    """``options.dpi``, lowered for an oversized page so its bitmap stays within the pixel limits.

    A PDF page can declare any size (a 200-inch "page" at 300 dpi is 3.6 gigapixels): the
    page-size check is the PDF's decompression-bomb check.
    """
    dpi = float(options.dpi)
    w_in, h_in = max(width, 1.0) / 72.0, max(height, 1.0) / 72.0
    dpi = min(dpi, options.max_image_side / max(w_in, h_in))
    dpi = min(dpi, (options.max_image_pixels / (w_in * h_in)) ** 0.5)
    if dpi < options.dpi:
        dpi = int(dpi * 100) / 100  # round down: the bitmap must not end a pixel over
        log.warning(
            "a %.0f x %.0f pt page is rendered at %.0f dpi to stay in the pixel limits",
            width,
            height,
            dpi,
        )
    return dpi


def is_junk(visible: str, words: Sequence[str], lang: str) -> bool:
    """True when a text layer's characters are not the page's text (see the thresholds)."""
    letters = sum(1 for ch in visible if ch.isalpha())
    if letters < _MIN_LETTER_SHARE * len(visible):
        return True
    if "eng" in lang.split("+") and len(words) >= _MIN_WORDS_FOR_LANGUAGE_CHECK:
        common = sum(1 for w in words if w.strip(".,;:()").lower() in _COMMON_ENGLISH)
        return common < _MIN_COMMON_WORD_SHARE * len(words)
    return False


def text_layer(
    page: Any,
    number: int,
    width: float,
    height: float,
    lang: str = "eng",
) -> tuple[PageText | None, str]:
    """The page's text layer and a verdict: ``good``, ``sparse``, ``junk`` or ``none``."""
    import pypdfium2 as pdfium

    try:
        raw_words = pdfium_words(page, height)
    except (pdfium.PdfiumError, OSError, ValueError):  # a broken content stream: OCR may read it
        log.warning("page %d: the text layer can't be read; OCR it", number)
        return None, "junk"
    visible = "".join(w["text"] for w in raw_words)
    if not visible:
        return None, "none"
    if is_junk(visible, [w["text"] for w in raw_words], lang):
        return None, "junk"
    text, words = lay_out(group_lines(raw_words))
    layer = PageText(
        number=number,
        source=TextSource.TEXT_LAYER,
        text=text,
        words=words,
        width=width,
        height=height,
    )
    if len(visible) < _SPARSE_LAYER_CHARS and looks_scanned(page, width * height):
        return layer, "sparse"
    return layer, "good"


def pdfium_words(page: Any, height: float) -> list[dict[str, Any]]:
    """Words of the text layer in content-stream order, boxes in points from the top-left.

    pdfium rather than pdfplumber: on the 11 sample letters both give the same page text after
    ``lay_out``, and pdfium takes 22 ms a letter where pdfplumber's per-character Python
    objects take 126 ms (most of the 0.1 s budget for a born-digital letter). Stream order
    also means no interleaved lines on skewed OCR layers (measured.md).
    """
    import pypdfium2.raw as pdfium_c

    textpage = page.get_textpage()
    try:
        count = textpage.count_chars()
        words: list[dict[str, Any]] = []
        chars: list[str] = []
        box: tuple[float, float, float, float] | None = None

        def flush() -> None:
            nonlocal box
            if chars and box is not None:
                words.append(
                    {
                        # NFKC: ligatures (U+FB01 "fi") and full-width forms become plain text.
                        "text": unicodedata.normalize("NFKC", "".join(chars)),
                        "x0": box[0],
                        "top": height - box[3],
                        "x1": box[2],
                        "bottom": height - box[1],
                    }
                )
            chars.clear()
            box = None

        for i in range(count):
            code = pdfium_c.FPDFText_GetUnicode(textpage, i)
            # pdfium marks a hyphen it found at a line end with code 2.
            ch = "-" if code == 2 else chr(code)
            if code < 32 or ch.isspace() or code in (0xFFFE, 0xFFFF):
                flush()
                continue
            left, bottom, right, top = textpage.get_charbox(i, loose=True)
            # A gap wider than a quarter of the glyph height, or a jump back left, ends a word
            # even without a space character (text placed by absolute positioning).
            if box is not None and (left > box[2] + 0.25 * (box[3] - box[1]) or left < box[0]):
                flush()
            chars.append(ch)
            box = (
                (left, bottom, right, top)
                if box is None
                else (min(box[0], left), min(box[1], bottom), max(box[2], right), max(box[3], top))
            )
        flush()
        return words
    finally:
        textpage.close()


def looks_scanned(page: Any, area: float) -> bool:
    """The page is mostly a picture (or text drawn as outlines) rather than text objects."""
    import pypdfium2.raw as pdfium_c

    if area <= 0:
        return False
    image_area = 0.0
    paths = 0
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_PATH]):
        if obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            left, bottom, right, top = obj.get_pos()
            image_area += max(0.0, right - left) * max(0.0, top - bottom)
        else:
            paths += 1
    return image_area >= _IMAGE_PAGE_SHARE * area or paths > _OUTLINED_TEXT_CURVES
