"""cpchair: quality assurance, minutes and statistics for Child Protection Conference Chairs."""

__version__ = "0.1.0"
