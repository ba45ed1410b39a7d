"""Names: the patient and the provider, after labels, in the salutation and the address block."""

from __future__ import annotations

import re

from denialparse.understanding import confidence as conf
from denialparse.understanding.candidate import Candidate

_CREDENTIALS = r"MD|M\.D\.|DO|D\.O\.|NP|PA-C|DPM|DDS|PhD|OTR/L|PT|DPT|FNP|APRN|RN|Jr\.?|Sr\.?|II|III|PA|LCSW|PsyD|OD|AuD|CCC-SLP"
_NAME = (
    r"(?P<name>(?:(?:Mr|Ms|Mrs|Miss|Dr)\.?[ \t]+)?[A-Z][A-Za-z'’\-]+,?(?:[ \t]+[A-Z]\.?)?"
    r"(?:[ \t]+[A-Z][A-Za-z'’\-]+){1,2}(?:,?[ \t]+(?:MD|M\.D\.|DO|D\.O\.|NP|PA-C|DPM|DDS|PhD|OTR/L|PT|"
    r"DPT|FNP|APRN|RN|Jr\.?|Sr\.?|II|III))?)"
)
_PATIENT_LABEL = re.compile(  # "Patient:", "Member name:", "Name:" at a line start, "Notice for"
    r"(?:(?i:\b(?:patient|member|enrollee|beneficiary|insured|subscriber|recipient|participant)"
    r"(?:'s)?(?:\s+name)?|^[ \t]*name)\s*:|(?i:notice\s+for))[ \t]*" + _NAME,
    re.MULTILINE,
)
_PROVIDER_LABEL = re.compile(
    r"(?i:\b(?:provider|prescriber|physician|practitioner|requesting\s+(?:provider|physician|"
    r"prescriber)|ordering\s+(?:provider|physician)|rendering\s+provider|treating\s+(?:provider|"
    r"physician)|doctor|requested\s+by|servicing\s+provider|attending\s+physician|prescribed\s+by)"
    r"(?:'s)?(?:\s+name)?)\s*[:,]?[ \t]*(?=(?:Dr\.?\s)|[A-Z])" + _NAME,
)
_DEAR = re.compile(r"^\s*Dear\s+" + _NAME + r"\s*[,:]", re.MULTILINE)
_NAME_STOP = re.compile(r"\b(ID|Number|Date|Plan|Group|Claim|Member|Provider|NPI|Address)\b")


def clean_name(raw: str) -> str | None:
    """A printed name as people write it: title case, "LAST, FIRST" turned, credentials kept."""
    cut = _NAME_STOP.search(raw)
    name = raw[: cut.start()] if cut else raw
    name = re.split(r"\s{2,}|\t", name)[0].strip(" ,")
    if len(name.split()) < 2:
        return None
    credential = re.search(r",?\s+(?:" + _CREDENTIALS + r")$", name)
    if "," in name and not credential:
        last, _, first = name.partition(",")  # "DOE, JANE" -> "JANE DOE"
        name = f"{first.strip()} {last.strip()}"
    words = name.split()
    if sum(w.isupper() and len(w) > 2 for w in words) >= 2:
        # "ROBERT T. KLINE" -> "Robert T. Kline"; credentials stay upper case
        creds = set(_CREDENTIALS.replace("\\.", ".").split("|"))
        name = " ".join(w.capitalize() if w.isupper() and len(w) > 2 and w.strip(",") not in creds else w for w in words)
    return name


_RECIPIENT = re.compile(
    r"^[ \t]*" + _NAME + r"[ \t]*\n[ \t]*(?:\d+[A-Za-z]?\s+\w|P\.?\s?O\.?\s+Box)", re.MULTILINE
)


def find_names(text: str) -> list[Candidate]:
    """patient_name and provider_name after their labels, from the salutation and the address block."""
    out: list[Candidate] = []
    head = text[: max(800, len(text) // 4)]
    for m in _RECIPIENT.finditer(head):
        name = clean_name(m["name"])
        if not name or re.search(r"(?i)\b(box|suite|street|department|unit|center|services)\b", name):
            continue
        is_doctor = bool(re.match(r"Dr\.?\s", m["name"]) or re.search(r",\s*(MD|DO)\b", m["name"]))
        field = "provider_name" if is_doctor else "patient_name"
        name = re.sub(r"^(?:Mr|Ms|Mrs|Miss)\.?\s+", "", name)
        out.append(Candidate(field, name, m["name"], m.start("name"), m.end("name"),
                              conf.NAME_IN_ADDRESS_BLOCK))
    for field, pattern, confidence in (
        ("patient_name", _PATIENT_LABEL, conf.PATIENT_NAME_LABELLED),
        ("provider_name", _PROVIDER_LABEL, conf.PROVIDER_NAME_LABELLED),
    ):
        for m in pattern.finditer(text):
            name = clean_name(m["name"])
            if name:
                out.append(Candidate(field, name, m["name"], m.start("name"), m.end("name"), confidence))
    for m in _DEAR.finditer(text):
        raw = m["name"]
        name = clean_name(raw)
        if not name:
            continue
        field = "provider_name" if re.match(r"Dr\.?\s", raw) or re.search(r",\s*(MD|DO)", raw) else "patient_name"
        out.append(Candidate(field, name, raw, m.start("name"), m.end("name"), conf.NAME_IN_SALUTATION))
    return out
