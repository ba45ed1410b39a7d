"""Every confidence the understanding stage gives, in one place.

These numbers are supports: they order candidates and values. What a field finally reports is
the support mapped by ``calibration.py`` to the share of such values that were right on letters
the model never saw, so after a change here run the recipe's ``calibrate`` step
(models/project.yml) again.

A field's confidence is how sure we are of the value, 0..1; fields under the review threshold
(``Options.review_threshold``) are listed in ``needs_review`` and flagged in the appeal. So a
number here decides, alone or with others, whether a person is asked to look: that is why they
sit side by side. They were set by hand on the generated and hand-written test
sets (``models/ACCURACY.md``); moving one moves the figures there.

Grouped by who uses them: the rule finders (``finders/``), the model's entities
(``model_candidates.py``), combining candidates (``extract.py``), classification
(``classify.py``) and decoding the entity tagger (``entity_tags.py``).
"""

from __future__ import annotations

# ------------------------------------------------------------------------- rule finders: dates
LETTER_DATE_LABELLED = 0.95  # "Date of notice: ..."
SERVICE_DATE_LABELLED = 0.90  # "Date of service: ...", "received on ..."
STATED_DEADLINE_LABELLED = 0.85  # "... no later than ..."
SERVICE_DATE_TABLE_HEADER = 0.80  # a row under a "DOS" column
LETTER_DATE_ALONE_ON_LINE = 0.80  # a bare date on its own line near the top
LETTER_DATE_UNLABELLED = 0.55  # the first unlabelled date near the top ("Tampa, FL  May 2, 2026")

# --------------------------------------------------------------------------- rule finders: IDs
MEMBER_ID_BARE_LABEL = 0.80  # "ID: ..."
CLAIM_ID_BARE_LABEL = 0.85  # "Claim: ...", "Reference: ...", "Case: ..."
MEMBER_ID_LABELLED = 0.92  # "Member ID: ..."
CLAIM_ID_NO_COLON = 0.70  # "Claims > Claim 8C2F-11948-004": a long value, no colon
CLAIM_ID_OTHER_LABEL = 0.60  # a claim-ish label not in CLAIM_LABEL_CONFIDENCE
VALUE_ON_NEXT_LINE_PENALTY = 0.10  # the value sits in the cell under its label
# Preference of member-ish labels (first key contained in the label wins; others are
# MEMBER_ID_LABELLED): the plan's own member ID beats a state Medicaid ID printed beside it,
# which beats the Medicare number (MBI) a Medicare Advantage letter also prints.
MEMBER_LABEL_CONFIDENCE: tuple[tuple[str, float], ...] = (
    ("medicaid", 0.88),
    ("recipient", 0.88),
    ("cin", 0.88),
    ("medicare", 0.86),
    ("mbi", 0.86),
    ("hicn", 0.86),
)
# Preference of claim-ish labels (first key contained in the label wins): a claim number beats a
# reference, which beats a case or authorization number.
CLAIM_LABEL_CONFIDENCE: tuple[tuple[str, float], ...] = (
    ("claim", 0.95),
    ("icn", 0.9),
    ("dcn", 0.9),
    ("document control", 0.9),
    ("reference", 0.85),
    ("ref", 0.85),
    ("case", 0.8),
    ("appeal", 0.75),
    ("determination", 0.8),
    ("nabd", 0.8),
    ("tracking", 0.75),
    ("review", 0.75),
    ("request", 0.75),
    ("prior auth", 0.7),
    ("authori", 0.7),
    ("auth", 0.7),
    ("pa", 0.65),
    ("ticket", 0.6),
)

# ------------------------------------------------------------------------- rule finders: names
NAME_IN_ADDRESS_BLOCK = 0.62  # the recipient block above a street line
PATIENT_NAME_LABELLED = 0.88  # "Patient: ...", "Member name: ..."
PROVIDER_NAME_LABELLED = 0.85  # "Requesting provider: ..."
NAME_IN_SALUTATION = 0.70  # "Dear ...,"

# ----------------------------------------------------------------------- rule finders: therapy
THERAPY_LABELLED = 0.85  # "Service requested: ..."
THERAPY_SUBJECT_LINE = 0.82  # "RE: Coverage decision for ..." (names the service on purpose)
THERAPY_SENTENCE = 0.72  # the first denial-sentence pattern ...
THERAPY_SENTENCE_STEP = 0.04  # ... and less for each later, looser one
# A sentence's therapy with a CPT/HCPCS/NDC code or a strength ("polysomnography (CPT 95810)") is
# surely named, not a model's guess at a nearby noun; still under a label.
THERAPY_CODED_BONUS = 0.12
THERAPY_TABLE_ROW = 0.80  # the first row under a claim table's "Service"/"Description" column
THERAPY_LISTED_BELOW = 0.80  # "the services listed below that you received:" + the next line

# ------------------------------------------------------------------------ rule finders: reason
REASON_BLOCK_WITH_CUE = 0.88  # the block under "Reason for denial:" with denial wording
REASON_BLOCK_WITHOUT_CUE = 0.70
REASON_SENTENCE_BASE = 0.45  # a sentence with denial cues: base + step x its strength ...
REASON_SENTENCE_STEP = 0.06
REASON_SENTENCE_CAP = 0.92  # ... capped
REASON_FALLBACK = 0.45  # the sentence that states the denial, no why: under review on purpose
REASON_CRITERIA_LIST = 0.86  # "You do not meet the following criteria:" and the list under it
REASON_TABLE_CELL_WITH_CUE = 0.80  # the "Reason" column of a claim table, with denial wording
REASON_TABLE_CELL = 0.66
REASON_DECISION_CHAIN = 0.72  # "The request is denied." + the sentences after it that say why
REASON_CODE_DESCRIPTION = 0.60  # "CO-4: The procedure code is inconsistent ...": the code's wording
# A sentence with weak reason wording only ("records show"): reviewed, yet more likely the why
# than a decision line that gives none (REASON_FALLBACK).
REASON_WORDING_ONLY = 0.50

# ------------------------------------------------------------------ rule finders: payer, address
APPEAL_ADDRESS = 0.80
ADMINISTRATOR = 0.75
NAMED_PLAN = 0.80  # "on behalf of Aetna", "your Aetna plan": the plan a benefit manager decides for
PAYER_ALIAS_IN_LETTERHEAD = 0.90
PAYER_ALIAS_IN_BODY = 0.70
# Names every Medicare-related letter prints: a payer only when nothing more specific is there.
PAYER_LOW_PRIORITY_ALIASES: dict[str, float] = {
    "MEDICARE": 0.5,
    "CENTERS FOR MEDICARE & MEDICAID SERVICES": 0.55,
}
PAYER_PROGRAM = 0.55  # a state Medicaid program (TennCare): the payer only when no plan is named
# A letterhead line the lexicon doesn't know: one that reads like a health plan's name ("...
# Health Plan", "... Insurance Company") is surer than another payer-like line ("... Benefits
# Network"); a later line of the same kind is less sure than the first.
UNKNOWN_PAYER_PLAN_NAME = 0.62
UNKNOWN_PAYER_OTHER_NAME = 0.56
UNKNOWN_PAYER_LATER_LINE_PENALTY = 0.06
# The plan's name in what the law makes it print about itself ("Acme Health Plan is an HMO plan
# with a Medicare contract", "... complies with applicable Federal civil rights laws").
PAYER_IN_DISCLAIMER = 0.66
UNKNOWN_PAYER_SIGNATURE = 0.50  # a payer-like line under the closing ("Sincerely,")

# -------------------------------------------------------------------------- the model's entities
NER_PRECISION_DEFAULT = 0.85  # a label's precision when the model ships no calibration.json
REAL_WORLD_DISCOUNT = 0.85  # generated held-out letters are easier than real ones

# ------------------------------------------------------------------------- combining candidates
# The model and a rule agree. Small: agreement must not lift a reference number over a claim number.
AGREEMENT_BONUS = 0.06
REPEAT_BONUS = 0.03  # per other candidate with the same value ...
REPEAT_BONUS_MAX_REPEATS = 3  # ... counting at most this many
SUPPORT_CAP = 0.99  # never certain
# Text read by OCR is trusted as FLOOR + SLOPE x the page's mean word confidence (at most 1).
OCR_RELIABILITY_FLOOR = 0.55
OCR_RELIABILITY_SLOPE = 0.5
# An ID read by OCR: a look-alike letter fixed to its digit ("58221O09") costs a little; one left
# touching a digit, either letter or digit ("US822140903"), sends it under the review threshold.
OCR_ID_FIXED_PENALTY = 0.05
OCR_ID_AMBIGUOUS_CAP = 0.65
OCR_NAME_FIXED_PENALTY = 0.05  # a plan name with a word mended from an OCR slip
RELATIVE_DEADLINE_CAP = 0.85  # "60 days from this notice": no surer than the letter date, nor this

# ------------------------------------------------------------------------------ classification
# With no rule cue (no plan-type wording) the model's answer stays under the default review
# threshold: a person should look.
MODEL_ONLY_DENIAL_CAP = 0.6
MODEL_ONLY_PLAN_CAP = 0.65
PLAN_TYPE_FLOOR = 0.35  # a plan type less probable than this is not given
# How much the rules weigh against the trained classifier: BASE + STEP x the winning raw rule
# score, at most MAX. Plan types are printed in words the law prescribes (ERISA, Medicare
# Advantage, TRICARE...), so their rules start higher and may weigh more than denial-type cues.
DENIAL_RULE_WEIGHT_BASE = 0.15
DENIAL_RULE_WEIGHT_MAX = 0.7
PLAN_RULE_WEIGHT_BASE = 0.35
PLAN_RULE_WEIGHT_MAX = 0.85
RULE_WEIGHT_STEP = 0.08
DENIAL_BASELINE_PRIOR = 0.5  # "other" gets this raw score, so an empty letter isn't 1/12 each
PLAN_RULE_SHARPNESS = 1.5  # plan cues are strong evidence: a sharper softmax than for denials
# A plan cue in a sentence about someone else's coverage ("If you have Medicare ...", "Medicaid
# members should ...", an "Other resources" paragraph) counts this much of its weight: notice
# forms print such paragraphs about every other program.
PLAN_CUE_OTHER_COVERAGE_WEIGHT = 0.2

# ------------------------------------------------------------------------ entity tagger decoding
SURE_OUTSIDE = 0.98  # a token this surely outside any entity is not decoded (entity_tags.py)
