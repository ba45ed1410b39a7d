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


def test_review_threshold_reaches_the_extraction_and_the_appeal(tmp_path: Path) -> None:
    """Issue 9, bug 3: --review-threshold decides what is flagged in the JSON and the DOCX."""
    letter = str(SAMPLES / "cigna_cimt" / "letter.txt")
    plain, strict = tmp_path / "plain.docx", tmp_path / "strict.docx"
    default = run("appeal", letter, "-o", str(plain), "--json")
    high = run("appeal", letter, "-o", str(strict), "--json", "--review-threshold", "0.95")
    assert default.exit_code == 0 and high.exit_code == 0, high.stderr
    # The sample's therapy is read with about 0.8 confidence: above 0.70, under 0.95.
    therapy = json.loads(high.stdout)["fields"]["therapy"]["confidence"]
    assert 0.7 <= therapy < 0.95
    assert "therapy" not in json.loads(default.stdout)["needs_review"]
    assert "therapy" in json.loads(high.stdout)["needs_review"]
    assert not [c for c in Document(str(plain)).comments if "service or therapy" in c.text]
    assert [c for c in Document(str(strict)).comments if "service or therapy" in c.text]


def test_extract_takes_the_review_threshold() -> None:
    letter = str(SAMPLES / "cigna_cimt" / "letter.txt")
    result = run("extract", letter, "--json", "--review-threshold", "0.95")
    assert result.exit_code == 0, result.stderr
    assert "therapy" in json.loads(result.stdout)["needs_review"]
    bad = run("extract", letter, "--review-threshold", "1.5")
    assert bad.exit_code == 2


def test_review_threshold_help_shows_the_options_default() -> None:
    from denialparse.options import Options

    default = Options.model_fields["review_threshold"].default
    for command in ("extract", "appeal", "batch"):
        shown = run(command, "--help").stdout
        assert f"[default: {default:.2f}]" in " ".join(shown.split()), command
