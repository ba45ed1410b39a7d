"""Training smoke test (CI): generate a tiny corpus, train 1 epoch, load the result.

Also the pieces the training rests on: the generator's labels are exact by construction, and the
OCR-in-the-loop alignment moves labels onto the text really read.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "models" / "scripts"))

import generate  # noqa: E402
import ocr_corpus  # noqa: E402

from denialparse.train import DENIAL_LABELS, ENT_LABELS, PLAN_LABELS  # noqa: E402


def test_generated_entities_are_exact_and_cover_every_label() -> None:
    rng = random.Random(11)
    letters = [generate.make_letter(rng, f"x{i}") for i in range(150)]
    seen_labels, seen_types, seen_plans = set(), set(), set()
    for lt in letters:
        prev_end = -1
        for start, end, label in lt.ents:
            span = lt.text[start:end]
            assert span and span == span.strip(), (lt.id, label, span)
            assert start >= prev_end, "entities overlap"
            prev_end = end
            seen_labels.add(label)
        # The labels.jsonl record agrees with the spans it came from.
        assert lt.labels["member_id"] in lt.text
        assert lt.labels["denial_reason"] and lt.labels["denial_reason"][:20] in " ".join(
            lt.text.split())
        seen_types.add(lt.denial_type)
        seen_plans.add(lt.plan_type)
    assert seen_labels == set(ENT_LABELS)
    assert seen_types == set(DENIAL_LABELS)
    assert seen_plans == set(PLAN_LABELS)


def test_generator_is_deterministic(tmp_path: Path) -> None:
    a = generate.generate(tmp_path / "a", 5, 7)
    b = generate.generate(tmp_path / "b", 5, 7)
    assert [x.text for x in a] == [x.text for x in b]
    labels = (tmp_path / "a" / "labels.jsonl").read_text().splitlines()
    assert len(labels) == 5 and json.loads(labels[0])["id"] == a[0].id
    assert (tmp_path / "a" / f"{a[0].id}.txt").read_text() == a[0].text


def test_alignment_carries_labels_onto_ocr_text() -> None:
    src = "Member ID: W123456789\nPatient: Maria Lopez\nDate: March 14, 2026\n"
    ocr = "Member 1D: W1234S6789\n\nPatient : Maria  Lopez\nDate: March 14,2026"
    rec = {"id": "r", "text": src, "missing": [], "ents": [
        [src.index("W1"), src.index("W1") + 10, "MEMBER_ID"],
        [src.index("Maria"), src.index("Maria") + 11, "PATIENT"],
        [src.index("March"), src.index("March") + 14, "LETTER_DATE"],
    ]}
    out = ocr_corpus.carry_labels(rec, ocr)
    got = {label: out["text"][s:e] for s, e, label in out["ents"]}
    assert got["PATIENT"] == "Maria  Lopez"
    assert got["LETTER_DATE"] == "March 14,2026"
    assert got["MEMBER_ID"] == "W1234S6789"  # one OCR slip: close enough to keep


def test_alignment_drops_garbled_entities_to_missing() -> None:
    src = "Claim: CLM0042-77123\nThe rest of the letter.\n"
    ocr = "Claim: ~~~~ ,;: .\nThe rest of the letter.\n"
    rec = {"id": "r", "text": src, "missing": [],
           "ents": [[7, 20, "CLAIM_ID"]]}
    out = ocr_corpus.carry_labels(rec, ocr)
    assert out["ents"] == []
    assert out["missing"], "a garbled entity is left as missing annotation, not as 'outside'"


def test_render_text_pdf_and_read_back() -> None:
    rec = json.loads(json.dumps(generate.generate.__globals__["make_letter"](
        random.Random(5), "p1").__dict__, default=list))
    rec["ents"] = [list(e) for e in rec["ents"]]
    out = ocr_corpus._render_and_read((rec, "pdf", 3))
    assert out is not None and out["form"] == "pdf"
    labels = {label for _, _, label in out["ents"]}
    assert {"PAYER", "MEMBER_ID", "LETTER_DATE"} <= labels
    for s, e, label in out["ents"]:
        assert out["text"][s:e].strip(), label


@pytest.mark.ocr
def test_render_fax_and_ocr_back() -> None:
    rec = generate.make_letter(random.Random(8), "f1").__dict__
    rec = {**rec, "ents": [list(e) for e in rec["ents"]]}
    out = ocr_corpus._render_and_read((rec, "fax", 4))
    assert out is not None
    assert len(out["ents"]) >= len(rec["ents"]) // 2


def test_train_smoke(tmp_path: Path) -> None:
    """One command, tiny corpus, one epoch: the result loads with plain spacy.load."""
    import spacy

    from denialparse.train import run_training

    out = run_training(tmp_path / "model", n_letters=30, ocr_share=0.0, seed=3, epochs=1,
                       work_dir=tmp_path / "corpus")
    nlp = spacy.load(out)
    assert nlp.pipe_names == ["tok2vec", "entity_tagger", "textcat_denial", "textcat_plan"]
    tags = set(nlp.get_pipe("entity_tagger").labels)
    assert tags == {"O"} | {f"{m}-{lab}" for lab in ENT_LABELS for m in "BILU"}
    assert nlp.get_pipe("textcat_denial").labels == DENIAL_LABELS
    assert nlp.get_pipe("textcat_plan").labels == PLAN_LABELS
    doc = nlp("Aetna\nMarch 14, 2026\nMember ID: W123456789\nThe drug is not on the formulary.")
    assert set(doc.cats) == set(DENIAL_LABELS) | set(PLAN_LABELS)
    assert sum(doc.cats[k] for k in DENIAL_LABELS) == pytest.approx(1.0, abs=1e-3)
    calib = json.loads((out / "calibration.json").read_text())
    assert calib["textcat_denial"]["temperature"] > 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["n_train"] == 30
    # The saved config names only built-in factories (the lead's loader needs nothing else).
    cfg = (out / "config.cfg").read_text()
    assert "@misc" not in cfg and "custom" not in cfg
