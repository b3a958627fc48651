"""The coordinator's comparators: importing DfE local-authority tables and choosing the authority and its
statistical neighbours.

Why a service: the import (from the app or ``cpchair comparators import FILE.csv``) and the choice (from the
app or ``cpchair comparators choose``) must behave the same; both go through here. Parsing is in
``cpchair.domain.comparators``; this module keeps the values in the ``comparator_value`` table (an import
replaces the values of the same area, year and measure, so a revised table imports cleanly) and the choice
in the settings. Nothing is fetched: the coordinator downloads the files.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from cpchair import settings
from cpchair.domain import comparators as domain
from cpchair.errors import CpchairError
from cpchair.storage.models import ComparatorValue

SAMPLE_NAME = "comparators_sample_synthetic.csv"
SAMPLE_AUTHORITY = "E10999003"  # the demo's choice in the sample: "Calderwick (synthetic sample)"
SAMPLE_NEIGHBOURS = ("E10999001", "E10999002", "E10999004")
MAX_BYTES = 50 * 1024 * 1024  # a full DfE table is a few megabytes


class ComparatorError(CpchairError):
    """A comparator file or choice cpchair cannot use; the message says what to do."""


@dataclass(frozen=True)
class ImportSummary:
    path: str
    values: int
    areas: int
    years: list[str]


def sample_path() -> Path:
    """The shipped sample table: SYNTHETIC numbers in the DfE's shape, for the tests and the demo only."""
    from importlib import resources

    return Path(str(resources.files("cpchair.domain.definitions").joinpath(SAMPLE_NAME)))


def import_file(session: Session, path: str | Path) -> ImportSummary:
    """Read a DfE local-authority CSV and keep its values (replacing the same area/year/measure)."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise ComparatorError(f"{path.name} is larger than 50 MB: it is not a DfE local-authority table.")
        raw = path.read_bytes()
    except OSError as exc:
        raise ComparatorError(
            f"{path} could not be read ({exc.strerror or exc}). Check the path and try again."
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1252")  # saved again from Excel on Windows
        except UnicodeDecodeError:
            raise ComparatorError(f"{path.name} is not a text (CSV) file.") from None
    try:
        values = domain.parse(text, path.name)
    except domain.ComparatorFileError as exc:
        raise ComparatorError(str(exc)) from None
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    keys = {(v.area_code, v.year, v.column) for v in values}
    for area, year, column in keys:
        session.execute(
            delete(ComparatorValue).where(
                ComparatorValue.area_code == area,
                ComparatorValue.time_period == year,
                ComparatorValue.measure == column,
            )
        )
    latest = {(v.area_code, v.year, v.column): v for v in values}  # a repeated row: the last one wins
    session.add_all(
        ComparatorValue(area_code=v.area_code, time_period=v.year, measure=v.column, area_name=v.area_name,
                        level=v.level, value=v.value, source_file=path.name[:255], imported_at=now)
        for v in latest.values()
    )  # fmt: skip
    session.flush()
    return ImportSummary(str(path), len(latest), len({v.area_code for v in values}), sorted({v.year for v in values}))


def load_table(session: Session) -> domain.ComparatorTable:
    """Every imported value, with the authority and neighbours chosen in the settings."""
    rows = session.execute(select(ComparatorValue)).scalars().all()
    values = [domain.Value(r.area_code, r.area_name, r.level, r.time_period, r.measure, r.value) for r in rows]
    neighbours = tuple(c for c in str(settings.get(session, "comparator_neighbours") or "").split(",") if c)
    return domain.ComparatorTable(values, str(settings.get(session, "comparator_authority") or ""), neighbours)


def choose(session: Session, authority: str, neighbours: list[str]) -> None:
    """Keep the authority and its statistical neighbours (DfE codes, or names as in the table)."""
    table = load_table(session)
    areas = table.areas()
    if not areas:
        raise ComparatorError("No DfE table is imported yet: import one first (cpchair comparators import FILE.csv).")
    by_name = {name.casefold(): code for code, name in areas.items()}

    def code_of(text: str) -> str:
        text = text.strip()
        if text in areas:
            return text
        if text.casefold() in by_name:
            return by_name[text.casefold()]
        raise ComparatorError(f"{text!r} is not an authority in the imported table (by code or name).")

    own = code_of(authority) if authority else ""
    chosen = [code_of(n) for n in neighbours if n.strip()]
    if own and own in chosen:
        raise ComparatorError("The authority cannot be its own statistical neighbour.")
    settings.put(session, "comparator_authority", own)
    settings.put(session, "comparator_neighbours", ",".join(dict.fromkeys(chosen)))
