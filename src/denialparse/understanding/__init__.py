"""Understanding: ``LetterText`` -> fields and denial type.

Where to look, in the order the data flows:

- ``pipeline.py``: loading the spaCy pipeline (the trained components, plus the payer span ruler
  and the two rule components); ``RULES_ONLY`` for ``--model none``.
- ``sentences.py``: the letter split into sentences with offsets.
- ``finders/``: the rule finders, one module per kind of thing found (dates, ids, names, therapy,
  reasons, addresses, payers, codes); each returns ``Candidate``s (``candidate.py``).
- ``model_candidates.py`` + ``entity_tags.py``: the trained model's entities as candidates.
- ``classify.py``: denial type and plan type (rule cue scores, printed codes, the blend with the
  trained text classifiers), all of classification in one place.
- ``extract.py``: the stage's entry point, ``extract()``; per field the best-supported candidate
  wins; ``needs_review``.
- ``confidence.py``: every confidence the stage gives (rule confidences, bonuses, caps, floors).
- ``lexicon.py`` + ``data/*.toml``: the word lists (payers, cue phrases, codes, ID labels) as data.
- ``page_map.py``: offsets in the joined text back to a page and a bounding box (``Evidence``).

A field's journey, e.g. the member ID: ``finders/ids.py`` proposes candidates after the labels of
``data/id_labels.toml`` with the confidences of ``confidence.py``; the model's ``MEMBER_ID``
entities join them (``model_candidates.py``); ``extract.best_supported`` picks the value and
``page_map.PageMap`` says where it was printed.
"""
