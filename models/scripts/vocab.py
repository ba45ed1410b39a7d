"""Vocabulary of the training-corpus generator: payers, therapies, people, codes, plan cues.

Everything a generated letter is made of that is *data* lives here; how letters are composed is
in ``generate.py``. Names of people and practices are invented; payer brands, drugs, procedures,
CPT/HCPCS and CARC/NCPDP codes are real (section B and C of ``shared/domain/appeal-rights.md``),
because the model must learn the names it will really meet.
"""

from __future__ import annotations

from dataclasses import dataclass, field

P_ALL = ("erisa", "aca_individual", "medicare_advantage", "medicare_part_d", "medicaid_mco")
COMMERCIAL = ("erisa", "aca_individual")
MEDICARE = ("medicare_advantage", "medicare_part_d")


@dataclass(frozen=True)
class Payer:
    """One printed payer name, its canonical brand and the plan types it plausibly sells."""

    printed: str
    canonical: str
    plans: tuple[str, ...]
    pbm: bool = False
    id_style: str = "generic"
    short: tuple[str, ...] = ()  # shorter forms the letter body may use ("Cigna", "UHC")


def _p(printed: str, canonical: str | None, plans: tuple[str, ...], **kw: object) -> Payer:
    return Payer(printed, canonical or printed, plans, **kw)  # type: ignore[arg-type]


PAYERS: tuple[Payer, ...] = (
    # UnitedHealth Group
    _p("UnitedHealthcare", "UnitedHealthcare", P_ALL, id_style="uhc", short=("UnitedHealthcare",)),
    _p("United Healthcare", "UnitedHealthcare", COMMERCIAL, id_style="uhc"),
    _p("UnitedHealthcare Insurance Company", "UnitedHealthcare", COMMERCIAL, id_style="uhc",
       short=("UnitedHealthcare",)),
    _p("UnitedHealthcare of Texas, Inc.", "UnitedHealthcare", COMMERCIAL, id_style="uhc",
       short=("UnitedHealthcare",)),
    _p("UnitedHealthcare Community Plan", "UnitedHealthcare", ("medicaid_mco",),
       id_style="medicaid"),
    _p("AARP Medicare Advantage from UnitedHealthcare", "UnitedHealthcare",
       ("medicare_advantage",), id_style="uhc", short=("UnitedHealthcare",)),
    _p("AARP Medicare Rx from UnitedHealthcare", "UnitedHealthcare", ("medicare_part_d",),
       id_style="uhc"),
    _p("UMR", "UnitedHealthcare", ("erisa",), id_style="uhc"),
    _p("UnitedHealthcare Shared Services", "UnitedHealthcare", ("erisa",), id_style="uhc"),
    _p("Surest", "UnitedHealthcare", ("erisa",), id_style="uhc"),
    _p("OptumRx", "OptumRx", ("erisa", "aca_individual", "medicare_part_d"), pbm=True,
       id_style="pbm"),
    _p("Optum Rx", "OptumRx", ("erisa", "medicare_part_d"), pbm=True, id_style="pbm"),
    # Elevance
    _p("Anthem Blue Cross and Blue Shield", "Anthem", ("erisa", "aca_individual",
       "medicare_advantage", "fehb"), id_style="bcbs", short=("Anthem",)),
    _p("Anthem Blue Cross", "Anthem", ("erisa", "aca_individual", "medicaid_mco"),
       id_style="bcbs", short=("Anthem",)),
    _p("Anthem HealthKeepers", "Anthem", ("medicaid_mco", "erisa"), id_style="bcbs"),
    _p("Empire BlueCross BlueShield", "Anthem", ("erisa", "aca_individual"), id_style="bcbs",
       short=("Empire",)),
    _p("Wellpoint", "Anthem", ("medicaid_mco", "medicare_advantage"), id_style="bcbs"),
    _p("CarelonRx", "Anthem", ("erisa", "medicaid_mco"), pbm=True, id_style="pbm"),
    # CVS Health
    _p("Aetna", "Aetna", ("erisa", "aca_individual", "medicare_advantage", "fehb"),
       id_style="aetna"),
    _p("Aetna Life Insurance Company", "Aetna", ("erisa",), id_style="aetna", short=("Aetna",)),
    _p("Aetna Better Health of Ohio", "Aetna", ("medicaid_mco",), id_style="medicaid",
       short=("Aetna Better Health",)),
    _p("Aetna Better Health of Virginia", "Aetna", ("medicaid_mco",), id_style="medicaid",
       short=("Aetna Better Health",)),
    _p("Aetna Medicare", "Aetna", ("medicare_advantage", "medicare_part_d"), id_style="aetna",
       short=("Aetna",)),
    _p("Meritain Health", "Aetna", ("erisa",), id_style="generic"),
    _p("CVS Caremark", "CVS Caremark", ("erisa", "aca_individual", "medicare_part_d", "fehb"),
       pbm=True, id_style="pbm", short=("Caremark",)),
    _p("SilverScript", "CVS Caremark", ("medicare_part_d",), pbm=True, id_style="pbm"),
    # Cigna group
    _p("Cigna Healthcare", "Cigna", ("erisa", "aca_individual"), id_style="cigna",
       short=("Cigna",)),
    _p("Cigna", "Cigna", ("erisa", "aca_individual"), id_style="cigna"),
    _p("Cigna Healthcare of Texas, Inc.", "Cigna", ("erisa",), id_style="cigna",
       short=("Cigna",)),
    _p("Cigna Health and Life Insurance Company", "Cigna", ("erisa", "aca_individual"),
       id_style="cigna", short=("Cigna",)),
    _p("Express Scripts", "Express Scripts", ("erisa", "tricare", "fehb", "medicare_part_d"),
       pbm=True, id_style="pbm"),
    _p("Express Scripts, Inc.", "Express Scripts", ("erisa", "tricare"), pbm=True,
       id_style="pbm", short=("Express Scripts",)),
    _p("Accredo", "Express Scripts", ("erisa",), pbm=True, id_style="pbm"),
    # HCSC
    _p("Blue Cross and Blue Shield of Texas", "HCSC", ("erisa", "aca_individual",
       "medicaid_mco", "medicare_advantage", "fehb"), id_style="bcbs", short=("BCBSTX",)),
    _p("Blue Cross and Blue Shield of Illinois", "HCSC", ("erisa", "aca_individual",
       "medicaid_mco", "fehb"), id_style="bcbs", short=("BCBSIL",)),
    _p("Blue Cross and Blue Shield of Oklahoma", "HCSC", ("erisa", "aca_individual"),
       id_style="bcbs"),
    _p("Blue Cross and Blue Shield of New Mexico", "HCSC", ("erisa", "aca_individual",
       "medicaid_mco"), id_style="bcbs"),
    _p("Blue Cross and Blue Shield of Montana", "HCSC", ("erisa", "aca_individual"),
       id_style="bcbs"),
    # Centene
    _p("Ambetter from Superior HealthPlan", "Centene", ("aca_individual",), id_style="generic",
       short=("Ambetter",)),
    _p("Ambetter Health", "Centene", ("aca_individual",), id_style="generic", short=("Ambetter",)),
    _p("Ambetter from Sunshine Health", "Centene", ("aca_individual",), id_style="generic"),
    _p("WellCare", "Centene", ("medicare_advantage", "medicare_part_d"), id_style="generic"),
    _p("Wellcare by Allwell", "Centene", ("medicare_advantage",), id_style="generic",
       short=("Wellcare",)),
    _p("Health Net", "Centene", ("medicaid_mco", "medicare_advantage", "aca_individual"),
       id_style="generic"),
    _p("Health Net of California, Inc.", "Centene", ("aca_individual", "erisa"),
       id_style="generic", short=("Health Net",)),
    _p("Fidelis Care", "Centene", ("medicaid_mco", "aca_individual"), id_style="medicaid"),
    _p("Superior HealthPlan", "Centene", ("medicaid_mco",), id_style="medicaid"),
    _p("Sunshine Health", "Centene", ("medicaid_mco",), id_style="medicaid"),
    _p("Meridian Health Plan of Michigan", "Centene", ("medicaid_mco",), id_style="medicaid",
       short=("Meridian",)),
    # Humana
    _p("Humana", "Humana", ("medicare_advantage", "medicare_part_d", "medicaid_mco"),
       id_style="humana"),
    _p("Humana Inc.", "Humana", ("medicare_advantage", "medicare_part_d"), id_style="humana",
       short=("Humana",)),
    _p("Humana Healthy Horizons in Kentucky", "Humana", ("medicaid_mco",), id_style="medicaid",
       short=("Humana Healthy Horizons",)),
    _p("Humana Pharmacy Solutions", "Humana", ("medicare_part_d",), pbm=True, id_style="humana"),
    _p("Humana Military", "Humana", ("tricare",), id_style="tricare"),
    # Kaiser
    _p("Kaiser Permanente", "Kaiser Permanente", ("erisa", "aca_individual",
       "medicare_advantage", "medicaid_mco", "fehb"), id_style="kaiser"),
    _p("Kaiser Foundation Health Plan, Inc.", "Kaiser Permanente", ("erisa", "aca_individual"),
       id_style="kaiser", short=("Kaiser Permanente",)),
    _p("Kaiser Foundation Health Plan of the Northwest", "Kaiser Permanente",
       ("erisa", "medicare_advantage"), id_style="kaiser"),
    # Molina
    _p("Molina Healthcare of California", "Molina", ("medicaid_mco", "aca_individual"),
       id_style="medicaid", short=("Molina Healthcare", "Molina")),
    _p("Molina Healthcare of Texas", "Molina", ("medicaid_mco",), id_style="medicaid",
       short=("Molina",)),
    _p("Molina Healthcare", "Molina", ("medicaid_mco", "medicare_advantage"), id_style="medicaid"),
    _p("Molina Marketplace", "Molina", ("aca_individual",), id_style="generic"),
    # Other Blues
    _p("Florida Blue", "Florida Blue", ("erisa", "aca_individual", "medicare_advantage"),
       id_style="bcbs"),
    _p("Blue Cross and Blue Shield of Florida", "Florida Blue", ("erisa",), id_style="bcbs"),
    _p("Blue Cross Blue Shield of Michigan", "Blue Cross Blue Shield of Michigan",
       ("erisa", "aca_individual", "medicare_advantage", "fehb"), id_style="bcbs",
       short=("BCBSM",)),
    _p("Blue Care Network", "Blue Cross Blue Shield of Michigan", ("erisa", "aca_individual"),
       id_style="bcbs"),
    _p("Highmark Blue Cross Blue Shield", "Highmark", ("erisa", "aca_individual",
       "medicare_advantage"), id_style="bcbs", short=("Highmark",)),
    _p("Highmark Inc.", "Highmark", ("erisa",), id_style="bcbs", short=("Highmark",)),
    _p("Blue Shield of California", "Blue Shield of California", ("erisa", "aca_individual",
       "medicare_advantage", "medicaid_mco"), id_style="bcbs"),
    _p("Regence BlueShield", "Regence", ("erisa", "aca_individual"), id_style="bcbs"),
    _p("Regence BlueCross BlueShield of Oregon", "Regence", ("erisa", "aca_individual"),
       id_style="bcbs", short=("Regence",)),
    _p("Premera Blue Cross", "Premera", ("erisa", "aca_individual"), id_style="bcbs",
       short=("Premera",)),
    _p("CareFirst BlueCross BlueShield", "CareFirst", ("erisa", "aca_individual", "fehb"),
       id_style="bcbs", short=("CareFirst",)),
    _p("Independence Blue Cross", "Independence Blue Cross", ("erisa", "aca_individual",
       "medicare_advantage"), id_style="bcbs"),
    _p("Prime Therapeutics", "Prime Therapeutics", ("erisa", "aca_individual"), pbm=True,
       id_style="pbm"),
    _p("MedImpact Healthcare Systems, Inc.", "MedImpact", ("erisa", "medicaid_mco"), pbm=True,
       id_style="pbm", short=("MedImpact",)),
    # Brands the domain sheet does not list: their printed name is their value.
    _p("Oscar Health", None, ("aca_individual",), id_style="generic"),
    _p("Priority Health", None, ("erisa", "aca_individual", "medicare_advantage",
       "medicaid_mco")),
    _p("Geisinger Health Plan", None, ("erisa", "medicaid_mco", "medicare_advantage")),
    _p("Harvard Pilgrim Health Care", None, ("erisa", "aca_individual")),
    _p("Tufts Health Plan", None, ("erisa", "medicaid_mco", "medicare_advantage")),
    _p("Medica", None, ("erisa", "aca_individual", "medicare_advantage")),
    _p("HealthPartners", None, ("erisa", "aca_individual")),
    _p("SelectHealth", None, ("erisa", "aca_individual", "medicaid_mco")),
    _p("EmblemHealth", None, ("erisa", "medicare_advantage", "medicaid_mco")),
    _p("MVP Health Care", None, ("erisa", "aca_individual", "medicaid_mco")),
    _p("CareSource", None, ("medicaid_mco", "aca_individual")),
    _p("AmeriHealth Caritas Pennsylvania", None, ("medicaid_mco",), id_style="medicaid"),
    _p("UPMC Health Plan", None, ("erisa", "medicaid_mco", "medicare_advantage")),
    _p("Devoted Health", None, ("medicare_advantage",)),
    _p("Alignment Health Plan", None, ("medicare_advantage",)),
    _p("SCAN Health Plan", None, ("medicare_advantage",)),
    _p("Clover Health", None, ("medicare_advantage",)),
    _p("Wellmark Blue Cross and Blue Shield", None, ("erisa", "aca_individual")),
    _p("Excellus BlueCross BlueShield", None, ("erisa", "aca_individual")),
    _p("Capital Blue Cross", None, ("erisa", "medicare_advantage")),
    _p("Sentara Health Plans", None, ("erisa", "medicaid_mco")),
    _p("Paramount Health Care", None, ("erisa", "medicare_advantage")),
    _p("Baylor Scott & White Health Plan", None, ("erisa", "aca_individual")),
    _p("GEHA", None, ("fehb",)),
    _p("Mail Handlers Benefit Plan", None, ("fehb",)),
    _p("NALC Health Benefit Plan", None, ("fehb",)),
    _p("Foreign Service Benefit Plan", None, ("fehb",)),
    _p("TriWest Healthcare Alliance", None, ("tricare",), id_style="tricare"),
    _p("Noridian Healthcare Solutions", "Medicare", ("original_medicare",), id_style="mbi"),
    _p("Novitas Solutions", "Medicare", ("original_medicare",), id_style="mbi"),
    _p("Palmetto GBA", "Medicare", ("original_medicare",), id_style="mbi"),
    _p("National Government Services", "Medicare", ("original_medicare",), id_style="mbi"),
    _p("First Coast Service Options", "Medicare", ("original_medicare",), id_style="mbi"),
    _p("CGS Administrators", "Medicare", ("original_medicare",), id_style="mbi"),
    _p("WPS Government Health Administrators", "Medicare", ("original_medicare",), id_style="mbi"),
)


@dataclass(frozen=True)
class Therapy:
    """A drug, procedure, device or therapy, with the codes and alternatives a letter names."""

    names: tuple[str, ...]  # printed forms; the first is the fullest
    kind: str  # drug | procedure | dme | therapy | admission
    drug_class: str = ""
    code: str = ""  # CPT / HCPCS for services
    alternatives: tuple[str, ...] = ()
    specialty: str = "internal medicine"
    tags: tuple[str, ...] = field(default_factory=tuple)


def _d(names: str, cls: str, alts: str = "", spec: str = "internal medicine",
       tags: str = "") -> Therapy:
    return Therapy(tuple(names.split("|")), "drug", cls, "", tuple(a for a in alts.split("|") if a),
                   spec, tuple(t for t in tags.split(",") if t))


def _s(names: str, kind: str, code: str, spec: str = "internal medicine",
       tags: str = "") -> Therapy:
    return Therapy(tuple(names.split("|")), kind, "", code, (), spec,
                   tuple(t for t in tags.split(",") if t))


DRUGS: tuple[Therapy, ...] = (
    _d("UBRELVY 100 MG TABLET|Ubrelvy 100 mg tablets|Ubrelvy (ubrogepant)|ubrogepant", "cgrp",
       "sumatriptan|rizatriptan|eletriptan", "neurology", "ql"),
    _d("Nurtec ODT 75 mg|NURTEC ODT 75MG TAB|rimegepant", "cgrp", "sumatriptan|rizatriptan",
       "neurology", "ql"),
    _d("Aimovig 70 mg/mL autoinjector|AIMOVIG 70MG/ML SURECLICK|erenumab-aooe", "cgrp_mab",
       "topiramate|propranolol|amitriptyline", "neurology"),
    _d("Ajovy 225 mg/1.5 mL prefilled syringe|AJOVY|fremanezumab-vfrm", "cgrp_mab",
       "topiramate|propranolol|divalproex", "neurology"),
    _d("Emgality 120 mg/mL pen|EMGALITY PEN 120MG/ML|galcanezumab-gnlm", "cgrp_mab",
       "topiramate|propranolol", "neurology"),
    _d("Qulipta 60 mg tablet|QULIPTA 60MG TAB|atogepant", "cgrp", "topiramate|propranolol",
       "neurology"),
    _d("Humira Pen 40 mg/0.4 mL|HUMIRA(CF) PEN 40MG/0.4ML|adalimumab", "tnf",
       "methotrexate|sulfasalazine|hydroxychloroquine", "rheumatology", "biosim"),
    _d("Enbrel SureClick 50 mg/mL|ENBREL 50MG/ML SURECLICK|etanercept", "tnf",
       "methotrexate|leflunomide", "rheumatology"),
    _d("Stelara 90 mg/mL prefilled syringe|STELARA 90MG/ML|ustekinumab", "il",
       "adalimumab-adaz (Hyrimoz)|methotrexate", "dermatology"),
    _d("Skyrizi 150 mg/mL pen|SKYRIZI PEN 150MG/ML|risankizumab-rzaa", "il",
       "adalimumab|methotrexate|cyclosporine", "dermatology"),
    _d("Rinvoq 15 mg extended-release tablet|RINVOQ ER 15MG TAB|upadacitinib", "jak",
       "adalimumab|etanercept", "rheumatology"),
    _d("Xeljanz 5 mg tablet|XELJANZ 5MG TAB|tofacitinib", "jak", "adalimumab|methotrexate",
       "rheumatology"),
    _d("Otezla 30 mg tablet|OTEZLA 30MG TAB|apremilast", "pde4",
       "methotrexate|topical corticosteroids", "dermatology"),
    _d("Dupixent 300 mg/2 mL pen|DUPIXENT 300MG/2ML PEN|dupilumab", "il",
       "topical corticosteroids|tacrolimus ointment", "dermatology"),
    _d("Ozempic 1 mg/dose pen|OZEMPIC 2MG/3ML PEN|semaglutide injection", "glp1",
       "metformin|glipizide", "endocrinology", "ql"),
    _d("Wegovy 2.4 mg/0.75 mL pen|WEGOVY 2.4MG/0.75ML|semaglutide (Wegovy)", "glp1_weight",
       "phentermine|orlistat", "endocrinology", "excluded"),
    _d("Mounjaro 5 mg/0.5 mL pen|MOUNJARO 5MG/0.5ML|tirzepatide", "glp1",
       "metformin|glipizide|Trulicity", "endocrinology"),
    _d("Zepbound 10 mg/0.5 mL|ZEPBOUND 10MG/0.5ML|tirzepatide (Zepbound)", "glp1_weight",
       "phentermine", "endocrinology", "excluded"),
    _d("Trulicity 1.5 mg/0.5 mL pen|TRULICITY 1.5MG/0.5ML|dulaglutide", "glp1",
       "metformin|glimepiride", "endocrinology"),
    _d("Jardiance 10 mg tablet|JARDIANCE 10MG TAB|empagliflozin", "sglt2",
       "metformin|glipizide", "endocrinology"),
    _d("Farxiga 10 mg tablet|FARXIGA 10MG TAB|dapagliflozin", "sglt2", "metformin",
       "endocrinology"),
    _d("Eliquis 5 mg tablet|ELIQUIS 5MG TAB|apixaban", "doac", "warfarin", "cardiology"),
    _d("Xarelto 20 mg tablet|XARELTO 20MG TAB|rivaroxaban", "doac", "warfarin", "cardiology"),
    _d("Entresto 49-51 mg tablet|ENTRESTO 49-51MG TAB|sacubitril/valsartan", "arni",
       "lisinopril|losartan", "cardiology"),
    _d("Repatha SureClick 140 mg/mL|REPATHA 140MG/ML SURECLICK|evolocumab", "pcsk9",
       "atorvastatin|rosuvastatin|ezetimibe", "cardiology"),
    _d("Praluent 75 mg/mL pen|PRALUENT 75MG/ML PEN|alirocumab", "pcsk9",
       "atorvastatin|rosuvastatin|ezetimibe", "cardiology"),
    _d("Nexletol 180 mg tablet|NEXLETOL 180MG TAB|bempedoic acid", "lipid",
       "atorvastatin|ezetimibe", "cardiology"),
    _d("Vyvanse 30 mg capsule|VYVANSE 30MG CAP|lisdexamfetamine dimesylate", "stimulant",
       "methylphenidate ER|amphetamine salts", "psychiatry", "ql"),
    _d("Concerta 36 mg ER tablet|CONCERTA 36MG TAB|methylphenidate ER 36 mg", "stimulant",
       "methylphenidate IR", "psychiatry"),
    _d("Adderall XR 20 mg capsule|AMPHETAMINE SALTS ER 20MG|dextroamphetamine-amphetamine ER",
       "stimulant", "methylphenidate", "psychiatry"),
    _d("sertraline 100 mg tablet|SERTRALINE HCL 100MG TAB|Zoloft 100 mg", "ssri", "",
       "psychiatry"),
    _d("escitalopram 10 mg tablet|ESCITALOPRAM 10MG TAB|Lexapro 10 mg", "ssri", "",
       "psychiatry"),
    _d("fluoxetine 40 mg capsule|FLUOXETINE HCL 40MG CAP|Prozac 40 mg", "ssri", "",
       "psychiatry"),
    _d("paroxetine 20 mg tablet|PAROXETINE HCL 20MG TAB", "ssri", "", "psychiatry"),
    _d("citalopram 20 mg tablet|CITALOPRAM HBR 20MG TAB", "ssri", "", "psychiatry"),
    _d("Trintellix 10 mg tablet|TRINTELLIX 10MG TAB|vortioxetine", "ssri_like",
       "sertraline|escitalopram|bupropion", "psychiatry"),
    _d("Auvelity 45-105 mg ER tablet|AUVELITY ER 45-105MG|dextromethorphan-bupropion", "antidep",
       "sertraline|escitalopram|bupropion XL", "psychiatry"),
    _d("Rexulti 2 mg tablet|REXULTI 2MG TAB|brexpiprazole", "antipsychotic",
       "aripiprazole|quetiapine", "psychiatry"),
    _d("Vraylar 3 mg capsule|VRAYLAR 3MG CAP|cariprazine", "antipsychotic",
       "aripiprazole|risperidone|olanzapine", "psychiatry"),
    _d("quetiapine 200 mg tablet|QUETIAPINE FUMARATE 200MG TAB|Seroquel 200 mg", "antipsychotic",
       "", "psychiatry"),
    _d("olanzapine 10 mg tablet|OLANZAPINE 10MG TAB", "antipsychotic", "", "psychiatry"),
    _d("risperidone 2 mg tablet|RISPERIDONE 2MG TAB", "antipsychotic", "", "psychiatry"),
    _d("Invega Sustenna 156 mg/mL|INVEGA SUSTENNA 156MG/ML|paliperidone palmitate",
       "antipsychotic", "risperidone|aripiprazole", "psychiatry"),
    _d("alprazolam 1 mg tablet|ALPRAZOLAM 1MG TAB", "benzo", "", "psychiatry", "ql"),
    _d("clonazepam 0.5 mg tablet|CLONAZEPAM 0.5MG TAB", "benzo", "", "psychiatry"),
    _d("lorazepam 1 mg tablet|LORAZEPAM 1MG TAB", "benzo", "", "psychiatry"),
    _d("oxycodone ER 20 mg tablet|OXYCODONE HCL ER 20MG TAB|OxyContin 20 mg", "opioid_la", "",
       "pain medicine", "ql"),
    _d("morphine sulfate ER 30 mg tablet|MORPHINE SULF ER 30MG TAB", "opioid_la", "",
       "pain medicine", "ql"),
    _d("oxycodone-acetaminophen 10-325 mg|OXYCODONE-APAP 10-325MG TAB|Percocet 10/325",
       "opioid", "", "pain medicine", "ql"),
    _d("zolpidem 10 mg tablet|ZOLPIDEM TARTRATE 10MG TAB|Ambien 10 mg", "hypnotic", "",
       "sleep medicine", "ql"),
    _d("sumatriptan 100 mg tablet|SUMATRIPTAN SUCC 100MG TAB|Imitrex 100 mg", "triptan", "",
       "neurology", "ql"),
    _d("omeprazole 40 mg capsule|OMEPRAZOLE DR 40MG CAP", "ppi", "", "gastroenterology"),
    _d("pantoprazole 40 mg tablet|PANTOPRAZOLE SOD DR 40MG TAB", "ppi", "", "gastroenterology"),
    _d("Dexilant 60 mg capsule|DEXILANT DR 60MG CAP|dexlansoprazole", "ppi",
       "omeprazole|pantoprazole", "gastroenterology"),
    _d("Lyrica 75 mg capsule|LYRICA 75MG CAP|pregabalin", "gabapentinoid",
       "gabapentin|duloxetine", "neurology"),
    _d("Lidoderm 5% patch|LIDOCAINE 5% PATCH|lidocaine 5% topical patch", "topical",
       "diclofenac gel", "pain medicine", "ql"),
    _d("Xifaxan 550 mg tablet|XIFAXAN 550MG TAB|rifaximin", "antibiotic", "lactulose",
       "gastroenterology"),
    _d("Linzess 145 mcg capsule|LINZESS 145MCG CAP|linaclotide", "gi",
       "polyethylene glycol|lactulose", "gastroenterology"),
    _d("Xiidra 5% eye drops|XIIDRA 5% OPHTH SOLN|lifitegrast", "dry_eye",
       "cyclosporine 0.05% (Restasis)|artificial tears", "ophthalmology"),
    _d("Eylea 2 mg intravitreal injection|EYLEA 2MG/0.05ML|aflibercept", "antivegf",
       "bevacizumab (Avastin)", "ophthalmology"),
    _d("Prolia 60 mg/mL syringe|PROLIA 60MG/ML|denosumab", "bone", "alendronate|risedronate",
       "endocrinology"),
    _d("Forteo 600 mcg/2.4 mL pen|FORTEO|teriparatide", "bone", "alendronate|zoledronic acid",
       "endocrinology"),
    _d("Lantus SoloStar 100 units/mL|LANTUS SOLOSTAR 100U/ML|insulin glargine", "basal_insulin",
       "Basaglar|Semglee", "endocrinology"),
    _d("Tresiba FlexTouch 100 units/mL|TRESIBA 100U/ML FLEXTOUCH|insulin degludec",
       "basal_insulin", "insulin glargine-yfgn|Basaglar", "endocrinology"),
    _d("Trelegy Ellipta 100-62.5-25 mcg|TRELEGY ELLIPTA 100-62.5-25|fluticasone/umeclidinium/"
       "vilanterol", "inhaler", "Breo Ellipta|Spiriva", "pulmonology"),
    _d("Symbicort 160/4.5 mcg inhaler|SYMBICORT 160-4.5MCG|budesonide/formoterol", "inhaler",
       "Advair Diskus|Wixela Inhub", "pulmonology"),
    _d("Xolair 150 mg/mL syringe|XOLAIR 150MG/ML|omalizumab", "il",
       "high-dose inhaled corticosteroid plus LABA", "pulmonology"),
    _d("Nucala 100 mg/mL autoinjector|NUCALA 100MG/ML|mepolizumab", "il",
       "Fasenra|inhaled corticosteroid plus LABA", "pulmonology"),
    _d("Biktarvy 50-200-25 mg tablet|BIKTARVY 50-200-25MG TAB", "hiv", "", "infectious disease"),
    _d("Mavyret 100-40 mg tablet|MAVYRET 100-40MG TAB|glecaprevir/pibrentasvir", "hcv",
       "Epclusa|sofosbuvir/velpatasvir", "gastroenterology"),
    _d("Ibrance 125 mg capsule|IBRANCE 125MG CAP|palbociclib", "onc", "", "oncology"),
    _d("Xtandi 40 mg capsule|XTANDI 40MG CAP|enzalutamide", "onc", "abiraterone", "oncology"),
    _d("Keytruda 200 mg IV infusion|pembrolizumab (Keytruda)|KEYTRUDA 100MG/4ML", "onc_io", "",
       "oncology", "offlabel"),
    _d("Leqembi 500 mg/5 mL infusion|LEQEMBI|lecanemab-irmb", "amyloid", "", "neurology",
       "offlabel"),
    _d("Ocrevus 300 mg/10 mL infusion|OCREVUS|ocrelizumab", "ms", "glatiramer|dimethyl fumarate",
       "neurology"),
    _d("Kesimpta 20 mg/0.4 mL pen|KESIMPTA SENSOREADY PEN|ofatumumab", "ms",
       "glatiramer acetate|teriflunomide", "neurology"),
    _d("Ingrezza 80 mg capsule|INGREZZA 80MG CAP|valbenazine", "vmat2", "", "neurology"),
    _d("Austedo XR 24 mg tablet|AUSTEDO XR 24MG TAB|deutetrabenazine", "vmat2",
       "tetrabenazine", "neurology"),
    _d("Suboxone 8 mg-2 mg sublingual film|BUPRENORPHINE-NALOXONE 8-2MG FILM", "oud", "",
       "addiction medicine", "ql"),
    _d("Sublocade 300 mg/1.5 mL|SUBLOCADE|buprenorphine extended-release injection", "oud",
       "buprenorphine-naloxone film", "addiction medicine"),
    _d("testosterone cypionate 200 mg/mL vial|TESTOSTERONE CYP 200MG/ML", "androgen",
       "", "urology", "ql"),
    _d("Androgel 1.62% gel pump|ANDROGEL 1.62% PUMP|testosterone gel", "androgen",
       "testosterone cypionate injection", "urology"),
    _d("sildenafil 100 mg tablet|SILDENAFIL 100MG TAB|Viagra 100 mg", "pde5", "", "urology",
       "excluded,ql"),
    _d("Saxenda 3 mg/0.5 mL pen|SAXENDA 18MG/3ML|liraglutide (Saxenda)", "glp1_weight",
       "phentermine", "endocrinology", "excluded"),
    _d("Genotropin 5 mg cartridge|GENOTROPIN 5MG|somatropin", "gh", "Omnitrope|Norditropin",
       "pediatric endocrinology"),
    _d("Synagis 100 mg/mL vial|SYNAGIS|palivizumab", "rsv", "", "pediatrics"),
    _d("Botox 200 units (onabotulinumtoxinA)|BOTOX 200 UNIT VIAL|onabotulinumtoxinA",
       "toxin", "topiramate|propranolol|amitriptyline", "neurology"),
    _d("Jynarque 45 mg/15 mg tablets|JYNARQUE|tolvaptan", "pkd", "", "nephrology"),
    _d("Gattex 5 mg kit|GATTEX 5MG KIT|teduglutide", "gi", "", "gastroenterology"),
    _d("compounded ketoprofen 10% cream|COMPOUND KETOPROFEN 10% CRM", "compound",
       "diclofenac 1% gel", "pain medicine", "excluded"),
    _d("Spravato 56 mg nasal spray|SPRAVATO 56MG DOSE KIT|esketamine", "antidep",
       "two oral antidepressants", "psychiatry"),
    _d("Zepatier 50-100 mg tablet|ZEPATIER|elbasvir/grazoprevir", "hcv", "Mavyret",
       "gastroenterology"),
    _d("Tremfya 100 mg/mL pen|TREMFYA 100MG/ML|guselkumab", "il", "adalimumab|methotrexate",
       "dermatology"),
    _d("Cosentyx 150 mg/mL Sensoready pen|COSENTYX 150MG/ML|secukinumab", "il",
       "adalimumab|etanercept", "rheumatology"),
    _d("Lokelma 10 g packet|LOKELMA 10G PACKET|sodium zirconium cyclosilicate", "potassium",
       "sodium polystyrene sulfonate", "nephrology"),
)

SERVICES: tuple[Therapy, ...] = (
    _s("MRI of the lumbar spine without contrast|MRI lumbar spine w/o contrast|lumbar spine MRI",
       "procedure", "72148", "radiology", "imaging"),
    _s("MRI of the brain with and without contrast|MRI BRAIN W/WO CONTRAST|brain MRI",
       "procedure", "70553", "radiology", "imaging"),
    _s("CT of the abdomen and pelvis with contrast|CT ABD/PELVIS W CONTRAST", "procedure",
       "74177", "radiology", "imaging"),
    _s("PET/CT skull base to mid-thigh|PET-CT scan|PET/CT imaging", "procedure", "78815",
       "oncology", "imaging"),
    _s("coronary CT angiography|CT ANGIOGRAPHY HEART CORONARY", "procedure", "75574",
       "cardiology", "imaging"),
    _s("cardiac MRI|MRI heart w/o and with contrast", "procedure", "75561", "cardiology",
       "imaging"),
    _s("total knee arthroplasty|TOTAL KNEE ARTHROPLASTY|right total knee replacement",
       "procedure", "27447", "orthopedic surgery", "surgery"),
    _s("total hip arthroplasty|left total hip replacement", "procedure", "27130",
       "orthopedic surgery", "surgery"),
    _s("arthroscopic partial medial meniscectomy|knee arthroscopy with meniscectomy",
       "procedure", "29881", "orthopedic surgery", "surgery"),
    _s("lumbar spinal fusion L4-L5|posterior lumbar interbody fusion", "procedure", "22630",
       "neurosurgery", "surgery"),
    _s("anterior cervical discectomy and fusion|ACDF C5-C6", "procedure", "22551",
       "neurosurgery", "surgery"),
    _s("spinal cord stimulator trial|SPINAL CORD STIMULATOR TRIAL", "procedure", "63650",
       "pain medicine", "surgery"),
    _s("lumbar epidural steroid injection|transforaminal epidural steroid injection L5-S1",
       "procedure", "64483", "pain medicine"),
    _s("radiofrequency ablation of the lumbar facet joints|lumbar facet RF ablation",
       "procedure", "64635", "pain medicine"),
    _s("sacroiliac joint fusion|SI joint fusion (iFuse)", "procedure", "27279",
       "orthopedic surgery", "surgery,experimental"),
    _s("laparoscopic sleeve gastrectomy|sleeve gastrectomy|bariatric surgery (sleeve "
       "gastrectomy)", "procedure", "43775", "bariatric surgery", "surgery"),
    _s("Roux-en-Y gastric bypass|laparoscopic gastric bypass", "procedure", "43644",
       "bariatric surgery", "surgery"),
    _s("septoplasty|nasal septoplasty", "procedure", "30520", "otolaryngology", "surgery"),
    _s("rhinoplasty|RHINOPLASTY PRIMARY", "procedure", "30400", "plastic surgery",
       "surgery,cosmetic"),
    _s("upper eyelid blepharoplasty|bilateral upper blepharoplasty", "procedure", "15823",
       "ophthalmology", "surgery,cosmetic"),
    _s("reduction mammaplasty|bilateral breast reduction", "procedure", "19318",
       "plastic surgery", "surgery,cosmetic"),
    _s("panniculectomy|PANNICULECTOMY", "procedure", "15830", "plastic surgery",
       "surgery,cosmetic"),
    _s("polysomnography (in-lab sleep study)|attended sleep study|POLYSOMNOGRAPHY 4+ PARAM",
       "procedure", "95810", "sleep medicine"),
    _s("home sleep apnea test|HOME SLEEP TEST", "procedure", "G0399", "sleep medicine"),
    _s("BRCA1/BRCA2 gene sequencing|BRCA1 BRCA2 full sequence analysis", "procedure", "81162",
       "medical genetics", "genetic"),
    _s("whole exome sequencing|WHOLE EXOME SEQUENCING", "procedure", "81415",
       "medical genetics", "genetic,experimental"),
    _s("Oncotype DX Breast Recurrence Score|Oncotype DX assay", "procedure", "81519",
       "oncology", "genetic"),
    _s("pharmacogenomic testing panel|GeneSight psychotropic test", "procedure", "0345U",
       "psychiatry", "genetic,experimental"),
    _s("upper GI endoscopy with biopsy|EGD with biopsy", "procedure", "43239",
       "gastroenterology"),
    _s("capsule endoscopy|wireless capsule endoscopy", "procedure", "91110", "gastroenterology"),
    _s("transcranial magnetic stimulation|TMS therapy|repetitive transcranial magnetic "
       "stimulation (rTMS)", "therapy", "90867", "psychiatry"),
    _s("proton beam therapy|PROTON TREATMENT DELIVERY", "procedure", "77520",
       "radiation oncology", "experimental"),
    _s("intensity-modulated radiation therapy|IMRT", "procedure", "77385", "radiation oncology"),
    _s("inpatient admission|acute inpatient stay|inpatient hospital admission", "admission", "",
       "hospital medicine", "inpatient"),
    _s("skilled nursing facility stay|SNF admission|continued skilled nursing facility care",
       "admission", "", "geriatrics", "inpatient"),
    _s("inpatient rehabilitation facility admission|acute inpatient rehabilitation", "admission",
       "", "physical medicine and rehabilitation", "inpatient"),
    _s("residential treatment for an eating disorder|residential eating disorder treatment",
       "admission", "H0018", "psychiatry", "inpatient"),
    _s("partial hospitalization program|PHP (partial hospitalization)", "therapy", "H0035",
       "psychiatry"),
    _s("intensive outpatient program|IOP substance use treatment", "therapy", "H0015",
       "addiction medicine"),
    _s("applied behavior analysis (ABA) therapy|ABA therapy|adaptive behavior treatment",
       "therapy", "97153", "developmental pediatrics", "svcdup"),
    _s("cochlear implant|COCHLEAR DEVICE IMPLANTATION", "procedure", "69930", "otolaryngology",
       "surgery"),
    _s("hearing aids|binaural hearing aids|HEARING AID BINAURAL BTE", "dme", "V5261",
       "audiology", "excluded"),
    _s("ground ambulance transport|AMBULANCE SERVICE ALS EMERGENCY", "procedure", "A0427",
       "emergency medicine"),
    _s("air ambulance transport|ROTARY WING AIR TRANSPORT", "procedure", "A0431",
       "emergency medicine"),
    _s("in vitro fertilization|IVF cycle", "procedure", "58970", "reproductive endocrinology",
       "excluded"),
    _s("hypoglossal nerve stimulator (Inspire)|Inspire upper airway stimulation", "procedure",
       "64582", "otolaryngology", "surgery"),
    _s("balloon sinuplasty|BALLOON DILATION OF SINUS", "procedure", "31295", "otolaryngology"),
    _s("transcatheter aortic valve replacement|TAVR", "procedure", "33361", "cardiology",
       "surgery"),
    _s("hyperbaric oxygen therapy|HYPERBARIC OXYGEN", "therapy", "99183", "wound care"),
    _s("skin substitute application (Apligraf)|bioengineered skin substitute", "procedure",
       "Q4101", "wound care", "experimental"),
    _s("chiropractic manipulation|CHIROPRACTIC MANIPULATIVE TX", "therapy", "98941",
       "chiropractic"),
    _s("acupuncture|ACUPUNCTURE 1+ NEEDLES", "therapy", "97810", "acupuncture", "excluded"),
    _s("outpatient physical therapy|physical therapy visits|therapeutic exercise",
       "therapy", "97110", "physical therapy", "svcdup,visits"),
    _s("occupational therapy|outpatient occupational therapy|therapeutic activities",
       "therapy", "97530", "occupational therapy", "svcdup,visits"),
    _s("speech-language therapy|speech therapy|SPEECH/HEARING THERAPY", "therapy", "92507",
       "speech-language pathology", "svcdup,visits"),
    _s("constraint-induced movement therapy|CIMT|constraint induced movement therapy",
       "therapy", "97530", "occupational therapy", "svcdup"),
    _s("cardiac rehabilitation|CARDIAC REHAB W/ECG MONITORING", "therapy", "93798",
       "cardiology", "visits"),
    _s("vestibular rehabilitation|vestibular therapy", "therapy", "97112", "physical therapy",
       "svcdup"),
    _s("home health physical therapy|home health skilled therapy visits", "therapy", "G0151",
       "home health", "svcdup"),
    _s("electroconvulsive therapy|ECT treatments", "therapy", "90870", "psychiatry"),
    _s("colonoscopy|screening colonoscopy|DIAGNOSTIC COLONOSCOPY", "procedure", "45378",
       "gastroenterology"),
    _s("vitamin D 25-hydroxy test|VITAMIN D 25 HYDROXY", "procedure", "82306", "pathology",
       "lab"),
    _s("urine drug screen|DRUG SCREEN PRESUMPTIVE", "procedure", "80307", "pathology", "lab"),
    _s("genetic carrier screening panel|expanded carrier screening", "procedure", "81443",
       "medical genetics", "genetic"),
)

DME: tuple[Therapy, ...] = (
    _s("power wheelchair|Group 2 power wheelchair|POWER WHEELCHAIR GROUP 2 STD", "dme", "K0823",
       "physical medicine and rehabilitation"),
    _s("manual wheelchair|standard manual wheelchair", "dme", "K0001",
       "physical medicine and rehabilitation"),
    _s("semi-electric hospital bed|HOSPITAL BED SEMI-ELECTRIC", "dme", "E0260", "geriatrics"),
    _s("CPAP device|continuous positive airway pressure (CPAP) device|CPAP DEVICE", "dme",
       "E0601", "sleep medicine", "ql"),
    _s("BiPAP device with backup rate|bi-level respiratory assist device", "dme", "E0471",
       "pulmonology"),
    _s("continuous glucose monitor (Dexcom G7)|Dexcom G7 CGM sensors|CGM SUPPLY ALLOWANCE",
       "dme", "A4239", "endocrinology", "ql"),
    _s("insulin pump (Omnipod 5)|Omnipod 5 pods|EXT AMB INFUSN PUMP INSULIN", "dme", "E0784",
       "endocrinology"),
    _s("home oxygen concentrator|portable oxygen concentrator|OXYGEN CONCENTRATOR", "dme",
       "E1390", "pulmonology"),
    _s("custom knee brace|KNEE ORTHOSIS CUSTOM FABRICATED", "dme", "L1834",
       "orthopedic surgery"),
    _s("below-knee prosthesis|microprocessor knee prosthesis", "dme", "L5856",
       "physical medicine and rehabilitation", "experimental"),
    _s("negative pressure wound therapy pump|wound VAC", "dme", "E2402", "wound care"),
    _s("TENS unit|TENS 4 LEAD", "dme", "E0730", "pain medicine", "excluded"),
    _s("cranial remolding helmet|cranial orthosis", "dme", "S1040", "pediatrics",
       "cosmetic"),
    _s("pneumatic compression device|LYMPHEDEMA PUMP", "dme", "E0651", "vascular surgery"),
    _s("patient lift (Hoyer)|HOYER LIFT", "dme", "E0630", "geriatrics"),
    _s("mobility scooter|POWER OPERATED VEHICLE", "dme", "K0800",
       "physical medicine and rehabilitation"),
    _s("nebulizer with compressor|NEBULIZER W/ COMPRESSOR", "dme", "E0570", "pulmonology"),
    _s("scalp cooling system", "dme", "E0250", "oncology", "experimental"),
)

# Pairs for duplicative services: (requested, already authorized).
SERVICE_DUPS: tuple[tuple[str, str], ...] = (
    ("constraint-induced movement therapy", "occupational therapy"),
    ("CIMT", "outpatient occupational therapy"),
    ("outpatient physical therapy", "home health physical therapy"),
    ("vestibular rehabilitation", "outpatient physical therapy"),
    ("speech-language therapy", "school-based speech therapy services"),
    ("applied behavior analysis (ABA) therapy", "ABA services from another provider"),
    ("occupational therapy", "occupational therapy at another clinic"),
    ("home health skilled therapy visits", "outpatient physical therapy"),
)

DRUG_CLASS_NAMES = {
    "ssri": "selective serotonin reuptake inhibitors (SSRIs)",
    "antipsychotic": "atypical antipsychotics",
    "benzo": "benzodiazepines",
    "opioid_la": "long-acting opioids",
    "stimulant": "CNS stimulants",
    "ppi": "proton pump inhibitors",
    "glp1": "GLP-1 receptor agonists",
    "cgrp": "CGRP antagonists",
    "cgrp_mab": "CGRP monoclonal antibodies",
    "tnf": "TNF blockers",
    "doac": "oral anticoagulants",
    "basal_insulin": "long-acting insulins",
    "sglt2": "SGLT2 inhibitors",
    "il": "biologic immunomodulators",
    "jak": "JAK inhibitors",
}

FIRST_NAMES = (
    "Maria James Robert Linda Michael Patricia David Jennifer William Elizabeth Richard Susan "
    "Joseph Jessica Thomas Sarah Carlos Karen Daniel Nancy Matthew Lisa Anthony Betty Mark "
    "Sandra Donald Ashley Steven Kimberly Andrew Emily Joshua Donna Kenneth Michelle Kevin "
    "Carol Brian Amanda Timothy Melissa Ronald Deborah Jason Stephanie Jeffrey Rebecca Ryan "
    "Laura Jacob Sharon Gary Cynthia Nicholas Kathleen Eric Amy Jonathan Angela Stephen Shirley "
    "Larry Anna Justin Brenda Scott Pamela Brandon Emma Benjamin Nicole Samuel Helen Raymond "
    "Gregory Samantha Frank Katherine Alexander Christine Patrick Debra Jack Rachel Dennis "
    "Carolyn Jerry Janet Tyler Catherine Aaron Heather Jose Diane Adam Ruth Nathan Julie Henry "
    "Olivia Zachary Joyce Douglas Virginia Peter Victoria Kyle Kelly Noah Lauren Ethan Christina "
    "Jeremy Joan Walter Evelyn Christian Judith Keith Megan Roger Andrea Terry Cheryl Austin "
    "Hannah Sean Jacqueline Gerald Martha Carl Gloria Harold Teresa Dylan Ann Arthur Sara "
    "Lawrence Madison Jordan Frances Jesse Kathryn Bryan Janice Billy Jean Bruce Abigail Gabriel "
    "Alice Joe Judy Logan Sophia Alan Grace Juan Denise Albert Amber Willie Doris Elijah Marilyn "
    "Wayne Danielle Randy Beverly Vincent Isabella Mason Theresa Roy Diana Ralph Natalie Bobby "
    "Brittany Russell Charlotte Bradley Marie Philip Kayla Eugene Alexis Wei Mei Hiroshi Yuki "
    "Priya Rahul Anil Sunita Aisha Omar Fatima Ahmed Mohammed Olga Ivan Dmitri Svetlana "
    "Nguyen Thanh Minh Jun Seo-yeon Min-jun Chukwuemeka Ngozi Kwame Ama Tomasz Agnieszka "
    "Guadalupe Jesus Alejandro Ximena Lucia Mateo Santiago Valentina Rosa Luz Xiomara DeShawn "
    "Tyrone Latoya Imani Jamal Keisha Siobhan Declan Aoife Padraig Ingrid Lars Astrid Bjorn"
).split()

LAST_NAMES = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez "
    "Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris "
    "Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill "
    "Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips "
    "Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook "
    "Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward "
    "Richardson Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez "
    "Castillo Sanders Patel Myers Long Ross Foster Jimenez Powell Jenkins Perry Russell Sullivan "
    "Bell Coleman Butler Henderson Barnes Gonzales Fisher Vasquez Simmons Romero Jordan Patterson "
    "Alexander Hamilton Graham Reynolds Griffin Wallace Moreno West Cole Hayes Bryant Herrera "
    "Gibson Ellis Tran Medina Aguilar Stevens Murray Ford Castro Marshall Owens Harrison "
    "Fernandez McDonald Woods Washington Kennedy Wells Vargas Henry Chen Freeman Webb Tucker "
    "Guzman Burns Crawford Olson Simpson Porter Hunter Gordon Mendez Silva Shaw Snyder Mason "
    "Dixon Munoz Hunt Hicks Holmes Palmer Wagner Black Robertson Boyd Rose Stone Salazar Fox "
    "Warren Mills Meyer Rice Schmidt Garza Daniels Ferguson Nichols Stephens Soto Weaver Ryan "
    "Gardner Payne Grant Dunn Kelley Spencer Hawkins Arnold Pierce Vazquez Hansen Peters Santos "
    "Hart Bradley Knight Elliott Cunningham Duncan Armstrong Hudson Carroll Lane Riley Andrews "
    "Alvarado Ray Delgado Berry Perkins Hoffman Johnston Matthews Pena Richards Contreras Willis "
    "Carpenter Lawrence Sandoval Okafor Adeyemi Nwosu Mensah Kowalski Nowak Wisniewski Ivanova "
    "Petrov Yamamoto Tanaka Nakamura Watanabe Zhang Wang Liu Huang Zhao Singh Sharma Gupta "
    "Kumar Reddy Iyer Haddad Khalil Rahman Chaudhry O'Brien O'Connor McCarthy Fitzgerald "
    "Van der Berg De la Cruz St. Pierre Nakagawa-Lopez Abernathy-Cole Lindqvist Johansson "
    "Horvath Papadopoulos Rossi Bianchi Esposito Kaur Begum Dlamini"
).split()
# Compound surnames written with spaces were split above; re-join the known ones.
LAST_NAMES = [n for n in LAST_NAMES if n not in {"Van", "der", "Berg", "De", "la", "Cruz", "St.",
                                                  "Pierre"}] + [
    "Van der Berg", "De la Cruz", "St. Pierre", "Cruz"]

MIDDLE_INITIALS = list("ABCDEFGHJKLMNPRSTW")
CREDENTIALS = ("MD", "M.D.", "DO", "D.O.", "NP", "FNP-C", "PA-C", "DPT", "PT", "OTR/L", "PhD",
               "BCBA", "MD, FACP", "MD, PhD", "CCC-SLP", "PsyD", "DNP", "DPM", "AuD", "DC")

PRACTICE_WORDS = (
    "Northside Family Medicine", "Lakeshore Orthopedics", "Riverbend Neurology Associates",
    "Summit Rheumatology Group", "Harbor View Pediatrics", "Prairie Sky Physical Therapy",
    "Bayou City Sleep Center", "Mountain West Spine Institute", "Cedar Valley Endocrinology",
    "Greenfield Behavioral Health", "Coastal Cardiology Partners", "St. Brigid Medical Center",
    "Mercy Regional Hospital", "Blue Ridge Dermatology", "Desert Sun Oncology",
    "Great Lakes Therapy Services", "Pinecrest Home Health", "Magnolia Women's Health",
    "Evergreen Durable Medical Supply", "Keystone Imaging Center", "Midtown Specialty Pharmacy",
    "Silver Maple Rehabilitation Hospital", "Copper Canyon ENT", "Willow Creek Autism Center",
    "Three Rivers Gastroenterology", "Ironwood Pain Management", "Lone Star Kidney Care",
    "Tidewater Pulmonary Associates", "Hudson Valley Eye Surgeons", "Old Town Chiropractic",
)

STREETS = ("Main St", "Oak Avenue", "Maple Dr", "Elm Street", "Commerce Pkwy", "Park Place",
           "Corporate Blvd", "Market St", "Ridge Rd", "Lakeview Ter", "Industrial Way",
           "Washington Ave", "Highland Rd", "Peachtree St NE", "Wilshire Blvd", "Broadway")
CITIES = (("Louisville", "KY", "40202"), ("Chicago", "IL", "60601"), ("Dallas", "TX", "75201"),
          ("Richardson", "TX", "75080"), ("Hartford", "CT", "06103"), ("Bloomington", "MN",
          "55425"), ("Jacksonville", "FL", "32246"), ("Pittsburgh", "PA", "15222"),
          ("Oakland", "CA", "94612"), ("Long Beach", "CA", "90802"), ("St. Louis", "MO", "63101"),
          ("Tampa", "FL", "33607"), ("Columbus", "OH", "43215"), ("Phoenix", "AZ", "85004"),
          ("Portland", "OR", "97201"), ("Detroit", "MI", "48226"), ("Scranton", "PA", "18503"),
          ("Albany", "NY", "12207"), ("Lexington", "KY", "40507"), ("Fargo", "ND", "58102"),
          ("Kingston", "NY", "12401"), ("San Antonio", "TX", "78205"), ("Atlanta", "GA",
          "30303"), ("Madison", "WI", "53703"), ("Boise", "ID", "83702"))
EMPLOYERS = ("Acme Manufacturing Co.", "Riverside School District", "Northwind Logistics LLC",
             "Globex Corporation", "Pioneer Credit Union", "Summit Hospitality Group",
             "Brightline Software, Inc.", "Heartland Grain Cooperative", "Metro Transit Authority",
             "Cobalt Engineering", "Sierra Retail Holdings", "Blue Harbor Seafood")
STATE_MEDICAID = (("Medi-Cal", "CA"), ("Texas Medicaid (STAR)", "TX"), ("STAR+PLUS", "TX"),
                  ("Kentucky Medicaid", "KY"), ("Ohio Medicaid", "OH"),
                  ("Health First Colorado", "CO"), ("Apple Health (Medicaid)", "WA"),
                  ("MassHealth", "MA"), ("TennCare", "TN"), ("Florida Medicaid", "FL"),
                  ("New York State Medicaid", "NY"), ("Michigan Medicaid", "MI"),
                  ("Illinois Medicaid (HealthChoice Illinois)", "IL"), ("Pennsylvania Medical "
                  "Assistance (HealthChoices)", "PA"), ("Virginia Medicaid (Cardinal Care)", "VA"),
                  ("CHIP", "TX"), ("Children's Health Insurance Program (CHIP)", "OH"))
MARKETPLACES = ("HealthCare.gov", "Covered California", "the Health Insurance Marketplace",
                "Pennie", "Get Covered Illinois", "Georgia Access", "the Marketplace",
                "Connect for Health Colorado", "Washington Healthplanfinder")
EOC_NAMES = ("Evidence of Coverage", "Certificate of Coverage", "Summary Plan Description",
             "Benefit Booklet", "Member Handbook", "plan document", "Policy", "benefit plan")
CRITERIA = ("InterQual", "MCG (Milliman Care Guidelines)", "MCG", "InterQual® Imaging",
            "our Clinical Policy Bulletin", "Medical Policy", "Coverage Policy",
            "eviCore Clinical Guidelines", "Carelon Medical Benefits Management guidelines",
            "the Local Coverage Determination (LCD)", "the National Coverage Determination (NCD)",
            "our Clinical Coverage Guideline", "the drug's prior authorization criteria",
            "Utilization Management Guideline")
REVIEWER_SPECIALTIES = ("internal medicine", "orthopedic surgery", "neurology", "psychiatry",
                        "family medicine", "physical medicine and rehabilitation", "oncology",
                        "rheumatology", "pharmacy", "radiology", "pediatrics", "cardiology")
DIAGNOSES = ("chronic migraine (G43.709)", "rheumatoid arthritis (M05.79)",
             "plaque psoriasis (L40.0)", "type 2 diabetes mellitus (E11.9)",
             "major depressive disorder, recurrent (F33.1)", "low back pain (M54.50)",
             "obstructive sleep apnea (G47.33)", "osteoarthritis of the right knee (M17.11)",
             "hemiparesis following stroke (I69.351)", "autism spectrum disorder (F84.0)",
             "atrial fibrillation (I48.91)", "morbid obesity (E66.01)",
             "hyperlipidemia (E78.5)", "moderate persistent asthma (J45.40)",
             "ADHD, combined type (F90.2)", "multiple sclerosis (G35)",
             "lumbar radiculopathy (M54.16)", "Crohn's disease (K50.90)")
