"""GUI: form."""
