"""Small tables with an HTML view and a plain-text fallback, for the magics' results."""

from kerasnb.engine.utils.html import table, view


class Table:
    """Rows of strings shown as HTML in notebooks and as aligned text elsewhere.

    Args:
        title: a caption above the table.
        columns: the header names.
        rows: lists of cell strings, one per row; a row with a single cell spans the table.
        marked: indices of rows to emphasise (e.g. the current backend).

    Example:
        >>> print(Table("Backends", ["name"], [["jax"], ["torch"]], marked=[1]))
        Backends
        name
        jax
        torch  ←
    """

    def __init__(self, title, columns, rows, marked=()):
        self.title, self.columns, self.rows, self.marked = title, list(columns), rows, set(marked)

    def __repr__(self):
        width = len(self.columns)
        full = [r for r in self.rows if len(r) == width]
        sizes = [max(len(str(c)) for c in col) for col in zip(self.columns, *full)]
        lines = [self.title, "  ".join(c.ljust(s) for c, s in zip(self.columns, sizes)).rstrip()]
        for i, row in enumerate(self.rows):
            text = "  ".join(str(c).ljust(s) for c, s in zip(row, sizes)).rstrip()
            lines.append(text + ("  ←" if i in self.marked else ""))
        return "\n".join(lines)

    def _repr_html_(self):
        return view(table(self.columns, self.rows, caption=self.title, cls="kerasnb-table",
                          marked=self.marked))
