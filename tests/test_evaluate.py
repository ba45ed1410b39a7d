"""``denialparse evaluate``: the contract's scoring rules, and a run over a tiny labelled corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from denialparse.evaluate import (
    evaluate_corpus,
    format_report,
    ids_match,
    normalise_id,
    payer_matches,
    read_labels,
    score_letter,
    token_overlap,
)
from denialparse.exceptions import InputFileError
from denialparse.options import Options
from denialparse.types import (
    DenialType,
    DenialTypeResult,
    Fields,
    FieldValue,
    LetterResult,
    SourceInfo,
    Status,
)

# --- payer: canonical brand or a known alias -----------------------------------------------


@pytest.mark.parametrize(
    ("value", "raw", "label", "expected"),
    [
        ("Cigna", "Cigna Healthcare of Texas, Inc.", {"payer": "Cigna Healthcare of Texas, Inc.",
                                                      "payer_canonical": "Cigna"}, True),
        # An alias of the canonical brand counts, whatever the pipeline normalised it to.
        ("UMR", "UMR", {"payer": "UMR", "payer_canonical": "UnitedHealthcare"}, True),
        ("Express Scripts", "ESI", {"payer": "Express Scripts", "payer_canonical":
                                    "Express Scripts"}, True),
        ("WellCare", "WellCare", {"payer": "Wellcare", "payer_canonical": "Centene"}, True),
        # Case and punctuation do not matter.
        ("unitedhealthcare", None, {"payer_canonical": "UnitedHealthcare"}, True),
        # Another brand is wrong, even a related-sounding one.
        ("Anthem", "Anthem Blue Cross", {"payer": "Florida Blue", "payer_canonical":
                                         "Florida Blue"}, False),
        ("Aetna", "Aetna", {"payer": "CVS Caremark", "payer_canonical": "CVS Caremark"}, False),
        # A payer the lexicon doesn't know is matched on its printed name.
        ("Oscar Health", "Oscar Health", {"payer": "Oscar Health", "payer_canonical":
                                          "Oscar Health"}, True),
        (None, None, {"payer": "Humana", "payer_canonical": "Humana"}, False),
    ],
)
def test_payer_matches(value, raw, label, expected) -> None:
    assert payer_matches(value, raw, label) is expected


# --- IDs: exact after dropping spaces and punctuation --------------------------------------


def test_id_normalisation() -> None:
    assert normalise_id("U1234 5678-01") == "U1234567801"
    assert ids_match("u12345678 01", "U1234567801")
    assert ids_match("1EG4-TE5-MK73", "1EG4TE5MK73")
    assert not ids_match("U12345678", "U1234567801")  # a prefix is not the ID
    assert not ids_match(None, "H71548820")
    assert not ids_match("---", "")


# --- therapy and reason: fuzzy token overlap -------------------------------------------------


def test_fuzzy_therapy() -> None:
    gold = "UBRELVY 100 MG TABLET"
    assert token_overlap("Ubrelvy", gold) == 1.0
    assert token_overlap("Ubrelvy 100 mg tablets", gold) == 1.0
    # Strengths and dose forms are not what names a drug.
    assert token_overlap("100 mg tablet", gold) == 0.0
    assert token_overlap("Nurtec ODT 75 mg", gold) == 0.0
    assert token_overlap("constraint-induced movement therapy (CIMT)",
                         "constraint-induced movement therapy") == 1.0
    assert token_overlap(None, gold) == 0.0


def _result(**fields: FieldValue | None) -> LetterResult:
    denial = fields.pop("denial", None)
    return LetterResult(
        source=SourceInfo(path="x.txt", sha256="0" * 64, media_type="text/plain", pages=1),
        status=Status.SUCCESS, text=None, fields=Fields(**fields),
        denial_type=DenialTypeResult(label=DenialType(denial.value), confidence=0.9,
                                     scores={}) if denial else None,
    )


def _fv(value: str, raw: str | None = None) -> FieldValue:
    return FieldValue(value=value, raw=raw or value, confidence=0.9)


def test_score_letter_nulls_are_not_scored_and_missing_is_wrong() -> None:
    label = {"id": "a1", "payer": "Humana", "payer_canonical": "Humana",
             "plan_type": "medicare_part_d", "therapy": "UBRELVY 100 MG TABLET",
             "denial_type": "step_therapy", "denial_reason": None, "letter_date": "2020-11-09",
             "service_date": None, "member_id": "H71548820", "claim_id": "20314-0998871"}
    result = _result(payer=_fv("Humana", "Humana Inc."), plan_type=_fv("medicare_part_d"),
                     therapy=_fv("Ubrelvy"), letter_date=_fv("2020-11-09", "November 9, 2020"),
                     member_id=_fv("H7154 8820"), claim_id=None,
                     denial=_fv("step_therapy"))
    verdicts = score_letter(result, label)
    assert verdicts["denial_type"] is True
    assert verdicts["payer"] is True
    assert verdicts["therapy"] is True
    assert verdicts["member_id"] is True
    assert verdicts["claim_id"] is False  # labelled but not found
    assert verdicts["service_date"] is None  # null label: not scored
    assert verdicts["denial_reason"] is None
    # A letter that could not be read is wrong on every labelled field.
    unread = score_letter(None, label)
    assert unread["payer"] is False and unread["service_date"] is None


def test_letter_date_is_exact() -> None:
    label = {"id": "a", "letter_date": "2026-03-14"}
    assert score_letter(_result(letter_date=_fv("2026-03-14")), label)["letter_date"] is True
    assert score_letter(_result(letter_date=_fv("2026-03-15")), label)["letter_date"] is False


# --- a tiny corpus through the real pipeline -----------------------------------------------

LETTER_A = """Aetna
PO Box 14079, Lexington, KY 40512

March 14, 2026

Member: Maria Lopez
Member ID: W123456789
Claim number: E7788123-01
Date of service: February 2, 2026

Dear Maria Lopez:

We processed the claim for an MRI of the lumbar spine without contrast (CPT 72148).
The claim was denied. Reason: no prior authorization was on file for this service.

You have the right to appeal within 180 days. Your plan is an employer group health plan;
you may bring a civil action under section 502(a) of ERISA.
"""

LETTER_B = """Humana
Notice of Denial of Medicare Prescription Drug Coverage

Date: 11/09/2020
Enrollee: James Carter
Member ID: H71548820
Drug: UBRELVY 100 MG TABLET

We denied your request because your plan requires you to first try and fail two preferred
alternatives (sumatriptan and rizatriptan) before this drug can be approved.

You have the right to request a redetermination under your Medicare Part D plan.
"""


def _write_corpus(root: Path) -> Path:
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "a1.txt").write_text(LETTER_A)
    (corpus / "b2.txt").write_text(LETTER_B)
    labels = [
        {"id": "a1", "payer": "Aetna", "payer_canonical": "Aetna", "plan_type": "erisa",
         "therapy": "MRI of the lumbar spine without contrast", "denial_type": "prior_auth",
         "denial_reason": "no prior authorization was on file for this service.",
         "letter_date": "2026-03-14", "service_date": "2026-02-02", "member_id": "W123456789",
         "claim_id": "E7788123-01"},
        {"id": "b2", "payer": "Humana", "payer_canonical": "Humana",
         "plan_type": "medicare_part_d", "therapy": "UBRELVY 100 MG TABLET",
         "denial_type": "step_therapy", "denial_reason": None, "letter_date": "2020-11-09",
         "service_date": None, "member_id": "H71548820", "claim_id": None},
        {"id": "c3", "payer": "Cigna", "payer_canonical": "Cigna", "plan_type": None,
         "therapy": None, "denial_type": "other", "denial_reason": None,
         "letter_date": None, "service_date": None, "member_id": None, "claim_id": None},
    ]
    (corpus / "labels.jsonl").write_text("".join(json.dumps(x) + "\n" for x in labels))
    return corpus


def test_evaluate_tiny_corpus_rules_only(tmp_path: Path) -> None:
    corpus = _write_corpus(tmp_path)
    report = evaluate_corpus(corpus, options=Options(model_path="none"))
    f = report.fields
    # Scored counts follow the labels: nulls are not scored, the missing letter c3 is.
    assert (f["denial_type"].scored, f["member_id"].scored, f["claim_id"].scored) == (3, 2, 1)
    assert f["service_date"].scored == 1
    assert [x.id for x in report.failures] == ["c3"]
    # Clear letters: the rules get the IDs, dates and payers right.
    assert f["member_id"].right == 2
    assert f["letter_date"].right == 2
    assert f["payer"].right == 2
    assert f["denial_type"].right >= 2
    text = format_report(report)
    assert "member_id" in text and "2       2     1.000" in text
    assert "failed: c3: letter file not found" in text
    dumped = report.to_json_dict()
    assert dumped["fields"]["member_id"] == {"right": 2, "scored": 2, "accuracy": 1.0}
    a1 = next(x for x in dumped["per_letter"] if x["id"] == "a1")
    assert a1["predicted"]["member_id"] == "W123456789"
    assert 0.5 < a1["confidence"]["member_id"] <= 1.0
    assert set(a1["confidence"]) == set(a1["predicted"])
    json.dumps(dumped)  # JSON-able


def test_evaluate_cli_json(tmp_path: Path) -> None:
    from denialparse.cli import cli

    corpus = _write_corpus(tmp_path)
    run = CliRunner().invoke(cli, ["evaluate", str(corpus), "--json", "--model", "none"])
    assert run.exit_code == 0, run.output
    data = json.loads(run.output)
    assert data["fields"]["letter_date"]["scored"] == 2


def test_corpus_without_labels_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="labels.jsonl"):
        read_labels(tmp_path)
    (tmp_path / "labels.jsonl").write_text('{"id": "x"}\nnot json\n')
    with pytest.raises(InputFileError, match=":2 is not JSON"):
        read_labels(tmp_path)


@pytest.mark.model
def test_evaluate_tiny_corpus_with_the_trained_pipeline(tmp_path: Path) -> None:
    """Rules + the committed model: the clear fields stay right (the model must not hurt them)."""
    from denialparse.understanding.pipeline import bundled_model_path, load_pipeline

    model = bundled_model_path()
    assert model is not None, "the trained pipeline must be committed under models/"
    assert "entity_tagger" in load_pipeline(str(model)).pipe_names
    corpus = _write_corpus(tmp_path)
    report = evaluate_corpus(corpus, options=Options(model_path=str(model)))
    f = report.fields
    assert f["member_id"].right == 2
    assert f["letter_date"].right == 2
    assert f["payer"].right == 2
    assert f["denial_type"].right >= 2
