"""spaCy components of the rule pipeline.

``build_pipeline`` adds them behind whatever trained components a model directory has
(``entity_tagger``, ``textcat_denial``, ``textcat_plan``), so the trained and rule parts live
in one ``Language`` and ``extract.py`` reads both off the ``Doc``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from spacy.language import Language
from spacy.tokens import Doc

from denialparse.understanding import classify, lexicon, rules

if TYPE_CHECKING:
    from collections.abc import Iterable

PAYER_SPANS_KEY = "dp_payers"

for _name in ("dp_text", "dp_candidates", "dp_codes", "dp_sentences", "dp_denial_rules",
              "dp_plan_rules"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


@Language.component("denialparse_rules")
def rules_component(doc: Doc) -> Doc:
    """Propose field candidates with the regular-expression finders of ``rules.py``."""
    text = _text(doc)
    sentences = rules.split_sentences(text)
    candidates: list[rules.Candidate] = []
    candidates += rules.find_dates(text)
    candidates += rules.find_ids(text)
    candidates += rules.find_names(text)
    candidates += rules.find_therapy(text)
    candidates += rules.find_reason(text, sentences)
    candidates += rules.find_appeal_address(text)
    candidates += rules.find_administrator(text)
    candidates += _payer_candidates(doc)
    doc._.dp_candidates = candidates
    doc._.dp_sentences = sentences
    doc._.dp_codes = rules.find_codes(text)
    return doc


@Language.component("denialparse_classifier")
def classifier_component(doc: Doc) -> Doc:
    """Rule scores for the denial type and the plan type (blended with the model in extract)."""
    doc._.dp_denial_rules = classify.denial_rule_scores(doc._.dp_sentences or [], doc._.dp_codes or [])
    doc._.dp_plan_rules = classify.plan_rule_scores(_text(doc))
    return doc


def _text(doc: Doc) -> str:
    """``doc.text`` once per doc: spaCy rebuilds it from the tokens on every access (~1 ms)."""
    if doc._.dp_text is None:
        doc._.dp_text = doc.text
    return str(doc._.dp_text)


def _payer_candidates(doc: Doc) -> list[rules.Candidate]:
    """Payer brands found by the span ruler, weighted towards the letterhead."""
    text = _text(doc)
    head = max(600, len(text) // 6)
    out: list[rules.Candidate] = []
    for span in doc.spans.get(PAYER_SPANS_KEY, []):
        alias = span.text
        in_head = span.start_char < head
        if alias.upper() in lexicon.WEAK_ALIASES and not in_head:
            continue
        conf = 0.9 if in_head else 0.7
        conf = lexicon.LOW_PRIORITY_ALIASES.get(alias.upper(), conf)
        out.append(rules.Candidate("payer", span.label_, alias, span.start_char, span.end_char, conf))
    out += rules.find_unknown_payer(text)
    return out


def _payer_patterns() -> Iterable[dict[str, str]]:
    for canonical, aliases in lexicon.PAYER_ALIASES.items():
        for alias in aliases:
            yield {"label": canonical, "pattern": alias, "id": alias}


def add_rule_components(nlp: Language) -> Language:
    """Append the payer span ruler and the rule components to ``nlp`` (in place)."""
    ruler = nlp.add_pipe(
        "span_ruler",
        name="payer_ruler",
        config={"spans_key": PAYER_SPANS_KEY, "phrase_matcher_attr": "LOWER", "overwrite": True},
    )
    ruler.add_patterns(list(_payer_patterns()))  # type: ignore[attr-defined]
    nlp.add_pipe("denialparse_rules")
    nlp.add_pipe("denialparse_classifier")
    return nlp
