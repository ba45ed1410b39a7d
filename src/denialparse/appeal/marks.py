"""Marks: private-use characters that tell the DOCX post-processing what to do with a span.

The template context carries plain strings, so what docxtpl can't do (highlight a prompt,
highlight a doubtful value, attach a Word comment) is marked in the strings themselves with
characters from a private-use range, and acted on after the render (``docx.apply_marks``).
``clean_text`` strips that range from letter and profile text, so a letter can't forge a mark.

- ``placeholder(prompt)``: a prompt for the physician, highlighted yellow.
- ``doubtful(value)``: a value the extraction wasn't sure of, highlighted in another colour
  wherever it is printed (a comment is invisible in a PDF or on paper).
- ``ReviewComments.mark(value, comment)``: a Word comment anchored on the value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# U+E000..U+E1FF are reserved for marks; letter text loses that range.
MARK_FIRST, MARK_LAST = 0xE000, 0xE1FF
PLACEHOLDER_OPEN = "\ue000"
PLACEHOLDER_CLOSE = "\ue001"
REVIEW_CLOSE = "\ue002"
# Inserted to break "{_{", "}_}", "{_%", "%_}": docxtpl turns those into "{{" etc. after the
# render (its escape for literal braces), which would alter letter text. Removed afterwards.
NEUTRAL = "\ue003"
DOUBT_OPEN = "\ue004"
DOUBT_CLOSE = "\ue005"
REVIEW_BASE = 0xE100  # review comment n opens with chr(REVIEW_BASE + n)
MAX_REVIEW_MARKS = 0x100
RESERVED = re.compile("[\ue000-\ue1ff]")

# XML 1.0 forbids C0 controls except tab, newline, carriage return, plus surrogates and
# U+FFFE/U+FFFF. \r is normalised to \n first; \a and \f would become paragraph and page
# breaks in docxtpl, so they go too.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_DOCXTPL_ESCAPES = re.compile(r"([{}%])(_)(?=[{}%])")
_NEWLINES = re.compile(r"\r\n?")
_PROMPT = re.compile(r"\[(?:[^\[\]]|\[[^\[\]]*\])*\]")


def clean_text(value: str) -> str:
    """Make letter text safe to place in a DOCX, changing nothing a reader would see.

    Removes what XML 1.0 forbids (control characters other than tab and newline, surrogates),
    normalises line ends, drops our private-use mark range and defuses the four sequences
    docxtpl rewrites after a render. Tabs and newlines stay (docxtpl prints them as tab and
    line break).

    Args:
        value: any text read from a letter or a profile.

    Returns:
        The text to hand to the template context.
    """
    value = _NEWLINES.sub("\n", value)
    value = _FORBIDDEN.sub("", value)
    value = RESERVED.sub("", value)
    return _DOCXTPL_ESCAPES.sub(lambda m: m.group(1) + NEUTRAL + m.group(2), value)


def placeholder(prompt: str) -> str:
    """A prompt printed highlighted, e.g. ``placeholder("[Patient's name]")``."""
    return f"{PLACEHOLDER_OPEN}{prompt}{PLACEHOLDER_CLOSE}"


def prompted(text: str) -> str:
    """Highlight every ``[...]`` prompt inside our own (not letter) text."""
    return _PROMPT.sub(lambda m: placeholder(m.group(0)), text)


def doubtful(value: str) -> str:
    """A value to check before sending, printed highlighted (in the doubt colour)."""
    return f"{DOUBT_OPEN}{value}{DOUBT_CLOSE}"


@dataclass
class ReviewComments:
    """Word comments to attach after the render: mark number -> comment text."""

    texts: list[str] = field(default_factory=list)

    def mark(self, value: str, comment: str) -> str:
        """``value`` marked so that ``comment`` is anchored on it."""
        if len(self.texts) >= MAX_REVIEW_MARKS:  # never in practice; keep the text, drop it
            return value
        n = len(self.texts)
        self.texts.append(comment)
        return f"{chr(REVIEW_BASE + n)}{value}{REVIEW_CLOSE}"
