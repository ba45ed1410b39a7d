"""Render the appeal letter: docxtpl fills ``templates/<denial_type>.docx`` and ``base.docx``.

The argument for the denial type is rendered first and placed into the shared letter frame
(``base.docx``, at ``{{p argument }}``); a practice's own template folder overrides ours file by
file (``templates``). The values come from ``context`` and reach the templates only as context
values, rendered with ``autoescape=True``: nothing read from a letter is ever compiled as Jinja.
What docxtpl can't do (highlights, Word comments) is marked in the values (``marks``) and done
on the reopened document afterwards (``docx``).
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import logging
import re
import threading
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from denialparse.appeal.context import TYPE_NAMES, build_context
from denialparse.appeal.docx import COMMENT_AUTHOR, apply_marks, as_python_docx
from denialparse.appeal.profile import PracticeProfile
from denialparse.appeal.templates import find_base_template, resolve_template
from denialparse.exceptions import OutputError, TemplateError
from denialparse.files import atomic_write
from denialparse.types import AppealInfo, DenialType, LetterResult

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

log = logging.getLogger(__name__)

_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


_ENV: Any = None
_ENV_LOCK = threading.Lock()
_COMPILED_CACHE_SIZE = 64


def _jinja_env() -> Any:
    """The Jinja environment for every render (autoescape on, undefined names fail).

    docxtpl compiles the whole document XML on every render, which is most of a render's
    time; the compiled template only depends on the template file, so it is kept (keyed by
    the XML source itself, so an edited template is recompiled).
    """
    global _ENV
    with _ENV_LOCK:
        if _ENV is None:
            from jinja2 import Environment, StrictUndefined

            class _CachingEnvironment(Environment):  # type: ignore[misc]
                def from_string(self, source: Any, *args: Any, **kwargs: Any) -> Any:
                    if args or kwargs or not isinstance(source, str):
                        return super().from_string(source, *args, **kwargs)
                    with _ENV_LOCK:
                        compiled = _COMPILED.get(source)
                    if compiled is None:
                        compiled = super().from_string(source)
                        with _ENV_LOCK:
                            if len(_COMPILED) >= _COMPILED_CACHE_SIZE:
                                _COMPILED.pop(next(iter(_COMPILED)))
                            _COMPILED[source] = compiled
                    return compiled

            # StrictUndefined: a misspelt field in a practice's template fails the render (and
            # `denialparse doctor`) instead of silently printing nothing on a letter to a payer.
            _ENV = _CachingEnvironment(autoescape=True, undefined=StrictUndefined)
        return _ENV


_COMPILED: dict[str, Any] = {}


def _render_template(tpl: Any, context: dict[str, Any], path: Path) -> None:
    """docxtpl render with autoescape; any template problem becomes a ``TemplateError``."""
    from docx.opc.exceptions import PackageNotFoundError
    from jinja2 import TemplateError as JinjaError

    try:
        tpl.render(context, jinja_env=_jinja_env(), autoescape=True)
    except (JinjaError, PackageNotFoundError, KeyError, ValueError, OSError) as e:
        msg = " ".join(str(e).split()) or type(e).__name__
        raise TemplateError(
            f"appeal template {path} can't be rendered ({type(e).__name__}: {msg}); "
            "fix it in Word or remove it from the template folder"
        ) from e


def _open_template(path: Path) -> Any:
    from docx.opc.exceptions import PackageNotFoundError
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(str(path))
    try:
        tpl.init_docx()
    except (PackageNotFoundError, KeyError, ValueError, OSError, zipfile.BadZipFile) as e:
        raise TemplateError(
            f"appeal template {path} is not a readable .docx ({type(e).__name__}); "
            "save it again from Word as .docx"
        ) from e
    return tpl


@functools.lru_cache(maxsize=64)
def _shared_parts(path: str, mtime_ns: int, size: int) -> tuple[bytes, bytes]:
    """styles.xml and numbering.xml of a template file (cached per file version)."""
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        return tuple(  # type: ignore[return-value]
            zf.read(n) if n in names else b"" for n in ("word/styles.xml", "word/numbering.xml")
        )


def _same_styles(a: Path, b: Path) -> bool:
    sa, sb = a.stat(), b.stat()
    return _shared_parts(str(a), sa.st_mtime_ns, sa.st_size) == _shared_parts(
        str(b), sb.st_mtime_ns, sb.st_size
    )


# Anything in a body that points into other parts (images, links, notes, comments).
_PART_REFERENCES = re.compile(
    r'\br:(?:id|embed|link|pict|href)="|w:(?:footnote|endnote|comment)Reference'
)


class _BodyXml:
    """The rendered argument's body, placed into base.docx by ``{{p argument }}``."""

    def __init__(self, xml: str) -> None:
        self.xml = xml

    def __html__(self) -> str:  # autoescape: already XML
        return self.xml

    def __str__(self) -> str:
        return self.xml


def _argument_for(base: Any, arg_tpl: Any, arg_path: Path, base_path: Path) -> Any:
    """The rendered argument as something ``{{p argument }}`` can print.

    When the argument template shares base.docx's styles and numbering and refers to no other
    part (ours always do), its body XML is spliced as is: docxcompose's merge costs more than
    the rest of the render. Otherwise docxtpl's Subdoc merges styles, numbering and images.
    """
    from lxml import etree

    body = arg_tpl.docx.element.body
    for sect in body.findall(f"{{{_W_NS}}}sectPr"):
        body.remove(sect)
    xml = "".join(etree.tostring(child, encoding="unicode") for child in body)
    if _same_styles(arg_path, base_path) and not _PART_REFERENCES.search(xml):
        return _BodyXml(xml)
    buf = io.BytesIO()
    arg_tpl.save(buf)
    try:
        return base.new_subdoc(io.BytesIO(buf.getvalue()))
    except (KeyError, ValueError) as e:
        raise TemplateError(
            f"appeal template {arg_path} can't be placed in {base_path} ({type(e).__name__}); "
            "rebuild it from scripts/build_templates.py"
        ) from e


def render_document(
    result: LetterResult,
    *,
    profile: PracticeProfile | None = None,
    template: str | None = None,
    template_dir: Path | None = None,
    today: dt.date | None = None,
    review_threshold: float | None = None,
) -> tuple[DocxDocument, str]:
    """Render the appeal in memory.

    Args:
        result: the extraction result.
        profile: the practice profile; None leaves highlighted placeholders.
        template: an argument template name; None picks the denial type's.
        template_dir: a practice's template folder, searched before ours.
        today: the date printed on the letter (default today).
        review_threshold: fields under this confidence are highlighted and commented; None
            uses ``Options.review_threshold``'s default.

    Returns:
        The python-docx document and the template name used.

    Raises:
        TemplateError: unknown template name, or a template that is missing or broken.
    """
    from docx.shared import Mm
    from docxtpl import InlineImage

    base_path = find_base_template(template_dir)
    name, arg_path = resolve_template(result, template, template_dir)
    context, comments = build_context(
        result, profile=profile, today=today, review_threshold=review_threshold
    )

    arg_tpl = _open_template(arg_path)
    _render_template(arg_tpl, context, arg_path)
    base = _open_template(base_path)
    argument = _argument_for(base, arg_tpl, arg_path, base_path)
    if profile is not None and profile.logo_path is not None:
        context["practice"]["logo"] = InlineImage(base, str(profile.logo_path), height=Mm(16))
    _render_template(base, {**context, "argument": argument}, base_path)

    doc = as_python_docx(base)
    apply_marks(doc, comments)
    # The template's own metadata would date every appeal to the day the template was built.
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    props = doc.core_properties
    known = {d.value: d for d in DenialType}
    props.title = f"Appeal of a {TYPE_NAMES[known[name]]} denial" if name in known else "Appeal"
    props.created = props.modified = now
    props.last_modified_by = COMMENT_AUTHOR
    props.revision = 1
    return doc, name


def render_appeal(
    result: LetterResult,
    out_path: Path,
    *,
    profile: PracticeProfile | None = None,
    template: str | None = None,
    template_dir: Path | None = None,
    today: dt.date | None = None,
    review_threshold: float | None = None,
) -> AppealInfo:
    """Fill the appeal template for ``result`` and write it to ``out_path`` atomically.

    Args:
        result: the extraction result (fields, denial type, deadlines).
        out_path: the .docx to write; its folder is created if missing.
        profile: the practice profile; None leaves highlighted placeholders for the
            letterhead and signature.
        template: an argument template name (a denial type, ``other``/``general``, or a
            practice's own); None picks the one named after the denial type.
        template_dir: a practice's template folder; its files override ours by name.
        today: the date printed on the letter (default today).
        review_threshold: fields under this confidence (and those in ``needs_review``) are
            printed highlighted, with a Word comment; None uses ``Options.review_threshold``'s
            default.

    Returns:
        Where the appeal was written and which template was used.

    Raises:
        TemplateError: unknown template name (the message lists the available ones), or a
            missing or broken template.
        OutputError: ``out_path`` can't be written.
    """
    doc, name = render_document(
        result,
        profile=profile,
        template=template,
        template_dir=template_dir,
        today=today,
        review_threshold=review_threshold,
    )
    out_path = Path(out_path)
    _save_atomically(doc, out_path)
    log.info("appeal written with template %s", name)
    return AppealInfo(path=str(out_path), template=name)


def _save_atomically(doc: DocxDocument, out_path: Path) -> None:
    try:
        out_path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(out_path, doc.save)
    except OSError as e:
        reason = e.strerror or type(e).__name__
        raise OutputError(
            f"can't write the appeal to {out_path} ({reason}); choose a writable path with -o"
        ) from e
