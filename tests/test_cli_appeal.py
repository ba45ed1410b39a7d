"""`denialparse appeal` as a user runs it: the DOCX, the JSON, and its errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from denialparse.cli import cli
from tests.conftest import SAMPLES


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_appeal_json_and_docx(tmp_path: Path) -> None:
    out = tmp_path / "appeal.docx"
    result = run("appeal", str(SAMPLES / "cigna_cimt" / "letter.txt"), "-o", str(out),
                 "--profile", str(SAMPLES / "profile.toml"), "--json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["appeal"] == {"path": str(out), "template": "duplicate_therapy"}
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    tables = "\n".join(c.text for t in Document(str(out)).tables for r in t.rows for c in r.cells)
    assert "U5822140903" in tables
    assert "Rosalind T. Hargrove" in text + tables
    assert "{{" not in text and "{%" not in text


def test_appeal_with_a_named_template(tmp_path: Path) -> None:
    out = tmp_path / "a.docx"
    result = run("appeal", str(SAMPLES / "cigna_cimt" / "letter.txt"), "-o", str(out),
                 "--template", "medical_necessity", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["appeal"]["template"] == "medical_necessity"


def test_unknown_template_exit_3(tmp_path: Path) -> None:
    result = run("appeal", str(SAMPLES / "cigna_cimt" / "letter.txt"), "-o",
                 str(tmp_path / "a.docx"), "--template", "no_such_template")
    assert result.exit_code == 3
    assert result.stderr.startswith("denialparse: error: ")
    assert result.stderr.count("\n") == 1
    assert not (tmp_path / "a.docx").exists()


def test_malformed_profile_exit_4(tmp_path: Path) -> None:
    bad = tmp_path / "practice.toml"
    bad.write_text("[practice\nname = 'x'\n")
    result = run("appeal", str(SAMPLES / "cigna_cimt" / "letter.txt"), "-o",
                 str(tmp_path / "a.docx"), "--profile", str(bad))
    assert result.exit_code == 4
    assert result.stderr.startswith("denialparse: error: ") and result.stderr.count("\n") == 1


def test_unwritable_output_exit_5(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run("appeal", str(SAMPLES / "cigna_cimt" / "letter.txt"), "-o",
                 str(blocker / "sub" / "a.docx"))
    assert result.exit_code == 5
    assert result.stderr.startswith("denialparse: error: ")


@pytest.mark.ocr
def test_readme_demo_scan_to_appeal(tmp_path: Path) -> None:
    out = tmp_path / "appeal.docx"
    result = run("appeal", str(SAMPLES / "scan_cigna_cimt.pdf"), "-o", str(out),
                 "--profile", str(SAMPLES / "profile.toml"), "--json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["text"]["source"] == "ocr"
    assert doc["denial_type"]["label"] == "duplicate_therapy"
    assert doc["fields"]["member_id"]["value"] == "U5822140903"
    assert Document(str(out)).paragraphs
