"""PDF reports: the conference minutes (``minutes_pdf``) and the shared page furniture (``pdf_common``).

Headless by design (reportlab only), so ``cpchair minutes`` and ``cpchair report`` run without a display.
"""
