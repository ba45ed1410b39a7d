"""The understanding stage's data files and its one module of confidences."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import zipfile
from importlib import resources
from pathlib import Path

import pytest

from denialparse.types import DenialType, PlanType
from denialparse.understanding import lexicon

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "denialparse"
UNDERSTANDING = PACKAGE / "understanding"


def test_every_data_file_is_read_as_package_data() -> None:
    data = resources.files("denialparse.understanding").joinpath("data")
    names = sorted(p.name for p in data.iterdir() if p.name.endswith(".toml"))
    assert names == ["codes.toml", "denial_cues.toml", "id_labels.toml", "payers.toml", "plan_cues.toml",
                     "therapy_words.toml"]
    source = (UNDERSTANDING / "lexicon.py").read_text()
    for name in names:
        assert f'"{name}"' in source, f"lexicon.py does not read {name}"


def test_the_lexicon_loads_from_a_zipped_package(tmp_path: Path) -> None:
    """Read through importlib.resources, not paths next to ``__file__``: works from a zip too."""
    archive = tmp_path / "denialparse.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for path in PACKAGE.rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                z.write(path, path.relative_to(PACKAGE.parent).as_posix())
    code = ("from denialparse.understanding import lexicon; "
            "print(lexicon.__file__, len(lexicon.PAYER_ALIASES), len(lexicon.CARC_TO_DENIAL))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(archive)}, cwd=tmp_path)
    where, payers, codes = out.stdout.split()
    assert where.startswith(str(archive))
    assert (int(payers), int(codes)) == (len(lexicon.PAYER_ALIASES), len(lexicon.CARC_TO_DENIAL))


def test_cue_labels_are_the_contract_labels_and_patterns_compile() -> None:
    denial_labels = {t.value for t in DenialType}
    plan_labels = {t.value for t in PlanType} - {"unknown"}
    assert set(lexicon.DENIAL_CUES) == denial_labels
    assert set(lexicon.PLAN_CUES) == plan_labels
    for table in (lexicon.DENIAL_CUES, lexicon.PLAN_CUES):
        for cues in table.values():
            for pattern, weight in cues:
                re.compile(pattern)
                assert weight > 0
    assert set(lexicon.CARC_TO_DENIAL.values()) | set(lexicon.NCPDP_TO_DENIAL.values()) <= denial_labels
    for labels in lexicon.ID_LABELS.values():
        re.compile(labels)


def test_a_code_maps_to_one_denial_type() -> None:
    import tomllib

    text = resources.files("denialparse.understanding").joinpath("data", "codes.toml").read_text()
    for table in tomllib.loads(text).values():
        codes = [code for listed in table.values() for code in listed]
        assert len(codes) == len(set(codes))


def test_weak_aliases_and_administrators_are_payer_aliases() -> None:
    aliases = {a for listed in lexicon.PAYER_ALIASES.values() for a in listed}
    assert lexicon.ADMINISTRATORS <= aliases
    assert lexicon.WEAK_ALIASES <= {a.upper() for a in aliases}


# The modules that give candidates and choose among them take their confidences from
# confidence.py; a fraction written into them is a confidence that escaped it.
_NO_FRACTIONS = sorted([
    *(UNDERSTANDING / "finders").glob("*.py"),
    UNDERSTANDING / "extract.py",
    UNDERSTANDING / "model_candidates.py",
    UNDERSTANDING / "page_map.py",
    UNDERSTANDING / "pipeline.py",
    UNDERSTANDING / "entity_tags.py",
])


@pytest.mark.parametrize("path", _NO_FRACTIONS, ids=lambda p: p.name)
def test_confidences_live_in_confidence_py(path: Path) -> None:
    tree = ast.parse(path.read_text())
    fractions = [(node.lineno, node.value) for node in ast.walk(tree)
                 if isinstance(node, ast.Constant) and isinstance(node.value, float)
                 and 0.0 < node.value < 1.0 and node.value > 1e-6]
    assert fractions == [], f"{path.name}: move these to confidence.py: {fractions}"


_GONE = re.compile(
    r"understanding\.(?:rules|components)\b"  # split into finders/, pipeline.py, classify.py
    r"|extract\.(?:load_pipeline|bundled_model_path|RULES_ONLY)\b"  # now in pipeline.py
    r"|understanding\.extract import[^\n]*\b(?:load_pipeline|bundled_model_path|RULES_ONLY)\b"
)


def test_nothing_imports_what_moved_out_of_extract_and_rules() -> None:
    """Pipeline loading lives in ``understanding.pipeline``; ``rules``/``components`` are gone.

    Mostly lazy imports inside functions, which only fail when they run: read them instead.
    """
    root = PACKAGE.parents[1]
    folders = [root / "src", root / "tests", root / "bench", root / "models" / "scripts", root / "scripts"]
    stale = [
        f"{path.relative_to(root)}:{n}"
        for folder in folders if folder.is_dir()
        for path in folder.rglob("*.py") if path.resolve() != Path(__file__).resolve()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if _GONE.search(line)
    ]
    assert stale == []
