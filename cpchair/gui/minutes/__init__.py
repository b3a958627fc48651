"""GUI: minutes."""
