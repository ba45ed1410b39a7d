"""Per-field confidence maps: a reported confidence is how often such a value was right."""

from __future__ import annotations

import json

import pytest

from denialparse.types import LetterText, PageText, TextSource
from denialparse.understanding import calibration
from denialparse.understanding.extract import extract

from .conftest import ROOT

MAPS = calibration.field_maps({"fields": {
    "therapy": {"support": [0.5, 0.8, 0.9], "right": [0.2, 0.6, 0.97]},
    "payer": {"support": [0.9, 0.5], "right": [0.9, 0.5]},  # not ascending: ignored
    "member_id": {"support": [0.5], "right": "x"},  # malformed: ignored
}})


@pytest.mark.parametrize(("support", "expected"), [
    (0.3, 0.2),  # below the first knot: the first share
    (0.5, 0.2),
    (0.65, 0.4),  # halfway between knots
    (0.85, 0.785),
    (0.95, 0.97),  # above the last knot: the last share
])
def test_the_map_is_linear_between_knots_and_flat_outside(support: float, expected: float) -> None:
    assert calibration.calibrate("therapy", support, MAPS) == pytest.approx(expected)


def test_a_malformed_or_missing_map_leaves_the_support() -> None:
    assert set(MAPS) == {"therapy"}
    assert calibration.calibrate("payer", 0.77, MAPS) == 0.77
    assert calibration.calibrate("claim_id", 0.66, MAPS) == 0.66


def test_raw_supports_switches_the_maps_off_for_fitting() -> None:
    with calibration.raw_supports():
        assert calibration.calibrate("therapy", 0.85, MAPS) == 0.85
    assert calibration.calibrate("therapy", 0.85, MAPS) != 0.85


LETTER = (
    "Acme Health Plan\nDate: March 3, 2026\nMember ID: XQA123456789\n"
    "Service requested: lumbar spine MRI (CPT 72148)\n"
    "We denied your request because it is not medically necessary.\n"
)


def test_extract_reports_the_mapped_confidence(rules_nlp, tmp_path) -> None:
    letter = LetterText(source=TextSource.PLAIN,
                        pages=[PageText(number=1, text=LETTER, source=TextSource.PLAIN)])
    raw = extract(letter, rules_nlp).fields
    assert raw.therapy is not None
    (tmp_path / "calibration.json").write_text(json.dumps({"fields": {
        "therapy": {"support": [0.0, 1.0], "right": [0.1, 0.1]},
        "denial_type": {"support": [0.0, 1.0], "right": [0.05, 0.05]}}}))
    rules_nlp.meta["denialparse_model_dir"] = str(tmp_path)
    try:
        mapped = extract(letter, rules_nlp)
    finally:
        rules_nlp.meta.pop("denialparse_model_dir")
    assert mapped.fields.therapy.confidence == 0.1
    assert mapped.fields.therapy.value == raw.therapy.value
    assert mapped.fields.member_id.confidence == raw.member_id.confidence  # no map: unchanged
    assert mapped.denial_type.confidence == 0.05
    assert "therapy" in mapped.needs_review and "denial_type" in mapped.needs_review


def test_the_committed_maps_rise_with_support_and_never_claim_certainty() -> None:
    path = ROOT / "models" / "denialparse-pipeline" / "calibration.json"
    maps = calibration.field_maps(json.loads(path.read_text()))
    assert {"therapy", "denial_reason", "member_id", "payer"} <= set(maps)
    for xs, ys in maps.values():
        assert ys == sorted(ys)
        assert max(ys) <= 0.99 and min(ys) >= 0.0
