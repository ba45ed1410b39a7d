"""Shared test setup.

OCR and LibreOffice tests need binaries. A developer without them may skip those tests locally,
but in CI (``CI=true``) a missing binary is a failure, not a skip: a skip would hide a broken
install step.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

os.environ.setdefault("OMP_THREAD_LIMIT", "1")


def _require(binary: str, marker: str, item: pytest.Item) -> None:
    if shutil.which(binary):
        return
    message = f"{binary} is not installed (needed by tests marked {marker})"
    if IN_CI:
        pytest.fail(message + ": CI must install it (.ci/run -> install.sh)", pytrace=False)
    pytest.skip(message)


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("ocr"):
        _require("tesseract", "ocr", item)
    if item.get_closest_marker("libreoffice"):
        _require("soffice", "libreoffice", item)


@pytest.fixture(scope="session")
def rules_nlp():
    """The rules-only pipeline (no trained model), loaded once."""
    from denialparse.understanding.pipeline import load_pipeline

    return load_pipeline("none")
