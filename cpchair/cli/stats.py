"""`cpchair stats [--from D] [--to D] --json`: the service statistics. (Placeholder: its owner replaces this module.)"""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("stats", help="the service statistics")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    raise SystemExit("cpchair stats is not built yet")
