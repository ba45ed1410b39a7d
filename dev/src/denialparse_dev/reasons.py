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
        "S|The records we received do not show that you tried at least 6 weeks of conservative "
        "treatment, such as physical therapy and anti-inflammatory medicine, before {T}.",
        "S|Your doctor did not send information showing that your symptoms have lasted more than "
        "six weeks or that there are warning signs such as weakness or numbness. Because of "
        "this, {T} does not meet our guidelines.",
        "The clinical information provided does not meet {CRIT} criteria for {T}.",
        "This service is not reasonable and necessary for the diagnosis reported.",
        "S|The documentation does not show that the requested level of care is needed. Your needs "
        "can be safely met at a lower level of care, such as outpatient treatment.",
        "S|You no longer meet the criteria for continued stay. Based on the notes from your care "
        "team, you are medically stable and your care can continue at a less intensive setting.",
        "S|Our policy requires a body mass index (BMI) of 40 or more, or 35 or more with a serious "
        "related health problem, and a supervised diet program of at least 6 months. The notes "
        "we received do not show this, so we cannot approve {T}.",
        "S|Coverage for {T} was denied. The medical records do not document the findings our "
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
        "S|The number of units requested is more than what is medically needed for this condition; "
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
        "D|This is an off-label use that is not supported by the compendia (AHFS-DI, DRUGDEX or "
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
        "Our records show no approved authorization for these services.",
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
        "S|Coverage is limited to one device every 5 years; a replacement within that period is "
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
        "D|The pharmacy that filled this prescription is not in your plan's pharmacy network.",
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
        "D|Weight-loss medicines are excluded from your pharmacy benefit.",
        "Your employer's plan does not include coverage for {T}.",
        "Non-covered charge(s). This service is not covered under the patient's current benefit "
        "plan.",
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
        "The claim was not submitted within 12 months of the date of service, as the plan "
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


# ------------------------------------------------------------------------------------------
# More wordings (merged into REASONS below). A "D|" prefix marks a wording that only fits a
# drug, "S|" one that only fits a service, procedure, device or admission; unmarked ones fit
# both. Each was checked against the confusable neighbour of its type (see the module notes at
# the end): a wording never states a second denial reason as the ground for the decision.
# ------------------------------------------------------------------------------------------

MORE: dict[str, list[str]] = {
    "medical_necessity": [
        # plain language
        "We said no because the information from your doctor does not show that you need {T} "
        "right now.",
        "We looked at your records and we do not think {T} is needed for your health at this "
        "time.",
        "Our doctor reviewed your case. Your condition can be treated with care that is simpler "
        "than {T}.",
        "We can't approve {T}. Your medical records don't show it is the right care for you now.",
        "S|You can get the care you need at a lower level of care. The hospital stay is not "
        "needed.",
        "S|Your doctor asked for {T}. The notes we got do not show pain or other symptoms that "
        "have lasted long enough for this to be needed.",
        "S|The records do not show that simpler treatments like physical therapy, medicine or "
        "injections were tried first for at least 6 weeks.",
        "D|The records do not show that your condition is severe enough to need {T}.",
        "D|Based on your lab results, {T} is not needed for your condition at this time.",
        # payer-policy speak
        "The request for {T} does not meet {CRIT} criteria. The documentation submitted does "
        "not establish medical necessity.",
        "S|Clinical information submitted does not meet InterQual® criteria for the requested "
        "level of care.",
        "S|The request does not meet MCG guideline criteria for inpatient admission; the "
        "patient could be safely treated in observation status.",
        "Per {POLICY}, {T} is considered medically necessary only when the criteria listed in "
        "the policy are met. The records submitted do not document that these criteria are met.",
        "Based on {POLICY}, the requested service is not medically necessary for {DX}.",
        "The clinical documentation does not satisfy the medical necessity criteria in {POLICY}.",
        "S|Denied as not medically necessary: the member does not meet criteria in {POLICY} "
        "(no documented failure of 6 weeks of conservative care; no red-flag findings).",
        "S|Adverse determination (medical necessity). Reviewer rationale: imaging findings and "
        "examination do not support the requested procedure at this time.",
        "A peer-to-peer review was offered. Based on the information available, the {SPEC} "
        "reviewer determined the request is not medically necessary.",
        "S|Continued stay is not medically necessary. The member's condition has stabilized "
        "and care can be provided at a lower level of care.",
        "S|The requested level of care (inpatient) is not medically necessary; the services "
        "could have been provided safely in an outpatient setting.",
        "Payer deems the information submitted does not support this level of service.",
        "Payer deems the information submitted does not support this many/frequency of "
        "services.",
        "Payer deems the information submitted does not support this length of service.",
        "The service is not reasonable and necessary under Medicare coverage rules for the "
        "diagnosis billed (see {POLICY}).",
        "Our medical director reviewed the request and found that the clinical criteria for "
        "{T} were not met.",
        "The information provided does not demonstrate that {T} is appropriate for the "
        "member's condition, as required by the plan's definition of Medically Necessary.",
        "Medical necessity not established. Please see the clinical rationale below.",
        "The request was denied after clinical review because the documentation does not "
        "support medical necessity for the service requested.",
        "S|The member's functional status does not require skilled services; the care "
        "requested is custodial in nature and is not medically necessary.",
        "D|The submitted chart notes do not document a diagnosis and severity that meet the "
        "clinical criteria for {T}.",
        "D|The dose and duration requested are not supported by the clinical information "
        "submitted; medical necessity has not been shown.",
        "Not medically necessary: a less intensive alternative ({ALTSVC}) is appropriate "
        "for {DX}.",
    ],
    "experimental": [
        "We said no because {T} is still considered experimental for your condition.",
        "We can't cover {T} for your condition. It has not been proven to work well enough yet.",
        "{T} is being tested in research studies. Your plan does not pay for treatments that "
        "are still being tested.",
        "D|{T} is not approved by the FDA to treat {DX}. Using it this way is called off-label "
        "use, and it is not supported by the drug references our plan uses.",
        "D|The requested use is off-label and is not supported by the compendia the plan "
        "recognizes (AHFS-DI, Micromedex DRUGDEX, NCCN Drugs & Biologics Compendium).",
        "D|{T} is not FDA-approved for this indication, and the off-label use is not listed as "
        "a medically accepted indication.",
        "D|The FDA has not approved {T} for use in patients with {DX}.",
        "Procedure/product not approved by the Food and Drug Administration.",
        "This product/procedure is only covered when used according to FDA recommendations.",
        "Per {POLICY}, {T} is considered experimental, investigational or unproven for all "
        "indications other than those listed in the policy.",
        "{PAYER} considers {T} investigational because the evidence is insufficient to "
        "determine its effect on health outcomes ({POLICY}).",
        "S|The device has not received FDA clearance or approval for this use.",
        "S|This procedure is considered investigational. Peer-reviewed studies have not "
        "shown long-term benefit compared with standard treatment.",
        "The service is unproven. Clinical evidence does not demonstrate improved outcomes "
        "for {DX}.",
        "The treatment is not yet the standard of care; it is available only in clinical "
        "trials.",
        "{T} is considered experimental/investigational under the terms of your {EOC}.",
        "Our Medical Technology Assessment Committee has determined that {T} is "
        "investigational for this indication.",
        "Unproven service: {T} does not meet the plan's technology assessment criteria.",
        "The evidence for {T} consists of small, uncontrolled studies; it does not show that "
        "the treatment is safe and effective, so it is considered investigational.",
        "D|The requested dosing regimen is not FDA-approved and is considered investigational.",
    ],
    "prior_auth": [
        "We said no because nobody asked us to approve {T} before you got it.",
        "Your doctor needed to get our OK before giving you {T}. We did not get a request, so "
        "we can't pay.",
        "S|We were not told about your hospital stay within the time your plan requires.",
        "S|The facility did not notify us of the admission within 1 business day.",
        "Authorization required. No authorization was on file for {T} on the date of service.",
        "Services denied at the time authorization/pre-certification was requested.",
        "Precertification/notification/authorization/pre-treatment exceeded.",
        "The authorization number is missing, invalid, or does not apply to the billed "
        "services or provider.",
        "Claim information is inconsistent with pre-certified/authorized services.",
        "S|The number of units billed is more than the number authorized under authorization "
        "{AUTHN}.",
        "S|The service was provided after the authorization end date ({XDATE}).",
        "The precertification requirement in your {EOC} was not met.",
        "A retroactive authorization request was received after the service and cannot be "
        "accepted under plan rules.",
        "The request for {T} was submitted after the service was rendered. Pre-service review "
        "is required for this service.",
        "D|Prior authorization required. The pharmacy claim was rejected because no approved "
        "prior authorization is on file for {T}.",
        "D|Prior Authorization Required (NCPDP reject 75).",
        "D|{T} requires prior authorization. Your prescriber has not submitted a prior "
        "authorization request.",
        "S|Authorization {AUTHN} was approved for a different CPT code than the one billed.",
        "S|The authorization on file was issued to a different facility than the one where "
        "the service was performed.",
        "Prior approval was not obtained. This requirement applies whether or not the service "
        "is medically necessary.",
        "No precertification on file. Penalty for failure to precertify applied; the claim is "
        "denied.",
        "This service requires prior authorization under the plan's utilization management "
        "program. We have no approved request for it.",
    ],
    "step_therapy": [
        "D|We said no because you need to try {ALT1} first. Your plan covers {T} only if "
        "{ALT1} did not work for you or you could not take it.",
        "D|The plan asks members to start with {ALT1}. There is no record you used it.",
        "D|Your prescription history does not show a paid claim for {ALT1} or {ALT2}.",
        "D|Step 2 drug: coverage requires a paid claim for a Step 1 drug in the previous 180 "
        "days.",
        "D|Step Therapy, Alternate Drug Therapy Required Prior To Use Of Submitted Product "
        "Service ID (NCPDP 608).",
        "D|The criteria for {T} require a trial and failure of {ALT1}. The submitted "
        "information does not document this trial.",
        "D|Per the step therapy criteria, the member must have an inadequate response to at "
        "least 3 months of {ALT1}.",
        "D|Fail-first requirement not met: no documented trial of a formulary first-line "
        "agent ({ALT1} or {ALT2}).",
        "D|{T} is a step therapy drug. It can be covered after you try the preferred drug "
        "{ALT1}, unless your doctor tells us why you can't take it.",
        "D|We need your doctor to tell us what happened when you took {ALT1}. Until then, "
        "we can't cover {T}.",
        "D|Step therapy exception denied: the records do not show that {ALT1} is "
        "contraindicated or was not tolerated.",
        "D|The plan requires use of two preferred biologics, including {ALT1}, before "
        "{T} is covered.",
        "D|Your plan's step therapy program requires a trial of a generic alternative before "
        "a brand-name drug such as {T} is covered.",
        "D|Our records do not show that you have tried the required first-step drugs. Try "
        "{ALT1} first, or ask your doctor to request an exception.",
        "D|The request did not show an adequate trial of {ALT1} at a therapeutic dose for at "
        "least 90 days.",
        "D|{T} is part of a step therapy program: first-line therapy with {ALT1} is required.",
        "D|The member has not met the step therapy requirement of trial and failure of {ALT1} "
        "and {ALT2}, or a documented intolerance to both.",
    ],
    "non_formulary": [
        "D|We said no because {T} is not on our drug list.",
        "D|{T} is not on the list of drugs your plan covers. Drugs on the list that treat the "
        "same condition are {ALT1} and {ALT2}.",
        "D|Product Not On Formulary (NCPDP reject MR).",
        "D|NDC not covered - non-formulary drug. Formulary alternatives: {ALT1}, {ALT2}.",
        "D|{T} is a non-formulary drug under your {YEAR} formulary. A formulary exception "
        "request was not submitted.",
        "D|Formulary exception denied: the prescriber did not show that the formulary "
        "alternatives ({ALT1}, {ALT2}) would be less effective or cause adverse effects.",
        "D|The requested drug is not on the Medicare Part D formulary for your plan.",
        "D|This drug is not on the Preferred Drug List. Preferred drugs in the same class "
        "include {ALT1}.",
        "D|{T} was removed from the drug list as of January 1, {YEAR}. You may switch to a "
        "covered drug such as {ALT1} or ask for an exception.",
        "D|The drug is not listed on your plan's formulary (covered drug list); therefore it "
        "is not covered under your pharmacy benefit.",
        "D|Non-formulary medication. Please consider a formulary alternative such as {ALT1}.",
        "D|{T} is excluded from the formulary because lower-cost formulary drugs with the same "
        "effect are available, including {ALT1}.",
        "D|The National Preferred Formulary does not include {T}. Covered alternatives are "
        "{ALT1} and {ALT2}.",
        "D|Your plan uses a closed formulary; drugs not on the formulary, including {T}, are "
        "covered only through an approved exception.",
        "D|{T} is not a formulary product for your plan. The prescriber may request a "
        "non-formulary exception with a statement of medical need.",
        "D|The requested brand is not on the formulary; the formulary covers the generic "
        "equivalent or {ALT1}.",
    ],
    "quantity_limit": [
        "You have reached the {N}-visit yearly limit for this benefit.",
        "Benefit maximum for this time period or occurrence has been reached.",
        "Lifetime benefit maximum has been reached.",
        "Coverage/program guidelines were exceeded.",
        "D|We said no because the amount of {T} your doctor prescribed is more than your plan "
        "covers.",
        "D|Your plan pays for up to {LIMIT} every {DAYS} days. Your doctor asked for {QTY}.",
        "D|Plan Limitations Exceeded (NCPDP reject 76).",
        "D|Days Supply Limitation For Product/Service (NCPDP reject AG).",
        "D|Quantity exceeds the plan maximum of {LIMIT} per {DAYS} days.",
        "D|The quantity limit exception was denied. The dose requested is above the plan's "
        "quantity limit for {T}.",
        "D|The prescription is for a {DAYS}-day supply; your plan allows no more than a "
        "30-day supply at a retail pharmacy.",
        "D|Dose optimization: the plan covers {LIMIT} per day; the prescribed {QTY} per day "
        "is above this limit.",
        "D|Your plan limits how much of {T} you can get at one time. The amount requested is "
        "over that limit.",
        "S|You have used all {N} physical therapy visits your plan covers this year.",
        "S|The plan covers up to {N} visits per calendar year for this service. {M} visits "
        "have been billed; the additional visits exceed the benefit limit.",
        "S|Your benefit for {T} is limited to {N} visits per plan year, and that limit has been "
        "reached.",
        "S|The annual benefit maximum for {T} has been met.",
        "S|The supply requested exceeds the plan's quantity limit for this item ({LIMIT} per "
        "{DAYS} days).",
        "S|Your plan covers one replacement every 5 years. A replacement was paid on {XDATE}.",
        "S|The number of units billed exceeds the plan's maximum allowed per day for this code.",
        "S|We approved {N} visits, which is the most your plan allows; the additional {M} "
        "visits are over your benefit limit.",
        "S|The plan's limit of one per lifetime for this service has been reached.",
        "The benefit limit for this service has been used for this plan year.",
    ],
    "out_of_network": [
        "We said no because the doctor you saw is not in your plan's network.",
        "The provider you saw is not part of our network. Your plan only covers care from "
        "network providers, except for emergencies.",
        "Services not authorized by network/primary care providers.",
        "Services not provided by Preferred network providers.",
        "Your plan requires a referral from your primary care provider (PCP). No referral "
        "was on file for this specialist visit.",
        "The specialist visit was not referred by your assigned primary care physician.",
        "The provider is non-participating. Your EPO plan does not cover non-emergency care "
        "from non-participating providers.",
        "{PROV} is not a participating provider in your plan's network. Out-of-network "
        "services are not covered under your {EOC}.",
        "The service was provided outside your plan's service area and was not urgent or "
        "emergency care.",
        "Your plan covers care only within its service area. {T} was provided outside that "
        "area and was not an emergency.",
        "S|The facility where you received care is not contracted with your plan, and no "
        "network gap exception was on file.",
        "S|Out-of-network provider: the network includes providers who can perform {T}. A "
        "network gap exception is not approved.",
        "D|The specialty pharmacy is not in your plan's network. {T} must be filled by a "
        "network specialty pharmacy.",
        "D|Your plan requires specialty drugs to be filled at a designated network pharmacy. "
        "The pharmacy used is out of network.",
        "Non-participating provider; no out-of-network benefits under your HMO plan.",
        "The rendering provider is not enrolled in the {NET} network that your plan uses.",
        "You saw a provider outside your Medicaid health plan's network without approval from "
        "the plan.",
        "Your plan's tiered network covers Tier 1 providers only; the provider you saw is not "
        "in the network for your plan.",
        "Care was received from a provider outside your assigned medical group, and no referral "
        "or network exception was on file.",
    ],
    "duplicate_therapy": [
        # drug duplication (D) and duplicative services (S)
        "D|We said no because you are already taking {DUP}, which does the same thing as {T}.",
        "D|You should not take {T} and {DUP} together because they are the same kind of "
        "medicine ({CLASS}).",
        "D|DUR reject: therapeutic duplication (TD) with {DUP} filled on {XDATE}.",
        "D|Drug Utilization Review alert: therapeutic duplication. {T} duplicates {DUP}, an "
        "active prescription in the same class.",
        "D|The claim was rejected for ingredient duplication (DUR conflict code ID): the same "
        "active ingredient is in another current prescription.",
        "D|Concurrent therapy with two {CLASS} is not covered. An active claim for {DUP} is on "
        "file.",
        "D|The request would result in concurrent use of two {CLASS} ({T} and {DUP}); the plan "
        "does not cover duplicate therapy.",
        "D|Use of two long-acting agents from the same class at the same time is not covered. "
        "You have an active prescription for {DUP}.",
        "D|{T} and {DUP} are in the same therapeutic class. The plan does not cover both at "
        "the same time unless the prescriber documents a cross-taper with an end date.",
        "D|NCPDP 88 DUR Reject Error - Therapeutic Duplication with {DUP}.",
        "D|Duplicate therapy: the member already has an active supply of {DUP}.",
        "D|The requested drug duplicates therapy already being received ({DUP}). Please "
        "discontinue one of the agents or explain why both are needed.",
        "S|We said no because you are already getting {DUP}, and {T} would give you the same "
        "kind of care at the same time.",
        "S|{T} is duplicative of the {DUP} currently authorized for the same goals and dates.",
        "S|The plan already authorized {DUP} for this period. {T} addresses the same "
        "functional goals, so it duplicates those services.",
        "S|Two plans of care for the same therapy discipline cannot be covered during the same "
        "period. {DUP} is already authorized.",
        "S|You are receiving {DUP}. The services requested would overlap with that care and "
        "are considered duplicative.",
        "S|Duplicate services: {T} overlaps with an existing authorization for {DUP} covering "
        "the same dates of service.",
        "S|The request duplicates services you already receive ({DUP}). The plan covers one "
        "program for the same treatment goals at a time.",
        "S|Concurrent {T} and {DUP} serve the same treatment goals; only one is covered.",
    ],
    "not_covered": [
        "We said no because your plan does not cover {T}.",
        "Your plan does not pay for this kind of care, even when a doctor orders it.",
        "This service is not covered under the patient's current benefit plan.",
        "This service/equipment/drug is not covered under the patient's current benefit plan.",
        "Non-covered charge(s).",
        "S|This is a non-covered service because it is a routine/preventive exam or a "
        "diagnostic/screening procedure done in conjunction with a routine/preventive exam.",
        "S|Cosmetic services are excluded from coverage under your {EOC}. {T} is considered "
        "cosmetic for the reason it was done.",
        "S|Infertility treatment, including {T}, is excluded under your employer's plan.",
        "S|Your plan excludes hearing aids and related services.",
        "S|Services for weight reduction, including bariatric surgery, are excluded under your "
        "group's plan.",
        "S|Custodial care is excluded by the plan, whether or not it is ordered by a doctor.",
        "S|Your plan does not include a benefit for {T}. See the Exclusions section of your "
        "{EOC}.",
        "D|Your plan excludes drugs used for weight loss. {T} is not covered for this use, "
        "whether or not it is medically necessary.",
        "D|Product/Service Not Covered - Plan/Benefit Exclusion (NCPDP 70). Your plan "
        "document excludes this category of drug.",
        "D|Drugs for erectile dysfunction are excluded from your pharmacy benefit.",
        "D|Compounded medications are excluded under your plan's pharmacy benefit.",
        "D|Your pharmacy benefit excludes drugs for cosmetic purposes.",
        "D|{T} is excluded by your plan's benefit design; the exclusion applies regardless of "
        "formulary status.",
        "Not a covered benefit. Your plan document lists this service as an exclusion.",
        "{T} is not covered by Medicare. Medicare does not pay for this item or service.",
        "This item is excluded under your plan (Section: Exclusions and Limitations).",
        "Your employer chose not to include coverage for {T} in your plan.",
        "{T} is not a benefit of your plan. The plan does not cover it for any diagnosis.",
        "The plan excludes services that are not listed as covered benefits. {T} is not a "
        "listed benefit.",
    ],
    "coding_billing": [
        "We said no because the bill from your provider has a mistake. They need to fix it and "
        "send it again.",
        "The claim cannot be processed as billed. Your provider must send a corrected claim.",
        "The procedure code is inconsistent with the modifier used (modifier {MOD}).",
        "The diagnosis is inconsistent with the procedure.",
        "The procedure code/type of bill is inconsistent with the place of service.",
        "Procedure code was invalid on the date of service.",
        "Procedure modifier was invalid on the date of service.",
        "Diagnosis was invalid for the date(s) of service reported.",
        "This procedure is not paid separately.",
        "Mutually exclusive procedures cannot be done in the same day/setting.",
        "The benefit for this service is included in the payment/allowance for another "
        "service/procedure that has already been adjudicated.",
        "This procedure or procedure/modifier combination is not compatible with another "
        "procedure provided on the same day according to the National Correct Coding "
        "Initiative.",
        "Service not payable with other service rendered on the same date.",
        "Exact duplicate claim/service.",
        "This claim is a duplicate of a claim already processed on {XDATE}. Please do not "
        "resubmit.",
        "Previously paid. Payment for this claim/service may have been provided in a previous "
        "payment.",
        "Missing/incomplete/invalid rendering provider primary identifier.",
        "Your claim contains incomplete and/or invalid information. Submit a new claim with "
        "the complete/correct information.",
        "Claim lacks the NDC number required for this drug code.",
        "The CPT code billed ({CODE}) is bundled into the primary procedure under NCCI "
        "procedure-to-procedure edits; modifier 59 was not supported.",
        "An unlisted procedure code was billed when a specific code exists for the service.",
        "Requested records were not received. The claim was denied for missing information "
        "(CARC 16).",
        "The claim is missing the referring provider's NPI.",
        "Invalid or missing modifier: the claim line requires modifier {MOD}.",
        "The number of units billed does not match the procedure code description.",
        "The claim form is incomplete: the date of service and diagnosis pointer are missing.",
        "The claim was billed under the wrong type of bill for an outpatient service.",
    ],
    "timely_filing": [
        "We said no because your provider sent us the bill too late.",
        "Your doctor's office sent the claim after the deadline. Because of this, the plan can't "
        "pay it.",
        "The claim was received {FL} days or more after the date of service, which is past the "
        "filing limit.",
        "Timely filing: the claim was first received on {XDATE}, after the {FL}-day limit for "
        "initial claims.",
        "The time limit for filing has expired (CARC 29).",
        "The claim was not filed within one year after the date of service.",
        "Proof of timely filing was not submitted, and the claim was received after the filing "
        "deadline.",
        "Claims must be filed within {FL} days from the date of service. This claim is past "
        "that limit and is denied.",
        "The appeal of the claim was not filed within the time allowed; the original claim "
        "was also received late.",
        "The claim was submitted after the contractual filing limit in your provider agreement.",
        "Late claim: received after the filing deadline. The member may not be billed for this "
        "service.",
        "The resubmission was received after the timely filing limit for corrected claims.",
        "Denied: untimely filing.",
        "Your provider sent the claim more than {FL} days after you got the care. Claims that "
        "arrive that late cannot be paid.",
    ],
    "other": [
        "We said no because our records show you did not have coverage with us on the date of "
        "the service.",
        "Your coverage ended before the date you got this care.",
        "Expenses incurred after coverage terminated.",
        "Expenses incurred during lapse in coverage.",
        "Patient has not met the required eligibility requirements.",
        "Claim/service not covered by this payer/contractor. You must send the claim/service "
        "to the correct payer/contractor.",
        "Coordination of benefits: our records show another plan is primary. Please send the "
        "claim to the primary payer first and then send us the primary payer's EOB.",
        "The member was not enrolled in this plan on the date of service.",
        "The member's coverage was terminated effective {XDATE} for non-payment of premium.",
        "The dependent is over the plan's age limit and was not eligible on the date of "
        "service.",
        "We could not match the member name and date of birth on the claim to our records.",
        "Another group health plan is primary for this member under the birthday rule.",
        "The claim is for an injury that may be covered by auto insurance; we need the "
        "accident details before we can process it.",
        "The member's eligibility is pending; the employer has not confirmed enrollment.",
        "Your Medicaid eligibility ended on {XDATE}. Services after that date are not covered "
        "by this plan.",
        "The other insurance information on file must be updated before we can process this "
        "claim.",
        "The subscriber was not eligible for dependent coverage on the date of service.",
        "Coverage was rescinded back to {XDATE}.",
        "The patient's coverage is through a different plan; please bill that plan.",
    ],
}

for _k, _v in MORE.items():
    REASONS[_k] = REASONS[_k] + _v


_MEDICARE = ("medicare_advantage", "medicare_part_d", "original_medicare")


def plan_fits(w: str, plan: str | None) -> bool:
    """Whether a wording's plan cue (Medicare, Medicaid, employer) fits the letter's stated plan.

    ``plan`` is None when the letter does not state its plan: then no wording with a cue fits.
    """
    if "Medicare" in w and plan not in _MEDICARE:
        return False
    if "Part D" in w and plan != "medicare_part_d":
        return False
    if "Medicaid" in w and plan != "medicaid_mco":
        return False
    return not (("employer" in w or "group's" in w) and plan != "erisa")


def pool(dtype: str, kind: str, plan: str | None = "erisa") -> list[str]:
    """Wordings of ``dtype`` that fit a therapy of ``kind`` ("drug" or anything else), unmarked.

    ``plan`` is the stated plan type (None: unstated), so a wording never names a plan the letter
    is not about. The untagged duplicate-therapy wordings of the first list are sorted by their
    words (they predate the D|/S| marks).
    """
    drug = kind == "drug"
    out = []
    for w in REASONS[dtype]:
        if not plan_fits(w, plan):
            continue
        if w.startswith("D|"):
            if drug:
                out.append(w[2:])
        elif w.startswith("S|"):
            if not drug:
                out.append(w[2:])
        elif dtype == "duplicate_therapy":
            svc_words = ("ervices" in w or "occupational" in w or "approved" in w)
            drug_words = any(x in w for x in ("drug", "medicine", "prescription", "ingredient",
                                              "{CLASS}", "DUR", "taking"))
            if (drug and drug_words and not svc_words) or (not drug and svc_words
                                                           and not drug_words):
                out.append(w)
            elif not svc_words and not drug_words:
                out.append(w)
        else:
            out.append(w)
    return out


# Headings that name the type, then the reason paragraph (the heading is part of the reason).
TYPE_HEADINGS: dict[str, list[str]] = {
    "medical_necessity": ["NOT MEDICALLY NECESSARY", "Medical Necessity", "Clinical rationale:",
                          "Medical necessity review", "Reason: Not medically necessary"],
    "experimental": ["EXPERIMENTAL/INVESTIGATIONAL", "Investigational service",
                     "Experimental or investigational", "Unproven service"],
    "prior_auth": ["NO PRIOR AUTHORIZATION", "Authorization not obtained", "Precertification",
                   "Prior authorization required", "Missing authorization"],
    "step_therapy": ["STEP THERAPY", "Step therapy requirement not met", "Step therapy",
                     "Fail-first requirement"],
    "non_formulary": ["NON-FORMULARY DRUG", "Not on formulary", "Formulary status",
                      "Drug not on the drug list"],
    "quantity_limit": ["QUANTITY LIMIT", "Quantity limit exceeded", "Benefit limit reached",
                       "Plan limitations exceeded"],
    "out_of_network": ["OUT OF NETWORK", "Non-participating provider", "Network requirement",
                       "Referral required"],
    "duplicate_therapy": ["DUPLICATE THERAPY", "Therapeutic duplication", "Duplicative services",
                          "Drug utilization review"],
    "not_covered": ["NOT A COVERED BENEFIT", "Benefit exclusion", "Excluded service",
                    "Plan exclusion"],
    "coding_billing": ["BILLING ERROR", "Claim coding issue", "Corrected claim needed",
                       "Billing/coding"],
    "timely_filing": ["TIMELY FILING", "Late claim", "Filing limit exceeded",
                      "Claim received after filing deadline"],
    "other": ["ELIGIBILITY", "Coverage not active", "Coordination of benefits",
              "Member eligibility"],
}

# Claim-adjustment (CARC/RARC) or pharmacy reject (NCPDP) codes with their printed meaning, for
# letters that give the reason only in a table column. Texts follow the X12 and NCPDP lists.
CODE_TABLE: dict[str, list[tuple[str, str]]] = {
    "medical_necessity": [
        ("CO-50", "These are non-covered services because this is not deemed a 'medical "
                  "necessity' by the payer."),
        ("CO-150", "Payer deems the information submitted does not support this level of "
                   "service."),
        ("CO-151", "Payer deems the information submitted does not support this many/frequency "
                   "of services."),
        ("CO-152", "Payer deems the information submitted does not support this length of "
                   "service."),
        ("CO-50 N115", "Not medically necessary. This decision was based on a Local Coverage "
                       "Determination (LCD)."),
    ],
    "experimental": [
        ("CO-55", "Procedure/treatment/drug is deemed experimental/investigational by the "
                  "payer."),
        ("CO-56", "Procedure/treatment has not been deemed 'proven to be effective' by the "
                  "payer."),
        ("CO-114", "Procedure/product not approved by the Food and Drug Administration."),
        ("CO-188", "This product/procedure is only covered when used according to FDA "
                   "recommendations."),
    ],
    "prior_auth": [
        ("CO-197", "Precertification/authorization/notification/pre-treatment absent."),
        ("CO-198", "Precertification/notification/authorization/pre-treatment exceeded."),
        ("CO-39", "Services denied at the time authorization/pre-certification was requested."),
        ("CO-15", "The authorization number is missing, invalid, or does not apply to the "
                  "billed services or provider."),
        ("CO-197 N54", "Precertification absent. Claim information is inconsistent with "
                       "pre-certified/authorized services."),
        ("75", "Prior Authorization Required"),
    ],
    "step_therapy": [
        ("608", "Step Therapy, Alternate Drug Therapy Required Prior To Use Of Submitted "
                "Product Service ID"),
        ("608", "STEP THERAPY REQUIRED - TRY PREFERRED FIRST-LINE AGENT"),
    ],
    "non_formulary": [
        ("MR", "Product Not On Formulary"),
        ("70", "Product/Service Not Covered - NDC not on formulary (non-formulary drug)"),
        ("MR", "NON-FORMULARY DRUG - FORMULARY ALTERNATIVES AVAILABLE"),
    ],
    "quantity_limit": [
        ("76", "Plan Limitations Exceeded"),
        ("AG", "Days Supply Limitation For Product/Service"),
        ("CO-119", "Benefit maximum for this time period or occurrence has been reached."),
        ("PR-119", "Benefit maximum for this time period or occurrence has been reached."),
        ("CO-273", "Coverage/program guidelines were exceeded."),
        ("PR-35", "Lifetime benefit maximum has been reached."),
    ],
    "out_of_network": [
        ("CO-242", "Services not provided by network/primary care providers."),
        ("PR-242", "Services not provided by network/primary care providers."),
        ("CO-243", "Services not authorized by network/primary care providers."),
        ("CO-279", "Services not provided by Preferred network providers."),
        ("CO-288", "Referral absent."),
    ],
    "duplicate_therapy": [
        ("88", "DUR Reject Error - conflict code TD (Therapeutic Duplication)"),
        ("88", "DUR Reject Error - conflict code ID (Ingredient Duplication)"),
        ("88/TD", "THERAPEUTIC DUPLICATION - ACTIVE RX IN SAME CLASS"),
    ],
    "not_covered": [
        ("CO-96 N130", "Non-covered charge(s). Consult plan benefit documents/guidelines for "
                       "information about restrictions for this service."),
        ("PR-204", "This service/equipment/drug is not covered under the patient's current "
                   "benefit plan."),
        ("PR-49", "This is a non-covered service because it is a routine/preventive exam or a "
                  "diagnostic/screening procedure done in conjunction with a routine/preventive "
                  "exam."),
        ("PR-96", "Non-covered charge(s). Benefit exclusion."),
        ("70", "Product/Service Not Covered - Plan/Benefit Exclusion"),
    ],
    "coding_billing": [
        ("CO-16 MA130", "Claim/service lacks information or has submission/billing error(s)."),
        ("CO-4", "The procedure code is inconsistent with the modifier used."),
        ("CO-11", "The diagnosis is inconsistent with the procedure."),
        ("CO-97", "The benefit for this service is included in the payment/allowance for "
                  "another service/procedure that has already been adjudicated."),
        ("CO-234", "This procedure is not paid separately."),
        ("CO-236", "This procedure or procedure/modifier combination is not compatible with "
                   "another procedure or procedure/modifier combination provided on the same "
                   "day according to the National Correct Coding Initiative."),
        ("CO-181", "Procedure code was invalid on the date of service."),
        ("CO-5", "The procedure code/type of bill is inconsistent with the place of service."),
        ("OA-18", "Exact duplicate claim/service."),
        ("CO-16 N290", "Claim/service lacks information or has submission/billing error(s). "
                       "Missing/incomplete/invalid rendering provider primary identifier."),
        ("CO-B13", "Previously paid. Payment for this claim/service may have been provided in "
                   "a previous payment."),
    ],
    "timely_filing": [
        ("CO-29", "The time limit for filing has expired."),
        ("PR-29", "The time limit for filing has expired."),
    ],
    "other": [
        ("CO-27", "Expenses incurred after coverage terminated."),
        ("CO-26", "Expenses incurred prior to coverage."),
        ("CO-31", "Patient cannot be identified as our insured."),
        ("OA-22", "This care may be covered by another payer per coordination of benefits."),
        ("CO-109", "Claim/service not covered by this payer/contractor. You must send the "
                   "claim/service to the correct payer/contractor."),
        ("CO-200", "Expenses incurred during lapse in coverage."),
        ("CO-177", "Patient has not met the required eligibility requirements."),
    ],
}
PHARMACY_CODES = {"75", "76", "AG", "MR", "70", "88", "88/TD", "608"}

# Lead-in sentences that are part of the reason paragraph and mention *another* denial type
# only to set it aside ("a prior authorization was on file; however..."). Keyed by the true
# type; none of them is a ground for the decision.
LEADINS: dict[str, list[str]] = {
    "medical_necessity": [
        "A prior authorization request was received and reviewed. However, ",
        "Although {T} is a covered benefit under your plan, ",
        "Your provider is in our network and the request was submitted on time. However, ",
        "{T} is not experimental for your condition; however, ",
        "This is not a decision about whether your plan covers this type of service. ",
    ],
    "experimental": [
        "A prior authorization request was submitted for {T}. ",
        "Although your provider is in our network, ",
        "This decision is not based on a lack of medical necessity. ",
        "Your plan covers many treatments for {DX}. However, ",
    ],
    "prior_auth": [
        "This decision is not about whether the service is medically necessary. ",
        "{T} is a covered benefit under your plan when it is approved in advance. ",
        "Your provider is a participating provider and the claim was filed on time. However, ",
        "Whether or not the service was medically necessary, ",
    ],
    "step_therapy": [
        "{T} is on your plan's formulary. However, ",
        "{T} is on the drug list, and the quantity requested is within plan limits. ",
        "A prior authorization request was received for {T}. ",
        "This drug is covered on your plan's formulary at tier 3. ",
    ],
    "non_formulary": [
        "A prior authorization request was received for {T}. ",
        "The quantity requested is within the usual limits. However, ",
        "This decision is not based on medical necessity. ",
        "Your pharmacy is in our network. However, ",
    ],
    "quantity_limit": [
        "{T} is on your plan's formulary. ",
        "{T} is covered by your plan, and a prior authorization is on file. However, ",
        "This decision is not about medical necessity. ",
        "The amount up to the plan limit was approved. ",
    ],
    "out_of_network": [
        "{T} is a covered benefit under your plan. However, ",
        "A prior authorization was on file for this service. However, ",
        "This decision is not based on medical necessity. ",
        "The claim was filed on time. ",
    ],
    "duplicate_therapy": [
        "{T} is on your plan's formulary. However, ",
        "{T} is covered under your plan. However, ",
        "This decision is not based on the quantity requested. ",
        "A prior authorization request was received. ",
    ],
    "not_covered": [
        "This decision is not about whether {T} is medically necessary. ",
        "Your provider is in our network and a prior authorization request was received. "
        "However, ",
        "Even if {T} is medically necessary for you, ",
        "The claim was filed on time. ",
    ],
    "coding_billing": [
        "This decision is not about medical necessity. ",
        "The service is a covered benefit and the claim was filed on time. However, ",
        "A prior authorization was on file for this service. However, ",
        "Your provider is a participating provider. ",
    ],
    "timely_filing": [
        "The service is a covered benefit under your plan. However, ",
        "An authorization was on file for this service. However, ",
        "This decision is not about medical necessity. ",
        "Your provider is a participating provider. ",
    ],
    "other": [
        "This decision is not about whether the service was medically necessary. ",
        "The claim was filed on time. However, ",
        "A prior authorization was approved for this service. However, ",
        "The provider is in network. ",
    ],
}

# Second sentences outside the reason, mentioning a denial word in passing, each with the types
# it would contradict (never used with those).
TYPED_DISTRACTORS: list[tuple[str, tuple[str, ...]]] = [
    ("Prior authorization was requested on {XDATE} and the request was reviewed by a "
     "clinician.", ("prior_auth", "timely_filing", "coding_billing", "other")),
    ("Please note that this drug also has a quantity limit; the limit did not affect this "
     "decision.", ("quantity_limit",)),
    ("Some drugs on your plan require step therapy or prior authorization; see your formulary.",
     ()),
    ("If you receive care from an out-of-network provider, you may pay more.", ()),
    ("Your provider is a participating provider with your plan.", ("out_of_network",)),
    ("If the denial was based on medical necessity, experimental treatment or a similar "
     "exclusion or limit, you may ask for an explanation of the scientific or clinical "
     "judgment used, free of charge.", ()),
    ("This decision is not about whether the service is covered under your plan.",
     ("not_covered", "other")),
    ("The claim was received within the filing limit.", ("timely_filing",)),
    ("You may also ask for a copy of the guideline or criteria we used to make this decision.",
     ()),
    ("We also checked whether {T} requires precertification; it does.", ()),
    ("This letter does not mean the service is experimental.", ("experimental",)),
    ("A duplicate copy of this letter has been sent to your provider.", ()),
    ("The requested drug is on the formulary at tier 4.", ("non_formulary", "not_covered")),
    ("Benefits for covered services are subject to your deductible and coinsurance.", ()),
    ("Some services need approval before you get them. This is called prior authorization.",
     ()),
    ("Our network includes more than 10,000 doctors. You can find one at our website.", ()),
    ("Claims must be filed within the time limits in your plan document.", ()),
    ("Certain drugs have quantity limits for safety reasons.", ()),
    ("Your eligibility was verified for the date of service.", ("other",)),
    ("A second opinion or a peer-to-peer review does not change the filing limits above.", ()),
    ("Medical necessity decisions are made by licensed clinicians and are based only on the "
     "appropriateness of care.", ()),
    ("This determination was not based on whether the provider is in network.",
     ("out_of_network",)),
    ("No duplicate claim was found for this date of service.", ()),
    ("The drug list (formulary) can change during the year.", ()),
]


# --- reason structures of letters written by others (issue 11) ----------------------------

# Headings the reason sits under, on a line of their own.
REASON_HEADINGS_SEEN = (
    "Reason for denial:", "Why we denied your request:", "Rationale:", "Reason for Denial",
    "Denial Rationale:", "Clinical Rationale for Decision:", "Why did we deny your request?",
    "REASON FOR DECISION", "Explanation of our decision:",
)

# The decision line a reason follows: it names the type, the sentences after it say why.
DECISION_LINES: dict[str, list[str]] = {
    "medical_necessity": [
        "{T} has been determined as not medically necessary.",
        "The request for {T} has been determined to be not medically necessary.",
        "Determination: not medically necessary.",
    ],
    "experimental": [
        "{T} has been determined to be experimental/investigational for your condition.",
        "Determination: investigational; not covered.",
    ],
    "not_covered": [
        "{T} has been determined to be excluded from coverage under your plan.",
        "Determination: not a covered benefit.",
    ],
    "prior_auth": [
        "This claim has been denied because no prior authorization was on file.",
        "Determination: denied - authorization required and not obtained.",
    ],
    "out_of_network": [
        "This request has been denied as an out-of-network service.",
        "Determination: denied - provider not in network.",
    ],
    "step_therapy": [
        "The request for {T} has been denied under the plan's step therapy program.",
    ],
}

# Lead-ins of a bulleted list of clinical criteria that were not met, and the criteria.
CRITERIA_LEADS: dict[str, list[str]] = {
    "medical_necessity": [
        "{T} is not medically necessary because the following criteria were not met:",
        "The {CRIT} criteria for medical necessity require all of the following. The records "
        "sent to us did not show:",
        "Medical necessity criteria not met:",
    ],
    "step_therapy": [
        "Step therapy criteria not met. The plan requires:",
        "Before {T} can be covered, the plan's step therapy rules require the following, which "
        "were not documented:",
    ],
    "experimental": [
        "{T} is considered experimental or investigational for this use. The following were "
        "not shown:",
        "Criteria for coverage of an investigational service not met:",
    ],
    "quantity_limit": [
        "The quantity requested is over the plan's limit. To approve more than {LIMIT}, the "
        "plan requires:",
        "Quantity limit exception criteria not met:",
    ],
}
CRITERIA_BULLETS: dict[str, list[str]] = {
    "medical_necessity": [
        "Documentation of at least {N} weeks of conservative treatment that did not help",
        "Test or imaging results that support the diagnosis of {DX}",
        "Office notes showing symptoms that limit daily activities",
        "A treatment plan with measurable goals",
        "Evidence that a less intensive level of care would not be safe",
        "A recent exam by the treating specialist",
    ],
    "step_therapy": [
        "Trial and failure of {ALT1} for at least {N} weeks",
        "Trial and failure of, or a contraindication to, {ALT2}",
        "Documented intolerance to the preferred drug(s)",
        "Use of a formulary alternative within the last 120 days",
    ],
    "experimental": [
        "FDA approval for the requested indication",
        "Peer-reviewed evidence of improved health outcomes for {DX}",
        "Support in national clinical guidelines",
        "Enrollment in an approved clinical trial",
    ],
    "quantity_limit": [
        "A dose supported by the FDA-approved labeling",
        "Documentation that the dose cannot be reached within {LIMIT} per {DAYS} days",
        "Notes showing the lower quantity was tried and was not effective",
    ],
}
BULLETS = ("• ", "- ", "* ", "o ", "☐ ", "")  # "" = numbered
