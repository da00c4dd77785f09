"""Threshold choice at the boundaries, from dated data: a value is in force until superseded."""
from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from digireform.model.errors import ValidationError
from digireform.model.thresholds import Threshold, classify, thresholds_on
from digireform.validate.thresholds import group_thresholds

DAY = dt.date(2025, 6, 1)


@pytest.mark.parametrize(
    ("value", "band", "threshold"),
    [
        (99_999, "below_exempt", None),
        (100_000, "below_national", "exempt"),
        (1_299_999.99, "below_national", "exempt"),
        (1_300_000, "national", "national"),  # equal to the threshold crosses it (FOA § 5-1)
        (2_299_999, "national", "national"),
        (2_300_000, "eea", "eea"),
    ],
)
def test_bands_at_the_boundaries(value, band, threshold):
    r = classify(value, DAY)
    assert (r.band, r.threshold_id) == (band, threshold)
    assert r.warnings == []


def test_eea_threshold_from_its_amendment_date():
    assert classify(2_300_000, dt.date(2024, 3, 14)).crossed.amount_nok == 2_300_000  # in force that day
    before = classify(2_300_000, dt.date(2024, 3, 13))  # the 2.3 MNOK value started 14 March 2024
    assert before.warnings == ["EØS-terskelverdi, kommuners vare- og tjenestekontrakter: ingen verdi er registrert for "
                               "2024-03-13 (den første gjelder fra 2024-03-14); bruker 2 300 000 kr."]


@pytest.mark.parametrize("day", [dt.date(2025, 12, 31), dt.date(2026, 1, 1), dt.date(2026, 11, 23), dt.date(2031, 1, 1)])
def test_a_value_stays_in_force_until_superseded(day):
    # no end date: 1 January is no boundary, and no «gjaldt til» warning
    r = classify(3_000_000, day)
    assert r.band == "eea" and r.crossed.amount_nok == 2_300_000 and r.warnings == []


def test_a_newer_entry_supersedes_from_its_valid_from():
    newer = Threshold("eea", "EØS-terskelverdi", 2_500_000, dt.date(2026, 3, 1), "FOA § 5-3, endret 2026")
    assert classify(2_400_000, dt.date(2026, 2, 28), extra=[newer]).band == "eea"  # old value still in force
    on = classify(2_400_000, dt.date(2026, 3, 1), extra=[newer])
    assert on.band == "national" and on.thresholds["eea"] is newer
    # an entry dated after the day asked for does not apply yet; the others are untouched
    chosen, warnings = thresholds_on(dt.date(2026, 3, 1), [newer])
    assert chosen["national"].amount_nok == 1_300_000 and warnings == []


def test_procedure_text_and_source():
    d = classify(1_500_000, DAY).as_dict()
    assert d["part"] == "FOA del II"
    assert "Doffin" in d["announcement"]
    assert "FOA § 5-1" in d["threshold_source"]
    assert d["threshold_valid_from"] == dt.date(2018, 4, 6)


def _group_file(root, text):
    path = root / "procurement" / "thresholds.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), "utf-8")
    return root


def test_group_file_registers_a_newer_value(tmp_path):
    root = _group_file(tmp_path, """\
        # Ny verdi etter forskriftsendring
        thresholds:
          - id: eea
            amount_nok: 2500000
            valid_from: 2026-03-01
            source: "FOA § 5-3, endret ved forskrift 2026 (i kraft 1. mars 2026)"
        """)
    (entry,) = group_thresholds(root)
    assert entry.label == "EØS-terskelverdi, kommuners vare- og tjenestekontrakter"  # the package's label
    assert (entry.amount_nok, entry.valid_from) == (2_500_000, dt.date(2026, 3, 1))
    assert entry.file.endswith("procurement/thresholds.yaml")
    assert classify(2_400_000, dt.date(2026, 3, 1), extra=group_thresholds(root)).band == "national"


def test_group_file_same_date_as_the_package_wins(tmp_path):
    root = _group_file(tmp_path, """\
        thresholds:
          - {id: eea, amount_nok: 2400000, valid_from: 2024-03-14, source: "Rettet verdi"}
        """)
    assert classify(2_350_000, dt.date(2025, 1, 1), extra=group_thresholds(root)).band == "national"


def test_no_group_file_is_no_entries(tmp_path):
    assert group_thresholds(tmp_path) == () and group_thresholds(None) == ()


@pytest.mark.parametrize(("text", "expected"), [
    ("thresholds:\n  - {id: eøs, amount_nok: 1, valid_from: 2026-01-01, source: x}\n",
     "thresholds.yaml:2: thresholds.id: «eøs» er ikke en terskel; gyldige: exempt, national, eea"),
    ("thresholds:\n  - {id: eea, amount_nok: 2 500 000, valid_from: 2026-01-01, source: x}\n",
     "thresholds.yaml:2: thresholds.amount_nok: «2 500 000» er ikke et beløp ≥ 0 (kr eks. mva, uten mellomrom)"),
    ("thresholds:\n  - {id: eea, amount_nok: 2500000, valid_from: 2026-01-01}\n",
     "thresholds.yaml:2: thresholds.source: mangler (påkrevd felt)"),
    ("thresholds:\n  - {id: eea, amount_nok: 2500000, valid_from: 2026-02-30, source: x}\n",
     "thresholds.yaml:2: thresholds.valid_from: ugyldig dato «2026-02-30»: dagen finnes ikke i kalenderen (ÅÅÅÅ-MM-DD)"),
])
def test_group_file_errors_are_norwegian_with_lines(tmp_path, text, expected):
    root = _group_file(tmp_path, text)
    with pytest.raises(ValidationError) as exc:
        group_thresholds(root)
    assert "Terskelverdiene i" in exc.value.message
    assert [str(p).split("procurement/", 1)[1] for p in exc.value.problems] == [expected]
