"""Entities as per-token BILUO tags, and the tokenizer setting that keeps the pipeline fast.

The trained pipeline finds entities with a built-in spaCy ``tagger`` (component
``entity_tagger``) whose labels are BILUO tags (``B-THERAPY``, ``I-THERAPY``, ``L-THERAPY``,
``U-MEMBER_ID``, ``O``), not with spaCy's transition-based ``ner``. On a 400-token letter on one
core the transition NER took 12 ms, the tagger 0.3 ms; the issue asks for 100 letters a second.
The price is that nothing forces a well-formed tag sequence: with the tagger's scores,
:func:`decode` takes the most probable valid one (:func:`viterbi`); without them it reads the tags
leniently (an ``I`` with no ``B`` starts a span, a ``B`` with no ``L`` ends where the label changes).

The saved pipeline keeps to built-in factories, so ``spacy.load`` of it alone gives tags on
``token.tag_``; :func:`decode` (called by ``model_candidates`` and the training metrics) turns
them into spans.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from denialparse.understanding.confidence import SURE_OUTSIDE

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span

TAGGER = "entity_tagger"
OUTSIDE = "O"


def reference_tags(doc: Doc) -> list[str]:
    """BILUO tags of a reference doc's entities; ``""`` (missing) where annotation is missing.

    Args:
        doc: a doc whose ``ents`` are set, with missing regions as ``ent_iob == 0``.
    """
    tags = ["" if token.ent_iob == 0 else OUTSIDE for token in doc]
    for ent in doc.ents:
        if len(ent) == 1:
            tags[ent.start] = f"U-{ent.label_}"
            continue
        tags[ent.start] = f"B-{ent.label_}"
        for i in range(ent.start + 1, ent.end - 1):
            tags[i] = f"I-{ent.label_}"
        tags[ent.end - 1] = f"L-{ent.label_}"
    return tags


@dataclass(frozen=True)
class TagScores:
    """The entity tagger's probabilities for one doc (tokens x labels) and its label order."""

    probs: Any
    labels: tuple[str, ...]


def decode(doc: Doc, scores: TagScores | None = None) -> list[Span]:
    """The entity spans of a tagged doc.

    With the tagger's scores the tag sequence is decoded again as a whole (:func:`viterbi`):
    the best sequence that is valid BILUO, so "January 12, 2026" can't come out as a letter date
    followed by a service date. Without them the tags on ``token.tag_`` are read leniently (an
    ``I`` with no ``B`` starts a span, a ``B`` with no ``L`` ends where the label changes).
    Whitespace tokens never belong to an entity: a span is cut at a line break.

    Args:
        doc: a doc the ``entity_tagger`` has tagged.
        scores: the tagger's probabilities for this doc, or None. With them, each span's
            ``_.dp_prob`` is set: the lowest probability among its tokens' tags.
    """
    from spacy.tokens import Span

    if not Span.has_extension("dp_prob"):
        Span.set_extension("dp_prob", default=None)
    if scores is not None:
        best = best_valid_tags(scores.probs, scores.labels)
        tags = [scores.labels[i] for i in best]
        token_prob = scores.probs[range(len(best)), best]
    else:
        tags = [t.tag_ for t in doc]
        token_prob = None
    spans: list[Span] = []
    start: int | None = None
    label = ""

    def close(end: int) -> None:
        nonlocal start
        if start is not None and end > start:
            span = Span(doc, start, end, label=label)
            if token_prob is not None:
                span._.dp_prob = float(min(token_prob[start:end]))
            spans.append(span)
        start = None

    for i, (token, tag) in enumerate(zip(doc, tags, strict=True)):
        move, _, tag_label = tag.partition("-")
        if token.is_space or not tag_label or move not in "BILU":
            close(i)
            continue
        if move == "U":
            close(i)
            start, label = i, tag_label
            close(i + 1)
        elif move == "B" or start is None or tag_label != label:
            close(i)
            start, label = i, tag_label
            if move == "L":
                close(i + 1)
        elif move == "L":
            close(i + 1)
        # "I" of the open span's label: the span goes on
    close(len(doc))
    return spans


def softmax(scores: Any) -> Any:
    """Row-wise softmax of the tagger's raw scores (``spacy.Tagger.v2`` gives logits)."""
    import numpy

    scores = numpy.asarray(scores, dtype="float32")
    shifted = numpy.exp(scores - scores.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def best_valid_tags(probs: Any, labels: Sequence[str]) -> list[int]:
    """:func:`viterbi` over the stretches where the tagger sees a possible entity.

    A token the tagger calls outside with probability >= ``SURE_OUTSIDE`` is taken as ``O``;
    as anything may follow or precede an ``O``, the stretches between such tokens are decoded
    on their own. Most of a letter is sure-outside, so this is several times faster than one
    pass over every token, with the same answer wherever a sure-outside token would be ``O``.
    """
    import numpy

    outside = labels.index(OUTSIDE)
    probs = numpy.asarray(probs)
    path = [outside] * len(probs)
    open_ = probs[:, outside] < SURE_OUTSIDE
    i, n = 0, len(probs)
    while i < n:
        if not open_[i]:
            i += 1
            continue
        j = i
        while j < n and open_[j]:
            j += 1
        path[i:j] = viterbi(probs[i:j], labels)
        i = j
    return path


def viterbi(probs: Any, labels: Sequence[str]) -> list[int]:
    """The most probable tag sequence that is valid BILUO (indices into ``labels``).

    ``B-X`` / ``I-X`` must be followed by ``I-X`` or ``L-X``; anything else by ``O``, ``B-*`` or
    ``U-*``; a sequence can't start inside or end inside an entity.
    """
    import numpy

    n = len(probs)
    if n == 0:
        return []
    allowed, can_start, can_end = _transitions(tuple(labels))
    logp = numpy.log(numpy.asarray(probs, dtype="float64") + 1e-12)
    score = logp[0] + numpy.where(can_start, 0.0, -numpy.inf)
    back = numpy.zeros((n, len(labels)), dtype="int32")
    for t in range(1, n):
        total = score[:, None] + allowed
        back[t] = total.argmax(axis=0)
        score = total.max(axis=0) + logp[t]
    score = score + numpy.where(can_end, 0.0, -numpy.inf)
    path = [int(score.argmax())]
    for t in range(n - 1, 0, -1):
        path.append(int(back[t, path[-1]]))
    return path[::-1]


_TRANSITIONS: dict[tuple[str, ...], Any] = {}


def _transitions(labels: tuple[str, ...]) -> Any:
    import numpy

    if labels not in _TRANSITIONS:
        k = len(labels)
        allowed = numpy.full((k, k), -numpy.inf)
        for i, prev in enumerate(labels):
            p_move, _, p_label = prev.partition("-")
            for j, cur in enumerate(labels):
                c_move, _, c_label = cur.partition("-")
                if p_move in ("B", "I"):
                    ok = c_move in ("I", "L") and c_label == p_label
                else:
                    ok = c_move in ("O", "B", "U")
                if ok:
                    allowed[i, j] = 0.0
        moves = [lab.partition("-")[0] for lab in labels]
        can_start = numpy.array([m in ("O", "B", "U") for m in moves])
        can_end = numpy.array([m in ("O", "L", "U") for m in moves])
        _TRANSITIONS[labels] = (allowed, can_start, can_end)
    return _TRANSITIONS[labels]


def run_pipeline(nlp: Language, doc: Doc) -> tuple[Doc, TagScores | None]:
    """Run every component on ``doc``; the entity tagger by hand, to keep its probabilities.

    Returns:
        The annotated doc and the tagger's scores (None without an entity tagger).
    """
    scores = None
    for name, component in nlp.pipeline:
        if name == TAGGER:
            probs = softmax(component.model.predict([doc])[0])  # type: ignore[attr-defined]
            component.set_annotations([doc], [probs.argmax(axis=1)])  # type: ignore[attr-defined]
            scores = TagScores(probs, tuple(component.labels))  # type: ignore[attr-defined]
        else:
            doc = component(doc)
    return doc, scores


def predicted_entities(doc: Doc, scores: TagScores | None = None) -> list[Span]:
    """The model's entities: decoded from the entity tagger's tags, else a transition NER's."""
    if scores is not None or doc.has_annotation("TAG"):
        return decode(doc, scores)
    return list(doc.ents)


def speed_up_tokenizer(nlp: Language) -> None:
    """Drop the tokenizer's whitespace special cases (``" "``, ``"\\n"``, ``"\\t"``, nbsp).

    With any special case that contains whitespace, spaCy re-scans every doc with a phrase
    matcher; without them tokenizing a letter takes 0.3 ms instead of 3 ms. The tokens are the
    same: whitespace is split off by the tokenizer anyway.
    """
    rules = nlp.tokenizer.rules or {}
    kept = {k: v for k, v in rules.items() if not any(ch.isspace() for ch in k)}
    if len(kept) != len(rules):
        nlp.tokenizer.rules = kept
