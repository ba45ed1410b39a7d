"""Loading the pipeline: the trained spaCy components plus the rule components, in one ``Language``.

The trained pipeline (``models/denialparse-pipeline`` in the repository, ``denialparse/_model`` in
a wheel) has an ``entity_tagger`` (entities as BILUO tags, ``entity_tags.py``) and two text
classifiers (``textcat_denial``, ``textcat_plan``). :func:`load_pipeline` appends, behind them:

- ``payer_ruler``: a span ruler over the payer aliases (``data/payers.toml``);
- ``denialparse_rules``: the rule finders (``finders/``); candidates on ``doc._.dp_candidates``;
- ``denialparse_classifier``: the rule scores of the denial and plan type (``classify.py``).

``extract.py`` reads all of it off the ``Doc``. With ``--model none`` (:data:`RULES_ONLY`) the
trained part is a blank English pipeline.
"""

from __future__ import annotations

import json
import logging
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from denialparse.exceptions import MissingDependencyError
from denialparse.understanding import classify
from denialparse.understanding.entity_tags import speed_up_tokenizer
from denialparse.understanding.finders import find_candidates
from denialparse.understanding.finders.codes import find_codes
from denialparse.understanding.finders.payers import ruler_patterns
from denialparse.understanding.sentences import split_sentences

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

log = logging.getLogger(__name__)

RULES_ONLY = "none"  # the --model value for "rules only, no trained components"
PAYER_SPANS_KEY = "dp_payers"
# What the rule components leave on the Doc for extract.py (set once, by _register_components).
DOC_EXTENSIONS = ("dp_text", "dp_candidates", "dp_codes", "dp_sentences", "dp_denial_rules",
                  "dp_plan_rules")


def bundled_model_path() -> Path | None:
    """The trained pipeline shipped with the package (wheel) or the repository (editable)."""
    package = Path(__file__).resolve().parents[1]
    for candidate in (package / "_model", package.parents[1] / "models" / "denialparse-pipeline"):
        if (candidate / "config.cfg").is_file():
            return candidate
    return None


@lru_cache(maxsize=4)
def load_pipeline(model_path: str | None = None) -> Language:
    """Load the pipeline once per process.

    Args:
        model_path: a spaCy pipeline directory; None = the bundled one (rules only when none is
            bundled); ``"none"`` = rules only.

    Raises:
        MissingDependencyError: an explicit model path that isn't a loadable pipeline.
    """
    import spacy

    path: Path | None
    if model_path == RULES_ONLY:
        path = None
    elif model_path:
        path = Path(model_path)
        if not (path / "config.cfg").is_file():
            raise MissingDependencyError(
                f"no spaCy pipeline at {path}: point --model at a trained pipeline directory, "
                "or run `denialparse train`"
            )
    else:
        path = bundled_model_path()
    if path is None:
        nlp = spacy.blank("en")
    else:
        try:
            nlp = spacy.load(path)
        except Exception as exc:  # spaCy raises many types for a broken directory
            raise MissingDependencyError(
                f"the pipeline at {path} does not load ({type(exc).__name__}): reinstall "
                "denialparse or retrain with `denialparse train`"
            ) from exc
    speed_up_tokenizer(nlp)
    add_rule_components(nlp)
    nlp.max_length = 2_000_000
    nlp.meta["denialparse_model_dir"] = str(path) if path else None
    return nlp


@lru_cache(maxsize=4)
def load_calibration(model_dir: str | None) -> dict[str, Any]:
    """The model's ``calibration.json`` (label precisions, classifier temperatures); {} if none."""
    if not model_dir:
        return {}
    path = Path(model_dir) / "calibration.json"
    if path.is_file():
        try:
            return dict(json.loads(path.read_text()))
        except (OSError, ValueError):
            log.warning("ignoring unreadable calibration file %s", path)
    return {}


def add_rule_components(nlp: Language) -> Language:
    """Append the payer span ruler and the rule components to ``nlp`` (in place)."""
    _register_components()
    ruler = nlp.add_pipe(
        "span_ruler",
        name="payer_ruler",
        config={"spans_key": PAYER_SPANS_KEY, "phrase_matcher_attr": "LOWER", "overwrite": True},
    )
    ruler.add_patterns(list(ruler_patterns()))  # type: ignore[attr-defined]
    nlp.add_pipe("denialparse_rules")
    nlp.add_pipe("denialparse_classifier")
    return nlp


def _register_components() -> None:
    """Register the rule components and the Doc extensions with spaCy, once.

    spaCy is imported here rather than with this module: ``api`` imports the stage before it
    starts loading the pipeline in a thread, next to the reading of the pages.
    """
    from spacy.language import Language
    from spacy.tokens import Doc

    for name in DOC_EXTENSIONS:
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)
    for name, component in (("denialparse_rules", rules_component),
                            ("denialparse_classifier", classifier_component)):
        if not Language.has_factory(name):
            Language.component(name, func=component)


def rules_component(doc: Doc) -> Doc:
    """Propose field candidates with the rule finders; split sentences; find printed codes."""
    text = _text(doc)
    sentences = split_sentences(text)
    doc._.dp_candidates = find_candidates(text, sentences, doc.spans.get(PAYER_SPANS_KEY, []))
    doc._.dp_sentences = sentences
    doc._.dp_codes = find_codes(text)
    return doc


def classifier_component(doc: Doc) -> Doc:
    """Rule scores for the denial type and the plan type (``classify`` blends them with the model)."""
    sentences, codes = doc._.dp_sentences or [], doc._.dp_codes or []
    doc._.dp_denial_rules = classify.denial_rule_scores(sentences, codes)
    doc._.dp_plan_rules = classify.plan_rule_scores(_text(doc))
    return doc


def _text(doc: Doc) -> str:
    """``doc.text`` once per doc: spaCy rebuilds it from the tokens on every access (~1 ms)."""
    if doc._.dp_text is None:
        doc._.dp_text = doc.text
    return str(doc._.dp_text)
