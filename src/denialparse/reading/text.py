r"""Text per page: the PDF text layer where it is real, OCR where it is not, plain text as is.

``read_text`` is the reading stage's one entry (after ``ingest.load_document``): it dispatches
on the document's type, asks ``pdf.py`` for text layers, sends the pages that need OCR to
``scheduling.py`` (page images from ``pdf.py`` renders or ``images.py`` frames) and assembles the
``LetterText``.

Every page ends up as a ``PageText`` whose ``words`` point into its ``text`` (``Word.start/end``)
and onto the page (``Word.bbox``: PDF points, top-left origin, for PDFs; pixels of the input
file for images). Text layer and OCR pages are laid out the same way (``layout.py``), so the
rules and the model downstream see one shape of text whatever the source.

A page that yields nothing, or only at low confidence, is never a silent blank: it gets a
``StageError`` in ``LetterText.errors``. Only when *no* page gives any text do we raise.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from denialparse.exceptions import UnreadableLetterError
from denialparse.options import OcrMode
from denialparse.reading import images, ingest, pdf
from denialparse.reading.scheduling import OcrJob, page_error, run_ocr
from denialparse.types import LetterText, PageText, StageError, TextSource

if TYPE_CHECKING:
    from denialparse.options import Options
    from denialparse.reading.ingest import SourceDocument

log = logging.getLogger(__name__)


def read_text(doc: SourceDocument, options: Options) -> LetterText:
    """The letter's text, page by page.

    Args:
        doc: the ingested document.
        options: OCR mode, language, dpi, jobs and the confidence threshold.

    Returns:
        Every page (numbered from 1, none skipped), the overall source, the mean OCR confidence
        and one ``StageError`` per page that could not be read or read only at low confidence.

    Raises:
        LimitExceededError: more text than ``options.max_text_chars`` (checked as pages are read).
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
    ingest.check_text_length(doc.path, sum(len(p.text) for p in letter.pages), options)
    if not any(p.text.strip() for p in letter.pages):
        if options.ocr is OcrMode.NEVER and letter.source is not TextSource.PLAIN:
            hint = "it has no usable text layer and OCR is off: rerun with --ocr auto"
        elif letter.source is TextSource.PLAIN:
            hint = "the text file is blank: check the export"
        else:
            hint = "no page gave any text (blank or unreadable scan): rescan it at 300 dpi"
        raise UnreadableLetterError(f"{doc.path}: {hint}")
    return letter


def _plain_text(doc: SourceDocument) -> LetterText:
    text = doc.text if doc.text is not None else ingest.decode_text(doc.data) or ""
    pages = [
        PageText(number=i, source=TextSource.PLAIN, text=page)
        for i, page in enumerate(ingest.split_text_pages(text), start=1)
    ]
    return LetterText(pages=pages, source=TextSource.PLAIN, mean_confidence=None)


def _pdf_text(doc: SourceDocument, options: Options) -> LetterText:
    """Text layer where it is good, OCR of a render where it is missing, junk or too thin."""
    pages: dict[int, PageText] = {}
    errors: list[StageError] = []
    document = pdf.open_pdf(doc)
    try:
        want_layer = options.ocr is not OcrMode.ALWAYS
        if want_layer:
            _check_layer_length(doc, document, options)
        needs_ocr: list[tuple[int, PageText | None, float, float]] = []
        for index in range(len(document)):
            number = index + 1
            try:
                width, height, layer, verdict = pdf.page_layer(
                    document, index, options.lang, want_layer=want_layer
                )
            except pdf.PageLoadError:
                pages[number] = PageText(number=number, source=TextSource.TEXT_LAYER, text="")
                errors.append(_unloadable(number))
                continue
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
                    page_error(
                        "page_unreadable",
                        f"page {number} has {why} and OCR is off: rerun with --ocr auto",
                        number,
                    )
                )
            else:
                needs_ocr.append((number, layer if verdict == "sparse" else None, width, height))
            log.debug("page %d: text layer %s", number, verdict)

        lock = threading.Lock()
        jobs = []
        for number, layer, width, height in needs_ocr:
            dpi = pdf.render_dpi(width, height, options)
            jobs.append(
                OcrJob(
                    number=number,
                    load=pdf.page_renderer(document, lock, number - 1, dpi),
                    dpi=dpi,
                    scale=(72.0 / dpi, 72.0 / dpi),
                    size=(width, height),
                    layer=layer,
                )
            )
        for page_text, page_errors in run_ocr(jobs, options):
            pages[page_text.number] = page_text
            errors.extend(page_errors)
    finally:
        document.close()
    return _letter(pages, errors)


def _check_layer_length(doc: SourceDocument, document: object, options: Options) -> None:
    """Refuse a text layer longer than any letter before laying out a single page of it.

    Counting is cheap (pdfium's text page, ~1 ms a page); reading words is not (30 pages of
    tiny text took 14 s and 680 MB before spaCy refused them).
    """
    chars = 0
    for index in range(len(document)):  # type: ignore[arg-type]
        try:
            chars += pdf.layer_chars(document, index)
        except pdf.PageLoadError:
            continue  # reported as the page's error when the page is read
        ingest.check_text_length(doc.path, chars, options)


def _unloadable(number: int) -> StageError:
    return page_error(
        "page_unreadable",
        f"page {number} can't be loaded (a broken page tree): re-download or rescan the letter",
        number,
    )


def _image_text(doc: SourceDocument, options: Options) -> LetterText:
    """OCR of every frame of a TIFF (one page each), or of a PNG or JPEG."""
    jobs = [
        OcrJob(
            number=index + 1,
            load=images.frame_loader(doc.data, doc.media_type, index, dpi),
            dpi=images.square_dpi(dpi),
            scale=(1.0, 1.0),  # set from the frame once it is loaded (see frame_loader)
            size=(0.0, 0.0),
        )
        for index, dpi in enumerate(doc.dpi or (None,) * doc.page_count)
    ]
    pages: dict[int, PageText] = {}
    errors: list[StageError] = []
    for page_text, page_errors in run_ocr(jobs, options):
        pages[page_text.number] = page_text
        errors.extend(page_errors)
    return _letter(pages, errors)


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
