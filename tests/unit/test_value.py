"""The estimated value (FOA § 5-4) and its parts, hand-computed on small inputs."""
from __future__ import annotations

import pandas as pd

from digireform.analysis.value import Growth, estimate, welfare_growth


def test_parts_today_growth_options_one_off():
    v = estimate(480_000, 4, 2, Growth(90_000, 25), [("Migrering", 200_000)])
    assert [(p.key, p.amount_nok) for p in v.parts] == [
        ("today", 1_920_000), ("growth", 360_000), ("options", 1_140_000), ("one_off", 200_000)]
    assert v.total_nok == v.computed_nok == 3_620_000 and not v.stated
    assert [p.basis for p in v.parts] == [
        "480\u00a0000\u00a0kr per år × fire år", "25 enheter til, 90\u00a0000\u00a0kr per år × fire år, regnet fra kontraktsstart",
        "570\u00a0000\u00a0kr per år × to år", "engangskostnad"]
    assert v.basis.startswith("Samlet anslått verdi 3\u00a0620\u00a0000\u00a0kr eks. mva. med opsjoner (FOA § 5-4): "
                              "Dagens årlige kostnad i avtaleperioden 1\u00a0920\u00a0000\u00a0kr")


def test_without_growth_or_options_only_today():
    v = estimate(100_000, 3, 0)
    assert [p.key for p in v.parts] == ["today"] and v.total_nok == 300_000


def test_a_stated_value_is_used_and_the_computed_one_kept():
    v = estimate(100_000, 3, 0, stated_nok=250_000, stated_note="Anslag fra innkjøp.")
    assert (v.total_nok, v.computed_nok, v.stated) == (250_000, 300_000, True)
    assert v.basis.startswith("Oppgitt verdi i anbudsdefinisjonen: 250\u00a0000\u00a0kr. Anslag fra innkjøp. "
                              "Beregnet fra dataene: 300\u00a0000\u00a0kr")
    assert v.as_dict()["parts"][0] == {"key": "today", "label": "Dagens årlige kostnad i avtaleperioden",
                                       "amount_nok": 300_000, "basis": "100\u00a0000\u00a0kr per år × tre år"}


def welfare(rows):
    df = pd.DataFrame(rows, columns=["municipality", "name", "category", "in_use", "gap", "annual_cost_nok"])
    df["in_use"] = df["in_use"].astype("Int64")
    df["gap"] = df["gap"].astype("Int64")
    return df


def test_growth_at_each_municipality_s_own_unit_cost():
    g = welfare_growth(welfare([
        ("1", "A", "trygghetsalarm", 50, 10, 200_000.0),  # 4 000 a unit → 40 000
        ("2", "B", "trygghetsalarm", 30, 15, 100_000.0),  # 3 333,33 a unit → 50 000
        ("3", "C", "trygghetsalarm", 20, 0, 80_000.0),  # nothing to buy
    ]))
    assert round(g.annual_nok, 6) == 90_000 and g.units == 25 and g.unvalued == ()


def test_growth_without_own_cost_uses_the_category_average():
    # C has none in use: the participants' 300 000 / 80 units = 3 750 a unit, × 8 = 30 000
    g = welfare_growth(welfare([
        ("1", "A", "trygghetsalarm", 50, 0, 200_000.0),
        ("2", "B", "trygghetsalarm", 30, 0, 100_000.0),
        ("3", "C", "trygghetsalarm", 0, 8, 0.0),
    ]))
    assert (g.annual_nok, g.units) == (30_000, 8)


def test_growth_that_cannot_be_valued_is_said_not_zeroed_silently():
    g = welfare_growth(welfare([
        ("1", "A", "digitalt_tilsyn", 0, 10, 0.0),  # no cost per unit anywhere
        ("2", "B", "skjermbesok", 2, pd.NA, 5_000.0),  # need unknown
    ]))
    assert (g.annual_nok, g.units) == (0, 0)
    assert g.unvalued == (
        "10 nye enheter digitalt tilsyn er ikke verdsatt: ingen kjent kostnad per enhet i bruk; oppgi "
        "estimated_value_nok eller legg inn kostnaden i welfare.csv.",
        "Behovet for skjermbesøk (video) er ukjent for B; økningen der er ikke med i anslaget.")
