"""The rule finders: regular expressions over the letter's text that propose field candidates.

One module per kind of thing found:

==============  ====================================================================
``dates``       letter_date, service_date, stated_deadline (also "60 days from this notice")
``ids``         member_id, claim_id
``names``       patient_name, provider_name
``therapy``     therapy
``reasons``     denial_reason
``addresses``   appeal_address
``payers``      payer (known brands, letterhead, signature, disclaimer), administrator, named plan
``codes``       reference_codes (CARC, RARC, NCPDP, DUR)
==============  ====================================================================

Each finder takes the whole letter text and returns ``Candidate``s with character offsets into
it. They are written for the text our own reading stage produces (PDF text layers *and*
tesseract output), so labels tolerate OCR slips (``Member lD``, ``Claim #;``) and values may sit
on the line under their label (tables). The rule component of ``pipeline.py`` runs them (through
:func:`find_candidates`); ``extract.py`` chooses among their candidates and the model's entities.
How sure each finder is lives in ``confidence.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from denialparse.understanding.finders import addresses, dates, ids, names, payers, reasons, therapy

if TYPE_CHECKING:
    from collections.abc import Iterable

    from spacy.tokens import Span

    from denialparse.understanding.candidate import Candidate
    from denialparse.understanding.sentences import Sentence


def find_candidates(text: str, sentences: list[Sentence],
                    payer_spans: Iterable[Span]) -> list[Candidate]:
    """Every rule finder's candidates for the letter, in a fixed order (ties go to the first).

    Args:
        text: the letter's joined text.
        sentences: ``split_sentences(text)``.
        payer_spans: the payer span ruler's matches on the letter.
    """
    candidates: list[Candidate] = []
    candidates += dates.find_dates(text)
    candidates += ids.find_ids(text)
    candidates += names.find_names(text)
    candidates += therapy.find_therapy(text)
    candidates += reasons.find_reason(text, sentences)
    candidates += addresses.find_appeal_address(text)
    candidates += payers.find_administrator(text)
    candidates += payers.find_named_plan(text)
    candidates += payers.known_payers(text, payer_spans)
    candidates += payers.find_unknown_payer(text)
    candidates += payers.find_payer_in_disclaimer(text)
    return candidates
