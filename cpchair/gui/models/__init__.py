"""Qt item models. They are fed lists of plain rows by their pages; none of them runs a query."""
