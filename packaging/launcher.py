"""The bundle's entry point: the same ``main`` as the ``cpchair`` command (PyInstaller needs a script file)."""

import sys

from cpchair.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
