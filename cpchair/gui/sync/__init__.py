"""GUI: sync."""
