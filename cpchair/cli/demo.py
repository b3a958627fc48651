"""`cpchair demo --conferences N`: fill the data folder with realistic sample data. (Placeholder: its owner replaces this module.)"""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="fill the data folder with realistic sample data")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    raise SystemExit("cpchair demo is not built yet")
