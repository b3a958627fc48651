"""GUI: coordinator."""
