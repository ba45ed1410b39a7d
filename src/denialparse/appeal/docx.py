"""After the render: act on the marks (``marks``) in the reopened DOCX, then remove them.

Each run is split at the marks; the pieces are highlighted (prompts yellow, doubtful values in
the doubt colour) or anchored to a Word comment, and the marks dropped. docxtpl can't do this
itself: it only prints strings.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from denialparse.appeal import marks

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from lxml.etree import _Element

COMMENT_AUTHOR = "denialparse"
COMMENT_INITIALS = "DP"
# Highlight colours (WD_COLOR_INDEX names): a prompt to fill in, a value to check.
PROMPT_HIGHLIGHT = "YELLOW"
DOUBT_HIGHLIGHT = "TURQUOISE"


def as_python_docx(tpl: Any) -> DocxDocument:
    """The rendered document, reopened so python-docx sees what docxtpl did.

    docxtpl swaps in a body parsed by plain lxml (the run and comment APIs need python-docx's
    element classes) and re-points header/footer relationships behind python-docx's back, so
    a save and reload is the reliable way to get a consistent document.
    """
    from docx import Document

    buf = io.BytesIO()
    tpl.save(buf)
    buf.seek(0)
    return Document(buf)


def _paragraph_elements(doc: DocxDocument) -> Iterator[tuple[_Element, bool]]:
    """Every w:p of the body (with tables), headers and footers; True for the body."""
    from docx.oxml.ns import qn

    for p in doc.element.body.iter(qn("w:p")):
        yield p, True
    seen: set[int] = set()
    for section in doc.sections:
        for part in (
            section.header,
            section.footer,
            section.first_page_header,
            section.first_page_footer,
            section.even_page_header,
            section.even_page_footer,
        ):
            if part.is_linked_to_previous:
                continue
            el = part._element
            if id(el) in seen:
                continue
            seen.add(id(el))
            for p in el.iter(qn("w:p")):
                yield p, False


@dataclass
class _Marked:
    """The marks open at one point of a paragraph (docxtpl splits a value at tabs into runs)."""

    prompt: bool = False
    doubt: bool = False
    comment: int | None = None  # the open comment mark
    opened: dict[int, int] = field(default_factory=dict)  # comment mark -> times opened here

    def open_or_close(self, mark: str) -> None:
        if mark == marks.PLACEHOLDER_OPEN:
            self.prompt = True
        elif mark == marks.PLACEHOLDER_CLOSE:
            self.prompt = False
        elif mark == marks.DOUBT_OPEN:
            self.doubt = True
        elif mark == marks.DOUBT_CLOSE:
            self.doubt = False
        elif mark == marks.REVIEW_CLOSE:
            self.comment = None
        elif ord(mark) >= marks.REVIEW_BASE:
            self.comment = ord(mark) - marks.REVIEW_BASE
            self.opened[self.comment] = self.opened.get(self.comment, 0) + 1

    def first_comment(self) -> int | None:
        """The open comment, if this is its first appearance in the paragraph.

        A value printed twice in one paragraph: the comment spans only the first copy.
        """
        n = self.comment
        return n if n is not None and self.opened.get(n) == 1 else None

    def highlight(self) -> str | None:
        """The highlight of text here; a doubtful value inside a prompt shows as doubtful."""
        if self.doubt:
            return DOUBT_HIGHLIGHT
        return PROMPT_HIGHLIGHT if self.prompt else None


# One piece of a run: (its comment mark on a first appearance, its highlight, its children).
_Segment = tuple[int | None, str | None, list[Any]]


def _split_run(r: Any, state: _Marked, w_t: str, w_rpr: str) -> list[_Segment]:
    """Cut one run's children at the marks, advancing ``state``; the marks are dropped."""
    segments: list[_Segment] = []
    current: list[Any] = []

    def close_segment() -> None:
        nonlocal current
        if current:
            segments.append((state.first_comment(), state.highlight(), current))
            current = []

    for child in list(r):
        if child.tag == w_rpr:
            continue
        if child.tag != w_t or not marks.RESERVED.search(child.text or ""):
            current.append(child)
            continue
        buf: list[str] = []
        for ch in child.text or "":
            if not marks.MARK_FIRST <= ord(ch) <= marks.MARK_LAST:
                buf.append(ch)
                continue
            if ch == marks.NEUTRAL:
                continue
            if buf:
                current.append(_new_t(child, "".join(buf)))
                buf = []
            close_segment()
            state.open_or_close(ch)
        if buf:
            current.append(_new_t(child, "".join(buf)))
    close_segment()
    return segments


def apply_marks(doc: DocxDocument, comments: Sequence[str]) -> None:
    """Split runs at the marks, highlight prompts and doubtful values, attach comments.

    Args:
        doc: the rendered document, reopened (``as_python_docx``).
        comments: the comment texts the comment marks refer to, by mark number.
    """
    from docx.enum.text import WD_COLOR_INDEX
    from docx.oxml.ns import qn
    from docx.text.run import Run

    first_runs: dict[int, list[Any]] = {}
    w_p, w_r, w_t, w_rpr = qn("w:p"), qn("w:r"), qn("w:t"), qn("w:rPr")
    for p, in_body in list(_paragraph_elements(doc)):
        if not marks.RESERVED.search("".join(t.text or "" for t in p.iter(w_t))):
            continue
        state = _Marked()
        runs_by_mark: dict[int, list[Any]] = {}
        for r in [r for r in p.iter(w_r) if _nearest_paragraph(r, w_p) is p]:
            rpr = r.find(w_rpr)
            for comment, highlight, children in _split_run(r, state, w_t, w_rpr):
                new_r = _new_run(r, rpr, children)
                r.addprevious(new_r)
                if highlight is not None:
                    Run(new_r, doc._body).font.highlight_color = WD_COLOR_INDEX[highlight]
                if comment is not None and in_body:
                    runs_by_mark.setdefault(comment, []).append(new_r)
            r.getparent().remove(r)
        for n, runs in runs_by_mark.items():
            # Comment on the first appearance only: one note per doubtful value is enough.
            first_runs.setdefault(n, runs)
    for n, runs in sorted(first_runs.items()):
        if n < len(comments):
            doc.add_comment(
                [Run(runs[0], doc._body), Run(runs[-1], doc._body)],
                text=comments[n],
                author=COMMENT_AUTHOR,
                initials=COMMENT_INITIALS,
            )


def _nearest_paragraph(el: Any, w_p: str) -> Any:
    parent = el.getparent()
    while parent is not None and parent.tag != w_p:
        parent = parent.getparent()
    return parent


def _new_t(template_t: Any, text: str) -> Any:
    t = copy.deepcopy(template_t)
    t.text = text
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return t


def _new_run(r: Any, rpr: Any, children: list[Any]) -> Any:
    new_r = copy.deepcopy(r)
    for child in list(new_r):
        new_r.remove(child)
    if rpr is not None:
        new_r.append(copy.deepcopy(rpr))
    for child in children:
        new_r.append(child)
    return new_r
