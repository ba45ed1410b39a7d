"""The library API: one letter in, one ``LetterResult`` out; and the appeal from a result.

Stages run in order: ingest -> text -> extract (fields + denial type) -> deadlines. Errors are
raised as ``DenialParseError`` subclasses; the CLI maps them to exit codes, batch records them.
"""

from __future__ import annotations

import hashlib
import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from denialparse.exceptions import DenialParseError
from denialparse.options import Options
from denialparse.types import (
    AppealInfo,
    Fields,
    LetterResult,
    SourceInfo,
    StageError,
    Status,
    summarize_text,
)

if TYPE_CHECKING:
    from spacy.language import Language

    from denialparse.types import LetterText

log = logging.getLogger(__name__)


def process_letter(
    path: Path | str, *, options: Options | None = None, nlp: Language | None = None
) -> LetterResult:
    """Read one letter and return the contract's ``LetterResult``.

    Args:
        path: the letter (PDF, TIFF, PNG, JPEG or plain text; the type is read from the bytes).
        options: run options; defaults when None.
        nlp: a loaded pipeline (else the cached bundled one).

    Raises:
        InputFileError: the file can't be read as a letter.
        MissingDependencyError: tesseract, its language data or the model is missing.
    """
    result, _ = process_letter_with_text(path, options=options, nlp=nlp)
    return result


def process_letter_with_text(
    path: Path | str, *, options: Options | None = None, nlp: Language | None = None
) -> tuple[LetterResult, LetterText]:
    """Like ``process_letter``, also returning the page texts (for evaluation and debugging)."""
    from denialparse.deadlines import compute as deadlines
    from denialparse.reading import ingest, text
    from denialparse.understanding import extract
    from denialparse.understanding.pipeline import load_pipeline

    options = options or Options()
    document = ingest.load_document(Path(path), options)
    # Load spaCy and the model (~2 s of CPU on first use) while the pages are read: OCR runs in
    # tesseract child processes, so the GIL is free for the import. Cached after the first letter.
    with ThreadPoolExecutor(max_workers=1) as loader:
        pending = None if nlp else loader.submit(load_pipeline, options.model_path)
        letter = text.read_text(document, options)
        pipeline = nlp or pending.result()  # type: ignore[union-attr]
    found = extract.extract(letter, pipeline, review_threshold=options.review_threshold)
    denial_label = found.denial_type.label if found.denial_type else None
    due = deadlines.compute_deadlines(found.fields, denial_label)
    needs_review = list(found.needs_review)
    if deadlines.review_needed(due):
        needs_review.append("deadlines")
    errors = list(letter.errors)
    status = Status.PARTIAL if needs_review or errors else Status.SUCCESS
    log.info("read %s: %d page(s), status %s", document.media_type, document.page_count, status)
    result = LetterResult(
        source=document.source_info(),
        status=status,
        text=summarize_text(letter),
        fields=found.fields,
        denial_type=found.denial_type,
        deadlines=due,
        needs_review=needs_review,
        errors=errors,
    )
    return result, letter


FAILED_MEDIA_TYPE = "application/octet-stream"
"""``source.media_type`` of a letter that could not be read: the MIME type of bytes of no known
type (RFC 2046), so the field stays a MIME type like the contract's ``application/pdf``."""


def failed_result(
    path: Path | str, error: DenialParseError, *, sha256: str | None = None
) -> LetterResult:
    """A ``failed`` result for a letter that could not be read (batch records these).

    The one builder of a failed ``LetterResult``; batch writes it for each letter that fails.

    Args:
        path: the letter's path as it should appear in ``source.path``.
        error: the reason (its code and one-line message go into ``errors``).
        sha256: the content hash when the caller knows it (``""``: the file can't be read);
            None = hash the file now (``""`` if that fails).

    Returns:
        A result with status ``failed``, every field null and one ``ingest`` error.
    """
    if sha256 is None:
        try:
            sha256 = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        except OSError:
            sha256 = ""
    return LetterResult(
        source=SourceInfo(path=str(path), sha256=sha256, media_type=FAILED_MEDIA_TYPE, pages=0),
        status=Status.FAILED,
        text=None,
        fields=Fields(),
        denial_type=None,
        deadlines=[],
        needs_review=[],
        errors=[StageError(stage="ingest", code=error.code, message=error.message)],
    )


def write_appeal(
    result: LetterResult,
    out_path: Path,
    *,
    profile_path: Path | None = None,
    template: str | None = None,
    template_dir: Path | None = None,
    review_threshold: float | None = None,
) -> LetterResult:
    """Render the appeal DOCX for ``result`` (atomically) and return the result with ``appeal`` set.

    Args:
        result: the letter's result.
        out_path: the .docx to write.
        profile_path: the practice profile (TOML); None leaves highlighted placeholders.
        template: an argument template name; None picks the denial type's.
        template_dir: a practice's own template folder, searched before ours.
        review_threshold: fields under this confidence are printed highlighted, with a Word
            comment; None uses ``Options.review_threshold``'s default.

    Raises:
        ProfileError: the practice profile is malformed.
        TemplateError: the template is missing or broken.
        OutputError: the DOCX can't be written.
    """
    from denialparse.appeal import render
    from denialparse.appeal.profile import load_profile

    profile = load_profile(profile_path) if profile_path else None
    info: AppealInfo = render.render_appeal(
        result,
        Path(out_path),
        profile=profile,
        template=template,
        template_dir=template_dir,
        review_threshold=review_threshold,
    )
    return result.model_copy(update={"appeal": info})
