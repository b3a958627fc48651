"""The reporting period options that ``stats`` and ``report`` share, so both read dates the same way."""

from __future__ import annotations

import argparse
import sys
from datetime import date


def _iso_date(text: str) -> date:
    """YYYY-MM-DD, as the spec writes dates."""
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(f"'{text}' is not a date: give it as YYYY-MM-DD")


def _iso_or_uk_date(text: str) -> date:
    """YYYY-MM-DD, or DD/MM/YYYY as people in England type it."""
    if "/" not in text:
        try:
            return _iso_date(text)
        except argparse.ArgumentTypeError:
            pass
    else:
        from cpchair.domain import dates

        try:
            return dates.parse_uk(text)
        except ValueError:
            pass
    raise argparse.ArgumentTypeError(f"'{text}' is not a date: give it as YYYY-MM-DD or DD/MM/YYYY")


def add_period_arguments(parser: argparse.ArgumentParser, *, uk_dates: bool) -> None:
    """``--from D`` and ``--to D``. ``stats`` is the spec's machine-facing command and takes only YYYY-MM-DD;
    ``report`` is for people and also takes DD/MM/YYYY."""
    kind, forms = (_iso_or_uk_date, "YYYY-MM-DD or DD/MM/YYYY") if uk_dates else (_iso_date, "YYYY-MM-DD")
    parser.add_argument("--from", dest="date_from", type=kind, metavar="D", help=f"first day ({forms})")
    parser.add_argument("--to", dest="date_to", type=kind, metavar="D", help=f"last day ({forms})")


def period(args: argparse.Namespace, command: str) -> tuple[date, date] | None:
    """The period asked for (each end defaults to the reporting year containing today), or None after saying on
    stderr why it is not one (the caller exits 2, a usage error)."""
    from cpchair.services.stats import default_period

    default_from, default_to = default_period()
    period_from = args.date_from or default_from
    period_to = args.date_to or default_to
    if period_from > period_to:
        print(f"cpchair {command}: --from {period_from} is after --to {period_to}.", file=sys.stderr)
        return None
    return period_from, period_to
