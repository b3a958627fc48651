"""Hypothesis profiles for the fuzz tests: ``ci`` (the default: a few hundred cases, derandomised so CI is
repeatable, well under a minute) and ``long`` (thousands of fresh random cases), chosen with
``CPCHAIR_FUZZ=long``. No example database is written (``database=None``): a failure prints its example."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_COMMON = {
    "deadline": None,  # a real SQLite commit per case: timings vary with the disk, never a failure
    "database": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
}
settings.register_profile("ci", max_examples=300, derandomize=True, **_COMMON)
settings.register_profile("long", max_examples=3000, **_COMMON)
PROFILE = "long" if os.environ.get("CPCHAIR_FUZZ") == "long" else "ci"
settings.load_profile(PROFILE)
