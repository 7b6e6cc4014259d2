"""Running a cell's code inside a magic, returning its last expression like IPython does."""

import ast


def run_cell_body(shell, cell):
    """Executes `cell` in the user namespace of `shell` and returns its last expression.

    IPython syntax (``!cmd``, ``%magic``) is transformed first; errors propagate unchanged,
    so the caller can clean up and IPython shows one traceback. A trailing ``;`` suppresses
    the value, as in a normal cell.

    Args:
        shell: the running `InteractiveShell`.
        cell: the source of the cell body.

    Returns:
        The value of the final expression, or None.

    Example:
        >>> run_cell_body(get_ipython(), "x = 2\\nx * 3")
        6
    """
    source = shell.transform_cell(cell)
    tree = ast.parse(source)
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr) and not source.rstrip().endswith(";"):
        last = ast.Expression(tree.body.pop().value)
    filename = shell.compile.cache(source)
    namespace = shell.user_ns
    exec(compile(tree, filename, "exec"), shell.user_global_ns, namespace)
    if last is None:
        return None
    return eval(compile(last, filename, "eval"), shell.user_global_ns, namespace)
