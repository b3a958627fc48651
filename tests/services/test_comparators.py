"""Comparators: the DfE table read, kept and chosen from, by the service and by `cpchair comparators`, and set
beside each figure (England, the authority, its neighbours and their average)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from cpchair.cli import main
from cpchair.domain import comparators as domain
from cpchair.services import comparators
from cpchair.services.figures import figures

SAMPLE = comparators.sample_path()


def test_the_sample_is_clearly_synthetic_and_in_the_dfe_shape():
    text = SAMPLE.read_text("utf-8")
    header = text.splitlines()[0].split(",")
    assert header[:10] == ["time_period", "time_identifier", "geographic_level", "country_code", "country_name",
                           "region_code", "region_name", "old_la_code", "new_la_code", "la_name"]  # fmt: skip
    assert "synthetic" in SAMPLE.name
    values = domain.parse(text)
    las = {v.area_name for v in values if v.level == domain.LA_LEVEL}
    assert len(las) == 12 and all("(synthetic sample)" in name for name in las)
    assert {v.year for v in values} == {"202324", "202425"}
    assert {v.area_code for v in values if v.level == domain.NATIONAL_LEVEL} == {domain.ENGLAND_CODE}
    # the DfE's own markers for a suppressed ("c") or missing (":") value are skipped, not read as numbers
    assert "c" in text.split("\n")[7].split(",") and len(values) < 26 * len(domain.MEASURES)


@pytest.mark.parametrize(
    "text, message",
    [
        ("la_name,value\nX,1\n", "not a DfE local-authority table"),
        ("time_period,geographic_level,new_la_code,la_name,other\n202425,Local authority,E1,X,3\n",
         "none of the child"),
        ("time_period,geographic_level,new_la_code,la_name,icpc_within_15_days_percent\n"
         "202425,Local authority,E1,X,lots\n", "line 2: icpc_within_15_days_percent is 'lots', not a number"),
        ("time_period,geographic_level,new_la_code,la_name,icpc_within_15_days_percent\n"
         "2024/25,Local authority,E1,X,70\n", "line 2: the area code or the time period"),
        ("time_period,geographic_level,new_la_code,la_name,icpc_within_15_days_percent\n"
         "202425,Local authority,E1,X,c\n", "holds no values"),
    ],
)  # fmt: skip
def test_a_file_that_is_not_a_dfe_table_is_refused_with_a_sentence(text, message):
    with pytest.raises(domain.ComparatorFileError, match=message):
        domain.parse(text, "upload.csv")


def test_importing_keeps_the_values_and_a_second_import_replaces_them(db, tmp_path):
    with db.session() as s:
        summary = comparators.import_file(s, SAMPLE)
        s.commit()
    assert summary.areas == 13 and summary.years == ["202324", "202425"]
    revised = tmp_path / "revised.csv"
    lines = SAMPLE.read_text("utf-8").splitlines()
    cols = lines[0].split(",")
    row = lines[14].split(",")  # 2024-25, England
    assert row[2] == "National" and row[0] == "202425"
    row[cols.index("icpc_within_15_days_percent")] = "77.7"
    revised.write_text("\n".join([lines[0], ",".join(row)]) + "\n", "utf-8")
    with db.session() as s:
        comparators.import_file(s, revised)
        s.commit()
    with db.session() as s:
        table = comparators.load_table(s)
    assert table.value(domain.ENGLAND_CODE, "202425", "icpc_within_15_days_percent") == 77.7
    assert len(table.areas()) == 12  # nothing else lost


def test_a_file_that_cannot_be_imported_changes_nothing_and_says_why(db, tmp_path):
    bad = tmp_path / "table.xlsx"
    bad.write_bytes(b"PK\x03\x04\xff\xfe binary")
    with db.session() as s:
        comparators.import_file(s, SAMPLE)
        s.commit()
    with db.session() as s, pytest.raises(comparators.ComparatorError) as err:
        comparators.import_file(s, bad)
    assert "table.xlsx" in str(err.value)
    with db.session() as s, pytest.raises(comparators.ComparatorError, match="could not be read"):
        comparators.import_file(s, tmp_path / "missing.csv")
    with db.session() as s:
        assert len(comparators.load_table(s).values) == len(domain.parse(SAMPLE.read_text("utf-8")))


def test_choosing_the_authority_and_neighbours_by_code_or_name(db):
    with db.session() as s:
        with pytest.raises(comparators.ComparatorError, match="import one first"):
            comparators.choose(s, "E10999003", [])
        comparators.import_file(s, SAMPLE)
        comparators.choose(s, "Calderwick (synthetic sample)", ["E10999001", "brackenfield (synthetic sample)", ""])
        s.commit()
        table = comparators.load_table(s)
        assert (table.authority, table.neighbours) == ("E10999003", ("E10999001", "E10999002"))
        with pytest.raises(comparators.ComparatorError, match="not an authority in the imported table"):
            comparators.choose(s, "E10999003", ["Nowhere"])
        with pytest.raises(comparators.ComparatorError, match="its own statistical neighbour"):
            comparators.choose(s, "E10999003", ["E10999003"])


def test_each_figure_is_set_beside_england_the_authority_and_the_neighbours_average():
    table = domain.ComparatorTable(domain.parse(SAMPLE.read_text("utf-8")), "E10999003",
                                   ("E10999001", "E10999002", "E10999004"))  # fmt: skip
    stats = _empty_stats()
    figs = figures(stats)
    got = domain.comparisons_for(figs, date(2024, 4, 1), date(2025, 3, 31), table)
    icpc = {c.kind: c for c in got["icpc_timeliness"] if c.kind != "neighbour"}
    values = [table.value(code, "202425", "icpc_within_15_days_percent") for code in table.neighbours]
    assert icpc["england"].pct == 81.4 and icpc["england"].year == "2024-25"
    assert icpc["authority"].pct == table.value("E10999003", "202425", "icpc_within_15_days_percent")
    assert icpc["neighbours_average"].pct == round(sum(values) / 3, 1)
    assert icpc["neighbours_average"].name == "Statistical neighbours (3)"
    assert len([c for c in got["icpc_timeliness"] if c.kind == "neighbour"]) == 3
    assert got["time_on_plan"][0].row == "24m_plus"  # England's figure is about plans of 2 years or more
    assert got["issues"] == []  # the DfE publishes nothing to compare with
    # a period whose year is not published yet is compared with the latest year before it, and says which
    later = domain.comparisons_for(figs, date(2026, 4, 1), date(2027, 3, 31), table)
    assert {c.year for c in later["icpc_timeliness"]} == {"2024-25"}
    # without a table England still comes from the national figures kept in the code
    bare = domain.comparisons_for(figs, date(2024, 4, 1), date(2025, 3, 31), None)
    assert [c.text for c in bare["plans_ended"]] == ["England 2024-25: 4.4%"] and bare["category"] == []


def _empty_stats():
    from cpchair.domain.statistics import compute

    return compute([], date(2024, 4, 1), date(2025, 3, 31))


def test_the_command_line_imports_chooses_and_shows(data_dir, capsys):
    assert main(["comparators", "import", str(SAMPLE)]) == 0
    assert "Imported" in capsys.readouterr().out
    assert main(["comparators", "choose", "--authority", "E10999003", "--neighbours", "E10999001,E10999002"]) == 0
    capsys.readouterr()
    assert main(["comparators", "show", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["authority"] == "E10999003" and shown["neighbours"] == ["E10999001", "E10999002"]
    assert shown["years"] == ["202324", "202425"] and len(shown["areas"]) == 12
    assert main(["comparators", "choose", "--authority", "Atlantis"]) == 1
    assert "not an authority in the imported table" in capsys.readouterr().err
    assert main(["comparators", "import", str(data_dir / "nothing.csv")]) == 1
    assert "could not be read" in capsys.readouterr().err


def test_the_demo_brings_the_sample_table_without_replacing_a_real_one(db):
    from cpchair.services import demo

    with db.session() as s:
        demo.generate(s, conferences=20, today=date(2025, 6, 2))
        table = comparators.load_table(s)
        assert table.authority == comparators.SAMPLE_AUTHORITY and len(table.neighbours) == 3
        assert all("synthetic" in name for name in table.areas().values())
        comparators.choose(s, "E10999005", [])
        demo.generate(s, conferences=20, today=date(2025, 6, 2), replace=True)
        assert comparators.load_table(s).authority == "E10999005"  # the coordinator's own choice stays
