"""The training recipe (the spaCy project in models/, run by the dev package denialparse_dev).

Smoke test (CI): the project's steps on a tiny corpus in a temporary copy of the project,
generate -> ocr -> train -> check -> promote, and the result loads with plain spacy.load. Also
the pieces the training rests on: one list of labels (the contract's) in the committed
pipeline's order, the generator's labels exact by construction, the OCR-in-the-loop alignment,
and the training code kept out of the runtime package.
"""

from __future__ import annotations

import importlib.util
import json
import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from denialparse.types import (
    DENIAL_LABELS,
    ENTITY_FIELDS,
    ENTITY_LABELS,
    FIELD_NAMES,
    PLAN_LABELS,
    DenialType,
    PlanType,
)
from denialparse_dev import generate, ocr_corpus, promote
from denialparse_dev.train import entity_tag_labels

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "models"
COMMITTED = MODELS / "denialparse-pipeline"
# The recipe at toy size: the project's own numbers are overridden, not copied.
TINY = {"n_train": 40, "n_dev": 8, "ocr_share": 0, "dev_ocr_share": 0, "epochs": 1, "jobs": 1,
        "check_letters": 20}


def test_labels_come_from_the_contract_types() -> None:
    assert DENIAL_LABELS == tuple(t.value for t in DenialType)
    assert PLAN_LABELS == tuple(t.value for t in PlanType)
    assert set(ENTITY_FIELDS.values()) <= set(FIELD_NAMES)
    assert ENTITY_LABELS == tuple(ENTITY_FIELDS)


def test_committed_pipeline_has_the_labels_in_the_same_order() -> None:
    """The trained columns are read by position: the enums' order is the committed model's."""
    def labels(component: str) -> tuple[str, ...]:
        return tuple(json.loads((COMMITTED / component / "cfg").read_text())["labels"])

    assert labels("textcat_denial") == DENIAL_LABELS
    assert labels("textcat_plan") == PLAN_LABELS
    assert labels("entity_tagger") == entity_tag_labels()
    meta = json.loads((COMMITTED / "meta.json").read_text())
    assert tuple(meta["labels"]["textcat_denial"]) == DENIAL_LABELS


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
    assert seen_labels == set(ENTITY_LABELS)
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


def _project(tmp_path: Path) -> Path:
    """A copy of the spaCy project without its data: project.yml and the pipeline config."""
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy2(MODELS / "project.yml", project / "project.yml")
    shutil.copytree(MODELS / "configs", project / "configs")
    return project


def _run(project: Path, command: str) -> subprocess.CompletedProcess[str]:
    overrides = [f"--vars.{key}={value}" for key, value in TINY.items()]
    return subprocess.run([sys.executable, "-m", "spacy", "project", "run", command,
                           str(project), *overrides],
                          capture_output=True, text=True, timeout=600, check=False)


def test_recipe_smoke(tmp_path: Path) -> None:
    """The project's steps on a tiny corpus; the promoted result loads with plain spacy.load."""
    import spacy

    project = _project(tmp_path)
    out = project / "denialparse-pipeline"
    out.mkdir()
    (out / "README.md").write_text("hand-written\n")
    (out / "stale.bin").write_bytes(b"old pipeline")
    for command in ("generate", "ocr", "train", "check", "promote"):
        proc = _run(project, command)
        assert proc.returncode == 0, (command, proc.stdout[-2000:], proc.stderr[-2000:])
    # Swapped in whole: the old files are gone, the hand-written README is kept, no leftovers.
    assert not (out / "stale.bin").exists()
    assert (out / "README.md").read_text() == "hand-written\n"
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".")) == []
    nlp = spacy.load(out)
    assert nlp.pipe_names == ["tok2vec", "entity_tagger", "textcat_denial", "textcat_plan"]
    assert tuple(nlp.get_pipe("entity_tagger").labels) == entity_tag_labels()
    assert tuple(nlp.get_pipe("textcat_denial").labels) == DENIAL_LABELS
    assert tuple(nlp.get_pipe("textcat_plan").labels) == PLAN_LABELS
    doc = nlp("Aetna\nMarch 14, 2026\nMember ID: W123456789\nThe drug is not on the formulary.")
    assert set(doc.cats) == set(DENIAL_LABELS) | set(PLAN_LABELS)
    assert sum(doc.cats[k] for k in DENIAL_LABELS) == pytest.approx(1.0, abs=1e-3)
    calib = json.loads((out / "calibration.json").read_text())
    assert calib["textcat_denial"]["temperature"] > 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["n_train"] == TINY["n_train"] and metrics["seed"] == _recipe()["seed"]
    assert json.loads((out / "bench.json").read_text())["pipes"] == nlp.pipe_names
    # The saved config names only built-in factories (the loader needs nothing else).
    cfg = (out / "config.cfg").read_text()
    assert "@misc" not in cfg and "custom" not in cfg
    # The corpus and the candidate stay in the project's gitignored folders.
    assert (project / "corpus" / "train" / "spans.jsonl").is_file()
    assert (project / "training" / "pipeline" / "config.cfg").is_file()


def test_promote_refuses_an_incomplete_candidate_and_leaves_the_target(tmp_path: Path) -> None:
    candidate, target = tmp_path / "candidate", tmp_path / "target"
    shutil.copytree(COMMITTED, candidate)
    (candidate / "calibration.json").unlink()
    target.mkdir()
    (target / "README.md").write_text("the committed one\n")
    problems = promote.promote(candidate, target, letters=5)
    assert problems and "calibration.json" in problems[0]
    assert [p.name for p in target.iterdir()] == ["README.md"]


def _recipe() -> dict[str, object]:
    import srsly

    return srsly.read_yaml(MODELS / "project.yml")["vars"]


def test_recipe_numbers_live_only_in_the_project(tmp_path: Path) -> None:
    """The modules take the recipe's numbers as required arguments, so there is one recipe."""
    recipe = _recipe()
    assert {"n_train", "n_dev", "ocr_share", "dev_ocr_share", "seed", "epochs"} <= set(recipe)
    with pytest.raises(SystemExit):
        generate.main([str(tmp_path / "g")])  # no --n, no --seed
    with pytest.raises(SystemExit):
        ocr_corpus.main([str(tmp_path / "g"), str(tmp_path / "o")])  # no --share, no --seed


def test_training_is_not_in_the_runtime_package() -> None:
    assert importlib.util.find_spec("denialparse.train") is None
    src = ROOT / "src" / "denialparse"
    importers = [p.relative_to(ROOT) for p in src.rglob("*.py")
                 if "denialparse_dev" in p.read_text(encoding="utf-8")]
    assert importers == []
    from click.testing import CliRunner

    from denialparse.cli import cli

    assert "train" not in CliRunner().invoke(cli, ["--help"]).stdout.split()


# tests/test_batch.py builds a worker script that puts the tests folder on sys.path; the batch
# helper of issue 9 replaces it. Nothing else may.
SYS_PATH_ALLOWED: set[Path] = set()


def test_no_sys_path_insert_anywhere() -> None:
    """Shared dev code is imported from the dev package, never by editing sys.path."""
    offenders = []
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if not d.startswith(".")]  # .git, .venv
        for name in files:
            rel = (Path(folder) / name).relative_to(ROOT)
            if not name.endswith(".py") or rel in SYS_PATH_ALLOWED:
                continue
            if re.search(r"sys\.path\.(insert|append)", (ROOT / rel).read_text(encoding="utf-8")):
                offenders.append(str(rel))
    assert offenders == []


def test_no_merge_conflict_markers_in_tracked_text() -> None:
    """A merge left by hand must not ship its markers (one once reached the README)."""
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    marker = re.compile(r"^(<{7} |={7}$|>{7} )", re.MULTILINE)
    offenders = []
    for rel in tracked:
        if not rel.endswith((".py", ".md", ".toml", ".yml", ".cfg", ".txt", ".jsonl", ".sh")):
            continue
        path = ROOT / rel
        if path.is_file() and marker.search(path.read_text(encoding="utf-8", errors="replace")):
            offenders.append(rel)
    assert offenders == []
