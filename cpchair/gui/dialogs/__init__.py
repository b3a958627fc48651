"""The application shell's dialogs: first run, settings, about, crash."""
