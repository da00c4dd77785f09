"""docs/data-model.md says what the package data says: files, columns, code lists, confidentiality.

The document is the description a person who clones the project reads; these tests keep it
true. Each compares a table of the document with the data file it describes, both ways: a
field added to schema.yaml without a row in the document fails, and so does a documented
field schema.yaml lacks. `python -m tests.support.data_model_doc` prints the tables as the
data says they should be.
"""
from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pytest

from digireform.model.privacy import confidential_fields
from digireform.model.schema import package_yaml
from digireform.validate.survey import stored_columns
from tests.support import data_model_doc as doc

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def text() -> str:
    return doc.DOC.read_text("utf-8")


@pytest.fixture(scope="module")
def tables(text) -> list[doc.Table]:
    return doc.parse(text)


def by_name(tables: list[doc.Table], header: tuple[str, ...]) -> dict[str, doc.Table]:
    found: dict[str, doc.Table] = {}
    for t in doc.tables_of(tables, header):
        assert t.name, f"docs/data-model.md:{t.line}: the heading above the table names no `file` or `list`"
        assert t.name not in found, f"docs/data-model.md:{t.line}: a second table for `{t.name}`"
        found[t.name] = t
    return found


def without_meaning(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    return [{k: v for k, v in r.items() if k != "meaning"} for r in rows]


# --------------------------------------------------------------------------- CSV files


def test_every_schema_file_has_one_column_table_and_no_other_is_documented(tables):
    documented = set(by_name(tables, doc.COLUMNS))
    expected = set(doc.schema_files().values()) | {"survey.csv"}
    assert documented == expected, "column tables in docs/data-model.md vs schema.yaml `files` (+ survey.csv)"


@pytest.mark.parametrize("kind", list(doc.schema_files()))
def test_column_table_matches_schema_yaml(tables, kind):
    """Same columns in the same order, each with header, type, required, completeness, code list,
    range and confidential as in schema.yaml; every column has a meaning."""
    table = by_name(tables, doc.COLUMNS)[doc.schema_files()[kind]]
    rows = table.records()
    expected = doc.expected_columns(kind)
    got_keys = [r["column"] for r in rows]
    want_keys = [r["column"] for r in expected]
    assert [k for k in want_keys if k not in got_keys] == [], f"schema.yaml {kind} fields not documented"
    assert [k for k in got_keys if k not in want_keys] == [], f"documented {kind} fields schema.yaml lacks"
    assert got_keys == want_keys, "columns in another order than schema.yaml (the stored order)"
    for got, want in zip(without_meaning(rows), expected, strict=True):
        assert got == want, f"docs/data-model.md, {table.name} {want['column']}: the row differs from schema.yaml"
    assert all(r["meaning"] for r in rows), f"a {kind} column without a meaning"


def test_survey_columns_match_the_survey_import(tables):
    rows = by_name(tables, doc.COLUMNS)["survey.csv"].records()
    assert [doc.unquote(r["column"]) for r in rows] == stored_columns()
    services = package_yaml("survey.yaml")["services"]
    for r in rows:
        key = doc.unquote(r["column"])
        assert r["confidential"] == "aggregate only"
        assert r["completeness"] == "no"
        if key.startswith("satisfaction_"):
            service = key.removeprefix("satisfaction_")
            assert (r["norwegian header"], r["type"], r["range"], r["code list"]) == (
                services[service]["label"], "int", "1–5", doc.NONE)
    survey = {doc.unquote(r["column"]): r for r in rows}
    assert survey["survey"]["required"] == "yes"
    assert survey["channel_preference"]["code list"] == f"`{doc.SURVEY_CHANNELS}`"
    # the prose says «at least five answers»: survey.yaml's min_responses
    assert package_yaml("survey.yaml")["min_responses"] == 5
    assert "at least five" in doc.DOC.read_text("utf-8")


# --------------------------------------------------------------------------- code lists


def test_every_code_list_is_documented_with_its_codes_labels_and_aliases(tables):
    documented = by_name(tables, doc.CODES)
    assert set(documented) == set(doc.code_lists()), "code-list tables vs schema.yaml `code_lists` + survey.yaml"
    for name, table in documented.items():
        got = {r["code"]: r for r in table.records()}
        want = {r["code"]: r for r in doc.expected_codes(name)}
        assert list(got) == list(want), f"code list `{name}`: codes (in order) differ from the data"
        for code, row in want.items():
            assert got[code] == row, f"code list `{name}` {code}: label or aliases differ from the data"


def test_every_code_list_a_column_names_exists(tables):
    lists = set(doc.code_lists())
    for table in doc.tables_of(tables, doc.COLUMNS):
        for r in table.records():
            if r["code list"] != doc.NONE:
                assert doc.unquote(r["code list"]) in lists, f"{table.name} {r['column']}: unknown code list"


# --------------------------------------------------------------------------- kommune.yaml


def test_kommune_yaml_keys_and_their_publicity_match_privacy_yaml(tables):
    [table] = [t for t in doc.tables_of(tables, doc.PROFILE) if t.name == "kommune.yaml"]
    rows = {doc.unquote(r["key"]): r for r in table.records()}
    rules = package_yaml("privacy.yaml")
    private = set(rules["private_profile_keys"])
    public = set(rules["public_profile_keys"]) - private
    top = {k for k in rows if not re.search(r"[.\[]", k)}
    assert top == public | private, "documented top-level keys of kommune.yaml vs privacy.yaml"
    for key, r in rows.items():
        head = re.split(r"[.\[]", key)[0]
        assert r["public"] == ("no" if head in private else "yes"), f"kommune.yaml `{key}`: public column"
        assert r["meaning"], f"kommune.yaml `{key}` without a meaning"


def test_channel_keys_and_target_metrics_match_their_data_files(tables):
    [channels] = [t for t in doc.tables_of(tables, doc.CHANNELS) if t.name == "channels"]
    assert [(doc.unquote(r["key"]), r["norwegian label"]) for r in channels.records()] == doc.expected_channel_keys()
    [metrics] = [t for t in doc.tables_of(tables, doc.METRICS) if t.name == "targets"]
    assert metrics.records() == doc.expected_metrics()


def test_kommune_yaml_keys_labels_and_required_match_its_json_schema(tables):
    """Every key of schemas/kommune.schema.yaml documented with its title and required flag, and
    no documented key the schema lacks; the channel counts are the `channels[].<key>` row."""
    from digireform.model.region import CHANNEL_FIELDS

    [table] = [t for t in doc.tables_of(tables, doc.PROFILE) if t.name == "kommune.yaml"]
    got = {doc.unquote(r["key"]): (r["norwegian label"], r["required"] == "yes") for r in table.records()}
    want = doc.schema_keys(package_yaml("schemas/kommune.schema.yaml"))
    channel_rows = {f"channels[].{k}" for k in CHANNEL_FIELDS}
    assert channel_rows <= set(want), "kommune.schema.yaml channels[] vs model.region.CHANNEL_FIELDS"
    want = {k: v for k, v in want.items() if k not in channel_rows}
    assert got.pop("channels[].<key>") == (doc.NONE, False)
    assert [k for k in want if k not in got] == [], "kommune.schema.yaml keys not documented"
    assert [k for k in got if k not in want] == [], "documented kommune.yaml keys the schema lacks"
    for key, (title, required) in want.items():
        assert got[key] == (title, required), f"kommune.yaml `{key}`: label or required differs from the schema"


def test_kommune_yaml_shapes_match_the_profile_check(tables):
    """Age bands and channel keys as the kommune.yaml check accepts them."""
    from digireform.model.region import AGE_BANDS, CHANNEL_FIELDS

    [table] = [t for t in doc.tables_of(tables, doc.PROFILE) if t.name == "kommune.yaml"]
    bands = {doc.unquote(r["key"]): r for r in table.records()}["population.age_bands"]["meaning"]
    assert [b for b in re.findall(r"`([^`]+)`", bands) if re.match(r"\d", b)] == list(AGE_BANDS)
    [channels] = [t for t in doc.tables_of(tables, doc.CHANNELS) if t.name == "channels"]
    assert [doc.unquote(r["key"]) for r in channels.records()] == list(CHANNEL_FIELDS)


# --------------------------------------------------------------------------- procurement


def test_requirement_keys_match_the_library_reader(tables):
    from digireform.tender.requirements import KEYS, REQUIRED

    [table] = [t for t in doc.tables_of(tables, doc.KEYS) if t.name == "procurement/requirements/*.yaml"]
    rows = {doc.unquote(r["key"]): r for r in table.records()}
    assert list(rows) == list(KEYS)
    assert [k for k, r in rows.items() if r["required"] == "yes"] == list(REQUIRED)
    titles = {k: title for k, (title, _) in
              doc.schema_keys(package_yaml("schemas/requirements.schema.yaml")["items"]).items()}
    assert {k: r["norwegian label"] for k, r in rows.items()} == titles


# --------------------------------------------------------------------------- confidentiality


def test_every_private_field_is_named_confidential(text, tables):
    """schema.yaml's confidential fields, privacy.yaml's private and personal keys: all named."""
    section = text.split("## What is confidential and where it may go", 1)[1].split("\n## ", 1)[0]
    for kind in doc.schema_files():
        for key in confidential_fields(kind):
            assert f"`{key}`" in section, f"confidential field {key} not named in the confidentiality section"
    rules = package_yaml("privacy.yaml")
    for key in rules["private_profile_keys"]:
        assert f"`{key}`" in section, f"private kommune.yaml key {key} not named in the confidentiality section"
    for key in rules["public_profile_keys"]:
        assert f"`{key}`" in section
    for key in rules["personal_keys"]:
        assert f"`{key}`" in text, f"personal key {key} (privacy.yaml) not listed"


# --------------------------------------------------------------------------- package data, links


def test_every_package_data_file_is_described(tables):
    [table] = doc.tables_of(tables, doc.DATA_FILES)
    documented = [doc.unquote(r["file"]) for r in table.records()]
    data = resources.files("digireform.model").joinpath("data")
    present = sorted(p.name + ("/" if p.is_dir() else "") for p in data.iterdir()
                     if not p.name.startswith((".", "__")))
    assert sorted(documented) == present, "lib/digireform/model/data/ vs the table «Package data files»"
    assert all(r["what it holds"] and r["source and date"] for r in table.records())


def test_links_inside_the_document_resolve(text):
    anchors = {_anchor(h) for h in re.findall(r"^#+ (.+)$", text, flags=re.MULTILINE)}
    for target in re.findall(r"\]\(#([^)]+)\)", text):
        assert target in anchors, f"link to #{target}: no such heading"
    for target in re.findall(r"\]\((?!#|https?:)([^)]+)\)", text):
        assert (doc.DOC.parent / target.split("#")[0]).exists(), f"link to {target}: no such file"


def _anchor(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces → hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_nothing_in_the_project_points_outside_the_repository():
    """The data model is described here, not in a design note beside the checkout."""
    pattern = re.compile(r"DESIGN\.md|\.\./shared")
    hits = []
    for folder in ("lib", "tests", "docs", "notebooks", "procurement", "municipalities", "benchmarks"):
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and path.suffix in {".py", ".md", ".yaml", ".yml", ".ipynb", ".csv", ".toml"} \
                    and path != Path(__file__).resolve():
                for n, line in enumerate(path.read_text("utf-8", errors="replace").splitlines(), 1):
                    if pattern.search(line):
                        hits.append(f"{path.relative_to(ROOT)}:{n}")
    for name in ("README.md", "Makefile", "pyproject.toml", "environment.yml"):
        for n, line in enumerate((ROOT / name).read_text("utf-8").splitlines(), 1):
            if pattern.search(line):
                hits.append(f"{name}:{n}")
    assert hits == []
