"""GUI fixtures. Every GUI test drives real widgets offscreen and then checks the database or files."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.gui
