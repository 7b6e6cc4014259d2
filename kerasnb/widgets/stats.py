"""Summary statistics and histograms of arrays (weights, activations), in plain numpy.

Example:
    >>> import numpy as np
    >>> tensor_stats(np.array([0.0, 3.0, 4.0]))["l2_norm"]
    5.0
"""

import numpy as np

STAT_LABELS = {"mean": "mean", "std": "std", "min": "min", "max": "max", "l2_norm": "L2 norm",
               "zero_fraction": "zeros", "nan_count": "NaN", "inf_count": "Inf"}


def tensor_stats(values):
    """Statistics of an array's entries.

    Mean, std, min, max and L2 norm are taken over the finite entries (NaN when there are
    none); the zero fraction is over all entries.

    Args:
        values: an array-like of numbers.

    Returns:
        A dict with ``shape``, ``size`` and the keys of `STAT_LABELS`, values as Python
        numbers.
    """
    array = np.asarray(values)
    flat = array.astype(np.float64).ravel()
    finite = flat[np.isfinite(flat)]
    nan = float("nan")
    has = finite.size > 0
    return {
        "shape": tuple(int(d) for d in array.shape),
        "size": int(flat.size),
        "mean": float(finite.mean()) if has else nan,
        "std": float(finite.std()) if has else nan,
        "min": float(finite.min()) if has else nan,
        "max": float(finite.max()) if has else nan,
        "l2_norm": float(np.sqrt(np.square(finite).sum())) if has else nan,
        "zero_fraction": float(np.count_nonzero(flat == 0) / flat.size) if flat.size else nan,
        "nan_count": int(np.isnan(flat).sum()),
        "inf_count": int(np.isinf(flat).sum()),
    }


def histogram(values, bins=30):
    """Counts of the finite entries of `values` in `bins` equal bins over their range.

    A constant (or empty) array gets the range ``[v - 0.5, v + 0.5]``.

    Returns:
        ``(counts, edges)``: int64 counts of length `bins` and float64 edges of length
        ``bins + 1``.
    """
    if not isinstance(bins, int) or bins < 1:
        raise ValueError(f"`bins` must be a positive int; received {bins!r}.")
    flat = np.asarray(values, dtype=np.float64).ravel()
    finite = flat[np.isfinite(flat)]
    lo, hi = (finite.min(), finite.max()) if finite.size else (0.0, 0.0)
    if lo == hi:
        lo, hi = lo - 0.5, hi + 0.5
    counts, edges = np.histogram(finite, bins=bins, range=(lo, hi))
    return counts.astype(np.int64), edges
