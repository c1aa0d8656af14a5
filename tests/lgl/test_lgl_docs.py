"""The tables of docs/lgl.md that state what the code decides are the code's: report types <->
contact methods <-> Givebutter types (contact_logs), the lookup types' and the catalogues'
default values (lookups, gift_catalogues). Parsed out of the markdown, as
tests/givebutter/test_givebutter_mapping.py does for docs/faces.md."""
from __future__ import annotations

import re
from pathlib import Path

from chalicelib.domain import catalogues, contact_logs, gift_catalogues, lookups  # noqa: F401

DOCS = Path(__file__).resolve().parents[2] / "docs" / "lgl.md"


def doc_table(header: str) -> list[list[str]]:
    """The rows of the table whose header row starts with `header`, each a list of cells
    without backticks."""
    lines = DOCS.read_text().splitlines()
    starts = [n for n, line in enumerate(lines) if line.startswith(header)]
    assert len(starts) == 1, f"{len(starts)} tables start with {header!r}"
    rows = []
    for line in lines[starts[0] + 2:]:
        if not line.startswith("|"):
            break
        rows.append([c.replace("`", "").strip() for c in line.strip().strip("|").split("|")])
    return rows


def values(cell: str) -> list[str]:
    """`5937 Donation (Gift), 5938 Matching Gift (Gift)` -> ["5937 Donation", "5938 Matching Gift"]."""
    if cell == "none":
        return []
    return [re.sub(r"\s*\([^)]*\)", "", part).strip() for part in cell.split(", ")]


def default_type_name(type_id: int) -> str:
    return next(v["name"] for v in lookups.TABLES["contact_report_types"].catalogue.defaults if v["id"] == type_id)


def test_the_report_type_table_is_the_code():
    expected = []
    for value in lookups.TABLES["contact_report_types"].catalogue.defaults:
        method = contact_logs.REPORT_TYPE_CODE_METHODS.get(value["code"], "OTHER")
        expected.append([f"{value['id']} {value['name']}", method, value["name"],
                         contact_logs.METHOD_ACTIVITY_TYPES[method]])
    assert doc_table("| LGL contact report type | native `contact_method` |") == expected


def test_the_method_table_is_the_code():
    expected = [[method, f"{contact_logs.METHOD_REPORT_TYPES[method]} "
                         f"{default_type_name(contact_logs.METHOD_REPORT_TYPES[method])}",
                 contact_logs.METHOD_ACTIVITY_TYPES[method]]
                for method in ("PHONE", "EMAIL", "MEETING", "LETTER", "SMS", "OTHER")]
    assert sorted(r[0] for r in expected) == sorted(contact_logs.METHODS)
    assert doc_table("| native `contact_method` | LGL contact report type |") == expected


def test_the_givebutter_table_is_the_code():
    expected = []
    for kind, method in contact_logs.ACTIVITY_TYPE_METHODS.items():
        type_id = contact_logs.METHOD_REPORT_TYPES[method]
        expected.append([kind, "a note" if kind == contact_logs.NOTE else f"{type_id} {default_type_name(type_id)}"])
    assert sorted(doc_table("| Givebutter `type` | on LGL |")) == sorted(expected)


def test_the_lookup_types_table_is_the_code():
    documented = {}
    for keys, cell in doc_table("| type | values |"):
        for key in keys.split(", "):
            documented[key] = values(cell)
    expected = {key: [f"{v['id']} {v['name']}" for v in lookups.TABLES[key].catalogue.defaults]
                for key in lookups.LISTED}
    assert documented == expected


def test_the_catalogue_defaults_table_is_the_code():
    documented = {}
    for keys, cell in doc_table("| catalogue | default values |"):
        for key in keys.split(", "):
            documented[key] = values(cell)
    expected = {c.key: [f"{v['id']} {v[c.name_field]}" for v in c.defaults] for c in catalogues.CATALOGUES.listed()}
    assert documented == expected


def test_the_catalogue_defaults_tables_qualifiers_are_the_code():
    """What the parentheses say: a category's gift type, a payment type's key, a template's code."""
    rows = dict(doc_table("| catalogue | default values |"))
    kinds = {v["id"]: v["name"] for v in gift_catalogues.GIFT_TYPES.defaults}
    assert rows["gift_categories"] == ", ".join(f"{v['id']} {v['display_name']} ({kinds[v['gift_type_id']]})"
                                                for v in gift_catalogues.GIFT_CATEGORIES.defaults)
    assert rows["payment_types"] == ", ".join(f"{v['id']} {v['name']} ({v['key']})"
                                              for v in gift_catalogues.PAYMENT_TYPES.defaults)
    assert rows["mailing_templates"] == ", ".join(f"{v['id']} {v['name']} ({v['code']})"
                                                  for v in gift_catalogues.MAILING_TEMPLATES.defaults)
