"""Use cases: each takes a Session, returns plain data, and raises cpchair.errors. No Qt here."""
