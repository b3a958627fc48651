"""The main window's pages: the conference list, the caseload and the view of one conference."""
