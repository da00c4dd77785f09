"""Code lists as validation messages list them («gyldige: …»), written out by hand once.

They are long, and several tests quote them; the messages come from `model.labels.codes_text`
(the label, then the code in parentheses), and these are what that must give.
"""
SERVICE_AREAS_TEXT = (
    "Innbyggertjenester og selvbetjening (innbygger), Økonomi og personal (okonomi_personal), Sak og arkiv (sak_arkiv), "
    "Helse og velferd (helse_velferd), Skole og oppvekst (skole_oppvekst), Plan og bygg (plan_bygg), "
    "Tekniske tjenester (teknisk), Kultur (kultur), Felles infrastruktur (felles)")
LEVELS_TEXT = ("Helt digitalt (all_digital), Hovedsakelig digitalt (mostly_digital), Hovedsakelig papir (mostly_paper), "
               "Helt papir (all_paper)")
WELFARE_CATEGORIES_TEXT = (
    "Trygghetsalarm (trygghetsalarm), Digitalt tilsyn (digitalt_tilsyn), Medisineringsstøtte (medisineringsstotte), "
    "Lokalisering (GPS) (lokalisering), Elektronisk dørlås (elektronisk_dorlas), Digital hjemmeoppfølging "
    "(digital_hjemmeoppfolging), Skjermbesøk (video) (skjermbesok), Responssenter (responssenter)")
