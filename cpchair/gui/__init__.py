"""The Qt application: the only package that imports PySide6.

PySide6 is pinned to 6.11.3 in pyproject.toml: 6.12.0 on CPython 3.11 drops a reference to ``None`` on
every void call and to ``True`` on every ``Signal.emit()``, and Python aborts ("Fatal Python error:
none_dealloc") after a few thousand widget calls. ``tests/gui/test_form_none_refcount.py`` guards this.
"""
