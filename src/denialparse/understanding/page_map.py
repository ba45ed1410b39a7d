"""``PageMap``: offsets in the joined letter text back to a page, its offsets and a bounding box."""

from __future__ import annotations

import bisect

from denialparse.types import Evidence, LetterText, PageText, TextSource
from denialparse.understanding import confidence as conf


class PageMap:
    """Offsets in ``letter.full_text()`` back to (page, offset, bbox), and how far to trust them."""

    def __init__(self, letter: LetterText) -> None:
        self.letter = letter
        self.offsets = letter.page_offsets()

    def evidence(self, start: int, end: int) -> Evidence:
        """Where ``[start, end)`` of the joined text was read: page, offsets on it, word boxes."""
        index = max(0, bisect.bisect_right(self.offsets, start) - 1)
        page = self.letter.pages[index]
        local_start = start - self.offsets[index]
        local_end = min(end - self.offsets[index], len(page.text))
        boxes = [w.bbox for w in page.words if w.start < local_end and w.end > local_start]
        bbox = None
        if boxes:
            bbox = [
                round(min(b[0] for b in boxes), 1),
                round(min(b[1] for b in boxes), 1),
                round(max(b[2] for b in boxes), 1),
                round(max(b[3] for b in boxes), 1),
            ]
        return Evidence(page=page.number, start=local_start, end=local_end, bbox=bbox)

    def read_by_ocr(self, start: int) -> bool:
        """Whether the text at ``start`` was read by OCR (its look-alike characters may be wrong)."""
        return self._page(start).source is TextSource.OCR

    def reliability(self, start: int) -> float:
        """How far to trust text at ``start``: 1.0 for a text layer, else from the OCR confidence."""
        page = self._page(start)
        if page.source is not TextSource.OCR or page.confidence is None:
            return 1.0
        return min(1.0, conf.OCR_RELIABILITY_FLOOR + conf.OCR_RELIABILITY_SLOPE * page.confidence)

    def _page(self, start: int) -> PageText:
        return self.letter.pages[max(0, bisect.bisect_right(self.offsets, start) - 1)]
