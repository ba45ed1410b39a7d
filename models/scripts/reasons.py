"""Denial-reason wordings for the 12 denial types: direct, indirect and plain-language.

Slots: ``{T}`` the therapy (labelled THERAPY), ``{PAYER}`` a payer mention (labelled PAYER);
everything else is filled with plain text: ``{ALT1}``/``{ALT2}`` preferred alternatives, ``{DUP}``
the drug or service already on file, ``{CLASS}`` its drug class, ``{CRIT}`` a criteria set,
``{SPEC}`` the reviewer's specialty, ``{QTY}``/``{LIMIT}``/``{DAYS}`` quantities, ``{N}``/``{M}``
visit counts, ``{XDATE}`` an unrelated date, ``{EOC}`` the plan document, ``{DX}`` a diagnosis,
``{FL}`` a filing limit, ``{NET}`` a network name, ``{CODE}`` a CPT/HCPCS code.

Each wording is written the way payers really phrase it; the indirect ones never say the label's
name ("must first try and fail two preferred alternatives" is step therapy).
"""

from __future__ import annotations

REASONS: dict[str, list[str]] = {
    "medical_necessity": [
        "Based on the information provided, the requested services do not meet the definition of "
        "medically necessary in your {EOC}.",
        "The reviewer found that your condition can be treated safely and effectively with a less"
        " intensive service, so {T} is not needed at this time.",
        "The request was reviewed against {CRIT}. The clinical findings submitted do not support "
        "this level of service.",
        "Your doctor told us you need {T}, but the notes do not show the test results or symptoms"
        " required for approval.",
        "We denied this request because {T} is not medically necessary for your condition.",
        "The requested {T} is not medically necessary.",
        "Based on {CRIT} criteria, the information submitted does not support the medical "
        "necessity of {T}.",
        "After review by a board-certified {SPEC} physician, it was determined that {T} does not "
        "meet medical necessity criteria.",
        "The records we received do not show that you tried at least 6 weeks of conservative "
        "treatment, such as physical therapy and anti-inflammatory medicine, before {T}.",
        "Your doctor did not send information showing that your symptoms have lasted more than "
        "six weeks or that there are warning signs such as weakness or numbness. Because of "
        "this, {T} does not meet our guidelines.",
        "The clinical information provided does not meet {CRIT} criteria for {T}.",
        "This service is not reasonable and necessary for the diagnosis reported.",
        "The documentation does not show that the requested level of care is needed. Your needs "
        "can be safely met at a lower level of care, such as outpatient treatment.",
        "You no longer meet the criteria for continued stay. Based on the notes from your care "
        "team, you are medically stable and your care can continue at a less intensive setting.",
        "Our policy requires a body mass index (BMI) of 40 or more, or 35 or more with a serious "
        "related health problem, and a supervised diet program of at least 6 months. The notes "
        "we received do not show this, so we cannot approve {T}.",
        "Coverage for {T} was denied. The medical records do not document the findings our "
        "{CRIT} requires, including failure of conservative therapy and imaging that shows the "
        "problem.",
        "The health plan's physician reviewer determined the request for {T} is not supported "
        "as necessary; a less costly alternative is equally effective for {DX}.",
        "Denied - not medically necessary. Documentation submitted does not support the "
        "service as billed.",
        "We reviewed the information from your provider. It does not show why you need {T} "
        "now. The standard of care for your condition is to try other treatments first.",
        "The submitted records do not demonstrate that {T} is required to diagnose or treat "
        "your illness or injury.",
        "Your request for {T} was not approved because the information we have does not show "
        "that the treatment is needed for your health at this time.",
        "Medical necessity has not been established for {T} based on the clinical "
        "documentation submitted.",
        "These are non-covered services because this is not deemed a 'medical necessity' by the "
        "payer.",
        "The frequency of {T} exceeds what is considered medically appropriate for {DX}.",
        "The number of units requested is more than what is medically needed for this condition; "
        "the clinical notes support a lower level of service.",
    ],
    "experimental": [
        "Medical literature does not yet show that {T} is as safe and effective as standard "
        "treatment for your condition.",
        "Your plan does not cover care that is considered investigational, including {T} for this"
        " diagnosis.",
        "The treatment is being studied in clinical trials and is not the accepted standard of "
        "care.",
        "{T} is considered experimental and investigational for your diagnosis.",
        "The requested service, {T}, is considered investigational and is therefore not covered.",
        "There is not enough scientific evidence in peer-reviewed medical literature to show "
        "that {T} improves health outcomes for people with {DX}.",
        "{T} is considered unproven for this indication under our Medical Policy.",
        "The requested use of {T} is not approved by the U.S. Food and Drug Administration (FDA) "
        "for this indication.",
        "This is an off-label use that is not supported by the compendia (AHFS-DI, DRUGDEX or "
        "NCCN category 1 or 2A).",
        "Studies of {T} for your condition are still under way, and its safety and effectiveness "
        "have not been established.",
        "Procedure/treatment/drug is deemed experimental/investigational by the payer.",
        "We cannot approve {T} because it is still being studied and is not yet an accepted "
        "treatment for your condition.",
        "The plan does not cover services that are not proven to be effective. Current "
        "evidence about {T} is limited to small studies without long-term results.",
        "{T} does not meet the plan's definition of proven, safe and effective care; it is "
        "considered emerging technology.",
        "Treatment has not been deemed 'proven to be effective' by the payer.",
        "Your plan excludes experimental or investigational treatment, and {T} for this use falls "
        "under that exclusion.",
    ],
    "prior_auth": [
        'We have no record that this service was approved before it was given.',
        'The approval we gave was for a different service, so the claim was not covered.',
        "Your plan requires advance approval for {T}. The request was not received until after "
        "the service.",
        'The authorization for these services was not requested within the required time.',
        "No prior authorization was on file for this service.",
        "This service required precertification, which was not obtained before the service was "
        "provided.",
        "Your provider did not get our approval before you received {T}.",
        "We did not receive a request for approval before your admission.",
        "The services billed exceed the number of visits authorized ({N} visits approved; {M} "
        "visits billed).",
        "The authorization on file does not match the provider who performed the service.",
        "Authorization number {AUTHN} expired on {XDATE}, before the date of service.",
        "Precertification/authorization/notification/pre-treatment absent.",
        "Notification of the inpatient admission was not received within 24 hours as required "
        "by your plan.",
        "This claim was denied because {T} requires prior approval and none was requested.",
        "Our records show no approved referral or authorization for these services.",
        "Services denied: prior authorization required but not obtained.",
        "The provider needed to ask us for approval before providing {T}. We have no record of "
        "that request, so the claim cannot be paid.",
        "The dates of service fall outside the approved authorization period.",
        "Payment is denied because the service was performed before approval was granted.",
    ],
    "step_therapy": [
        "Before we can cover {T}, the plan requires a trial of lower-cost drugs that treat the "
        "same condition. We did not find that you tried them.",
        "Your pharmacy records do not show use of {ALT1}. {T} is approved only when the preferred"
        " drugs did not work or could not be used.",
        'The plan covers {T} after treatment with two first-line medicines has not worked.',
        "{T} is covered only after you have tried {ALT1} and {ALT2}.",
        "Your plan requires you to first try and fail two preferred alternatives before this "
        "drug can be approved.",
        "Step therapy requirements have not been met.",
        "Our records show no claims for the required first-line drugs ({ALT1}, {ALT2}) in the "
        "past 120 days.",
        "You must first try {ALT1}, a preferred medicine, before we can cover {T}. The request "
        "did not show that you tried it, could not tolerate it, or cannot take it.",
        "{T} is a second-step drug. The plan covers it when a first-step drug has not worked "
        "for you.",
        "This drug has a step therapy requirement. We need proof that you took {ALT1} or "
        "{ALT2} for at least 3 months and it did not work.",
        "Coverage requires documented failure, intolerance or contraindication to at least two "
        "formulary alternatives, including {ALT1}.",
        "Step Therapy, Alternate Drug Therapy Required Prior To Use Of Submitted Product.",
        "Your doctor's notes do not show a trial of {ALT1}. The plan's fail-first rules require "
        "that trial before {T}.",
        "Your plan wants you to use {ALT1} first. If it does not work for you, your doctor can ask "
        "us again for {T}.",
        "The request does not meet the plan's step therapy protocol: use of {ALT1} and {ALT2} "
        "must be tried before {T} is covered.",
    ],
    "non_formulary": [
        "{T} is not a covered drug on the plan's formulary, and no formulary exception was "
        "requested.",
        "This medicine is not included in your plan's covered drug list. Ask your prescriber "
        "about a covered alternative such as {ALT1}.",
        "The drug is excluded from coverage; it is not listed in the plan's formulary.",
        "{T} is not on your plan's list of covered drugs (formulary).",
        "This drug is not included on the {YEAR} Drug List for your plan.",
        "{T} is a non-formulary product. Formulary alternatives include {ALT1} and {ALT2}.",
        "The requested drug is excluded from your plan's formulary. You may ask for a formulary "
        "exception.",
        "{T} is not on the Preferred Drug List (PDL).",
        "Your plan does not cover this drug because it is not on the plan's drug list. Covered "
        "drugs that treat the same condition include {ALT1}.",
        "The medication is a non-preferred, non-covered brand. The plan covers {ALT1} instead.",
        "Product/Service Not Covered - this NDC is not on the formulary.",
        "The drug you asked for is not a covered drug under your pharmacy benefit. The plan "
        "removed it from the formulary on {XDATE}.",
        "We can't cover {T} because it isn't on our list of covered drugs. Ask your doctor if "
        "{ALT1} would work for you.",
        "Your drug plan does not include {T}; the covered options for your condition are {ALT1} "
        "and {ALT2}.",
    ],
    "quantity_limit": [
        'Your prescription is for more than the plan allows in one fill.',
        "The plan covers a limited amount of this drug. The amount requested is more than the "
        "limit.",
        "The requested number of refills or units is above the plan's limit for {T}.",
        "The quantity requested ({QTY} per {DAYS} days) exceeds the plan limit of {LIMIT} per "
        "{DAYS} days.",
        "Plan limitations exceeded.",
        "Your plan covers up to {LIMIT} of {T} every {DAYS} days.",
        "The requested dose exceeds the maximum dose approved by the FDA.",
        "You asked for more than the amount your plan allows for this medicine.",
        "This drug has a quantity limit. Your prescription for {QTY} is more than the "
        "{LIMIT} allowed per {DAYS} days.",
        "Days supply limitation: the plan pays for up to a {DAYS}-day supply at one time.",
        "The quantity limit for {T} is {LIMIT} per {DAYS} days. The prescriber did not give a "
        "reason a higher amount is needed.",
        "We approved {LIMIT} per {DAYS} days, the amount your plan covers. The extra quantity "
        "requested is denied.",
        "Coverage is limited to one device every 5 years; a replacement within that period is "
        "not covered.",
        "The number of units exceeds the plan's dosing limit for this drug.",
    ],
    "out_of_network": [
        "The doctor who treated you does not participate in your plan. Your plan has no coverage "
        "for care from nonparticipating providers unless it is an emergency.",
        "Care from providers outside your network is not covered by your plan except in an "
        "emergency or with our approval.",
        'The claim came from a provider who is not contracted with your plan.',
        'You did not have a referral on file from your primary care provider for this specialist.',
        "The provider who performed this service is not in your plan's network.",
        "Services were performed by a non-participating provider, and your plan does not "
        "include out-of-network benefits.",
        "Your HMO plan requires that you receive care from providers in the {NET} network.",
        "No referral from your primary care physician was on file for this visit.",
        "The facility is outside your plan's service area, and the care was not an emergency.",
        "Services not provided by network/primary care providers.",
        "You went to a doctor who does not have a contract with us. Your plan only pays for "
        "care from doctors in its network, except in an emergency.",
        "The rendering provider is out of network for your plan; no gap exception was approved.",
        "The pharmacy that filled this prescription is not in your plan's pharmacy network.",
        "Your plan covers {T} only at a preferred (in-network) provider. The provider you chose "
        "is not a preferred provider.",
        "The provider is not a participating provider with {PAYER} for your plan, and you did "
        "not have an approved out-of-network request.",
        "Referral absent: your plan requires a referral from your PCP for specialist care.",
    ],
    "duplicate_therapy": [
        "You are already getting a medicine that works the same way as {T}. Using both at once is"
        " not covered.",
        'The requested treatment serves the same purpose as {DUP}, which you already receive.',
        '{T} would overlap with {DUP} that is already approved for the same time period.',
        "Therapeutic duplication: you are already taking {DUP}, which is in the same drug class "
        "as {T}.",
        "Two {CLASS} are not covered at the same time.",
        "DUR reject 88 - therapeutic duplication (conflict code TD) with an active prescription "
        "for {DUP}.",
        "Another prescription with the same active ingredient is active on your profile.",
        "The request duplicates therapy already on file: {DUP} was filled on {XDATE} and is "
        "still active.",
        "Our records show you are currently receiving {DUP}. Taking {T} at the same time would "
        "duplicate that treatment.",
        "{T} duplicates {DUP}, which is already authorized for the same dates of service.",
        "The requested {T} duplicates occupational therapy services already authorized for the "
        "same period.",
        "Duplicative services: you are already receiving {DUP}, and {T} during the same period "
        "would duplicate those services.",
        "The services requested overlap with services that are currently approved ({DUP}) and "
        "serve the same goals.",
        "We do not cover two medicines from the same class together. You have an active "
        "prescription for {DUP}.",
        "Concurrent use of {T} and {DUP} is considered duplicate therapy and is not covered "
        "unless the prescriber explains the overlap is intended.",
        "The plan found a drug therapy problem: {T} and {DUP} work in the same way.",
    ],
    "not_covered": [
        'This service is not included in your benefits.',
        'Your plan does not provide benefits for {T}.',
        'The service falls under a plan exclusion and cannot be covered.',
        'Your benefit plan does not cover this type of care.',
        "{T} is not a covered benefit under your plan.",
        "Your plan excludes cosmetic services, and {T} is considered cosmetic.",
        "This service is specifically excluded in your {EOC}.",
        "Weight-loss medicines are excluded from your pharmacy benefit.",
        "Your employer's plan does not include coverage for {T}.",
        "Non-covered charge(s). This service is not covered under the patient's current benefit "
        "plan.",
        "You have reached the {N}-visit yearly limit for this benefit.",
        "Benefit maximum for this time period or occurrence has been reached.",
        "The plan does not pay for {T}. It is listed under 'What is not covered' in your {EOC}.",
        "Routine services of this kind are not covered by your plan.",
        "{T} is a benefit exclusion under your plan, regardless of medical necessity.",
        "These charges are not covered because this type of service is excluded by the terms of "
        "your coverage.",
    ],
    "coding_billing": [
        'The claim has an error. Your provider needs to correct the claim and send it again.',
        'The procedure and diagnosis codes on the claim do not match.',
        'Information needed to process the claim was missing; we asked your provider for it.',
        'The modifier billed with this code is not valid.',
        "The procedure code is inconsistent with the modifier used.",
        "The diagnosis code is not valid for the date of service.",
        "The claim lacks information needed for adjudication; please submit an itemized bill.",
        "Claim/service lacks information or has submission/billing error(s).",
        "The place of service billed is inconsistent with the procedure code.",
        "The benefit for this service is included in the payment for another service performed "
        "the same day.",
        "This code is not separately payable; it is bundled with procedure {CODE} under NCCI "
        "edits.",
        "Exact duplicate claim/service: this claim was already processed.",
        "The rendering provider NPI is missing or invalid on the claim.",
        "We asked for the medical records for this claim and did not receive them.",
        "The claim was billed with an invalid or deleted procedure code for this date.",
        "The diagnosis is inconsistent with the procedure billed.",
        "The units billed do not match the time documented; please send a corrected claim.",
    ],
    "timely_filing": [
        'The claim was submitted past the time allowed for filing claims.',
        'We cannot pay this claim because it was sent to us too long after the date of service.',
        'The filing deadline for this claim had passed when we received it.',
        "The claim was received after the {FL}-day filing limit.",
        "The time limit for filing has expired.",
        "Claims must be submitted within {FL} days of the date of service. We received this "
        "claim on {XDATE}.",
        "This claim was filed late and cannot be paid.",
        "We received the claim after the deadline for submitting claims under your plan.",
        "Timely filing limit exceeded.",
        "The claim was not submitted within 12 months of the date of service, as Medicare "
        "requires.",
        "Your provider sent this bill to us too late. Claims have to reach us within {FL} days.",
        "The corrected claim was received after the filing deadline for corrections.",
    ],
    "other": [
        'Our records show you were not enrolled in the plan on the date you received this service.',
        'We could not find your coverage for the date of service.',
        'You have other health coverage that must pay first.',
        'The claim was denied because we need information about other insurance you may have.',
        "Our records show your coverage ended on {XDATE}, before the date of service.",
        "This care may be covered by another payer per coordination of benefits.",
        "The patient cannot be identified as our insured.",
        "You were not eligible for benefits on the date of service.",
        "We have not received the coordination of benefits questionnaire we asked you to "
        "return.",
        "This provider was not certified/eligible to be paid for this procedure/service on "
        "this date of service.",
        "Your premium was not paid for the grace period, so coverage was suspended on {XDATE}.",
        "The claim is the responsibility of the workers' compensation carrier.",
        "We need the accident questionnaire before we can process this claim.",
        "Coverage/program guidelines were not met.",
        "Expenses incurred prior to coverage.",
        "Another plan is primary for this member; please bill the primary insurer first.",
    ],
}

# Short headings a letter puts before the reason ("Reason for denial:", ...).
REASON_HEADINGS = (
    "Reason for denial:", "Reason for our decision:", "Why we denied your request:",
    "Denial reason:", "Explanation:", "Why did we deny your request?", "REASON:",
    "The reason for this decision is:", "Rationale:", "Basis for decision:",
    "We denied your request for the following reason(s):", "Reason code description:",
    "Decision rationale", "Why was my claim denied?", "Remark:",
)

# Sentences that mention a *second* reason or a denial word in passing.
DISTRACTORS = [
    "Prior authorization was requested on {XDATE} and the request was reviewed by a clinician.",
    "Please note that this drug also has a quantity limit; the limit did not affect this "
    "decision.",
    "Some drugs on your plan require step therapy or prior authorization; see your formulary.",
    "If you receive care from an out-of-network provider, you may pay more.",
    "Your provider is a participating provider with your plan.",
    "If the denial was based on medical necessity, experimental treatment or a similar "
    "exclusion or limit, you may ask for an explanation of the scientific or clinical judgment "
    "used, free of charge.",
    "This decision is not about whether the service is covered under your plan.",
    "The claim was received within the filing limit.",
    "You may also ask for a copy of the guideline or criteria we used to make this decision.",
    "We also checked whether {T} requires precertification; it does.",
    "This letter does not mean the service is experimental.",
    "A duplicate copy of this letter has been sent to your provider.",
    "The requested drug is on the formulary at tier 4.",
]


# Compositional wordings: one alternative per part, so the key phrase of each type comes in
# hundreds of combinations (a model that memorised the sentences above would fail on these).
_SUBJ_DRUG = ["{T}", "This drug", "The requested medication", "The medicine you asked for",
              "The prescribed drug", "This prescription", "The requested product"]
_SUBJ_SVC = ["{T}", "This service", "The requested service", "The care you asked for",
             "The procedure", "This request", "The treatment requested"]
GRAMMAR: dict[str, list[list[list[str]]]] = {
    "medical_necessity": [
        [_SUBJ_SVC, ["is not", "was not found to be", "has not been shown to be",
                     "was determined not to be", "does not appear to be"],
         ["medically necessary", "medically needed", "necessary for your condition",
          "clinically necessary", "medically appropriate at this time"],
         ["", " based on the records we received", " according to our clinical reviewer",
          " under the plan's coverage criteria", " for the diagnosis submitted"], ["."]],
        [["The information submitted", "The documentation provided", "Your medical record",
          "The clinical notes", "The records from your doctor"],
         ["does not show", "did not demonstrate", "does not support", "fails to establish"],
         [" that {T} is needed", " the need for {T}", " that the criteria for {T} are met",
          " medical necessity for {T}"], ["", " at this time", " for your condition"], ["."]],
    ],
    "experimental": [
        [_SUBJ_SVC + _SUBJ_DRUG[1:3], ["is considered", "is regarded as", "remains",
                                       "is classified as"],
         [" experimental", " investigational", " unproven", " experimental or investigational"],
         ["", " for your condition", " for this use", " for this diagnosis"], ["."]],
        [["There is not enough", "There is insufficient", "Current medical research provides "
          "limited", "Published studies do not provide enough"],
         [" evidence", " scientific evidence", " clinical evidence"],
         [" that {T} works", " that {T} is safe and effective", " to support {T}"],
         ["", " for this condition", " compared with standard treatment"], ["."]],
    ],
    "prior_auth": [
        [["We did not receive", "There was no", "The provider did not obtain", "We have no record "
          "of", "The plan did not receive"],
         [" prior authorization", " an approved authorization", " precertification",
          " advance approval", " a pre-service approval"],
         [" for {T}", " for this service", " before the service was provided",
          " before the date of service"], ["."]],
        [_SUBJ_SVC, ["requires", "needed", "must have"],
         [" prior approval", " prior authorization", " precertification", " approval in advance"],
         [", which was not obtained", ", but none was requested", ", and none is on file"],
         ["."]],
    ],
    "step_therapy": [
        [["You must", "The plan requires that you", "Members must", "Your plan needs you to"],
         [" first try", " try and fail", " have tried", " first use"],
         [" {ALT1}", " {ALT1} and {ALT2}", " two preferred drugs", " a preferred alternative",
          " at least one first-line drug"],
         [" before {T} can be covered", " before this drug is approved", " before we cover {T}"],
         ["."]],
        [_SUBJ_DRUG, ["is covered only after", "can be approved only after",
                      "requires documentation that"],
         [" {ALT1} has not worked", " preferred alternatives have failed",
          " first-line therapy was tried", " a trial of {ALT1} and {ALT2}"], ["."]],
    ],
    "non_formulary": [
        [_SUBJ_DRUG, ["is not on", "is not included in", "is not listed on", "was removed from",
                      "is excluded from", "is not part of"],
         [" your plan's formulary", " the plan's drug list", " the list of covered drugs",
          " the Preferred Drug List", " your {YEAR} formulary", " our covered drug list"],
         ["", ". Covered alternatives include {ALT1}", ". You may ask for a formulary exception"],
         ["."]],
    ],
    "quantity_limit": [
        [["The amount requested", "The quantity prescribed", "Your prescription",
          "The dose requested", "The number of units requested"],
         [" exceeds", " is more than", " is above", " goes over"],
         [" the plan's quantity limit", " the amount your plan allows", " the plan limit",
          " the maximum covered quantity"],
         ["", " for {T}", " of {LIMIT} per {DAYS} days"], ["."]],
    ],
    "out_of_network": [
        [["The provider", "The doctor who treated you", "The facility", "The rendering provider",
          "{PROV}"],
         [" is not in", " does not participate in", " is outside", " is not contracted with"],
         [" your plan's network", " the plan's provider network", " your HMO network",
          " the {NET} network"],
         ["", ", and your plan has no out-of-network benefits",
          ", and the care was not an emergency", ", and no referral was on file"], ["."]],
    ],
    "duplicate_therapy": [
        [_SUBJ_DRUG[:4], ["duplicates", "overlaps with", "is the same type of drug as",
                          "would be taken with"],
         [" {DUP}", " another drug you already take ({DUP})", " an active prescription for {DUP}"],
         ["", ", which is in the same class", "; therapeutic duplication is not covered"], ["."]],
    ],
    "not_covered": [
        [_SUBJ_SVC, ["is not a", "is excluded as a", "is not considered a"],
         [" covered benefit", " covered service"],
         ["", " under your {EOC}", " under the terms of your coverage"], ["."]],
        [["Your plan", "The {EOC}", "Your benefit plan", "Your coverage"],
         [" excludes", " does not cover", " does not include benefits for",
          " specifically excludes"],
         [" {T}", " this service", " this type of care", " cosmetic services"], ["."]],
    ],
    "coding_billing": [
        [["The claim", "The bill from your provider", "This claim line", "The submitted claim"],
         [" has", " contains", " was sent with"],
         [" an invalid procedure code", " a coding error", " a diagnosis that does not match the "
          "procedure", " an invalid modifier", " missing information", " a billing error"],
         ["", "; please send a corrected claim", ". The provider must correct and resubmit it"],
         ["."]],
    ],
    "timely_filing": [
        [["The claim", "This bill", "The corrected claim", "Your provider's claim"],
         [" was received after", " was filed after", " came in after", " was submitted past"],
         [" the filing deadline", " the {FL}-day filing limit", " the time limit for claims",
          " the plan's timely filing limit"], ["."]],
    ],
    "other": [
        [["Our records show", "We found that", "According to our eligibility records,",
          "The plan's records indicate that"],
         [" you were not covered", " your coverage was not active", " another insurer is primary",
          " you were not enrolled", " your coverage had ended"],
         [" on the date of service", " when you received this care", " for this claim"], ["."]],
    ],
}


def compose(dtype: str, pick) -> str:  # noqa: ANN001 - pick is random.Random.choice
    """One compositional wording of ``dtype`` (``pick`` chooses among alternatives)."""
    import re

    parts = pick(GRAMMAR[dtype])
    text = " ".join(pick(alts).strip() for alts in parts)
    text = re.sub(r"\s+([.,;])", r"\1", re.sub(r"\s{2,}", " ", text)).strip()
    return text.replace(". .", ".").replace(".;", ";")
