"""A one-line progress report for long commands (``demo``, ``report``), on stderr and only on a terminal.

Why only on a terminal: a script or a pipe reading the command's output must get exactly what it got before
(stdout is untouched, and stderr stays empty when it is a file or a pipe); a person at a terminal waiting
several seconds should see that something is happening and what.
"""

from __future__ import annotations

import sys
from typing import TextIO


class Progress:
    """Call it with a short text to show it in place of the previous one; ``done()`` clears the line."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        try:
            self.active = self.stream.isatty()
        except (AttributeError, ValueError):  # a closed or unusual stream: stay silent
            self.active = False
        self._shown = False

    def __call__(self, text: str) -> None:
        if self.active:
            self.stream.write("\r\x1b[K" + text)
            self.stream.flush()
            self._shown = True

    def done(self) -> None:
        if self.active and self._shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._shown = False
