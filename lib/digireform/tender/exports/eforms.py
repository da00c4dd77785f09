"""eForms contract notice (UBL 2.3 XML, eForms SDK 1.15) for Doffin and TED.

Doffin takes notices in eForms, the EU standard since 2023; OCDS (exports/ocds.py) stays for
transparency. The notice is built from `NoticeFacts`, which `notice_facts` derives from an
assembled tender: every participant a buyer, the host the buyers' group lead (it acts on the
others' behalf), one lot per tender lot with its CPV, estimated value, duration, options and award
criteria with weights, the tender period and the review body. Codes, the review body and the
county → NUTS table are dated data in `model/data/eforms.yaml`.

Which notice: subtype 16 (contract notice, general directive, standard regime) above the EEA
threshold; below it the voluntary contract notice E3, the SDK's subtype for a notice outside the
directive. `tender.eforms_validation` checks the result against the SDK's XSD and schematron.
"""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from lxml import etree

from digireform.model.schema import package_yaml
from digireform.tender.lot_values import LotValueError, lot_values

NS = {
    None: "urn:oasis:names:specification:ubl:schema:xsd:ContractNotice-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "ext": "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2",
    "efac": "http://data.europa.eu/p27/eforms-ubl-extension-aggregate-components/1",
    "efbc": "http://data.europa.eu/p27/eforms-ubl-extension-basic-components/1",
    "efext": "http://data.europa.eu/p27/eforms-ubl-extensions/1",
}
FILE_NAME = "eforms-contract-notice.xml"


def settings() -> dict[str, Any]:
    """model/data/eforms.yaml: SDK version, notice subtypes, code mappings, review body, NUTS."""
    return package_yaml("eforms.yaml")


# --------------------------------------------------------------------------- facts


@dataclass(frozen=True)
class Organisation:
    """One organisation of the notice (buyer or review body); `key` is its ORG-nnnn id."""

    key: str
    name: str
    company_id: str
    city: str
    postal_zone: str
    nuts: str
    email: str
    url: str = ""
    telephone: str = ""
    group_lead: bool = False


@dataclass(frozen=True)
class Criterion:
    kind: str  # award-criterion-type code: price | quality | cost
    name: str
    description: str
    weight: float


@dataclass(frozen=True)
class NoticeLot:
    key: str  # LOT-0001
    internal_id: str
    title: str
    description: str
    nature: str  # contract-nature code: supplies | services | works
    cpv: str  # 8 digits, no check digit
    additional_cpv: tuple[str, ...]
    value_nok: Decimal
    duration_months: int
    options: str
    criteria: tuple[Criterion, ...]
    nuts: tuple[str, ...]


@dataclass(frozen=True)
class NoticeFacts:
    subtype: str  # "16" | "E3"
    procedure: str  # procurement-procedure-type code
    notice_id: str
    folder_id: str
    issue_date: dt.date
    language: str
    title: str
    description: str
    reference: str
    nature: str
    cpv: str
    value_nok: Decimal
    buyers: tuple[Organisation, ...]
    review_body: Organisation
    lots: tuple[NoticeLot, ...]
    tender_deadline: dt.date
    deadline_time: str
    questions_deadline: dt.date | None
    validity_months: int
    documents_url: str
    submission_url: str
    review_deadlines: str = ""
    participation_deadline: dt.date | None = None  # two-stage procedures: requests to participate
    minimum_candidates: int = 0  # two-stage procedures (BT-50)
    framework: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)


# --------------------------------------------------------------------------- XML


class _Builder:
    """Small helper around lxml: `el(parent, "cbc:ID", text, **attrs)`."""

    def __init__(self, language: str) -> None:
        self.language = language

    @staticmethod
    def qname(tag: str) -> str:
        prefix, _, local = tag.rpartition(":")
        return f"{{{NS[prefix or None]}}}{local}"

    def el(self, parent: etree._Element, tag: str, text: Any = None, **attrs: str) -> etree._Element:
        node = etree.SubElement(parent, self.qname(tag), {k.replace("_", ""): v for k, v in attrs.items()})
        if text is not None:
            node.text = str(text)
        return node

    def text(self, parent: etree._Element, tag: str, text: str) -> etree._Element:
        """A text in the notice language (languageID on every free text)."""
        return self.el(parent, tag, text, languageID=self.language)


def _date(day: dt.date, tz: str) -> str:
    return f"{day.isoformat()}{tz}"


def _amount(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def notice_xml(facts: NoticeFacts) -> bytes:
    """The notice as UTF-8 XML bytes (pretty-printed; element order as the UBL schema wants)."""
    cfg = settings()
    tz = cfg["timezone_offset"]
    b = _Builder(facts.language)
    root = etree.Element(b.qname("ContractNotice"), nsmap=NS)
    _extensions(b, root, facts)
    b.el(root, "cbc:UBLVersionID", "2.3")
    b.el(root, "cbc:CustomizationID", f"eforms-sdk-{cfg['sdk_version_short']}")
    b.el(root, "cbc:ID", facts.notice_id, schemeName="notice-id")
    b.el(root, "cbc:ContractFolderID", facts.folder_id)
    b.el(root, "cbc:IssueDate", _date(facts.issue_date, tz))
    b.el(root, "cbc:IssueTime", f"00:00:00{tz}")
    b.el(root, "cbc:VersionID", "01")
    b.el(root, "cbc:RegulatoryDomain", cfg["subtypes"][facts.subtype]["legal_basis"])
    b.el(root, "cbc:NoticeTypeCode", cfg["subtypes"][facts.subtype]["notice_type"], listName="competition")
    b.el(root, "cbc:NoticeLanguageCode", facts.language)
    for org in facts.buyers:
        _contracting_party(b, root, org, cfg)
    terms = b.el(root, "cac:TenderingTerms")
    legal = cfg["subtypes"][facts.subtype].get("local_legal_basis")
    if legal:  # BT-01(e/f): a notice outside the directive names its national legal basis
        reference = b.el(terms, "cac:ProcurementLegislationDocumentReference")
        b.el(reference, "cbc:ID", "LocalLegalBasis")
        b.text(reference, "cbc:DocumentDescription", legal)
    _exclusion_source(b, terms)
    if len(facts.lots) > 1:
        distribution = b.el(terms, "cac:LotDistribution")
        b.el(distribution, "cbc:MaximumLotsSubmittedNumeric", len(facts.lots))
    process = b.el(root, "cac:TenderingProcess")
    b.el(process, "cbc:ProcedureCode", facts.procedure, listName="procurement-procedure-type")
    justification = b.el(process, "cac:ProcessJustification")
    b.el(justification, "cbc:ProcessReasonCode", "false", listName="accelerated-procedure")
    _project(b, root, facts, tz)
    for lot in facts.lots:
        _lot(b, root, facts, lot, tz)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _extensions(b: _Builder, root: etree._Element, facts: NoticeFacts) -> None:
    content = b.el(b.el(b.el(root, "ext:UBLExtensions"), "ext:UBLExtension"), "ext:ExtensionContent")
    ext = b.el(content, "efext:EformsExtension")
    b.el(b.el(ext, "efac:NoticeSubType"), "cbc:SubTypeCode", facts.subtype, listName="notice-subtype")
    orgs = b.el(ext, "efac:Organizations")
    for org in (*facts.buyers, facts.review_body):
        _organisation(b, orgs, org, is_buyer=org is not facts.review_body)


def _organisation(b: _Builder, parent: etree._Element, org: Organisation, is_buyer: bool) -> None:
    node = b.el(parent, "efac:Organization")
    if is_buyer:
        b.el(node, "efbc:GroupLeadIndicator", "true" if org.group_lead else "false")
    company = b.el(node, "efac:Company")
    if org.url:
        b.el(company, "cbc:WebsiteURI", org.url)
    b.el(b.el(company, "cac:PartyIdentification"), "cbc:ID", org.key, schemeName="organization")
    b.text(b.el(company, "cac:PartyName"), "cbc:Name", org.name)
    address = b.el(company, "cac:PostalAddress")
    b.el(address, "cbc:CityName", org.city)
    b.el(address, "cbc:PostalZone", org.postal_zone)
    b.el(address, "cbc:CountrySubentityCode", org.nuts, listName="nuts")
    b.el(b.el(address, "cac:Country"), "cbc:IdentificationCode", "NOR", listName="country")
    if org.company_id:
        b.el(b.el(company, "cac:PartyLegalEntity"), "cbc:CompanyID", org.company_id)
    contact = b.el(company, "cac:Contact")
    if org.telephone:
        b.el(contact, "cbc:Telephone", org.telephone)
    b.el(contact, "cbc:ElectronicMail", org.email)


def _contracting_party(b: _Builder, root: etree._Element, org: Organisation, cfg: dict) -> None:
    party = b.el(root, "cac:ContractingParty")
    kind = b.el(party, "cac:ContractingPartyType")
    b.el(kind, "cbc:PartyTypeCode", cfg["buyer"]["legal_type"], listName="buyer-legal-type")
    activity = b.el(party, "cac:ContractingActivity")
    b.el(activity, "cbc:ActivityTypeCode", cfg["buyer"]["activity"], listName="authority-activity")
    b.el(b.el(b.el(party, "cac:Party"), "cac:PartyIdentification"), "cbc:ID", org.key, schemeName="organization")


def _exclusion_source(b: _Builder, terms: etree._Element) -> None:
    req = b.el(b.el(terms, "cac:TendererQualificationRequest"), "cac:SpecificTendererRequirement")
    b.el(req, "cbc:TendererRequirementTypeCode", "epo-procurement-document", listName="exclusion-grounds-source")


def _project(b: _Builder, root: etree._Element, facts: NoticeFacts, tz: str) -> None:
    project = _project_head(b, root, facts.reference, facts.title, facts.description, facts.nature,
                            facts.value_nok, facts.cpv)
    _locations(b, project, sorted({n for lot in facts.lots for n in lot.nuts}))


def _project_head(b: _Builder, parent: etree._Element, internal_id: str, title: str, description: str,
                  nature: str, value: Decimal, cpv: str) -> etree._Element:
    """The parts the procedure and each lot state alike: id, name, description, nature, value, main CPV."""
    project = b.el(parent, "cac:ProcurementProject")
    b.el(project, "cbc:ID", internal_id, schemeName="InternalID")
    b.text(project, "cbc:Name", title)
    b.text(project, "cbc:Description", description)
    b.el(project, "cbc:ProcurementTypeCode", nature, listName="contract-nature")
    total = b.el(project, "cac:RequestedTenderTotal")
    b.el(total, "cbc:EstimatedOverallContractAmount", _amount(value), currencyID="NOK")
    b.el(b.el(project, "cac:MainCommodityClassification"), "cbc:ItemClassificationCode", cpv, listName="cpv")
    return project


def _locations(b: _Builder, project: etree._Element, nuts_codes: list[str]) -> None:
    for nuts in nuts_codes:
        address = b.el(b.el(project, "cac:RealizedLocation"), "cac:Address")
        b.el(address, "cbc:CountrySubentityCode", nuts, listName="nuts")
        b.el(b.el(address, "cac:Country"), "cbc:IdentificationCode", "NOR", listName="country")


def _lot(b: _Builder, root: etree._Element, facts: NoticeFacts, lot: NoticeLot, tz: str) -> None:
    node = b.el(root, "cac:ProcurementProjectLot")
    b.el(node, "cbc:ID", lot.key, schemeName="Lot")
    _lot_terms(b, node, facts, lot)
    _lot_process(b, node, facts, tz)
    _lot_project(b, node, lot)


def _lot_terms(b: _Builder, node: etree._Element, facts: NoticeFacts, lot: NoticeLot) -> None:
    terms = b.el(node, "cac:TenderingTerms")
    b.el(terms, "cbc:VariantConstraintCode", "not-allowed", listName="permission")
    b.el(terms, "cbc:FundingProgramCode", "no-eu-funds", listName="eu-funded")
    docs = b.el(terms, "cac:CallForTendersDocumentReference")
    b.el(docs, "cbc:ID", facts.reference)
    b.el(docs, "cbc:DocumentType", "non-restricted-document")
    b.el(b.el(b.el(docs, "cac:Attachment"), "cac:ExternalReference"), "cbc:URI", facts.documents_url)
    for list_name, code in (("reserved-procurement", "none"), ("selection-criteria-source", "epo-procurement-document")):
        req = b.el(b.el(terms, "cac:TendererQualificationRequest"), "cac:SpecificTendererRequirement")
        b.el(req, "cbc:TendererRequirementTypeCode", code, listName=list_name)
    for list_name, code in (("reserved-execution", "no"), ("einvoicing", "required"), ("ecatalog-submission", "not-allowed")):
        b.el(b.el(terms, "cac:ContractExecutionRequirement"), "cbc:ExecutionRequirementCode", code, listName=list_name)
    _award_terms(b, terms, lot, facts.procedure)
    recipient = b.el(terms, "cac:TenderRecipientParty")
    b.el(recipient, "cbc:EndpointID", facts.submission_url)
    lead = next(o for o in facts.buyers if o.group_lead)
    b.el(b.el(recipient, "cac:PartyIdentification"), "cbc:ID", lead.key, schemeName="organization")
    if not two_stage(facts.procedure):  # BT-98 belongs to the invitation in a two-stage procedure
        validity = b.el(terms, "cac:TenderValidityPeriod")
        b.el(validity, "cbc:DurationMeasure", facts.validity_months, unitCode="MONTH")
    appeal = b.el(terms, "cac:AppealTerms")
    b.text(b.el(appeal, "cac:PresentationPeriod"), "cbc:Description", facts.review_deadlines)
    receiver = b.el(b.el(appeal, "cac:AppealReceiverParty"), "cac:PartyIdentification")
    b.el(receiver, "cbc:ID", facts.review_body.key, schemeName="organization")
    b.el(b.el(terms, "cac:Language"), "cbc:ID", facts.language)
    post = b.el(terms, "cac:PostAwardProcess")
    b.el(post, "cbc:ElectronicOrderUsageIndicator", "true")
    b.el(post, "cbc:ElectronicPaymentUsageIndicator", "true")


def two_stage(procedure: str) -> bool:
    """Procedures with requests to participate first (no tender deadline in the notice)."""
    return procedure in settings()["two_stage_procedures"]


def _award_terms(b: _Builder, terms: etree._Element, lot: NoticeLot, procedure: str) -> None:
    awarding = b.el(terms, "cac:AwardingTerms")
    if procedure == "neg-w-call":  # BT-120: the buyers may award on the initial tenders
        b.el(awarding, "cbc:NoFurtherNegotiationIndicator", "true" if settings()["award_without_negotiation"] else "false")
    criterion = b.el(awarding, "cac:AwardingCriterion")
    for c in lot.criteria:
        sub = b.el(criterion, "cac:SubordinateAwardingCriterion")
        ext = b.el(b.el(b.el(sub, "ext:UBLExtensions"), "ext:UBLExtension"), "ext:ExtensionContent")
        param = b.el(b.el(ext, "efext:EformsExtension"), "efac:AwardCriterionParameter")
        b.el(param, "efbc:ParameterCode", "per-exa", listName="number-weight")
        b.el(param, "efbc:ParameterNumeric", _weight(c.weight))
        b.el(sub, "cbc:AwardingCriterionTypeCode", c.kind, listName="award-criterion-type")
        b.text(sub, "cbc:Name", c.name)
        b.text(sub, "cbc:Description", c.description or c.name)


def _weight(weight: float) -> str:
    return str(int(weight)) if float(weight).is_integer() else f"{weight:.2f}"


def _lot_process(b: _Builder, node: etree._Element, facts: NoticeFacts, tz: str) -> None:
    process = b.el(node, "cac:TenderingProcess")
    staged = two_stage(facts.procedure)
    b.el(process, "cbc:SubmissionMethodCode", "required", listName="esubmission")
    if staged:  # BT-52: candidates are not reduced in successive stages
        b.el(process, "cbc:CandidateReductionConstraintIndicator", "false")
    if settings()["subtypes"][facts.subtype]["gpa"]:  # BT-115: only a notice under the directive is covered by the GPA
        b.el(process, "cbc:GovernmentAgreementConstraintIndicator", "true")
    if staged:
        requests = b.el(process, "cac:ParticipationRequestReceptionPeriod")
        b.el(requests, "cbc:EndDate", _date(facts.participation_deadline, tz))
        b.el(requests, "cbc:EndTime", f"{facts.deadline_time}{tz}")
    else:
        deadline = b.el(process, "cac:TenderSubmissionDeadlinePeriod")
        b.el(deadline, "cbc:EndDate", _date(facts.tender_deadline, tz))
        b.el(deadline, "cbc:EndTime", f"{facts.deadline_time}{tz}")
    if facts.questions_deadline:
        questions = b.el(process, "cac:AdditionalInformationRequestPeriod")
        b.el(questions, "cbc:EndDate", _date(facts.questions_deadline, tz))
        b.el(questions, "cbc:EndTime", f"{facts.deadline_time}{tz}")
    if not staged:
        opening = b.el(process, "cac:OpenTenderEvent")
        b.el(opening, "cbc:OccurrenceDate", _date(facts.tender_deadline, tz))
        b.el(opening, "cbc:OccurrenceTime", f"{facts.deadline_time}{tz}")
    if staged:
        shortlist = b.el(process, "cac:EconomicOperatorShortList")
        b.el(shortlist, "cbc:LimitationDescription", "false")  # BT-661: every qualified candidate is invited
        b.el(shortlist, "cbc:MinimumQuantity", facts.minimum_candidates)
    b.el(b.el(process, "cac:AuctionTerms"), "cbc:AuctionConstraintIndicator", "false")
    system = b.el(process, "cac:ContractingSystem")
    b.el(system, "cbc:ContractingSystemTypeCode", "fa-wo-rc" if facts.framework else "none",
         listName="framework-agreement")
    dps = b.el(process, "cac:ContractingSystem")
    b.el(dps, "cbc:ContractingSystemTypeCode", "none", listName="dps-usage")


def _lot_project(b: _Builder, node: etree._Element, lot: NoticeLot) -> None:
    project = _project_head(b, node, lot.internal_id, lot.title, lot.description, lot.nature, lot.value_nok, lot.cpv)
    for extra in lot.additional_cpv:
        b.el(b.el(project, "cac:AdditionalCommodityClassification"), "cbc:ItemClassificationCode", extra,
             listName="cpv")
    _locations(b, project, list(lot.nuts))
    period = b.el(project, "cac:PlannedPeriod")
    b.el(period, "cbc:DurationMeasure", lot.duration_months, unitCode="MONTH")
    if lot.options:
        b.text(b.el(project, "cac:ContractExtension"), "cbc:OptionsDescription", lot.options)


def stable_id(*parts: str) -> str:
    """A random-form (version 4) UUID derived from the tender, so a rebuilt notice keeps its id.

    eForms wants notice and procedure ids in the UUID v4 form (BR-BT-00701-0052); the bits of a
    name-based UUID are re-labelled as version 4 so the id is stable across builds.
    """
    named = uuid.uuid5(uuid.NAMESPACE_URL, "digireform:" + "/".join(parts))
    return str(uuid.UUID(bytes=named.bytes, version=4))


# --------------------------------------------------------------------------- from a tender


class NoticeDataError(ValueError):
    """The data lack something the notice must state; `problems` say what, in Norwegian."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def notice_facts(assembly: Any) -> NoticeFacts:
    """The notice's facts from an assembled tender (participants, their kommune.yaml `office`).

    The notice language is English: a notice on TED must be in an EU official language
    (BT-702, rule BR-BT-00702-0102), and Norway publishes its TED notices in English. The
    English texts come from the tender file's `notice:` section; what is missing is refused,
    never guessed (NoticeDataError lists every gap).
    """
    cfg = settings()
    tender = assembly.tender
    english = (tender.source or {}).get("notice") or {}
    problems: list[str] = []
    subtype = _subtype(assembly.threshold.band if assembly.threshold else "eea", cfg)
    procedure = cfg["procedures"].get(getattr(tender, "procedure", None) or "")
    if not procedure:
        problems.append("anbudsfila velger ingen prosedyre (procedure:) som kan kunngjøres i eForms")
    buyers = _buyers(assembly, cfg, problems)
    lots = _lots(assembly, english, cfg, problems)
    title, description = english.get("title"), english.get("description")
    if not title or not description:
        problems.append("notice.title og notice.description (engelsk tittel og beskrivelse) mangler i anbudsfila")
    staged = bool(procedure) and two_stage(procedure)
    participation = tender.timeline.get("participation_deadline")
    if staged and not participation:
        problems.append("prosedyren har to trinn, men tidsplanen har ingen frist for forespørsel om å delta "
                        "(timeline.participation_deadline)")
    if problems:
        raise NoticeDataError(problems)
    base = tender.publication.get("base_url") or assembly_base_url()
    return NoticeFacts(
        subtype=subtype, procedure=procedure, notice_id=stable_id(tender.slug, "notice"),
        folder_id=stable_id(tender.slug, "procedure"), issue_date=tender.timeline["publication"],
        language=cfg["language"], title=title.strip(), description=" ".join(description.split()),
        reference=tender.reference or tender.slug, nature=lots[0].nature, cpv=lots[0].cpv,
        value_nok=_decimal(assembly.estimated_value_nok), buyers=tuple(buyers),
        review_body=_review_body(cfg), lots=tuple(lots),
        tender_deadline=tender.timeline["tender_deadline"], deadline_time=cfg["deadline_time"],
        questions_deadline=tender.timeline.get("questions_deadline"),
        validity_months=_validity_months(tender), documents_url=f"{base.rstrip('/')}/{tender.slug}/",
        submission_url=english.get("submission_url") or f"{base.rstrip('/')}/{tender.slug}/levering",
        review_deadlines=" ".join(cfg["review_deadlines"].split()),
        participation_deadline=participation if staged else None,
        minimum_candidates=cfg["minimum_candidates"].get(procedure, 0) if staged else 0,
    )


def assembly_base_url() -> str:
    from digireform.tender.definition import defaults

    return defaults()["publication"]["base_url"]


def _subtype(band: str, cfg: dict) -> str:
    for code, spec in cfg["subtypes"].items():
        if band in spec["bands"]:
            return code
    raise NoticeDataError([f"ingen eForms-kunngjøring passer verdiområdet «{band}»"])


def _decimal(x: Any) -> Decimal:
    """Whole kroner, as the lots are (tender.lot_values), so the lots sum to the procedure's value."""
    return Decimal(str(round(float(x or 0))))


def _buyers(assembly: Any, cfg: dict, problems: list[str]) -> list[Organisation]:
    buyers = []
    host = assembly.tender.host
    numbers = [host] + [n for n in assembly.tender.participants if n != host]
    people = assembly.participants.set_index("number")
    for i, number in enumerate(numbers, start=1):
        office = assembly.offices.get(number) or {}
        missing = [k for k in ("postal_zone", "city", "mailbox", "switchboard") if not office.get(k)]
        name, orgnr = str(people.at[number, "name"]), people.at[number, "orgnr"]
        if missing or not orgnr:
            problems.append(f"{name}: kommune.yaml mangler " + ", ".join(
                (["orgnr"] if not orgnr else []) + [f"office.{k}" for k in missing]))
            continue
        county = cfg["nuts_by_county"].get(number[:2])
        if not county:
            problems.append(f"{name}: fylke {number[:2]} har ingen NUTS-kode i eforms.yaml (nuts_by_county)")
            continue
        buyers.append(Organisation(
            key=f"ORG-{i:04d}", name=f"{name} kommune", company_id=str(orgnr),
            city=office["city"], postal_zone=str(office["postal_zone"]), nuts=county["code"],
            email=office["mailbox"], telephone=office["switchboard"], group_lead=number == host,
        ))
    return buyers


def review_body() -> dict[str, str]:
    """model/data/review_body.yaml: the complaints board (KOFA) every notice names."""
    return package_yaml("review_body.yaml")


def _review_body(cfg: dict) -> Organisation:
    r = review_body()
    return Organisation(key="ORG-0900", name=r["name"], company_id=r["orgnr"], city=r["city"],
                        postal_zone=r["postal_zone"], nuts=r["nuts"], email=r["mailbox"], url=r["url"],
                        telephone=r["switchboard"])


def _validity_months(tender: Any) -> int:
    """Vedståelsesfrist in whole months after the tender deadline (at least one)."""
    validity = tender.timeline.get("offer_validity")
    if not validity:
        return settings()["default_validity_months"]
    deadline = tender.timeline["tender_deadline"]
    months = (validity.year - deadline.year) * 12 + validity.month - deadline.month
    return max(1, months)


def _lots(assembly: Any, english: dict, cfg: dict, problems: list[str]) -> list[NoticeLot]:
    tender = assembly.tender
    lots = tender.lots or [None]
    texts = english.get("lots") or {}
    criteria = tuple(_criterion(c, cfg, problems) for c in tender.award_criteria)
    try:
        values = lot_values(assembly, lots)
    except LotValueError as exc:
        problems.append(str(exc))
        return []
    months = 12 * tender.years
    options = (cfg["options_text"].format(years=tender.option_years) if tender.option_years else "")
    out = []
    for i, lot in enumerate(lots, start=1):
        lot_id = lot.id if lot else "1"
        text = texts.get(lot_id) or ({"title": english.get("title"), "description": english.get("description")}
                                     if lot is None else {})
        if not text.get("title") or not text.get("description"):
            problems.append(f"notice.lots.{lot_id}: engelsk tittel og beskrivelse for delkontrakt {lot_id} mangler")
            continue
        cpv = _lot_cpv(assembly, lot)
        out.append(NoticeLot(
            key=f"LOT-{i:04d}", internal_id=lot_id, title=text["title"].strip(),
            description=" ".join(text["description"].split()), nature=_nature(cpv, cfg), cpv=cpv,
            additional_cpv=(), value_nok=values[i - 1], duration_months=months, options=options,
            criteria=criteria, nuts=tuple(sorted({b["code"] for n, b in _counties(tender, cfg)})),
        ))
    return out


def _counties(tender: Any, cfg: dict) -> list[tuple[str, dict]]:
    return [(n, cfg["nuts_by_county"][n[:2]]) for n in tender.participants if n[:2] in cfg["nuts_by_county"]]


def _criterion(c: Any, cfg: dict, problems: list[str]) -> Criterion:
    names = cfg["award_criteria_en"]
    name = names.get(c.code)
    if not name:
        problems.append(f"tildelingskriteriet «{c.label}» ({c.code}) har ikke noe engelsk navn i eforms.yaml")
        name = c.code
    kind = cfg["award_criterion_types"].get(c.ocds_type, "quality")
    return Criterion(kind=kind, name=name, description=name, weight=c.weight)


def _lot_cpv(assembly: Any, lot: Any) -> str:
    """The lot's main CPV (8 digits): its first welfare category's, else the tender's."""
    from digireform.tender.assembly import item_cpv

    if lot is not None and lot.welfare_categories:
        code = item_cpv(lot.welfare_categories[0])["code"]
    else:
        code = assembly.cpv["code"]
    return code.split("-")[0]


def _nature(cpv: str, cfg: dict) -> str:
    division = cpv[:2]
    for nature, divisions in cfg["nature_by_cpv_division"].items():
        if division in divisions:
            return nature
    return "services"
