"""`cpchair minutes ID -o FILE.pdf`: write a conference's minutes as PDF. (Placeholder: its owner replaces this module.)"""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("minutes", help="write a conference's minutes as PDF")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    raise SystemExit("cpchair minutes is not built yet")
