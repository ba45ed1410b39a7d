"""OCR reading order: label and value columns split by tesseract come back together."""

from __future__ import annotations

from denialparse.reading.layout import merge_side_by_side
from denialparse.types import PageText, TextSource, Word


def _page(lines: list[tuple[str, float, float]], source: TextSource = TextSource.OCR) -> PageText:
    """lines: (text, x0, y0) in the order the OCR printed them; each word 10 px a char, 20 px high."""
    text_parts, words, pos = [], [], 0
    for i, (line, x0, y0) in enumerate(lines):
        if i:
            text_parts.append("\n")
            pos += 1
        x = x0
        for j, w in enumerate(line.split()):
            if j:
                text_parts.append(" ")
                pos += 1
                x += 10
            words.append(Word(text=w, start=pos, end=pos + len(w), bbox=(x, y0, x + 10 * len(w), y0 + 20)))
            text_parts.append(w)
            pos += len(w)
            x += 10 * len(w)
    return PageText(number=1, source=source, text="".join(text_parts), words=words, confidence=0.9)


def test_value_block_printed_before_label_block_is_rejoined() -> None:
    page = _page([
        ("U5822140903", 400, 100), ("2026031188412", 400, 130),  # value column first
        ("Member ID:", 50, 101), ("Claim #:", 50, 131),           # then the labels
    ])
    merged = merge_side_by_side(page)
    assert merged.text.splitlines() == ["Member ID:   U5822140903", "Claim #:   2026031188412"]
    for w in merged.words:
        assert merged.text[w.start : w.end] == w.text


def test_running_text_is_left_exactly_as_is() -> None:
    page = _page([("We reviewed the request", 50, 100), ("and it is denied.", 50, 125)])
    assert merge_side_by_side(page) is page


def test_text_layer_pages_are_not_touched() -> None:
    page = _page([("A", 400, 100), ("B:", 50, 100)], source=TextSource.TEXT_LAYER)
    assert merge_side_by_side(page) is page
