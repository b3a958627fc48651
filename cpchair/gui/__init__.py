"""The Qt application: the only package that imports PySide6."""

import sys as _sys


def _keep_singletons_alive() -> None:
    """Work around PySide6 6.12 on CPython 3.11: void methods (``label.clear()``, ``setText``, ...), ``None``
    results and ``Signal.emit()`` (which returns ``True``) hand back ``None``/``True`` without taking a
    reference (correct only on 3.12+, where they are immortal). Each call drops a reference, and after a few
    thousand widget calls Python aborts with "Fatal Python error: none_dealloc" (or bool_dealloc). Giving
    ``None``, ``True`` and ``False`` a reference count no session can use up makes them as good as
    immortal, as on 3.12. Runs once, before any GUI module uses Qt."""
    if _sys.implementation.name != "cpython" or _sys.version_info >= (3, 12):
        return
    import ctypes

    for obj in (None, True, False):
        ctypes.c_ssize_t.from_address(id(obj)).value += 1 << 50


_keep_singletons_alive()
