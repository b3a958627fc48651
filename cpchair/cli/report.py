"""`cpchair report [--from D] [--to D] -o FILE.pdf [--xlsx FILE.xlsx]`: write the service report PDF. (Placeholder: its owner replaces this module.)"""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="write the service report PDF")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    raise SystemExit("cpchair report is not built yet")
