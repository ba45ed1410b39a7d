"""The CLI as users and scripts see it: exit codes, one-line errors, the LetterResult JSON."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from denialparse.cli import cli
from tests.conftest import SAMPLES

CONTRACT_TOP = ["schema_version", "source", "status", "text", "fields", "denial_type", "deadlines",
                "needs_review", "appeal", "errors"]
CONTRACT_FIELDS = ["payer", "plan_type", "therapy", "denial_reason", "letter_date", "service_date",
                   "member_id", "claim_id", "patient_name", "provider_name", "reference_codes"]
DENIAL_LABELS = {"medical_necessity", "experimental", "prior_auth", "step_therapy", "non_formulary",
                 "quantity_limit", "out_of_network", "duplicate_therapy", "not_covered",
                 "coding_billing", "timely_filing", "other"}


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def check_contract(doc: dict) -> None:
    assert list(doc)[: len(CONTRACT_TOP)] == CONTRACT_TOP
    assert doc["schema_version"] == "1"
    assert doc["status"] in ("success", "partial", "failed")
    for key in CONTRACT_FIELDS:
        assert key in doc["fields"], key
    for key in ("path", "sha256", "media_type", "pages"):
        assert key in doc["source"]
    assert doc["text"]["source"] in ("text-layer", "ocr", "mixed", "plain")
    for page in doc["text"]["pages"]:
        assert set(page) >= {"number", "source", "rotation", "confidence", "chars"}
    if doc["denial_type"]:
        assert doc["denial_type"]["label"] in DENIAL_LABELS
        assert set(doc["denial_type"]["scores"]) == DENIAL_LABELS
    for d in doc["deadlines"]:
        assert set(d) >= {"kind", "due", "rule", "basis"}


def test_extract_txt_json_is_the_contract() -> None:
    code, out, err = run("extract", str(SAMPLES / "cigna_cimt" / "letter.txt"), "--json")
    assert code == 0, err
    doc = json.loads(out)
    check_contract(doc)
    assert doc["source"]["media_type"] == "text/plain"
    assert doc["source"]["sha256"] == hashlib.sha256(
        (SAMPLES / "cigna_cimt" / "letter.txt").read_bytes()).hexdigest()
    assert doc["text"]["source"] == "plain"
    assert doc["fields"]["payer"]["value"] == "Cigna"
    assert doc["denial_type"]["label"] == "duplicate_therapy"
    assert doc["deadlines"][0]["kind"] == "internal_appeal"
    assert doc["appeal"] is None


def test_extract_text_pdf() -> None:
    code, out, _ = run("extract", str(SAMPLES / "cigna_cimt" / "letter.pdf"), "--json")
    assert code == 0
    doc = json.loads(out)
    check_contract(doc)
    assert doc["text"]["source"] == "text-layer"
    assert doc["fields"]["member_id"]["value"] == "U5822140903"
    ev = doc["fields"]["member_id"]["evidence"]
    assert ev["page"] == 1 and ev["bbox"] is not None  # text layer gives positions in points


@pytest.mark.ocr
@pytest.mark.parametrize("name", ["scan.pdf", "fax.tif", "photo.jpg"])
def test_extract_scanned_forms(name: str) -> None:
    path = SAMPLES / "cigna_cimt" / name
    code, out, err = run("extract", str(path), "--json")
    assert code == 0, err
    doc = json.loads(out)
    check_contract(doc)
    assert doc["text"]["source"] == "ocr"
    assert doc["text"]["mean_confidence"] is not None and doc["text"]["mean_confidence"] > 0.6
    assert doc["fields"]["payer"]["value"] == "Cigna"
    assert doc["fields"]["letter_date"]["value"] == "2026-03-14"
    assert doc["denial_type"]["label"] == "duplicate_therapy"


def test_human_summary_without_json() -> None:
    code, out, _ = run("extract", str(SAMPLES / "humana_partd_step" / "letter.txt"))
    assert code == 0
    assert "denial type   step_therapy" in out
    assert "payer         Humana" in out
    assert not out.lstrip().startswith("{")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty (0 bytes): rescan or re-save it"),
        (b"\x7fELF\x02\x01\x01" + bytes(200), "this is an executable, not a letter"),
        (bytes(range(256)) * 20, "unsupported file type"),
        (b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog", "the PDF is corrupt or truncated"),
    ],
    ids=["empty", "executable", "random-bytes", "truncated-pdf"],
)
def test_bad_input_exit_4_one_line(tmp_path: Path, content: bytes, message: str) -> None:
    bad = tmp_path / "letter.pdf"
    bad.write_bytes(content)
    before = bad.read_bytes()
    code, out, err = run("extract", str(bad), "--json")
    assert code == 4
    assert out == ""  # no partial JSON on stdout
    assert err.count("\n") == 1 and err.startswith("denialparse: error: ")
    assert message in err
    assert "Traceback" not in err
    assert bad.read_bytes() == before  # the input is untouched


def test_missing_path_exit_4(tmp_path: Path) -> None:
    code, out, err = run("extract", str(tmp_path / "nope.pdf"))
    assert code == 4 and out == ""
    assert err == f"denialparse: error: {tmp_path / 'nope.pdf'}: no such file: check the path\n"


def test_usage_error_is_click_exit_2() -> None:
    code, _, _ = run("extract")
    assert code == 2


def test_version_and_help() -> None:
    code, out, _ = run("--version")
    assert code == 0 and out.startswith("denialparse, version ")
    code, out, _ = run("--help")
    assert code == 0
    for command in ("extract", "appeal", "batch", "doctor", "evaluate"):
        assert command in out


def test_python_dash_m_entry_point() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "denialparse", "extract", str(SAMPLES / "cigna_cimt" / "letter.txt"),
         "--json"], capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["fields"]["claim_id"]["value"] == "2026031188412"


def test_letter_text_never_reaches_the_logs(tmp_path: Path) -> None:
    code, _, err = run("-vv", "extract", str(SAMPLES / "cigna_cimt" / "letter.txt"))
    assert code == 0
    assert "DEBUG denialparse." in err  # the logs were captured, so the check below means something
    for secret in ("U5822140903", "Hargrove", "2026031188412", "constraint-induced"):
        assert secret not in err


def test_the_cli_inside_another_process_gives_back_its_cpu_limit_and_signal_handler() -> None:
    """RLIMIT_CPU counts a whole process life: a host process (tests, a notebook) calling the
    CLI must not be killed later by the letter's backstop."""
    import resource
    import signal

    limit, handler = resource.getrlimit(resource.RLIMIT_CPU), signal.getsignal(signal.SIGXCPU)
    letter = Path(__file__).resolve().parents[1] / "samples" / "cigna_cimt" / "letter.txt"
    result = CliRunner().invoke(cli, ["extract", str(letter), "--model", "none"])
    assert result.exit_code == 0
    assert resource.getrlimit(resource.RLIMIT_CPU) == limit
    assert signal.getsignal(signal.SIGXCPU) == handler
