"""Small tables with an HTML view and a plain-text fallback, for the magics' results."""

import html


class Table:
    """Rows of strings shown as HTML in notebooks and as aligned text elsewhere.

    Args:
        title: a caption above the table.
        columns: the header names.
        rows: lists of cell strings, one per row; a row with a single cell spans the table.
        marked: indices of rows to emphasise (e.g. the current backend).

    Example:
        >>> print(Table("Backends", ["name"], [["jax"], ["torch"]]))
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
        head = "".join(f"<th style='text-align:left'>{html.escape(c)}</th>" for c in self.columns)
        body = []
        for i, row in enumerate(self.rows):
            span = f" colspan='{len(self.columns)}'" if len(row) == 1 < len(self.columns) else ""
            cells = "".join(f"<td style='text-align:left'{span}>{html.escape(str(c))}</td>"
                            for c in row)
            style = " style='font-weight:bold'" if i in self.marked else ""
            body.append(f"<tr{style}>{cells}</tr>")
        return (f"<table class='kerasnb-table'><caption style='text-align:left'>"
                f"{html.escape(self.title)}</caption><thead><tr>{head}</tr></thead>"
                f"<tbody>{''.join(body)}</tbody></table>")
