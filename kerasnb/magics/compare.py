"""`%%keras_compare`: one cell, run on several backends from the same starting state."""

import random
import time

import numpy as np

from kerasnb import backend, ops, tree
from kerasnb.magics.tables import Table


def _leaf_array(leaf):
    """`leaf` as a NumPy array, or None when it is not numeric."""
    if isinstance(leaf, (bool, int, float, complex, np.ndarray, np.generic)):
        return np.asarray(leaf)
    if hasattr(leaf, "shape") and hasattr(leaf, "dtype"):
        try:
            return np.asarray(ops.convert_to_numpy(leaf))
        except (TypeError, ValueError, NotImplementedError):
            return None
    return None


def to_numpy_leaves(value):
    """The leaves of `value` (any nest of tensors, arrays and numbers) as NumPy arrays.

    Returns None when a leaf is not numeric (a model, a string, ...).
    """
    if value is None:
        return None
    leaves = [_leaf_array(leaf) for leaf in tree.flatten(value)]
    return None if not leaves or any(a is None for a in leaves) else leaves


def describe(value, leaves):
    """A one-line summary: dtype, shape and range of an array, or a count for a nest."""
    if value is None:
        return "None"
    if leaves is None:
        text = repr(value)
        return text if len(text) <= 60 else text[:57] + "..."
    if len(leaves) > 1:
        size = sum(a.size for a in leaves)
        return f"{type(value).__name__} of {len(leaves)} arrays, {size} values"
    array = leaves[0]
    if array.size == 1:
        return f"{array.dtype} {array.reshape(()).item():.6g}"
    if array.size == 0 or not np.issubdtype(array.dtype, np.number):
        return f"{array.dtype} {array.shape}"
    return (f"{array.dtype} {array.shape}, mean {array.mean():.4g}, "
            f"range [{array.min():.4g}, {array.max():.4g}]")


def max_abs_difference(leaves, reference):
    """max |a - b| over all leaves, or a short reason why the results cannot be compared."""
    if leaves is None or reference is None:
        return "not numeric"
    if len(leaves) != len(reference) or any(a.shape != b.shape
                                            for a, b in zip(leaves, reference)):
        return "shapes differ"
    diffs = [np.max(np.abs(a.astype(np.float64) - b.astype(np.float64)), initial=0.0)
             for a, b in zip(leaves, reference)]
    return f"{max(diffs):.3g}"


class _StartingState:
    """Every live Variable's value and the global NumPy/Python RNG states, to rewind to."""

    def __init__(self):
        self.values = [(v, v.numpy()) for v in backend.live_variables()]
        self.rngs = np.random.get_state(), random.getstate()

    def restore(self):
        for variable, value in self.values:
            variable.assign(value)
        np.random.set_state(self.rngs[0])
        random.setstate(self.rngs[1])


class Comparison(Table):
    """The result of `%%keras_compare`: one row per backend.

    Attributes:
        values: backend name -> the cell's last value on that backend (failed runs absent).
        errors: backend name -> the one-line error of a failed run.
    """

    def __init__(self, rows, values, errors):
        first = rows[0][0] if rows else "first"
        super().__init__("Backend comparison",
                         ["backend", "result", "time", f"max |Δ| vs {first}"], rows)
        self.values, self.errors = values, errors


def compare(names, run):
    """Calls `run()` once under each backend in `names`, each from the same starting state.

    Before every run all live Variables (weights, optimizer slots, metric and seed state) and
    NumPy's and Python's global RNGs are rewound to their values at the start, so the
    backends see identical inputs. The state left behind is that of the last run; the
    active backend is restored afterwards.

    Args:
        names: backend names, the first is the reference for differences.
        run: a function of no arguments, e.g. executing a cell; its return value is compared.

    Returns:
        A `Comparison` table.

    Example:
        >>> compare(["jax", "torch"], lambda: kerasnb.ops.sum(kerasnb.ops.ones(3)))
    """
    start = _StartingState()
    rows, values, errors, reference = [], {}, {}, None
    previous = backend.current()
    try:
        for i, name in enumerate(names):
            if i:
                start.restore()
            try:
                backend.set_backend(name)
                began = time.perf_counter()
                value = run()
                elapsed = time.perf_counter() - began
                leaves = to_numpy_leaves(value)
            except Exception as exc:  # one backend's failure is a row of the table
                message = str(exc).splitlines()[0] if str(exc) else ""
                errors[name] = f"{type(exc).__name__}: {message}".rstrip(": ")
                rows.append([name, errors[name], "", ""])
                continue
            values[name] = value
            if name == names[0]:
                reference, diff = leaves, "reference"
            elif names[0] in values:
                diff = max_abs_difference(leaves, reference)
            else:
                diff = "no reference"
            rows.append([name, describe(value, leaves), f"{elapsed * 1000:.1f} ms", diff])
    finally:
        backend.set_backend(previous)
    return Comparison(rows, values, errors)
