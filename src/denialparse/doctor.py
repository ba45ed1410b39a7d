"""``denialparse doctor``: what is missing, and the command that installs it."""

from __future__ import annotations

from collections.abc import Callable

from denialparse.exceptions import DenialParseError

Check = Callable[[], str]


def _tesseract() -> str:
    from denialparse.reading.ocr import tesseract_status

    status = tesseract_status("eng")
    osd = "with" if status.get("osd") else "WITHOUT (orientation detection off: apt-get install tesseract-ocr-osd)"
    return f"tesseract {status.get('version')} {osd} osd; languages: {', '.join(status.get('langs', []))}"


def _model() -> str:
    from denialparse.understanding.pipeline import bundled_model_path, load_pipeline

    nlp = load_pipeline(None)
    path = bundled_model_path()
    where = f"trained pipeline at {path}" if path else "rules only (no trained pipeline bundled)"
    return f"{where}; components: {', '.join(nlp.pipe_names)}"


def _templates() -> str:
    from denialparse.appeal.templates import check_templates, template_dirs
    from denialparse.exceptions import TemplateError

    problems = check_templates()
    if problems:
        raise TemplateError("; ".join(problems) + " (reinstall denialparse to restore the templates)")
    return f"templates OK in {template_dirs()[-1]}"


CHECKS: dict[str, Check] = {"tesseract": _tesseract, "model": _model, "templates": _templates}


def run_checks() -> tuple[str, bool]:
    """Run every check; return the report and whether all passed."""
    lines, ok = [], True
    for name, check in CHECKS.items():
        try:
            lines.append(f"[ok]   {name}: {check()}")
        except DenialParseError as exc:
            ok = False
            lines.append(f"[FAIL] {name}: {exc.message}")
        except ImportError as exc:
            ok = False
            lines.append(f"[FAIL] {name}: {exc} (reinstall: pip install -e .)")
    return "\n".join(lines), ok
