"""`denialparse doctor` and the library API's edges (failed results, missing dependencies)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from denialparse import doctor
from denialparse.api import failed_result, process_letter
from denialparse.cli import cli
from denialparse.exceptions import ExitCode, MissingDependencyError, UnsupportedFileError
from denialparse.options import Options
from tests.conftest import SAMPLES


@pytest.mark.ocr
def test_doctor_all_ok() -> None:
    result = CliRunner().invoke(cli, ["doctor"])
    assert result.exit_code == 0, result.output
    assert "[ok]   tesseract: tesseract " in result.stdout
    assert "[ok]   templates" in result.stdout


def test_doctor_reports_a_missing_dependency_with_exit_3(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> str:
        raise MissingDependencyError("tesseract is not installed: run `sudo apt-get install tesseract-ocr`")

    monkeypatch.setitem(doctor.CHECKS, "tesseract", broken)
    result = CliRunner().invoke(cli, ["doctor"])
    assert result.exit_code == ExitCode.MISSING_DEPENDENCY
    assert "[FAIL] tesseract: tesseract is not installed: run `sudo apt-get install tesseract-ocr`" in result.stdout


def test_explicit_model_path_that_is_not_a_pipeline(tmp_path: Path) -> None:
    with pytest.raises(MissingDependencyError, match="no spaCy pipeline at"):
        process_letter(SAMPLES / "cigna_cimt" / "letter.txt", options=Options(model_path=str(tmp_path)))
    result = CliRunner().invoke(
        cli, ["extract", str(SAMPLES / "cigna_cimt" / "letter.txt"), "--model", str(tmp_path)]
    )
    assert result.exit_code == ExitCode.MISSING_DEPENDENCY
    assert result.stderr.startswith("denialparse: error: no spaCy pipeline at ")


def test_failed_result_keeps_the_contract_shape(tmp_path: Path) -> None:
    bad = tmp_path / "x.bin"
    bad.write_bytes(b"\x00\x01junk")
    result = failed_result(bad, UnsupportedFileError("x.bin: unsupported file type"))
    doc = result.to_json_dict()
    assert doc["status"] == "failed"
    assert doc["errors"][0] == {"stage": "ingest", "code": "unsupported_type",
                                "message": "x.bin: unsupported file type", "page": None}
    assert all(doc["fields"][k] is None for k in ("payer", "member_id", "letter_date"))
    assert len(doc["source"]["sha256"]) == 64
    # The same media type as the batch's failed rows (a MIME type, like the contract's example).
    assert doc["source"]["media_type"] == "application/octet-stream"
    known = failed_result("x.bin", UnsupportedFileError("x"), sha256="")
    assert known.source.sha256 == "" and known.source.media_type == doc["source"]["media_type"]


def test_rules_only_pipeline_is_selectable() -> None:
    result = process_letter(SAMPLES / "humana_partd_step" / "letter.txt", options=Options(model_path="none"))
    assert result.fields.payer is not None and result.fields.payer.source == "rule"
