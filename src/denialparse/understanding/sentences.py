"""Sentences of a letter, with offsets: what the reason finder and the denial-type scores read."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Sentence:
    """A sentence (or a short line-block) of the letter with its offsets."""

    start: int
    end: int
    text: str


_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[A-Z(\"'•\-])|\n(?=\s*(?:[•\-*]|\d+[.)])\s)")
_HEADING = re.compile(r"[ \t]*[A-Z][^\n.;:,!?]{1,44}")


def split_sentences(text: str) -> list[Sentence]:
    """Paragraphs (blank lines) split into sentences; offsets index into ``text``.

    A short line without end punctuation followed by more lines is a heading ("Reason for
    denial") and stands alone, so it doesn't glue itself onto the first sentence under it.
    """
    out: list[Sentence] = []
    for para in re.finditer(r"\S(?:.|\n(?!\s*\n))*", text):
        base = para.start()
        chunk = para.group(0)
        body_start = 0
        while True:
            newline = chunk.find("\n", body_start)
            if newline == -1 or not _HEADING.fullmatch(chunk[body_start:newline]):
                break
            _append_sentence(out, chunk, base, body_start, newline)
            body_start = newline + 1
        pos = body_start
        for m in _SENTENCE_END.finditer(chunk, body_start):
            _append_sentence(out, chunk, base, pos, m.start() + 1)
            pos = m.end()
        _append_sentence(out, chunk, base, pos, len(chunk))
    return out


def _append_sentence(out: list[Sentence], chunk: str, base: int, start: int, end: int) -> None:
    piece = chunk[start:end]
    stripped = piece.strip()
    if stripped:
        s = base + start + (len(piece) - len(piece.lstrip()))
        out.append(Sentence(s, s + len(stripped), stripped))
