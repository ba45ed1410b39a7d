"""The appeal templates: where they are found, which one a letter gets, and the doctor's check.

Ours are package data (``templates/*.docx``, built by ``scripts/build_templates.py``); a
practice's own folder (``--template-dir``) is searched first, file by file. ``base.docx`` is the
letter frame, every other file the argument for one denial type (or a practice's own).
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from denialparse.exceptions import TemplateError
from denialparse.types import Deadline, DenialType, FieldValue, LetterResult, PlanType

log = logging.getLogger(__name__)

BASE_TEMPLATE = "base"
_TEMPLATE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
GENERAL_TEMPLATE = DenialType.OTHER.value
TEMPLATE_ALIASES = {"general": GENERAL_TEMPLATE}


def _our_template_dir() -> Path:
    """The templates shipped inside this package (package data, same path in a wheel and a checkout)."""
    return Path(__file__).resolve().parent / "templates"


def template_dirs(extra: Path | None = None) -> list[Path]:
    """Where templates are looked up, in order: the practice's folder first, then ours.

    Args:
        extra: a practice's own template folder; its files override ours by name.

    Returns:
        The folders, practice folder first.
    """
    dirs = [Path(extra)] if extra is not None else []
    dirs.append(_our_template_dir())
    return dirs


def available_templates(template_dir: Path | None = None) -> list[str]:
    """Names usable as ``template=`` (file stems, ``base`` excluded), sorted."""
    names: set[str] = set()
    for d in template_dirs(template_dir):
        if d.is_dir():
            names.update(p.stem for p in d.glob("*.docx") if not p.name.startswith(("~$", ".")))
    names.discard(BASE_TEMPLATE)
    return sorted(names)


def _find(name: str, template_dir: Path | None) -> Path | None:
    for d in template_dirs(template_dir):
        candidate = d / f"{name}.docx"
        if candidate.is_file():
            return candidate
    return None


def resolve_template(
    result: LetterResult, template: str | None = None, template_dir: Path | None = None
) -> tuple[str, Path]:
    """Pick the argument template: the one asked for, else the denial type's, else ``other``.

    Args:
        result: the letter's result (its denial type picks the default).
        template: a template name asked for explicitly (``general`` means ``other``).
        template_dir: a practice's own template folder.

    Returns:
        The template name and its file.

    Raises:
        TemplateError: the name asked for doesn't exist (the message lists those that do),
            or no fallback template is installed.
    """
    if template is not None:
        name = TEMPLATE_ALIASES.get(template, template)
        # A plain name only: "--template ../x" must not reach files outside the template folders.
        valid = _TEMPLATE_NAME.fullmatch(name) is not None and name != BASE_TEMPLATE
        path = _find(name, template_dir) if valid else None
        if path is None:
            names = ", ".join(available_templates(template_dir)) or "none installed"
            raise TemplateError(f"no appeal template named {template!r}; available: {names}")
        return name, path
    label = result.denial_type.label.value if result.denial_type else GENERAL_TEMPLATE
    for name in (label, GENERAL_TEMPLATE):
        path = _find(name, template_dir)
        if path is not None:
            if name != label:
                log.info("no template for %s; using the general one", label)
            return name, path
    raise TemplateError(
        f"appeal template {label}.docx (and the general {GENERAL_TEMPLATE}.docx) not found in "
        + ", ".join(str(d) for d in template_dirs(template_dir))
        + "; reinstall denialparse or run scripts/build_templates.py"
    )


def find_base_template(template_dir: Path | None) -> Path:
    """The letter frame ``base.docx``: the practice's if it has one, else ours.

    Raises:
        TemplateError: no base.docx in any template folder.
    """
    path = _find(BASE_TEMPLATE, template_dir)
    if path is None:
        raise TemplateError(
            f"letter frame {BASE_TEMPLATE}.docx not found in "
            + ", ".join(str(d) for d in template_dirs(template_dir))
            + "; reinstall denialparse or run scripts/build_templates.py"
        )
    return path


def check_templates(template_dir: Path | None = None) -> list[str]:
    """Check that every template renders; for ``denialparse doctor``.

    Renders each denial type's template (and every extra template found) into memory with a
    synthetic letter, so a broken file, a Jinja syntax error or a misspelt field shows up.

    Args:
        template_dir: a practice's template folder to check along with ours.

    Returns:
        One line per problem (what is wrong and what to do); an empty list when all is well.
    """
    from denialparse.appeal.render import render_document  # renders with this module's lookup

    problems: list[str] = []
    try:
        find_base_template(template_dir)
    except TemplateError as e:
        return [e.message]
    names = available_templates(template_dir)
    for label in DenialType:
        if label.value not in names and GENERAL_TEMPLATE not in names:
            problems.append(
                f"no template for {label.value} and no general {GENERAL_TEMPLATE}.docx; "
                "run scripts/build_templates.py or reinstall denialparse"
            )
    from docx.oxml.ns import qn

    for name in names:
        try:
            doc, _ = render_document(_sample_result(), template=name, template_dir=template_dir)
        except TemplateError as e:
            problems.append(e.message)
            continue
        text = "".join(t.text or "" for t in doc.element.body.iter(qn("w:t")))
        if "{{" in text or "{%" in text:
            problems.append(
                f"appeal template {name}.docx leaves Jinja tags unrendered; retype the "
                "{{ ... }} / {% ... %} tags in Word so each sits in one piece of text"
            )
    return problems


def _sample_result() -> LetterResult:
    """A synthetic result used to test-render templates (no real patient data)."""
    from denialparse.types import (
        DenialTypeResult,
        Evidence,
        Fields,
        SourceInfo,
        Status,
    )

    def fv(value: str) -> FieldValue:
        return FieldValue(
            value=value,
            raw=value,
            confidence=0.5,
            evidence=Evidence(page=1, start=0, end=len(value)),
        )

    return LetterResult(
        source=SourceInfo(path="sample.txt", sha256="0" * 64, media_type="text/plain", pages=1),
        status=Status.SUCCESS,
        text=None,
        fields=Fields(
            payer=fv("Example Health Plan"),
            plan_type=fv(PlanType.ERISA.value),
            therapy=fv("sample therapy"),
            denial_reason=fv("The service is not covered."),
            letter_date=fv("2026-01-15"),
            member_id=fv("X000000000"),
            patient_name=fv("Sample Patient"),
            reference_codes=["CO-50"],
        ),
        denial_type=DenialTypeResult(
            label=DenialType.OTHER, confidence=0.5, scores={DenialType.OTHER.value: 0.5}
        ),
        deadlines=[
            Deadline(
                kind="internal_appeal",
                due="2026-07-14",
                rule="29 CFR 2560.503-1(h)(3)(i)",
                basis="180 days from receipt",
            )
        ],
        needs_review=["therapy"],
    )
