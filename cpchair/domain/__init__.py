"""Pure domain rules: no Qt, no database. Everything here is plain data in, plain data out."""
