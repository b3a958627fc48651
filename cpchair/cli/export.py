"""`cpchair export --to FOLDER`: write this installation's export file. (Placeholder: its owner replaces this module.)"""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="write this installation's export file")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    raise SystemExit("cpchair export is not built yet")
