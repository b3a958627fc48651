"""``python -m cpchair`` and the ``cpchair`` command: the CLI, which opens the window when given no command."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from cpchair.cli import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main())
