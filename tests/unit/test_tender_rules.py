"""The procurement rules of tender.rules, each at its boundary, on small hand-built tenders.

The fixture tender (tests/support/tender.py) is worth 3 420 000 kr (over the EEA threshold,
FOA del III) unless a test states another value: 480 000 kr a year today and 90 000 kr a year
of welfare growth, over 4 + 2 years (tests/unit/test_tender_assembly.py).
"""
from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from digireform import load
from digireform.model.errors import ValidationError
from digireform.tender import rules
from digireform.tender.assembly import assemble
from digireform.tender.build import prepare
from digireform.tender.definition import load_tender
from digireform.tender.procedures import climate, procedure, procedures_for_band
from digireform.tender.requirements import load_library
from tests.support.tender import tender_yaml

AS_OF = dt.date(2026, 11, 23)
NATIONAL = "estimated_value_nok: 2000000\nestimated_value_note: Anslag fra innkjøp.\n"  # FOA del II


def _assembly(root, path):
    return assemble(load(root), load_tender(path), load_library(root), as_of=AS_OF)


@pytest.fixture
def found(tender_file, tender_region):
    """`found(**blocks) -> {rule id: [RuleProblem, …]}` for the fixture tender with `blocks` replaced."""
    def run(**blocks):
        out: dict[str, list] = {}
        for p in rules.check(_assembly(tender_region, tender_file(tender_yaml(**blocks)))):
            out.setdefault(p.rule, []).append(p)
        return out
    return run


def timeline(**days: str) -> str:
    """A timeline block with the fixture's publication 2027-01-15 and the given dates."""
    dates = {"publication": "2027-01-15", "tender_deadline": "2027-03-01", "offer_validity": "2027-06-30", **days}
    return "timeline:\n" + "".join(f"  {k}: {v}\n" for k, v in dates.items() if v)


def one(found_rules, rule_id):
    (p,) = found_rules[rule_id]
    return p


# --------------------------------------------------------------------------- minimum deadlines


@pytest.mark.parametrize(("deadline", "broken"), [("2027-02-13", True), ("2027-02-14", False)])
def test_open_procedure_needs_30_days(found, deadline, broken):
    got = found(timeline=timeline(tender_deadline=deadline))
    assert ("tilbudsfrist_apen" in got) is broken
    if broken:
        p = one(got, "tilbudsfrist_apen")
        assert p.severity == "error" and p.key == "timeline.tender_deadline"
        assert p.text == ("Tilbudsfristen 2027-02-13 er 29 dager etter kunngjøringen 2027-01-15, under minstefristen på "
                          "30 dager; flytt tilbudsfristen til 2027-02-14 eller senere. FOA § 20-3: I åpen "
                          "anbudskonkurranse skal tilbudsfristen være minst 30 dager etter at kunngjøringen ble sendt.")


def test_del_ii_has_no_minimum_deadline(found):
    got = found(procedure="procedure: apen_tilbudskonkurranse\n", extra=NATIONAL,
                timeline=timeline(tender_deadline="2027-01-20"))
    assert "tilbudsfrist_apen" not in got and "prosedyre_verdi" not in got


TWO_STAGE = "procedure: begrenset_anbudskonkurranse\n"


def test_two_stage_needs_a_participation_deadline(found):
    p = one(found(procedure=TWO_STAGE), "foresporselsfrist")
    assert p.severity == "error" and p.key == "timeline"
    assert p.message == ("«Begrenset anbudskonkurranse» har to trinn, men tidsplanen har ingen frist for forespørsel om "
                         "å delta; skriv timeline.participation_deadline, tidligst 2027-02-14")


@pytest.mark.parametrize(("participation", "broken"), [("2027-02-13", True), ("2027-02-14", False)])
def test_participation_deadline_30_days(found, participation, broken):
    got = found(procedure=TWO_STAGE, timeline=timeline(participation_deadline=participation, tender_deadline="2027-04-01"))
    assert ("foresporselsfrist" in got) is broken
    if broken:
        assert "29 dager etter kunngjøringen" in one(got, "foresporselsfrist").message


@pytest.mark.parametrize(("deadline", "broken"), [("2027-03-10", True), ("2027-03-11", False)])
def test_tender_deadline_25_days_after_the_invitation(found, deadline, broken):
    got = found(procedure=TWO_STAGE, timeline=timeline(participation_deadline="2027-02-14", invitation="2027-02-14",
                                                       tender_deadline=deadline))
    assert ("tilbudsfrist_etter_invitasjon" in got) is broken
    if broken:
        p = one(got, "tilbudsfrist_etter_invitasjon")
        assert p.message == ("tilbudsfristen 2027-03-10 er 24 dager etter invitasjonen 2027-02-14, under minstefristen "
                             "på 25 dager; flytt tilbudsfristen til 2027-03-11 eller senere")


def test_without_invitation_the_participation_deadline_counts(found):
    p = one(found(procedure=TWO_STAGE, timeline=timeline(participation_deadline="2027-02-20",
                                                         tender_deadline="2027-03-16")), "tilbudsfrist_etter_invitasjon")
    assert "24 dager etter fristen for forespørsel om å delta 2027-02-20" in p.message


# --------------------------------------------------------------------------- karensperiode and vedståelsesfrist


@pytest.mark.parametrize(("signing", "broken"), [("2027-04-11", True), ("2027-04-12", False)])
def test_standstill_ten_days_from_the_day_after_the_award(found, signing, broken):
    got = found(timeline=timeline(award="2027-04-01", signing=signing))
    assert ("karensperiode" in got) is broken
    if broken:
        p = one(got, "karensperiode")
        assert (p.severity, p.key) == ("error", "timeline.signing")
        assert p.message == ("kontraktsinngåelsen 2027-04-11 er for tidlig: karensperioden etter tildelingen 2027-04-01 "
                             "varer til og med 2027-04-11; sett timeline.signing til 2027-04-12 eller senere")


def test_standstill_without_signing_checks_the_contract_start(found):
    contract = "contract:\n  type: SSA-L\n  years: 4\n  option_years: 2\n  start: 2027-04-05\n"
    p = one(found(contract=contract, timeline=timeline(award="2027-04-01")), "karensperiode")
    assert p.key == "contract.start" and p.message.startswith("kontraktsstarten 2027-04-05 er for tidlig")


def test_standstill_in_del_ii_is_a_warning(found):
    got = found(procedure="procedure: apen_tilbudskonkurranse\n", extra=NATIONAL,
                timeline=timeline(award="2027-04-01", signing="2027-04-02"))
    assert one(got, "karensperiode").severity == "warning"


@pytest.mark.parametrize(("offer_validity", "rule_id"), [("2027-03-01", "vedstaelsesfrist"), ("2027-03-02", None),
                                                  (None, "vedstaelsesfrist_mangler")])
def test_offer_validity_after_the_tender_deadline(found, offer_validity, rule_id):
    got = found(timeline=timeline(offer_validity=offer_validity))
    assert {"vedstaelsesfrist", "vedstaelsesfrist_mangler"} & set(got) == ({rule_id} if rule_id else set())
    if rule_id == "vedstaelsesfrist":
        p = one(got, rule_id)
        assert p.severity == "error" and p.message == (
            "vedståelsesfristen 2027-03-01 ligger ikke etter tilbudsfristen 2027-03-01; sett timeline.offer_validity "
            "til en dato etter tilbudsfristen")
    if rule_id == "vedstaelsesfrist_mangler":
        assert one(got, rule_id).severity == "warning"


def test_offer_validity_should_last_until_signing(found):
    got = found(timeline=timeline(offer_validity="2027-04-20", award="2027-04-01", signing="2027-04-21"))
    p = one(got, "vedstaelsesfrist_dekker_kontrakt")
    assert p.severity == "warning" and "utløper før kontraktsinngåelsen 2027-04-21" in p.message
    assert "vedstaelsesfrist_dekker_kontrakt" not in found(
        timeline=timeline(offer_validity="2027-04-21", award="2027-04-01", signing="2027-04-21"))


# --------------------------------------------------------------------------- FOA § 7-9


def criteria(climate_weight: float) -> str:
    return (f"award_criteria:\n  - {{code: pris, weight: {100 - climate_weight}}}\n"
            f"  - {{code: miljo, weight: {climate_weight}}}\n")


@pytest.mark.parametrize(("weight", "broken"), [(29.5, True), (30, False)])
def test_climate_weight_at_least_30_percent(found, weight, broken):
    got = found(award_criteria=criteria(weight))
    assert ("klimavekt" in got) is broken
    if broken:
        p = one(got, "klimavekt")
        assert p.severity == "error" and p.key == "award_criteria"
        assert p.message.startswith("klima- og miljøhensyn vektes 29,5 %, under 30 %;")


def test_no_climate_criterion_at_all(found):
    p = one(found(award_criteria="award_criteria:\n  - {code: pris, weight: 100}\n"), "klimavekt")
    assert "er ikke et tildelingskriterium" in p.message


def test_a_stated_exception_is_a_judgement_call(found):
    got = found(award_criteria=criteria(10), extra=textwrap.dedent("""\
        climate_exception:
          ground: krav_i_kravspesifikasjonen
          reason: Krav til utslippsfri transport gir klart bedre effekt enn et kriterium
        """))
    assert "klimavekt" not in got
    p = one(got, "klimaunntak_vurdering")
    assert p.severity == "warning" and "FOA § 7-9 fjerde ledd" in p.message
    assert "Krav til utslippsfri transport gir klart bedre effekt enn et kriterium." in p.message


def test_the_7_9_paragraphs_are_data_for_the_documents():
    c = climate()
    assert set(c["paragraphs"]) == {"second", "third", "fourth", "fifth"}
    assert "klart" in c["paragraphs"]["fourth"]["text"] and "begrunne" in c["paragraphs"]["fourth"]["text"]
    assert "ubetydelig" in c["paragraphs"]["fifth"]["text"]
    assert c["verbatim"] is False  # a summary until pasted from Lovdata: the documents must not quote it as the law
    assert {e["paragraph"] for e in c["exceptions"].values()} == {"fourth", "fifth"}


# --------------------------------------------------------------------------- procedure and value band


def test_the_tender_must_name_a_procedure(found):
    p = one(found(procedure=""), "prosedyre_valgt")
    assert p.severity == "error" and p.key == "procedure"
    assert "apen_anbudskonkurranse, begrenset_anbudskonkurranse" in p.message


def test_a_del_ii_procedure_over_the_eea_threshold_is_an_error(found):
    p = one(found(procedure="procedure: apen_tilbudskonkurranse\n"), "prosedyre_verdi")
    assert p.severity == "error"
    assert p.message.startswith("«Åpen tilbudskonkurranse» er en prosedyre etter FOA del II, men anslått verdi "
                                "3 420 000 kr er over EØS-terskelverdi (FOA del III)")


def test_a_del_iii_procedure_below_the_eea_threshold_is_a_warning(found):
    p = one(found(extra=NATIONAL), "prosedyre_verdi")
    assert p.severity == "warning"
    assert "over nasjonal terskelverdi og under EØS-terskelverdi (FOA del II)" in p.message
    assert "apen_tilbudskonkurranse, begrenset_tilbudskonkurranse" in p.message


def test_negotiation_over_the_threshold_needs_a_13_2_ground(found):
    kmf = "procedure: konkurranse_med_forhandling\n"
    dates = timeline(participation_deadline="2027-02-14", tender_deadline="2027-03-11")
    p = one(found(procedure=kmf, timeline=dates), "prosedyre_grunnlag")
    assert p.severity == "error" and "procedure_ground (a, b, c, d)" in p.message
    no_reason = found(procedure=kmf + "procedure_ground: a\n", timeline=dates)
    assert one(no_reason, "prosedyre_grunnlag").key == "procedure_ground"  # a ground needs its reason
    ok = found(procedure=kmf + "procedure_ground: a\nprocedure_ground_reason: Løsningen må tilpasses.\n", timeline=dates)
    assert "prosedyre_grunnlag" not in ok


def test_procedure_lookup_labels_and_bands():
    p = procedure("konkurranse_med_forhandling")
    assert (p.label, p.label_nn, p.reference) == ("Konkurranse med forhandling etter forutgående kunngjøring",
                                                  "Konkurranse med forhandling etter føregåande kunngjering",
                                                  "FOA § 13-1 andre ledd og § 13-2")
    assert [x.code for x in procedures_for_band("national")] == ["apen_tilbudskonkurranse", "begrenset_tilbudskonkurranse"]
    assert procedure(None) is None and procedures_for_band("below_national") == []


def test_an_unknown_procedure_is_refused_when_read(tender_file):
    path = tender_file(tender_yaml(procedure="procedure: anbud\n"))
    with pytest.raises(ValidationError) as exc:
        load_tender(path)
    assert str(exc.value.problems[0]).endswith("procedure: «anbud» er ikke en kjent prosedyre; gyldige: "
                                               "apen_anbudskonkurranse, begrenset_anbudskonkurranse, "
                                               "konkurranse_med_forhandling, konkurransepreget_dialog, "
                                               "apen_tilbudskonkurranse, begrenset_tilbudskonkurranse")


# --------------------------------------------------------------------------- FOA § 26-1


def framework(years: int, options: int, extra: str = "", kind: str = "SSA-K\n  framework: true") -> str:
    return f"contract:\n  type: {kind}\n  years: {years}\n  option_years: {options}\n  start: 2027-09-01\n{extra}"


@pytest.mark.parametrize(("years", "options", "broken"), [(3, 1, False), (3, 2, True), (5, 0, True)])
def test_framework_at_most_four_years_with_options(found, years, options, broken):
    got = found(contract=framework(years, options))
    assert ("rammeavtale_varighet" in got) is broken
    if (years, options) == (3, 2):
        p = one(got, "rammeavtale_varighet")
        assert (p.severity, p.key) == ("error", "contract.option_years")
        assert p.message.startswith("rammeavtalen varer 5 år med opsjoner (tre år + to år opsjon), over 4 år;")


def test_framework_with_stated_special_reasons_or_by_type(found):
    reason = "  framework_reason: Utstyret har 6 års levetid og må ha service hele perioden.\n"
    assert "rammeavtale_varighet" not in found(contract=framework(4, 2, reason))
    assert "rammeavtale_varighet" in found(contract=framework(4, 2, kind="rammeavtale"))  # framework by type
    assert "rammeavtale_varighet" not in found(contract=framework(4, 2, kind="SSA-L"))  # not a framework
    assert one(found(contract=framework(4, 2), extra=NATIONAL), "rammeavtale_varighet").severity == "warning"


# --------------------------------------------------------------------------- contract type and scope


def test_ssa_l_for_hardware_warns_naming_what_it_does_not_cover(found):
    p = one(found(), "avtaletype_omfang")  # SSA-L, scope skole + trygghetsalarm + digitalt tilsyn
    assert (p.severity, p.key) == ("warning", "contract.type")
    assert p.message.startswith("Anbudet: SSA-L dekker ikke utstyr (maskinvare) (Trygghetsalarm, Digitalt tilsyn)")
    kjop = "contract:\n  type: SSA-K\n  years: 4\n  option_years: 2\n  start: 2027-09-01\n"
    assert "avtaletype_omfang" not in found(contract=kjop)


def test_contract_type_per_lot(found, tender_file, tender_region):
    lots = textwrap.dedent("""\
        lots:
          - {id: "1", title: Alarmer, welfare_categories: [trygghetsalarm], contract_type: SSA-K}
          - {id: "2", title: Skole, service_areas: [skole_oppvekst]}
        """)
    assert "avtaletype_omfang" not in found(extra=lots)
    path = tender_file(tender_yaml(extra=lots.replace("contract_type: SSA-K", "contract_type: SSA-D")))
    a = _assembly(tender_region, path)
    (p,) = [x for x in rules.check(a) if x.rule == "avtaletype_omfang"]
    assert p.key == "lots.0.contract_type"
    assert a.tender.problem(p.key, "x").line == 23  # the first lot: 21 lines before `lots:` (line 22)
    assert p.message.startswith("Delkontrakt 1 (Alarmer): SSA-D dekker ikke utstyr (maskinvare) og programvare")


# --------------------------------------------------------------------------- quantities (C-23/20) and value


def quantities(estimated: int, maximum: int) -> str:
    return (f"quantities:\n  - {{what: Trygghetsalarmer, unit: enheter, category: trygghetsalarm, "
            f"estimated: {estimated}, maximum: {maximum}}}\n"
            f"  - {{what: Sensorer, category: digitalt_tilsyn, estimated: 10, maximum: 12}}\n")


def test_quantities_missing_is_a_warning(found):
    p = one(found(), "mengder")
    assert p.severity == "warning" and p.message.startswith("anbudet angir ingen anslått og største mengde")


@pytest.mark.parametrize(("estimated", "maximum", "rules_found"), [
    (105, 120, set()), (105, 104, {"mengder_maksimum"}), (104, 120, {"mengder"}),  # the data's need is 60 + 45
])
def test_quantities_at_their_boundaries(found, estimated, maximum, rules_found):
    got = found(extra=quantities(estimated, maximum))
    assert {"mengder", "mengder_maksimum"} & set(got) == rules_found
    if "mengder_maksimum" in rules_found:
        p = one(got, "mengder_maksimum")
        assert p.severity == "error" and p.key == "quantities.0.maximum"
        assert p.message == "største mengde 104 er mindre enn anslått mengde 105 for «Trygghetsalarmer»; rett quantities"
    if "mengder" in rules_found:
        assert "anslått mengde 104 for «Trygghetsalarmer» er under behovet i kommunenes data (105)" in one(got, "mengder").message


def test_a_stated_value_below_the_data_warns(found):
    (p,) = [x for x in found(extra="estimated_value_nok: 3400000\n")["anslatt_verdi"] if "lavere" in x.message]
    assert p.severity == "warning" and p.key == "estimated_value_nok"
    assert "oppgitt verdi 3 400 000 kr er lavere enn anslaget fra dataene 3 420 000 kr" in p.message
    assert not [x for x in found(extra="estimated_value_nok: 3420000\n").get("anslatt_verdi", [])
                if "lavere" in x.message]


def test_growth_that_cannot_be_valued_is_said(found):
    # digitalt tilsyn: Evenes needs 10, nobody has one in use: no cost per unit to value them with
    msgs = [p.message for p in found()["anslatt_verdi"]]
    assert msgs == ["10 nye enheter digitalt tilsyn er ikke verdsatt: ingen kjent kostnad per enhet i bruk; oppgi "
                    "estimated_value_nok eller legg inn kostnaden i welfare.csv"]


# --------------------------------------------------------------------------- requirement texts


@pytest.mark.parametrize(("text", "brands"), [
    ("mot kundens identitetsløsning, Microsoft Entra ID, via OpenID Connect", ["Microsoft Entra"]),
    ("mot kundens identitetsløsning (i dag Microsoft Entra ID eller tilsvarende) via OpenID", []),
    ("fungere i iOS og Android eller tilsvarande.", []),  # nynorsk
    ("direkte fra Outlook, Teams og SharePoint til riktig sak.", ["Outlook", "Teams", "SharePoint"]),
    ("Fra Outlook. Eller tilsvarende i neste setning.", ["Outlook"]),  # another sentence does not count
    ("eller tilsvarende Outlook", ["Outlook"]),  # before the name does not count
    ("Alle teams skal kunne bruke løsningen.", []),  # a word, not the brand
])
def test_brand_names_need_or_equivalent(text, brands):
    assert rules.brands_without_equivalent(text) == brands


LIBRARY_EXTRA = """\
- id: MS-01
  category: integrasjon
  kind: bor
  weight: 2
  text: "Løsningen bør kunne dele dokumenter i Teams."
  applies_to: all
- id: TILTRE-01
  category: leverandor_avtale
  kind: bor
  weight: 1
  text: "Leverandøren bør tilby at nye kommuner kan tiltre avtalen."
  applies_to: all
- id: KVAL-01
  category: leverandor_avtale
  kind: kvalifikasjon
  text: "Leverandøren skal ha levert tilsvarende løsninger til minst to kommuner."
  documentation: "Tre referanser med kontaktperson."
  applies_to: all
"""


@pytest.fixture
def library_found(tender_file, tender_region):
    """Like `found`, with three more requirements in the library (a brand, an accession, a qualification)."""
    (tender_region / "procurement" / "requirements" / "ekstra.yaml").write_text(LIBRARY_EXTRA, "utf-8")

    def run(**blocks):
        out: dict[str, list] = {}
        for p in rules.check(_assembly(tender_region, tender_file(tender_yaml(**blocks)))):
            out.setdefault(p.rule, []).append(p)
        return out
    return run


def test_requirement_text_rules_point_at_the_library_line(library_found):
    got = library_found()
    brand, join = one(got, "merkenavn"), one(got, "tiltredelse")
    assert (brand.severity, brand.file.endswith("ekstra.yaml"), brand.line) == ("error", True, 1)
    assert brand.message.startswith("kravet MS-01 nevner «Teams» uten «eller tilsvarende» etter merkenavnet;")
    assert (join.severity, join.line) == ("error", 7)
    assert join.message.startswith("kravet TILTRE-01 åpner for at nye deltakere kan tiltre («kan tiltre avtalen»)")


# --------------------------------------------------------------------------- the evaluation model


def test_scoring_by_default_kvalitet_takes_the_bor_no_other_criterion_scores(tender_file, tender_region):
    a = _assembly(tender_region, tender_file(tender_yaml()))
    assert rules.scored_requirements(a.tender, a.requirements) == {
        "pris": [], "kvalitet": ["SKOLE-01", "TILSYN-01"], "miljo": []}  # no miljo_klima BØR in the fixture
    listed = tender_yaml(award_criteria="award_criteria:\n  - {code: pris, weight: 40}\n  - {code: kvalitet, weight: 30}\n"
                                        "  - {code: miljo, weight: 30, requirements: [TILSYN-01]}\n")
    a = _assembly(tender_region, tender_file(listed))
    assert rules.scored_requirements(a.tender, a.requirements) == {
        "pris": [], "kvalitet": ["SKOLE-01"], "miljo": ["TILSYN-01"]}  # never counted twice


def scoring(miljo: str, kvalitet: str = "") -> str:
    return (f"award_criteria:\n  - {{code: pris, weight: 40}}\n  - {{code: kvalitet, weight: 30{kvalitet}}}\n"
            f"  - {{code: miljo, weight: 30, requirements: [{miljo}]}}\n")


@pytest.mark.parametrize(("miljo", "kvalitet", "rule_id", "message"), [
    ("ALARM-01", "", "skal_ikke_tildeling",  # the MIL-04 case: a SKAL in the climate criterion
     "kriteriet «Klima- og miljøhensyn» vurderer ALARM-01, som er et SKAL-krav; ta det ut av "
     "award_criteria.requirements, eller gjør kravet til BØR"),
    ("KVAL-01", "", "kvalifikasjon_ikke_tildeling",
     "kriteriet «Klima- og miljøhensyn» vurderer KVAL-01, som er et kvalifikasjonskrav; ta det ut av "
     "award_criteria.requirements"),
    ("PLAN-01", "", "vurdert_krav_valgt",  # in the library, not in this tender's scope
     "kriteriet «Klima- og miljøhensyn» vurderer PLAN-01, som ikke er med i anbudet; ta det ut av "
     "award_criteria.requirements, eller ta kravet med (requirements.include)"),
    ("SKOLE-01", ", requirements: [SKOLE-01]", "dobbel_vurdering",
     "SKOLE-01 vurderes under både «Kvalitet og funksjonalitet» og «Klima- og miljøhensyn»; la det høre til bare ett "
     "kriterium"),
])
def test_what_may_not_be_scored(library_found, miljo, kvalitet, rule_id, message):
    p = one(library_found(award_criteria=scoring(miljo, kvalitet)), rule_id)
    assert p.severity == "error" and p.message == message
    assert p.key.startswith("award_criteria.") and p.key.endswith(".requirements")


# --------------------------------------------------------------------------- the build stops on errors


def test_build_stops_on_errors_with_file_line_and_fix(tender_file, tender_region):
    path = tender_file(tender_yaml(timeline=timeline(tender_deadline="2027-02-13")))
    with pytest.raises(ValidationError) as exc:
        prepare(path, tender_region, as_of=AS_OF)
    assert exc.value.message.startswith("Anbudet i ") and "bryter anskaffelsesreglene" in exc.value.message
    (problem,) = exc.value.problems
    assert str(problem).split("tenders/", 1)[1].startswith(
        "test.yaml:19: timeline.tender_deadline: Tilbudsfristen 2027-02-13 er 29 dager etter kunngjøringen")


def test_build_warnings_are_added_once(tender_file, tender_region):
    a = prepare(tender_file(tender_yaml()), tender_region, as_of=AS_OF)
    rules.enforce(a)  # again, as build_tender does for an adjusted assembly
    assert len([w for w in a.warnings if w.startswith("Anbudet angir ingen anslått og største mengde")]) == 1
    assert any(w.startswith("Tidsplanen har ingen vedståelsesfrist") for w in a.warnings)


@pytest.mark.parametrize(("name", "procedure_code", "parts"), [
    ("velferdsteknologi-2027", "apen_anbudskonkurranse", ["today", "growth", "options", "one_off"]),
    ("pleie-og-omsorg-epj-2027", "konkurranse_med_forhandling", ["today", "options", "one_off", "one_off"]),
])
def test_shipped_tenders_pass_the_rules(example_region, name, procedure_code, parts):
    a = prepare(name, example_region, as_of=AS_OF)  # raises on any rule error
    assert a.tender.procedure == procedure_code and a.threshold.band == "eea"
    assert [p.key for p in a.value.parts] == parts
    assert not [p for p in rules.check(a) if p.severity == "error"]
