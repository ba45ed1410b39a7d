r"""Text per page: the PDF text layer where it is real, OCR where it is not, plain text as is.

Every page ends up as a ``PageText`` whose ``words`` point into its ``text`` (``Word.start/end``)
and onto the page (``Word.bbox``: PDF points, top-left origin, for PDFs; pixels of the input
file for images). Text layer and OCR pages are laid out the same way (words joined by one space,
lines by ``\n``, paragraphs by a blank line), so the rules and the model downstream see one
shape of text whatever the source (style.md: tuned on one extractor, broken on another).

A page that yields nothing, or only at low confidence, is never a silent blank: it gets a
``StageError`` in ``LetterText.errors``. Only when *no* page gives any text do we raise.
"""

from __future__ import annotations

import logging
import os
import threading
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from denialparse.exceptions import InputFileError, UnreadableLetterError
from denialparse.options import OcrMode
from denialparse.reading import ingest
from denialparse.reading.layout import merge_side_by_side
from denialparse.types import LetterText, PageText, StageError, TextSource, Word

if TYPE_CHECKING:
    from PIL import Image

    from denialparse.options import Options
    from denialparse.reading.ingest import SourceDocument
    from denialparse.reading.ocr import OcrPage

log = logging.getLogger(__name__)

# A text layer is junk when fewer than this share of its visible characters are letters
# (symbol-font garbage, glyphs without a Unicode mapping: pdfplumber shows those as "(cid:NN)",
# pdfium as control or private-use characters, both non-letters) ...
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
_OCR_WINS_FACTOR = 2.0
# A vertical gap above this share of the line height starts a new paragraph (a blank line).
_PARAGRAPH_GAP = 0.8
_STAGE = "ocr"
# Gaussian radius (pixels) that smooths bilevel fax pages before OCR.
_BILEVEL_BLUR = 0.8


@dataclass
class _OcrJob:
    """A page image waiting for OCR, and how to map its pixels back to page coordinates."""

    number: int
    load: Callable[[], Image.Image]  # called in the worker, so only pages in flight are in RAM
    dpi: float | None
    scale: tuple[float, float]  # multiply pixel x, y by these to get page coordinates
    size: tuple[float, float]  # page width, height in page coordinates
    layer: PageText | None = None  # a thin text layer to compare the OCR with


def read_text(doc: SourceDocument, options: Options) -> LetterText:
    """The letter's text, page by page.

    Args:
        doc: the ingested document.
        options: OCR mode, language, dpi, jobs and the confidence threshold.

    Returns:
        Every page (numbered from 1, none skipped), the overall source, the mean OCR confidence
        and one ``StageError`` per page that could not be read or read only at low confidence.

    Raises:
        UnreadableLetterError: no page gave any text.
        MissingDependencyError: a page needs OCR and tesseract (or the language) is missing.
        InputFileError: the PDF can't be parsed after all.
    """
    if doc.media_type == ingest.TEXT:
        letter = _plain_text(doc)
    elif doc.media_type == ingest.PDF:
        letter = _pdf_text(doc, options)
    elif options.ocr is OcrMode.NEVER:
        raise UnreadableLetterError(
            f"{doc.path}: an image has no text layer and OCR is off: rerun with --ocr auto"
        )
    else:
        letter = _image_text(doc, options)
    if not any(p.text.strip() for p in letter.pages):
        if options.ocr is OcrMode.NEVER and letter.source is not TextSource.PLAIN:
            hint = "it has no usable text layer and OCR is off: rerun with --ocr auto"
        elif letter.source is TextSource.PLAIN:
            hint = "the text file is blank: check the export"
        else:
            hint = "no page gave any text (blank or unreadable scan): rescan it at 300 dpi"
        raise UnreadableLetterError(f"{doc.path}: {hint}")
    return letter


# --------------------------------------------------------------------------------------------
# plain text


def _plain_text(doc: SourceDocument) -> LetterText:
    text = doc.text if doc.text is not None else ingest.decode_text(doc.data) or ""
    pages = [
        PageText(number=i, source=TextSource.PLAIN, text=page)
        for i, page in enumerate(ingest.split_text_pages(text), start=1)
    ]
    return LetterText(pages=pages, source=TextSource.PLAIN, mean_confidence=None)


# --------------------------------------------------------------------------------------------
# PDF


def _pdf_text(doc: SourceDocument, options: Options) -> LetterText:
    import pypdfium2 as pdfium

    pages: dict[int, PageText] = {}
    errors: list[StageError] = []
    try:
        pdf = pdfium.PdfDocument(doc.data)
    except pdfium.PdfiumError as e:  # ingest opened it; only a file changed under us gets here
        raise InputFileError(
            f"{doc.path}: the PDF can't be parsed: re-download or rescan it", code="corrupt_pdf"
        ) from e
    try:
        needs_ocr: list[tuple[int, PageText | None, float, float]] = []
        for index in range(len(pdf)):
            number = index + 1
            page = pdf[index]
            try:
                width, height = float(page.get_width()), float(page.get_height())
                layer, verdict = (
                    (None, "none")
                    if options.ocr is OcrMode.ALWAYS
                    else _text_layer(page, number, width, height, options.lang)
                )
            finally:
                page.close()
            if options.ocr is OcrMode.ALWAYS:
                needs_ocr.append((number, None, width, height))
            elif layer is not None and (
                verdict == "good" or (verdict == "sparse" and options.ocr is OcrMode.NEVER)
            ):
                pages[number] = layer
            elif options.ocr is OcrMode.NEVER:
                pages[number] = PageText(
                    number=number, source=TextSource.TEXT_LAYER, text="", width=width, height=height
                )
                why = "no text layer" if verdict == "none" else "only a garbled text layer"
                errors.append(
                    _error(
                        "page_unreadable",
                        f"page {number} has {why} and OCR is off: rerun with --ocr auto",
                        number,
                    )
                )
            else:
                needs_ocr.append((number, layer if verdict == "sparse" else None, width, height))
            log.debug("page %d: text layer %s", number, verdict)

        lock = threading.Lock()

        def renderer(index: int, dpi: float) -> Callable[[], Image.Image]:
            def render() -> Image.Image:
                # pdfium is not thread-safe: one render at a time (0.03 s a page), OCR in parallel.
                with lock:
                    page = pdf[index]
                    try:
                        bitmap = page.render(scale=dpi / 72.0, grayscale=True)
                        return bitmap.to_pil().convert("L")
                    finally:
                        page.close()

            return render

        jobs = []
        for number, layer, width, height in needs_ocr:
            dpi = _render_dpi(width, height, options)
            jobs.append(
                _OcrJob(
                    number=number,
                    load=renderer(number - 1, dpi),
                    dpi=dpi,
                    scale=(72.0 / dpi, 72.0 / dpi),
                    size=(width, height),
                    layer=layer,
                )
            )
        for page_text, page_errors in _run_ocr(jobs, options):
            pages[page_text.number] = page_text
            errors.extend(page_errors)
    finally:
        pdf.close()
    return _letter(pages, errors)


def _render_dpi(width: float, height: float, options: Options) -> float:
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


def _is_junk(visible: str, words: Sequence[str], lang: str) -> bool:
    """True when a text layer's characters are not the page's text (see the thresholds)."""
    letters = sum(1 for ch in visible if ch.isalpha())
    if letters < _MIN_LETTER_SHARE * len(visible):
        return True
    if "eng" in lang.split("+") and len(words) >= _MIN_WORDS_FOR_LANGUAGE_CHECK:
        common = sum(1 for w in words if w.strip(".,;:()").lower() in _COMMON_ENGLISH)
        return common < _MIN_COMMON_WORD_SHARE * len(words)
    return False


def _text_layer(
    page: Any, number: int, width: float, height: float, lang: str = "eng"
) -> tuple[PageText | None, str]:
    """The page's text layer and a verdict: ``good``, ``sparse``, ``junk`` or ``none``."""
    import pypdfium2 as pdfium

    try:
        raw_words = _pdfium_words(page, height)
    except (pdfium.PdfiumError, OSError, ValueError):  # a broken content stream: OCR may read it
        log.warning("page %d: the text layer can't be read; OCR it", number)
        return None, "junk"
    visible = "".join(w["text"] for w in raw_words)
    if not visible:
        return None, "none"
    if _is_junk(visible, [w["text"] for w in raw_words], lang):
        return None, "junk"
    lines = _group_lines(raw_words)
    text, words = _layout(lines)
    layer = PageText(
        number=number,
        source=TextSource.TEXT_LAYER,
        text=text,
        words=words,
        width=width,
        height=height,
    )
    if len(visible) < _SPARSE_LAYER_CHARS and _looks_scanned(page, width * height):
        return layer, "sparse"
    return layer, "good"


def _pdfium_words(page: Any, height: float) -> list[dict[str, Any]]:
    """Words of the text layer in content-stream order, boxes in points from the top-left.

    pdfium rather than pdfplumber: on the 11 sample letters both give the same page text after
    ``_layout``, and pdfium takes 22 ms a letter where pdfplumber's per-character Python
    objects take 126 ms (most of the 0.1 s budget for a born-digital letter). Stream order
    also means no interleaved lines on skewed OCR layers (measured.md).
    """
    import pypdfium2.raw as pdfium_c

    textpage = page.get_textpage()
    try:
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

        for i in range(textpage.count_chars()):
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


def _looks_scanned(page: Any, area: float) -> bool:
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


@dataclass
class _LineWord:
    text: str
    box: tuple[float, float, float, float]
    confidence: float | None = None


def _group_lines(raw_words: Sequence[dict[str, Any]]) -> list[list[_LineWord]]:
    """Cut stream-ordered words into lines.

    A word that jumps back left, or lies off the current line's band, starts a new line.
    """
    lines: list[list[_LineWord]] = []
    current: list[_LineWord] = []
    band: tuple[float, float] = (0.0, 0.0)
    for w in raw_words:
        box = (float(w["x0"]), float(w["top"]), float(w["x1"]), float(w["bottom"]))
        word = _LineWord(text=str(w["text"]), box=box)
        if current:
            mid = (box[1] + box[3]) / 2
            prev = current[-1].box
            same_band = band[0] <= mid <= band[1]
            goes_on = box[0] >= prev[0]  # left-to-right within the line
            if same_band and goes_on:
                current.append(word)
                band = (min(band[0], box[1]), max(band[1], box[3]))
                continue
            lines.append(current)
        current = [word]
        band = (box[1], box[3])
    if current:
        lines.append(current)
    return lines


def _layout(
    lines: Sequence[Sequence[_LineWord]], paragraph_breaks: set[int] | None = None
) -> tuple[str, list[Word]]:
    """Join words into page text and record each word's offsets.

    Args:
        lines: words per line, in reading order.
        paragraph_breaks: indexes of lines that start a paragraph; None = decide by the gap
            between lines (text layers, where there is no layout analysis to ask).

    Returns:
        The text and its words.
    """
    if paragraph_breaks is None:
        paragraph_breaks = _gap_breaks(lines)
    parts: list[str] = []
    words: list[Word] = []
    pos = 0
    for i, line in enumerate(lines):
        if i:
            sep = "\n\n" if i in paragraph_breaks else "\n"
            parts.append(sep)
            pos += len(sep)
        for j, w in enumerate(line):
            if j:
                parts.append(" ")
                pos += 1
            parts.append(w.text)
            words.append(
                Word(
                    text=w.text,
                    start=pos,
                    end=pos + len(w.text),
                    bbox=tuple(round(v, 2) for v in w.box),  # type: ignore[arg-type]
                    confidence=w.confidence,
                )
            )
            pos += len(w.text)
    return "".join(parts), words


def _gap_breaks(lines: Sequence[Sequence[_LineWord]]) -> set[int]:
    breaks: set[int] = set()
    for i in range(1, len(lines)):
        prev_bottom = max(w.box[3] for w in lines[i - 1])
        top = min(w.box[1] for w in lines[i])
        height = max(w.box[3] - w.box[1] for w in lines[i])
        if height > 0 and top - prev_bottom > _PARAGRAPH_GAP * height:
            breaks.add(i)
    return breaks


# --------------------------------------------------------------------------------------------
# images (TIFF frames, PNG, JPEG)


def _image_text(doc: SourceDocument, options: Options) -> LetterText:
    jobs = [
        _OcrJob(
            number=index + 1,
            load=_frame_loader(doc.data, doc.media_type, index, dpi),
            dpi=_square_dpi(dpi),
            scale=(1.0, 1.0),  # set from the frame once it is loaded (see _frame_loader)
            size=(0.0, 0.0),
        )
        for index, dpi in enumerate(doc.dpi or (None,) * doc.page_count)
    ]
    pages: dict[int, PageText] = {}
    errors: list[StageError] = []
    for page_text, page_errors in _run_ocr(jobs, options):
        pages[page_text.number] = page_text
        errors.extend(page_errors)
    return _letter(pages, errors)


def _frame_loader(
    data: bytes, media_type: str, index: int, dpi: tuple[float, float] | None
) -> Callable[[], Image.Image]:
    """A loader for frame ``index``: upright (EXIF), 8-bit gray, square pixels.

    Each call opens its own PIL image, so workers don't share a file position. The loaded
    image carries ``info["denialparse_scale"]`` (factors back to file pixels) and
    ``info["denialparse_size"]`` (the file's upright width and height) for page coordinates.
    """

    def load() -> Image.Image:
        import warnings

        from PIL import Image as PILImage
        from PIL import ImageFilter, ImageOps

        with warnings.catch_warnings():
            # ingest already refused anything over our pixel limits; PIL's check is redundant.
            warnings.simplefilter("ignore", PILImage.DecompressionBombWarning)
            with ingest.open_image(data, media_type) as img:
                img.seek(index)
                # Phone photos are stored sideways with an EXIF orientation tag.
                upright = ImageOps.exif_transpose(img.copy())
        gray = to_gray(upright)
        size = (float(gray.width), float(gray.height))
        sx = sy = 1.0
        if dpi is not None:
            gray, sx, sy = _square_pixels(gray, dpi)
        if upright.mode == "1":
            # Soften the jagged 1-bit edges: on the sample faxes a 0.8-px blur read 0.919 vs
            # 0.885 characters right (204x98) and 0.981 vs 0.978 (204x196).
            gray = gray.filter(ImageFilter.GaussianBlur(_BILEVEL_BLUR))
        gray.info["denialparse_scale"] = (sx, sy)
        gray.info["denialparse_size"] = size
        return gray

    return load


def to_gray(img: Image.Image) -> Image.Image:
    """8-bit gray for OCR, without the traps of a plain ``convert("L")``.

    ``convert("L")`` clips 16-bit scans (every value over 255 turns white, so a 16-bit page
    comes out blank) and maps transparent pixels to their colour, usually black (so a PNG with
    a transparent background comes out as a black page). 1-bit fax pages become 0/255.

    Args:
        img: a decoded image in any mode.

    Returns:
        The image in mode ``L``.
    """
    from PIL import Image as PILImage

    if img.mode in ("I;16", "I;16L", "I;16B", "I;16N", "I", "F"):
        import numpy as np

        arr = np.asarray(img, dtype=np.float64)
        top = 65535.0 if img.mode.startswith("I;16") else max(float(arr.max()), 1.0)
        return PILImage.fromarray(np.clip(arr * (255.0 / top), 0, 255).astype(np.uint8))
    if img.mode in ("RGBA", "LA", "PA") or "transparency" in img.info:
        rgba = img.convert("RGBA")
        white = PILImage.new("RGBA", rgba.size, (255, 255, 255, 255))
        return PILImage.alpha_composite(white, rgba).convert("L")
    return img.convert("L")


def _square_dpi(dpi: tuple[float, float] | None) -> float | None:
    return max(dpi) if dpi else None


def _square_pixels(gray: Image.Image, dpi: tuple[float, float]) -> tuple[Image.Image, float, float]:
    """Resample a fax page with non-square pixels (204x196, 204x98 dpi) to square pixels.

    Tesseract assumes square pixels: a 204x98 "standard" fax read as is has letters squashed
    to half height. Returns the image and the x and y factors that map its pixels back to the
    file's pixels; its dpi is now ``max(dpi)``.
    """
    from PIL import Image as PILImage

    xdpi, ydpi = dpi
    if abs(xdpi - ydpi) / max(xdpi, ydpi) < 0.05:
        return gray, 1.0, 1.0
    target = max(xdpi, ydpi)
    fx, fy = target / xdpi, target / ydpi
    size = (round(gray.width * fx), round(gray.height * fy))
    return gray.resize(size, PILImage.BICUBIC), 1.0 / fx, 1.0 / fy


# --------------------------------------------------------------------------------------------
# OCR over pages


def ocr_jobs(options: Options) -> int:
    """Worker count for multi-page OCR: ``options.ocr_jobs``, else the cores we may use."""
    if options.ocr_jobs:
        return max(1, options.ocr_jobs)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _run_ocr(
    jobs: Sequence[_OcrJob], options: Options
) -> Iterator[tuple[PageText, list[StageError]]]:
    """OCR the jobs, several pages at once, and yield each page's text and errors.

    Threads, not processes: the work is in the tesseract child processes (one per page, each
    single-threaded), so a thread per page keeps both cores busy without pool start-up or
    pickling page images, and it also works inside daemonic batch workers, which may not fork.
    """
    from denialparse.reading.ocr import ocr_page, tesseract_status

    job_list = list(jobs)
    if not job_list:
        return
    tesseract_status(options.lang)  # MissingDependencyError up front, not once per page
    workers = min(ocr_jobs(options), len(job_list))

    def run(job: _OcrJob) -> tuple[PageText, list[StageError]]:
        image = job.load()
        scale = image.info.get("denialparse_scale", job.scale)
        size = image.info.get("denialparse_size", job.size)
        result = ocr_page(
            image,
            lang=options.lang,
            dpi=job.dpi,
            min_confidence=options.min_page_confidence,
            # No recorded resolution: a phone photo (or a stripped export), clean it up first.
            clean_first=job.dpi is None,
        )
        return _ocr_page_text(job, result, options, scale=scale, size=size)

    if workers == 1:
        for job in job_list:  # one page (or --ocr-jobs 1): don't pay for a pool
            yield run(job)
        return
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ocr")
    try:
        yield from pool.map(run, job_list)
    finally:
        # On Ctrl-C or an error, drop the queued pages instead of OCRing them all first.
        pool.shutdown(wait=True, cancel_futures=True)


def _ocr_page_text(
    job: _OcrJob,
    result: OcrPage,
    options: Options,
    *,
    scale: tuple[float, float],
    size: tuple[float, float],
) -> tuple[PageText, list[StageError]]:
    """Turn one page's OCR into its ``PageText`` (page coordinates) and its errors."""
    number = job.number
    sx, sy = scale
    # Layout decisions (line gaps, side-by-side columns) need the page upright; the boxes we
    # keep are in the file's own orientation, so work upright and turn the boxes back at the end.
    to_upright, from_upright = _right_angle_maps(result.rotation, size)
    lines: list[list[_LineWord]] = []
    starts: set[int] = set()
    key: tuple[int, int, int] | None = None
    for w in result.words:
        line_key = (w.block, w.par, w.line)
        if line_key != key:
            if key is not None and line_key[0] != key[0]:
                starts.add(len(lines))  # a new layout block (column, letterhead, table)
            lines.append([])
            key = line_key
        x0, y0, x1, y1 = w.box
        box = to_upright((x0 * sx, y0 * sy, x1 * sx, y1 * sy))
        lines[-1].append(_LineWord(text=w.text, box=box, confidence=w.confidence))
    # Paragraphs by the gap between lines, the same rule as text layers, so both sources give
    # the same blank lines; tesseract's own paragraph numbers split single-spaced field blocks.
    text, words = _layout(lines, starts | _gap_breaks(lines))
    upright = PageText(
        number=number,
        source=TextSource.OCR,
        text=text,
        rotation=result.rotation,
        confidence=None if result.confidence is None else round(result.confidence, 4),
        words=words,
    )
    # Label and value columns that tesseract split into blocks go back on one line (layout.py).
    upright = merge_side_by_side(upright)
    page = upright.model_copy(
        update={
            "words": [w.model_copy(update={"bbox": from_upright(w.bbox)}) for w in upright.words],
            "width": size[0],
            "height": size[1],
        }
    )
    layer = job.layer
    if layer is not None and len(_visible(page.text)) < _OCR_WINS_FACTOR * len(
        _visible(layer.text)
    ):
        # The thin text layer was all there was to read; OCR found nothing more.
        return layer, []
    errors: list[StageError] = []
    if result.blank:
        errors.append(_error("page_unreadable", f"page {number} is blank: check the scan", number))
    elif result.error and not words:
        errors.append(
            _error(
                "page_unreadable",
                f"page {number} could not be OCRed ({result.error}): rescan it",
                number,
            )
        )
    elif not words:
        errors.append(
            _error(
                "page_unreadable",
                f"page {number} gave no text, even after clean-up: rescan it at 300 dpi",
                number,
            )
        )
    elif page.confidence is not None and page.confidence < options.min_page_confidence:
        errors.append(
            _error(
                "low_confidence",
                f"page {number} was read with low OCR confidence ({page.confidence:.2f}): "
                "check its fields, or rescan it at 300 dpi",
                number,
            )
        )
    log.info(
        "page %d: OCR, %d words, confidence %s, rotation %d%s",
        number,
        len(words),
        "n/a" if page.confidence is None else f"{page.confidence:.2f}",
        page.rotation,
        ", cleaned up" if result.preprocessed else "",
    )
    return page, errors


Box = tuple[float, float, float, float]


def _right_angle_maps(
    rotation: int, size: tuple[float, float]
) -> tuple[Callable[[Box], Box], Callable[[Box], Box]]:
    """Box maps from a page's own frame to its upright frame and back.

    Args:
        rotation: clockwise degrees (0, 90, 180, 270) that turn the page upright.
        size: the page's width and height in its own frame.

    Returns:
        ``(to_upright, from_upright)``.
    """
    w, h = size

    def rnd(box: Box) -> Box:
        return (round(box[0], 2), round(box[1], 2), round(box[2], 2), round(box[3], 2))

    if rotation == 90:  # (x, y) -> (h - y, x)
        return (
            lambda b: rnd((h - b[3], b[0], h - b[1], b[2])),
            lambda b: rnd((b[1], h - b[2], b[3], h - b[0])),
        )
    if rotation == 180:  # (x, y) -> (w - x, h - y)
        return (
            lambda b: rnd((w - b[2], h - b[3], w - b[0], h - b[1])),
            lambda b: rnd((w - b[2], h - b[3], w - b[0], h - b[1])),
        )
    if rotation == 270:  # (x, y) -> (y, w - x)
        return (
            lambda b: rnd((b[1], w - b[2], b[3], w - b[0])),
            lambda b: rnd((w - b[3], b[0], w - b[1], b[2])),
        )
    return (lambda b: b), (lambda b: b)


def _visible(text: str) -> str:
    return "".join(text.split())


def _error(code: str, message: str, page: int) -> StageError:
    return StageError(stage=_STAGE, code=code, message=message, page=page)


def _letter(pages: dict[int, PageText], errors: list[StageError]) -> LetterText:
    ordered = [pages[n] for n in sorted(pages)]
    sources = {p.source for p in ordered}
    if sources == {TextSource.OCR}:
        source = TextSource.OCR
    elif sources == {TextSource.TEXT_LAYER}:
        source = TextSource.TEXT_LAYER
    else:
        source = TextSource.MIXED
    confs = [
        p.confidence for p in ordered if p.source is TextSource.OCR and p.confidence is not None
    ]
    mean = round(sum(confs) / len(confs), 4) if confs else None
    errors = sorted(errors, key=lambda e: (e.page or 0, e.code))
    return LetterText(pages=ordered, source=source, mean_confidence=mean, errors=errors)
