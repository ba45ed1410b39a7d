"""BILUO entity tags: reference tags, lenient decoding, and the faster tokenizer."""

from __future__ import annotations

import random

import pytest

spacy = pytest.importorskip("spacy")

from denialparse.understanding.entity_tags import decode, reference_tags, speed_up_tokenizer


def _tagged(words: list[str], tags: list[str]):
    from spacy.tokens import Doc

    nlp = spacy.blank("en")
    doc = Doc(nlp.vocab, words=words)
    for token, tag in zip(doc, tags, strict=True):
        token.tag_ = tag
    return doc


def _spans(doc) -> list[tuple[str, str]]:
    return [(s.text, s.label_) for s in decode(doc)]


def test_well_formed_tags_decode_to_their_spans() -> None:
    doc = _tagged(["Otezla", "30", "mg", "for", "ID", "W123", "."],
                  ["B-THERAPY", "I-THERAPY", "L-THERAPY", "O", "O", "U-MEMBER_ID", "O"])
    assert _spans(doc) == [("Otezla 30 mg", "THERAPY"), ("W123", "MEMBER_ID")]


def test_broken_sequences_are_decoded_leniently() -> None:
    # I without B starts a span; B without L ends where the label changes; a lone L is a span.
    doc = _tagged(["a", "b", "c", "d", "e", "f"],
                  ["I-PAYER", "L-PAYER", "B-THERAPY", "B-PATIENT", "O", "L-CLAIM_ID"])
    assert _spans(doc) == [("a b", "PAYER"), ("c", "THERAPY"), ("d", "PATIENT"),
                           ("f", "CLAIM_ID")]


def test_a_span_never_crosses_a_line_break() -> None:
    doc = _tagged(["Jane", "\n", "Doe"], ["B-PATIENT", "I-PATIENT", "L-PATIENT"])
    assert _spans(doc) == [("Jane", "PATIENT"), ("Doe", "PATIENT")]


def test_reference_tags_round_trip_with_missing_regions() -> None:
    nlp = spacy.blank("en")
    doc = nlp.make_doc("Member ID: W123456 for Otezla 30 mg tablet from Jane Doe")
    ents = [doc.char_span(11, 18, label="MEMBER_ID"), doc.char_span(23, 42, label="THERAPY")]
    missing = [doc.char_span(48, 56)]
    doc.set_ents(ents, missing=missing, default="outside")
    tags = reference_tags(doc)
    assert tags[-2:] == ["", ""]  # missing annotation is not "outside"
    for token, tag in zip(doc, tags, strict=True):
        token.tag_ = tag or "O"
    assert _spans(doc) == [("W123456", "MEMBER_ID"), ("Otezla 30 mg tablet", "THERAPY")]


def test_faster_tokenizer_gives_the_same_tokens() -> None:
    from denialparse_dev import generate

    slow, fast = spacy.blank("en"), spacy.blank("en")
    speed_up_tokenizer(fast)
    assert len(fast.tokenizer.rules) < len(slow.tokenizer.rules)
    rng = random.Random(5)
    for i in range(40):
        text = generate.make_letter(rng, f"t{i}").text.replace("\f", "\n")
        assert [t.text for t in slow(text)] == [t.text for t in fast(text)]


def test_viterbi_returns_a_valid_sequence_and_keeps_one_label_per_span() -> None:
    import numpy

    from denialparse.understanding.entity_tags import TagScores, viterbi

    labels = ("O", "B-LETTER_DATE", "I-LETTER_DATE", "L-LETTER_DATE", "U-LETTER_DATE",
              "B-SERVICE_DATE", "I-SERVICE_DATE", "L-SERVICE_DATE", "U-SERVICE_DATE")
    # "January 12 , 2026": the argmax would end a letter date at "12" and put the year in a
    # service date; the best valid sequence keeps one label.
    probs = numpy.full((4, len(labels)), 0.01)
    probs[0, labels.index("B-LETTER_DATE")] = 0.9
    probs[1, labels.index("I-LETTER_DATE")] = 0.6
    probs[1, labels.index("L-LETTER_DATE")] = 0.3
    probs[2, labels.index("I-SERVICE_DATE")] = 0.5
    probs[2, labels.index("I-LETTER_DATE")] = 0.4
    probs[3, labels.index("L-SERVICE_DATE")] = 0.5
    probs[3, labels.index("L-LETTER_DATE")] = 0.45
    path = [labels[i] for i in viterbi(probs, labels)]
    assert path == ["B-LETTER_DATE", "I-LETTER_DATE", "I-LETTER_DATE", "L-LETTER_DATE"]
    doc = _tagged(["January", "12", ",", "2026"], ["O"] * 4)
    spans = decode(doc, TagScores(probs / probs.sum(axis=1, keepdims=True), labels))
    assert [(s.text, s.label_) for s in spans] == [("January 12 , 2026", "LETTER_DATE")]
    assert 0 < spans[0]._.dp_prob < 1


def test_viterbi_never_starts_or_ends_inside_an_entity() -> None:
    import numpy

    from denialparse.understanding.entity_tags import viterbi

    labels = ("O", "B-PAYER", "I-PAYER", "L-PAYER", "U-PAYER")
    probs = numpy.array([[0.1, 0.1, 0.6, 0.1, 0.1], [0.1, 0.6, 0.1, 0.1, 0.1]])
    path = [labels[i] for i in viterbi(probs, labels)]
    assert path[0] in ("O", "B-PAYER", "U-PAYER")
    assert path[-1] in ("O", "L-PAYER", "U-PAYER")
    assert viterbi(numpy.zeros((0, 5)), labels) == []
