"""Word lists the rule components match: payer brands, plan-type cues, denial-type cues, codes.

Everything here comes from ``../shared/domain/appeal-rights.md`` (section C for payers, section B for
the taxonomy and its CARC / NCPDP codes, section A for plan-type wording). It is data, not logic:
the components in ``components.py`` and the scorer in ``classify.py`` read it.
"""

from __future__ import annotations

# Canonical payer value (as the contract spells it) -> names printed on letterheads.
# Matching is case-insensitive on tokens. Longer aliases win over shorter ones in the same place.
PAYER_ALIASES: dict[str, tuple[str, ...]] = {
    "UnitedHealthcare": (
        "UnitedHealthcare",
        "United Healthcare",
        "United HealthCare Services",
        "UnitedHealth Group",
        "UnitedHealthcare Community Plan",
        "UnitedHealthcare Shared Services",
        "AARP Medicare Advantage",
        "UHC",
        "UMR",
        "Surest",
        "Optum",
    ),
    "OptumRx": ("OptumRx", "Optum Rx"),
    "Anthem": (
        "Anthem",
        "Anthem Blue Cross",
        "Anthem Blue Cross and Blue Shield",
        "Anthem BlueCross BlueShield",
        "Anthem HealthKeepers",
        "Empire BlueCross BlueShield",
        "Empire Blue Cross Blue Shield",
        "Elevance Health",
        "Wellpoint",
        "Carelon",
        "CarelonRx",
    ),
    "Aetna": ("Aetna", "Aetna Better Health", "Aetna Life Insurance Company", "Meritain Health"),
    "CVS Caremark": ("CVS Caremark", "Caremark"),
    "Cigna": ("Cigna", "Cigna Healthcare", "Cigna Health and Life Insurance Company", "Evernorth"),
    "Express Scripts": ("Express Scripts", "ESI", "Accredo"),
    "HCSC": (
        "Health Care Service Corporation",
        "HCSC",
        "Blue Cross and Blue Shield of Illinois",
        "Blue Cross and Blue Shield of Texas",
        "Blue Cross and Blue Shield of Montana",
        "Blue Cross and Blue Shield of New Mexico",
        "Blue Cross and Blue Shield of Oklahoma",
        "Blue Cross Blue Shield of Illinois",
        "Blue Cross Blue Shield of Texas",
        "BCBSIL",
        "BCBSTX",
        "BCBSMT",
        "BCBSNM",
        "BCBSOK",
    ),
    "Centene": (
        "Centene",
        "Ambetter",
        "WellCare",
        "Wellcare",
        "Health Net",
        "Fidelis Care",
        "Superior HealthPlan",
        "Sunshine Health",
        "Meridian",
        "Magellan",
    ),
    "Humana": (
        "Humana",
        "Humana Healthy Horizons",
        "Humana Pharmacy Solutions",
        "CenterWell",
        "Humana Military",
    ),
    "Kaiser Permanente": ("Kaiser Permanente", "Kaiser Foundation Health Plan", "Kaiser"),
    "Molina": ("Molina", "Molina Healthcare", "Molina Marketplace"),
    "Florida Blue": ("Florida Blue", "Blue Cross and Blue Shield of Florida"),
    "Blue Cross Blue Shield of Michigan": (
        "Blue Cross Blue Shield of Michigan",
        "Blue Cross and Blue Shield of Michigan",
        "BCBSM",
        "Blue Care Network",
    ),
    "Highmark": ("Highmark", "Highmark Blue Cross Blue Shield", "Highmark Blue Shield"),
    "Blue Shield of California": ("Blue Shield of California", "BlueShield of California"),
    "Regence": ("Regence", "Regence BlueShield", "Regence BlueCross BlueShield"),
    "Premera": ("Premera", "Premera Blue Cross"),
    "CareFirst": ("CareFirst", "CareFirst BlueCross BlueShield"),
    "Independence Blue Cross": ("Independence Blue Cross", "IBX"),
    "Medicare": (
        "Medicare",
        "Centers for Medicare & Medicaid Services",
        "Centers for Medicare and Medicaid Services",
        "Novitas Solutions",
        "Noridian",
        "Palmetto GBA",
        "National Government Services",
        "First Coast Service Options",
        "CGS Administrators",
        "Wisconsin Physicians Service",
    ),
    # Other national and regional plans, Medicare Advantage start-ups, FEHB carriers and TRICARE
    # contractors a clinic meets often (not in the fact sheet's section C: public brand names).
    "Oscar Health": ("Oscar Health", "Oscar", "Oscar Insurance Company", "Oscar Health Plan"),
    "Blue Cross and Blue Shield Service Benefit Plan": (
        "Blue Cross and Blue Shield Service Benefit Plan",
        "Federal Employee Program",
        "FEP Blue",
    ),
    "GEHA": ("GEHA", "Government Employees Health Association"),
    "MHBP": ("MHBP", "Mail Handlers Benefit Plan"),
    "NALC Health Benefit Plan": ("NALC Health Benefit Plan",),
    "APWU Health Plan": ("APWU Health Plan",),
    "TriWest Healthcare Alliance": ("TriWest Healthcare Alliance", "TriWest"),
    "Devoted Health": ("Devoted Health",),
    "Clover Health": ("Clover Health",),
    "Alignment Health": ("Alignment Health Plan", "Alignment Health"),
    "SCAN Health Plan": ("SCAN Health Plan",),
    "EmblemHealth": ("EmblemHealth", "Emblem Health"),
    "Point32Health": ("Point32Health", "Harvard Pilgrim Health Care", "Tufts Health Plan"),
    "Geisinger Health Plan": ("Geisinger Health Plan",),
    "UPMC Health Plan": ("UPMC Health Plan",),
    "Priority Health": ("Priority Health",),
    "HealthPartners": ("HealthPartners",),
    "Medica": ("Medica",),
    "SelectHealth": ("SelectHealth", "Select Health"),
    "CareSource": ("CareSource",),
    "AmeriHealth Caritas": ("AmeriHealth Caritas",),
    "L.A. Care Health Plan": ("L.A. Care Health Plan", "L.A. Care"),
    "Wellmark": ("Wellmark", "Wellmark Blue Cross and Blue Shield"),
    "Prime Therapeutics": ("Prime Therapeutics",),
    "MedImpact": ("MedImpact",),
}

# Names that administer a plan rather than insure it (a hint of a self-funded ERISA plan, A10).
ADMINISTRATORS: frozenset[str] = frozenset(
    {"UMR", "Meritain Health", "UnitedHealthcare Shared Services", "Surest"}
)
# Aliases too short or too common to trust alone (they need a payer-ish neighbour or letterhead).
WEAK_ALIASES: frozenset[str] = frozenset(
    {"ESI", "UHC", "IBX", "KAISER", "MERIDIAN", "OPTUM", "OSCAR", "MEDICA", "FEP BLUE"}
)
# Names every Medicare-related letter prints: a payer only when nothing more specific is there.
LOW_PRIORITY_ALIASES: dict[str, float] = {"MEDICARE": 0.5, "CENTERS FOR MEDICARE & MEDICAID SERVICES": 0.55}

# Plan-type cues: (regex, weight). Scored over the whole letter; the best plan wins.
PLAN_CUES: dict[str, tuple[tuple[str, float], ...]] = {
    "medicare_part_d": (
        (r"medicare prescription drug", 3.0),
        (r"\bpart d\b", 3.0),
        (r"coverage determination", 1.5),
        (r"notice of (denial|redetermination) of medicare prescription", 4.0),
        (r"prescription drug plan|\bpdp\b", 1.5),
        (r"\bmedicare\b[^.]{0,60}\bdrug (plan|coverage)", 2.0),
    ),
    "medicare_advantage": (
        (r"medicare advantage", 3.0),
        (r"notice of denial of (medical coverage|payment)", 4.0),
        (r"\bmedicare (health )?plan\b", 1.5),
        (r"organization determination", 2.0),
        (r"\bpart c\b", 2.0),
        (r"independent review entity", 1.0),
        (r"\b(hmo|ppo)[- ]?(d-?snp|snp)\b|\bd-?snp\b", 1.5),
        (r"medicare (hmo|ppo)\b", 2.0),
        (r"aarp medicare", 2.0),
    ),
    "original_medicare": (
        (r"medicare summary notice", 4.0),
        (r"medicare administrative contractor", 3.0),
        (r"qualified independent contractor", 2.0),
        (r"\b(noridian|novitas|palmetto gba|national government services|wisconsin physicians"
         r" service|first coast service options|cgs administrators)\b", 3.0),
        (r"original medicare|medicare part [ab]\b", 2.5),
    ),
    "medicaid_mco": (
        (r"\bmedicaid\b", 3.0),
        (r"\bchip\b|children'?s health insurance program", 2.0),
        (r"state fair hearing|fair hearing", 2.5),
        (r"notice of adverse benefit determination", 1.5),
        (r"continu(e|ation of) (your )?benefits", 1.0),
        (r"\b(medi-cal|masshealth|tenncare|soonercare|apple health|star\+?plus|healthchoice|"
         r"medallion|husky|badgercare|denali kidcare)\b", 3.0),
        (r"community plan", 1.0),
        (r"managed care (organization|plan)", 1.0),
    ),
    "fehb": (
        (r"federal employees?'? health benefits", 4.0),
        (r"\bfehb\b", 4.0),
        (r"office of personnel management|\bopm\b", 3.0),
        (r"5 c\.?f\.?r\.? (part )?890", 4.0),
        (r"federal employee program|\bfep\b", 3.0),
    ),
    "tricare": (
        (r"\btricare\b", 5.0),
        (r"defense health agency", 3.0),
        (r"humana military|triwest|health net federal services", 3.0),
    ),
    "erisa": (
        (r"\berisa\b", 3.0),
        (r"employee retirement income security act", 4.0),
        (r"(section|§) ?502\(a\)", 3.0),
        (r"summary plan description", 2.0),
        (r"(your|the) employer", 1.0),
        (r"employer[- ]sponsored|group health plan|self[- ]funded", 2.0),
        (r"plan administrator", 1.0),
        (r"administered by|third[- ]party administrator", 1.0),
    ),
    "aca_individual": (
        (r"health insurance marketplace|\bmarketplace\b", 2.5),
        (r"healthcare\.gov", 2.0),
        (r"individual (and family )?(health )?(plan|coverage|policy)", 2.0),
        (r"covered california|\bexchange plan\b", 2.5),
        (r"\b(bronze|silver|gold|platinum) (plan|level)\b", 1.5),
        (r"\bambetter\b", 2.0),
    ),
}

# Denial-type cues: (regex, weight), matched case-insensitively on sentences.
DENIAL_CUES: dict[str, tuple[tuple[str, float], ...]] = {
    "duplicate_therapy": (
        (r"duplicate (drug )?therap", 4.0),
        (r"therapeutic(al)? duplication|ingredient duplication", 4.0),
        (r"duplicat(e|es|ed|ive|ion of)\s+(?:[\w-]+\s+){0,4}(services?|treatments?|therap|care|benefits?|"
         r"medications?|drugs?)", 3.0),
        (r"(overlap|overlaps|overlapping) (with|in purpose)|same (therapeutic )?(drug )?class", 2.5),
        (r"(already|currently|concurrently) (receiving|taking|authorized|approved|prescribed)", 1.5),
        (r"two (or more )?(drugs|medications|ssris|snris|antipsychotics|agents) (from|in) the same", 3.0),
        (r"\bdur\b.{0,40}\b(td|id)\b|conflict code:? ?(td|id)\b", 2.0),
    ),
    "medical_necessity": (
        (r"not (deemed )?medically necessary|medical necessity", 3.0),
        (r"(does|did) not meet (the )?(plan'?s )?(clinical |medical )?(criteria|guidelines|policy)", 2.5),
        (r"\b(interqual|mcg|milliman)\b|clinical (policy|criteria|coverage guideline)", 1.0),
        (r"not (reasonable and|considered) necessary", 2.5),
        (r"(documentation|records|information) (provided |submitted )?(does|did) not (support|show)",
         2.0),
        (r"level of care|can be (safely )?provided in a (less|lower)", 1.5),
    ),
    "prior_auth": (
        (r"(no|without|lack of|absent|missing) (a |an )?(valid |approved )?"
         r"(prior |pre-?)?(authori[sz]ation|approval|precertification|pre-?certification)", 3.5),
        (r"(authori[sz]ation|precertification|pre-?certification|approval) (was|were) (not|never)"
         r" (obtained|requested|received|on file)", 3.5),
        (r"not (pre-?)?authori[sz]ed|authori[sz]ation (is )?required|requires? (prior )?authori[sz]",
         2.0),
        (r"exceed(s|ed)? (the )?(number of )?authori[sz]ed|authori[sz]ation (has )?expired", 3.0),
        (r"(prior authori[sz]ation|precertification|pre-?authori[sz]ation)", 0.5),
        (r"retro(active)? ?authori[sz]", 1.5),
    ),
    "step_therapy": (
        (r"step[- ]therapy|fail[- ]first", 4.0),
        (r"(try|tried|trial of|trials of|use of) (and fail(ed)? )?(at least )?(a |an |one |two |three |1 |2 |3 )?"
         r"(of )?(the )?(following )?(preferred|formulary|first-line|alternative|generic)", 3.0),
        (r"(have|has|had) (first )?(tried|used|failed)|first tried|previously tried|tried first", 2.0),
        (r"(tried|try) and fail", 3.0),
        (r"must (first )?(try|use|have tried)", 2.5),
        (r"first[- ]line (therapy|agent|treatment)|prior (trial|use) of", 1.5),
    ),
    "experimental": (
        (r"experimental|investigational", 4.0),
        (r"unproven|not (been )?(proven|shown) (to be )?(effective|safe)", 3.0),
        (r"not (fda[- ])?approved (by the fda )?for (this|the|your) (use|indication|condition|diagnosis)"
         r"|not fda[- ]approved|off[- ]label", 3.0),
        (r"insufficient (scientific |clinical |peer[- ]reviewed )?evidence|lack of (scientific |"
         r"clinical )?evidence|not (yet )?(generally )?accepted (standard|as standard)", 2.5),
        (r"clinical trial", 1.0),
    ),
    "non_formulary": (
        (r"non-?formulary", 4.0),
        (r"not (on|included on|listed on|part of|covered on) (the |our |your )?(plan'?s )?"
         r"(formulary|drug list|list of covered drugs|preferred drug list)", 4.0),
        (r"formulary exception", 2.0),
        (r"excluded from (the |our )?formulary|not a (formulary|covered) drug", 3.0),
    ),
    "quantity_limit": (
        (r"quantity (limit|limitation)", 4.0),
        (r"exceeds? (the )?(plan'?s |our )?(maximum |allowed )?(quantity|dose|dosage|daily|days'?"
         r" supply|visit|unit)", 3.0),
        (r"plan limitations exceeded|refill too soon|more than (the )?(allowed|maximum)", 3.0),
        (r"(benefit|visit) (maximum|limit)( has been)? (reached|met|exhausted)", 3.0),
        (r"maximum (quantity|dose|number of)", 2.0),
    ),
    "out_of_network": (
        (r"out[- ]of[- ]network", 4.0),
        (r"non-?participating|non-?contracted|not (a )?(participating|contracted|in-network)", 3.5),
        (r"not (in|part of) (the |our |your )?(plan'?s )?network", 3.5),
        (r"outside (of )?(the |your |our )?(plan'?s )?(network|service area)", 3.0),
        (r"(no|without a?|missing) referral|referral (was )?(not|absent)", 2.5),
    ),
    "not_covered": (
        (r"not a covered (benefit|service|item|expense)", 4.0),
        (r"(specifically )?excluded (under|by|from) (your|the|this) (plan|policy|benefit|contract|"
         r"coverage)", 4.0),
        (r"\bexclusions?\b", 1.0),
        (r"(plan|policy|benefit plan|medicare) does not (cover|provide|include|pay for)", 3.5),
        (r"excluded by law|not covered by (medicare|law)|statutorily excluded", 3.5),
        (r"not covered (under|by) (your|the) (plan|benefit|policy|contract)", 2.5),
        (r"\bcosmetic\b|\broutine (care|foot|eye|vision|hearing)", 2.5),
        (r"non-?covered (service|charge|benefit)", 2.5),
    ),
    "coding_billing": (
        (r"duplicate (claim|bill|submission)|previously (processed|paid|submitted|billed)", 4.0),
        (r"(invalid|incorrect|missing|inconsistent) (procedure |diagnosis |cpt |hcpcs |icd-?10 )?"
         r"(code|modifier|place of service|diagnosis)", 3.0),
        (r"(billing|coding|submission) error|claim lacks information|incomplete claim", 3.0),
        (r"included in (the )?(payment|allowance|reimbursement) for|bundled|\bncci\b|mutually exclusive",
         3.0),
        (r"corrected claim|resubmit the claim", 1.5),
        (r"inconsistent with the (modifier|procedure|diagnosis)", 3.0),
    ),
    "timely_filing": (
        (r"timely filing", 4.0),
        (r"(time limit|deadline|filing limit) for (filing|submitting|submission)|filing (limit|"
         r"deadline)", 3.5),
        (r"(received|submitted|filed) (after|beyond|past|outside) (the )?(\d+[- ]day )?(filing|time|"
         r"submission)", 3.5),
        (r"late (claim|filing|submission)", 2.5),
    ),
    "other": (
        (r"coverage (was |had )?(terminated|ended|lapsed)|not (eligible|enrolled)|eligibility", 2.0),
        (r"coordination of benefits|other (insurance|coverage) (is )?primary", 2.5),
        (r"cannot be identified as (our|a) (member|insured)", 3.0),
    ),
}

# CARC / NCPDP codes -> denial type (section B). Group codes (CO/PR/OA/PI/CR) are stripped first.
CARC_TO_DENIAL: dict[str, str] = {
    "50": "medical_necessity", "150": "medical_necessity", "151": "medical_necessity",
    "152": "medical_necessity", "167": "medical_necessity",
    "197": "prior_auth", "198": "prior_auth", "39": "prior_auth", "284": "prior_auth",
    "296": "prior_auth", "302": "prior_auth", "15": "prior_auth", "62": "prior_auth",
    "55": "experimental", "56": "experimental", "114": "experimental", "188": "experimental",
    "96": "not_covered", "204": "not_covered", "49": "not_covered", "46": "not_covered",
    "48": "not_covered", "272": "not_covered",
    "119": "quantity_limit", "35": "quantity_limit", "149": "quantity_limit", "273": "quantity_limit",
    "153": "quantity_limit", "154": "quantity_limit",
    "242": "out_of_network", "243": "out_of_network", "279": "out_of_network",
    "288": "out_of_network", "287": "out_of_network", "38": "out_of_network",
    "18": "coding_billing", "B13": "coding_billing", "97": "coding_billing",
    "234": "coding_billing", "236": "coding_billing", "231": "coding_billing",
    "16": "coding_billing", "226": "coding_billing", "252": "coding_billing", "4": "coding_billing",
    "11": "coding_billing", "146": "coding_billing", "181": "coding_billing",
    "182": "coding_billing", "5": "coding_billing", "58": "coding_billing", "189": "coding_billing",
    "29": "timely_filing",
    "27": "other", "26": "other", "31": "other", "200": "other", "177": "other", "22": "other",
    "109": "other", "B7": "other", "170": "other", "185": "other",
}
NCPDP_TO_DENIAL: dict[str, str] = {
    "75": "prior_auth", "70": "non_formulary", "76": "quantity_limit", "79": "quantity_limit",
    "88": "duplicate_therapy", "608": "step_therapy", "MR": "non_formulary",
}

# Labels that introduce a value, per field (regex alternatives, case-insensitive).
ID_LABELS: dict[str, str] = {
    "member_id": (
        r"(?:member|subscriber|enrollee|beneficiary|recipient|patient|insured|participant|medicaid|"
        r"medicare|identification|health plan|plan member|dod benefits|cardholder)\s*"
        r"(?:id|i\.d\.|[il1]d|identification|number|no\.?|#)(?:\s*(?:number|no\.?|#))?"
        r"|\bMBI\b|\bID\s*(?:number|no\.?|#)|member\s*#|(?:medical|health)\s+record\s+(?:number|no\.?|#)"
        # Commercial cards print "Policy Number" or "Certificate No." for the member's ID; a
        # clinical/medical/coverage/payment policy number is a guideline, not the member.
        r"|(?<!medical )(?<!clinical )(?<!coverage )(?<!payment )(?<!drug )(?<!reimbursement )"
        r"\bpolicy\s*(?:id|number|no\.?|#)|\bcertificate\s*(?:id|number|no\.?|#)"
        r"|(?:alternate|unique)\s+(?:member\s+)?id|\bCIN\b|\bHICN\b"
    ),
    "claim_id": (
        r"(?:claim|reference|ref\.?|case|authori[sz]ation|auth\.?|request|appeal|tracking|"
        r"determination|document control|review|prior auth(?:ori[sz]ation)?|pa|icn|dcn|ticket)\s*"
        r"(?:id|i\.d\.|[il1]d|number|no\.?|#|num\.?)(?:\s*(?:number|no\.?|#))?"
        r"|\bICN\b|\bDCN\b"
    ),
}
# Preference of claim-ish labels: a claim number beats a reference, which beats a case/auth number.
CLAIM_LABEL_RANK: tuple[tuple[str, float], ...] = (
    ("claim", 0.95),
    ("icn", 0.9),
    ("dcn", 0.9),
    ("document control", 0.9),
    ("reference", 0.85),
    ("ref", 0.85),
    ("case", 0.8),
    ("appeal", 0.75),
    ("determination", 0.8),
    ("tracking", 0.75),
    ("review", 0.75),
    ("request", 0.75),
    ("prior auth", 0.7),
    ("authori", 0.7),
    ("auth", 0.7),
    ("pa", 0.65),
    ("ticket", 0.6),
)
