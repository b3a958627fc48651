"""The collector pause used by export, merge and stats gives the collector back exactly as it found it."""

from __future__ import annotations

import gc

import pytest

from cpchair.gcpause import paused_gc


def test_the_collector_is_paused_inside_and_back_on_after_an_error():
    assert gc.isenabled()
    with pytest.raises(ZeroDivisionError), paused_gc():
        assert not gc.isenabled()
        _ = 1 / 0
    assert gc.isenabled()


def test_a_collector_that_was_already_off_stays_off():
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
