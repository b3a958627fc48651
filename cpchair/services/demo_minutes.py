"""Realistic demo minutes for a demo conference. (Interface placeholder: the minutes work replaces it.)"""

from __future__ import annotations

import random
from typing import Any


def demo_minutes(answers: dict[str, Any], rng: random.Random, chair_name: str) -> dict[str, Any] | None:
    """The minutes a chair would write for this conference, or None when there are none yet."""
    return None
