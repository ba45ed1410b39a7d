"""Reading order for OCR pages: put side-by-side columns of one row back on one line.

Tesseract splits a label column ("Member ID:", "Claim #:") and its value column ("U58221…",
"2026…") into separate layout blocks when the gap between them is wide, and prints one block
after the other, so every label loses its value. A PDF text layer keeps them on one line. This
stage merges OCR lines that sit on the same row (they overlap vertically) and don't overlap
horizontally, so OCR text reads like the text layer and one set of rules and one model serve both.
Lines inside a paragraph never overlap vertically, so running text is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from denialparse.types import PageText, TextSource, Word

# Two lines are on one row when they share this much of the shorter one's height.
ROW_OVERLAP = 0.6
# A gap between rows taller than this many line heights is a paragraph break.
PARAGRAPH_GAP = 0.9
COLUMN_SEPARATOR = "   "


@dataclass
class _Line:
    words: list[Word]
    paragraph_start: bool
    x0: float
    y0: float
    x1: float
    y1: float

    @classmethod
    def of(cls, words: list[Word], paragraph_start: bool) -> _Line:
        return cls(
            words,
            paragraph_start,
            min(w.bbox[0] for w in words),
            min(w.bbox[1] for w in words),
            max(w.bbox[2] for w in words),
            max(w.bbox[3] for w in words),
        )

    @property
    def height(self) -> float:
        return max(self.y1 - self.y0, 1e-6)


@dataclass
class _Row:
    lines: list[_Line] = field(default_factory=list)

    @property
    def y0(self) -> float:
        return min(line.y0 for line in self.lines)

    @property
    def y1(self) -> float:
        return max(line.y1 for line in self.lines)

    def accepts(self, line: _Line) -> bool:
        for other in self.lines:
            overlap = min(line.y1, other.y1) - max(line.y0, other.y0)
            if overlap < ROW_OVERLAP * min(line.height, other.height):
                return False
            if line.x0 < other.x1 and other.x0 < line.x1:  # horizontally overlapping: stacked
                return False
        return True


def _lines_of(page: PageText) -> list[_Line]:
    """The page's lines as the text stage wrote them (one text line = one OCR line)."""
    lines: list[_Line] = []
    current: list[Word] = []
    last_end = 0
    starts_paragraph = True
    for word in page.words:
        gap = page.text[last_end : word.start]
        if current and "\n" in gap:
            lines.append(_Line.of(current, starts_paragraph))
            current = []
            starts_paragraph = "\n\n" in gap
        current.append(word)
        last_end = word.end
    if current:
        lines.append(_Line.of(current, starts_paragraph))
    return lines


def merge_side_by_side(page: PageText) -> PageText:
    """Rebuild an OCR page's text so side-by-side columns of a row share one line.

    Pages from a text layer or plain text are returned unchanged, and so is a page where no two
    lines sit side by side (the text is then exactly what the OCR stage produced).
    """
    if page.source is not TextSource.OCR or not page.words:
        return page
    lines = _lines_of(page)
    rows: list[_Row] = []
    merged_any = False
    for line in lines:
        # Only recent rows can share a row with this line: look back a page-height's worth.
        for row in reversed(rows[-60:]):
            if row.accepts(line):
                row.lines.append(line)
                merged_any = True
                break
        else:
            rows.append(_Row([line]))
    if not merged_any:
        return page
    rows.sort(key=lambda r: (r.y0 + r.y1) / 2)
    return page.model_copy(update=_render(rows))


def _render(rows: list[_Row]) -> dict[str, object]:
    parts: list[str] = []
    words: list[Word] = []
    pos = 0
    heights = sorted(line.height for row in rows for line in row.lines)
    typical = heights[len(heights) // 2]
    previous: _Row | None = None
    for row in rows:
        if previous is not None:
            first = min(row.lines, key=lambda ln: ln.x0)
            gap = row.y0 - previous.y1 > PARAGRAPH_GAP * typical
            sep = "\n\n" if gap or first.paragraph_start else "\n"
            parts.append(sep)
            pos += len(sep)
        for i, line in enumerate(sorted(row.lines, key=lambda ln: ln.x0)):
            if i:
                parts.append(COLUMN_SEPARATOR)
                pos += len(COLUMN_SEPARATOR)
            for j, w in enumerate(line.words):
                if j:
                    parts.append(" ")
                    pos += 1
                parts.append(w.text)
                words.append(w.model_copy(update={"start": pos, "end": pos + len(w.text)}))
                pos += len(w.text)
        previous = row
    return {"text": "".join(parts), "words": words}
