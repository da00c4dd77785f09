"""Small data folders for the tender tests (imported by tests/unit/test_tender_*.py and
tests/integration/test_tender_*.py; no tests here), built with tests/support/regionfiles.py.

Two municipalities: Evenes (1853, Bokmål, with orgnr) and Bjerkreim (1114, Nynorsk, no
orgnr). Every requirement of the library has its nynorsk text (a nynorsk build needs it). Evenes has a confidential system whose cost (7 654 321) must never appear in
any output; Bjerkreim's kommune.yaml has a contact person who must never appear either.
"""
from __future__ import annotations

import textwrap
from pathlib import Path

from tests.support.regionfiles import profile_yaml, write_region

SECRET_COST = "7654321"
SECRET_CONTACT = "Hemmelig Kontaktperson"
SECRET_EMAIL = "hemmelig@example.no"

EVENES_SYSTEMS = [
    "EVE-1,Visma Flyt Skole,Visma,,skole_oppvekst,Elevadministrasjon,saas,operational,40,100000,2027-07-31,6,SSA-L,ordinary,yes,,4,no,",
    f"EVE-2,Gerica,Tietoevry,,helse_velferd,Pleie og omsorg EPJ,hosted,operational,60,{SECRET_COST},2028-06-30,6,SSA-L,special,yes,,3,yes,",
    "EVE-3,Acos WebSak,Acos AS,,sak_arkiv,Sak og arkiv,saas,operational,25,50000,2027-12-31,6,SSA-L,ordinary,yes,,3,no,",
]
BJERKREIM_SYSTEMS = [
    "BJE-1,Visma Flyt Skole,Visma,,skole_oppvekst,Elevadministrasjon,saas,operational,30,80000,2027-07-31,6,SSA-L,ordinary,yes,,4,no,",
    "BJE-2,Gerica,Tietoevry,,helse_velferd,Pleie og omsorg EPJ,hosted,planned,0,0,,,other,special,,,,no,",
]
EVENES_WELFARE = [
    "trygghetsalarm,in_use,Careium,Careium,50,60,2028,1,intermunicipal,200000,2027-06-30,6,",
    "digitalt_tilsyn,need,,,,10,2028,2,,,,,",
]
BJERKREIM_WELFARE = [
    "trygghetsalarm,in_use,Careium,Careium,30,45,2027,1,own,100000,2027-06-30,6,",
]

REQUIREMENTS = """\
- id: AVT-01
  category: leverandor_avtale
  kind: skal
  text: "Leverandøren skal akseptere SSA-L."
  text_nn: "Leverandøren skal godta SSA-L."
  applies_to: all
  reference: "SSA-L 2018"
- id: SKOLE-01
  category: funksjonelle_krav
  kind: bor
  weight: 5
  text: "Løsningen bør ha elevportal."
  text_nn: "Løysinga bør ha elevportal."
  applies_to: [skole_oppvekst]
  reference: ""
- id: ALARM-01
  category: vt_trygghetsalarm
  kind: skal
  text: "Alarmen skal være IP-basert."
  text_nn: "Alarmen skal vere IP-basert."
  applies_to: [trygghetsalarm]
  reference: "NS-EN 50134"
- id: TILSYN-01
  category: vt_digitalt_tilsyn
  kind: bor
  weight: 3
  text: "=Sensoren bør varsle ved fall."
  text_nn: "=Sensoren bør varsle ved fall."
  applies_to: [digitalt_tilsyn]
  reference: ""
- id: HELSE-01
  category: integrasjon
  kind: skal
  text: "Løsningen skal støtte HL7 FHIR."
  text_nn: "Løysinga skal støtte HL7 FHIR."
  applies_to: [helse_velferd, trygghetsalarm]
  reference: "HL7 FHIR R4"
- id: PLAN-01
  category: funksjonelle_krav
  kind: skal
  text: "Løsningen skal støtte byggesak."
  text_nn: "Løysinga skal støtte byggesak."
  applies_to: [plan_bygg]
  reference: ""
"""


def kommune_yaml(number: str, name: str, orgnr: str | None = None, contact: bool = False) -> str:
    contacts = [{"role": "IKT", "name": SECRET_CONTACT, "email": SECRET_EMAIL, "phone": "+47 99 99 99 99"}]
    return profile_yaml(number, name, orgnr=orgnr, contacts=contacts if contact else None)


def make_region(root: Path) -> Path:
    """A data folder with two municipalities and a six-requirement library."""
    return write_region(
        root,
        municipalities={"1853": kommune_yaml("1853", "Evenes", "964965137"),
                        "1114": kommune_yaml("1114", "Bjerkreim", None, contact=True)},
        systems={"1853": EVENES_SYSTEMS, "1114": BJERKREIM_SYSTEMS},
        welfare={"1853": EVENES_WELFARE, "1114": BJERKREIM_WELFARE},
        procurement={"requirements/krav.yaml": REQUIREMENTS},
    )


def tender_yaml(**overrides: str) -> str:
    """A valid tender file; pass top-level blocks as YAML text to replace them."""
    blocks = {
        "head": """\
            title: Felles test-anskaffelse
            description: Test av anbudsbygging.
            host: "1853"
            participants: ["1853", "1114"]
        """,
        "scope": """\
            scope:
              service_areas: [skole_oppvekst]
              welfare_categories: [trygghetsalarm, digitalt_tilsyn]
        """,
        "contract": """\
            contract:
              type: SSA-L
              years: 4
              option_years: 2
              start: 2027-09-01
        """,
        "award_criteria": """\
            award_criteria:
              - {code: pris, weight: 40}
              - {code: kvalitet, weight: 30}
              - {code: miljo, weight: 30}
        """,
        "timeline": """\
            timeline:
              publication: 2027-01-15
              questions_deadline: 2027-02-01
              tender_deadline: 2027-03-01
        """,
        # the value is over the EEA threshold: a del III procedure (tender.rules, prosedyre_valgt)
        "procedure": "procedure: apen_anbudskonkurranse\n",
        "extra": "",
    }
    blocks.update(overrides)
    return "".join(textwrap.dedent(b) for b in blocks.values())


SLA_REQUIREMENT = """\
- id: SLA-01
  category: drift_sla
  kind: skal
  text: "Tjenesten skal være tilgjengelig 99,5 % av tiden."
  text_nn: "Tenesta skal vere tilgjengeleg 99,5 % av tida."
  applies_to: all
  reference: ""
"""


QUALIFICATION_REQUIREMENT = """\
- id: KVAL-01
  category: leverandor_avtale
  kind: kvalifikasjon
  text: "Leverandøren skal ha betalt skatt og merverdiavgift."
  text_nn: "Leverandøren skal ha betalt skatt og meirverdiavgift."
  documentation: "Skatteattest ikke eldre enn seks måneder."
  documentation_nn: "Skatteattest som ikkje er eldre enn seks månader."
  applies_to: all
  reference: "FOA § 7-2"
"""


def add_requirements(root: Path, text: str, name: str = "sla.yaml") -> Path:
    """Another file in the requirement library (e.g. SLA_REQUIREMENT)."""
    path = root / "procurement" / "requirements" / name
    path.write_text(text, "utf-8")
    return path


def write_tender(root: Path, text: str, name: str = "test.yaml") -> Path:
    path = root / "procurement" / "tenders" / name
    path.write_text(text, "utf-8")
    return path
