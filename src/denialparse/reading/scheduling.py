"""OCR of a letter's pages: several pages at once, each mapped back to a ``PageText``.

``ocr.py`` reads one page image (with its own retries: orientation, clean-up pass); this module
decides how many pages run at once, loads each page image only in its worker, maps the words
back to page coordinates (turning the boxes of a rotated page back into the file's own frame),
lays the page out like a text layer, and turns an unreadable or doubtful page into a
``StageError`` rather than a silent blank.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

from denialparse.reading.layout import LineWord, gap_breaks, lay_out, merge_side_by_side
from denialparse.types import PageText, StageError, TextSource

if TYPE_CHECKING:
    from PIL import Image

    from denialparse.options import Options
    from denialparse.reading.ocr import OcrPage

log = logging.getLogger(__name__)

# OCR replaces a thin text layer only when it reads this many times the layer's characters.
_OCR_WINS_FACTOR = 2.0
STAGE = "ocr"

Box = tuple[float, float, float, float]


class UnloadablePageError(Exception):
    """A page image can't be made (pdfium can't render it, the frame can't be decoded)."""


@dataclass
class OcrJob:
    """A page image waiting for OCR, and how to map its pixels back to page coordinates."""

    number: int
    load: Callable[[], Image.Image]  # called in the worker, so only pages in flight are in RAM
    dpi: float | None
    scale: tuple[float, float]  # multiply pixel x, y by these to get page coordinates
    size: tuple[float, float]  # page width, height in page coordinates
    layer: PageText | None = None  # a thin text layer to compare the OCR with


def page_error(code: str, message: str, page: int) -> StageError:
    """A page's problem, recorded in ``LetterText.errors``."""
    return StageError(stage=STAGE, code=code, message=message, page=page)


def ocr_jobs(options: Options) -> int:
    """Worker count for multi-page OCR: ``options.ocr_jobs``, else the cores we may use."""
    if options.ocr_jobs:
        return max(1, options.ocr_jobs)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def run_ocr(
    jobs: Sequence[OcrJob], options: Options
) -> Iterator[tuple[PageText, list[StageError]]]:
    """OCR the jobs, several pages at once, and yield each page's text and errors.

    Threads, not processes: the work is in the tesseract child processes (one per page, each
    single-threaded), so a thread per page keeps both cores busy without pool start-up or
    pickling page images, and it also works inside daemonic batch workers, which may not fork.
    """
    from denialparse.reading import ocr

    job_list = list(jobs)
    if not job_list:
        return
    ocr.tesseract_status(options.lang)  # MissingDependencyError up front, not once per page
    workers = min(ocr_jobs(options), len(job_list))

    def run(job: OcrJob) -> tuple[PageText, list[StageError]]:
        try:
            image = job.load()
        except UnloadablePageError as e:
            log.warning("page %d: %s", job.number, e)
            return _unloadable_page(job), [
                page_error(
                    "page_unreadable",
                    f"page {job.number} can't be decoded: re-download or rescan the letter",
                    job.number,
                )
            ]
        scale = image.info.get("denialparse_scale", job.scale)
        size = image.info.get("denialparse_size", job.size)
        result = ocr.ocr_page(
            image,
            lang=options.lang,
            dpi=job.dpi,
            min_confidence=options.min_page_confidence,
            # No recorded resolution: a phone photo (or a stripped export), clean it up first.
            clean_first=job.dpi is None,
        )
        return ocr_page_text(job, result, options, scale=scale, size=size)

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


def ocr_page_text(
    job: OcrJob,
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
    to_upright, from_upright = right_angle_maps(result.rotation, size)
    lines: list[list[LineWord]] = []
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
        lines[-1].append(LineWord(text=w.text, box=box, confidence=w.confidence))
    # Paragraphs by the gap between lines, the same rule as text layers, so both sources give
    # the same blank lines; tesseract's own paragraph numbers split single-spaced field blocks.
    text, words = lay_out(lines, starts | gap_breaks(lines))
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
    errors = _page_problems(number, result, page, bool(words), options)
    log.info(
        "page %d: OCR, %d words, confidence %s, rotation %d%s",
        number,
        len(words),
        "n/a" if page.confidence is None else f"{page.confidence:.2f}",
        page.rotation,
        ", cleaned up" if result.preprocessed else "",
    )
    return page, errors


def _unloadable_page(job: OcrJob) -> PageText:
    """The page's thin text layer if it has one, else an empty OCR page."""
    if job.layer is not None:
        return job.layer
    return PageText(number=job.number, source=TextSource.OCR, text="")


def _page_problems(
    number: int, result: OcrPage, page: PageText, has_words: bool, options: Options
) -> list[StageError]:
    """The page's error, if any: blank, failed, empty, or read at low confidence."""
    if result.blank:
        return [page_error("page_unreadable", f"page {number} is blank: check the scan", number)]
    if result.error and not has_words:
        return [
            page_error(
                "page_unreadable",
                f"page {number} could not be OCRed ({result.error}): rescan it",
                number,
            )
        ]
    if not has_words:
        return [
            page_error(
                "page_unreadable",
                f"page {number} gave no text, even after clean-up: rescan it at 300 dpi",
                number,
            )
        ]
    if page.confidence is not None and page.confidence < options.min_page_confidence:
        return [
            page_error(
                "low_confidence",
                f"page {number} was read with low OCR confidence ({page.confidence:.2f}): "
                "check its fields, or rescan it at 300 dpi",
                number,
            )
        ]
    return []


def right_angle_maps(
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
