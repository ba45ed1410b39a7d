"""Layout: words into page text (lines, paragraphs) and side-by-side columns back on one line.

Both text sources go through here, so the rules and the model downstream see one shape of text
whatever the source (style.md: tuned on one extractor, broken on another): words joined by one
space, lines by ``\n``, paragraphs by a blank line, each ``Word`` pointing into the text.

``lay_out`` builds a page's text from words already cut into lines (``group_lines`` cuts a text
layer's stream-ordered words; OCR gives its own lines). ``merge_side_by_side`` then fixes OCR
reading order: tesseract splits a label column ("Member ID:", "Claim #:") and its value column
("U58221…", "2026…") into separate layout blocks when the gap between them is wide, and prints
one block after the other, so every label loses its value. A PDF text layer keeps them on one
line. The merge puts OCR lines that sit on the same row (they overlap vertically) and don't
overlap horizontally back on one line, so OCR text reads like the text layer and one set of rules
and one model serve both. Lines inside a paragraph never overlap vertically, so running text is
left alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from denialparse.types import PageText, TextSource, Word

# Two lines are on one row when they share this much of the shorter one's height.
ROW_OVERLAP = 0.6
# A gap between merged rows taller than this many typical line heights is a paragraph break.
ROW_PARAGRAPH_GAP = 0.9
COLUMN_SEPARATOR = "   "
# A vertical gap between lines above this share of the line height starts a new paragraph.
LINE_PARAGRAPH_GAP = 0.8


# --------------------------------------------------------------------------------------------
# words -> lines -> page text


@dataclass
class LineWord:
    """A word on its way into a page's text: its box and, for OCR, its confidence."""

    text: str
    box: tuple[float, float, float, float]
    confidence: float | None = None


def group_lines(raw_words: Sequence[dict[str, Any]]) -> list[list[LineWord]]:
    """Cut stream-ordered words into lines.

    A word that jumps back left, or lies off the current line's band, starts a new line.
    """
    lines: list[list[LineWord]] = []
    current: list[LineWord] = []
    band: tuple[float, float] = (0.0, 0.0)
    for w in raw_words:
        box = (float(w["x0"]), float(w["top"]), float(w["x1"]), float(w["bottom"]))
        word = LineWord(text=str(w["text"]), box=box)
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


def lay_out(
    lines: Sequence[Sequence[LineWord]], paragraph_breaks: set[int] | None = None
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
        paragraph_breaks = gap_breaks(lines)
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


def gap_breaks(lines: Sequence[Sequence[LineWord]]) -> set[int]:
    """Indexes of the lines that start a paragraph: a gap above wider than the line is tall."""
    breaks: set[int] = set()
    for i in range(1, len(lines)):
        prev_bottom = max(w.box[3] for w in lines[i - 1])
        top = min(w.box[1] for w in lines[i])
        height = max(w.box[3] - w.box[1] for w in lines[i])
        if height > 0 and top - prev_bottom > LINE_PARAGRAPH_GAP * height:
            breaks.add(i)
    return breaks


# --------------------------------------------------------------------------------------------
# OCR: side-by-side columns of one row back on one line


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
            gap = row.y0 - previous.y1 > ROW_PARAGRAPH_GAP * typical
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
