"""`cpchair merge FOLDER [--json] [--allow-unsigned]`: merge every export below FOLDER. (Placeholder: its owner replaces this module.)"""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("merge", help="merge every export below FOLDER")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    raise SystemExit("cpchair merge is not built yet")
