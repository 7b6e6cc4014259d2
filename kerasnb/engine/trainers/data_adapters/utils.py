"""Helpers shared by the data adapters: packing, splitting, class weights, checks.

Nothing here imports a framework: tensors are recognised by the module of their type.

Example:
    >>> import numpy as np
    >>> x, y, sw = unpack_x_y_sample_weight((np.ones((4, 2)), np.zeros(4)))
    >>> sw is None
    True
"""

import math
import numbers

import numpy as np

from kerasnb.engine import backend, config
from kerasnb.engine.backend.common import to_numpy_any
from kerasnb.engine.utils import tree

_FRAMEWORK_MODULES = ("jax", "jaxlib", "torch", "tensorflow")
SUPPORTED_TYPES = (
    "NumPy arrays (or nested lists/tuples/dicts of them), Python lists of numbers, "
    "JAX/PyTorch/TensorFlow tensors, objects with `__array__` (e.g. pandas DataFrames), "
    "Python generators or iterators, `keras.utils.PyDataset`, `tf.data.Dataset`, "
    "`torch.utils.data.DataLoader`")


def unpack_x_y_sample_weight(data):
    """Splits one batch of data into ``(x, y, sample_weight)``.

    Args:
        data: ``x``, ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)``; a list counts as a
            tuple.

    Returns:
        The triple, with ``None`` for the parts that `data` lacks.

    Example:
        >>> unpack_x_y_sample_weight(([1.0], [0.0]))
        ([1.0], [0.0], None)
    """
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) in (1, 2, 3):
        return tuple(data) + (None,) * (3 - len(data))
    raise ValueError(
        "Data must be `x`, `(x,)`, `(x, y)` or `(x, y, sample_weight)`; received a "
        f"tuple of {len(data)} elements: {str(data)[:200]}")


def pack_x_y_sample_weight(x, y=None, sample_weight=None):
    """Packs ``x``, ``y`` and ``sample_weight`` into the tuple that `fit()` consumes.

    A lone `x` is returned as is, unless it is a list or tuple (then it becomes ``(x,)``,
    so that it is not mistaken for ``(x, y)``).

    Example:
        >>> pack_x_y_sample_weight("x", "y")
        ('x', 'y')
    """
    if y is None:
        return (x,) if isinstance(x, (list, tuple)) else x
    if sample_weight is None:
        return x, y
    return x, y, sample_weight


def check_positive_int(name, value):
    """`value` as an int if it is a positive integer, ``None`` if None; else ValueError."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"`{name}` must be a positive integer or None. Received: "
                         f"{name}={value!r}")
    return int(value)


def is_framework_tensor(value):
    """Whether `value` is a JAX, PyTorch or TensorFlow tensor (or a kerasnb Variable)."""
    if hasattr(value, "_migrate"):
        return True
    module = type(value).__module__ or ""
    return module.split(".")[0] in _FRAMEWORK_MODULES and hasattr(value, "shape")


def _is_number(value):
    return isinstance(value, numbers.Number)


def _is_number_list(value):
    """A (nested) Python list/tuple whose leaves are all numbers, e.g. ``[[1, 2], [3, 4]]``."""
    if type(value) not in (list, tuple):
        return False
    leaves = tree.flatten(value)
    return bool(leaves) and all(_is_number(leaf) for leaf in leaves)


def lists_of_numbers_to_arrays(structure):
    """`structure` with every (nested) list of plain numbers turned into one NumPy array.

    Example:
        >>> lists_of_numbers_to_arrays({"a": [1.0, 2.0]})["a"].shape
        (2,)
    """
    def convert(node):
        if _is_number_list(node):
            return np.asarray(node)
        return None

    return tree.traverse(convert, structure)


def is_array_like(value):
    """Whether `value` can be sliced along its first axis as an array (``None`` counts)."""
    return (value is None or isinstance(value, np.ndarray) or is_framework_tensor(value)
            or hasattr(value, "__array__"))


def is_text_data(value):
    """Whether `value` holds text (or Python objects) rather than numbers: a NumPy array of
    ``str``, ``bytes`` or ``object`` dtype, or a ``tf.string`` tensor. Such data never becomes
    a jax/torch tensor: the string layers (StringLookup, Hashing, ...) read it on the host.

    Example:
        >>> is_text_data(np.array(["a", "b"])), is_text_data(np.zeros(2))
        (True, False)
    """
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "USO"
    return getattr(getattr(value, "dtype", None), "name", None) == "string"


def text_inputs(x):
    """``(label, dtype)`` of every leaf of the inputs `x` that is text (see `is_text_data`).

    Example:
        >>> text_inputs({"city": np.array(["Oslo"]), "age": np.zeros(1)})
        (("x['city']", '<U4'),)
    """
    return tuple((label, "string" if not isinstance(leaf, np.ndarray) else str(leaf.dtype))
                 for label, leaf in _named_leaves("x", x) if is_text_data(leaf))


def to_numpy_array(value):
    """A NumPy array of an array-like leaf (tensor, Variable, DataFrame, list of numbers)."""
    if value is None or isinstance(value, np.ndarray):
        return value
    if is_framework_tensor(value):
        return to_numpy_any(value)
    if hasattr(value, "to_numpy"):  # pandas
        return value.to_numpy()
    return np.asarray(value)


def to_batch_leaf(value):
    """One leaf of a batch in the form the trainer takes.

    NumPy arrays and tensors of the active backend's framework pass through; other
    frameworks' tensors and Python data become NumPy arrays.
    """
    if value is None or isinstance(value, np.ndarray):
        return value
    if isinstance(value, backend.get().Tensor):
        return value
    return to_numpy_array(value)


def standardize_batch(data, class_weight=None):
    """One batch as a ``(x, y, sample_weight)`` tuple of trainer-ready leaves.

    Args:
        data: what the source yielded: ``x``, ``(x,)``, ``(x, y)`` or ``(x, y, sw)``.
        class_weight: optional dict ``{class: weight}`` that fills ``sample_weight``.
    """
    x, y, sample_weight = (lists_of_numbers_to_arrays(part)
                           for part in unpack_x_y_sample_weight(data))
    if class_weight is not None and y is not None:
        if sample_weight is not None:
            raise ValueError(
                "You cannot use `class_weight` and `sample_weight` at the same time: the "
                "data yields sample weights and `class_weight` was passed.")
        sample_weight = class_weight_to_sample_weights(y, class_weight)
    convert = lambda part: tree.map_structure(to_batch_leaf, part)  # noqa: E731
    return convert(x), convert(y), convert(sample_weight)


def check_class_weight(class_weight, y=None):
    """Validates a ``{class: weight}`` dict (and that `y` is a single output)."""
    if class_weight is None:
        return None
    if not isinstance(class_weight, dict):
        raise TypeError(
            "`class_weight` must be a dict mapping class indices to weights, e.g. "
            f"{{0: 1.0, 1: 5.0}}. Received: class_weight={class_weight!r} of type "
            f"{type(class_weight).__name__}")
    if y is not None and tree.is_nested(y):
        raise ValueError(
            "`class_weight` is only supported for models with a single output; `y` is a "
            f"{type(y).__name__} of {len(tree.flatten(y))} targets. Pass one "
            "`sample_weight` array per output instead.")
    return class_weight


def class_weight_to_sample_weights(y, class_weight):
    """Per-sample weights (floatx, shape ``(n,)``) from labels and a ``{class: weight}`` dict.

    Args:
        y: integer labels ``(n,)``, ``(n, 1)``, or one-hot / probabilities ``(n, k)``.
        class_weight: dict ``{class_index: weight}``; classes missing from it weigh 1.

    Example:
        >>> class_weight_to_sample_weights(np.array([0, 1, 1]), {1: 3.0}).tolist()
        [1.0, 3.0, 3.0]
    """
    check_class_weight(class_weight, y)
    labels = to_numpy_array(y)
    if labels.ndim > 1:
        labels = labels.squeeze(-1) if labels.shape[-1] == 1 else np.argmax(labels, axis=-1)
    if labels.ndim != 1:
        raise ValueError(
            "`class_weight` needs targets of shape (n,), (n, 1) or one-hot (n, classes); "
            f"received y of shape {to_numpy_array(y).shape}")
    labels = np.round(labels).astype("int64")
    weights = np.ones(labels.shape, dtype=config.floatx())
    for cls, weight in class_weight.items():
        weights[labels == int(cls)] = weight
    return weights


def _named_leaves(name, structure):
    """``(label, leaf)`` pairs such as ``("x['a']", array)``, skipping ``None`` leaves."""
    if not tree.is_nested(structure):
        return [] if structure is None else [(name, structure)]
    pairs = []
    for path, leaf in tree.flatten_with_path(structure):
        if leaf is not None:
            pairs.append((name + "".join(f"[{key!r}]" for key in path), leaf))
    return pairs


def num_samples(x, y=None, sample_weight=None):
    """The common first dimension of all arrays, with a clear error when they disagree.

    Example:
        >>> num_samples(np.ones((4, 2)), np.ones(4))
        4
    """
    leaves = (_named_leaves("x", x) + _named_leaves("y", y)
              + _named_leaves("sample_weight", sample_weight))
    if not leaves:
        raise ValueError("No data to iterate over: `x` (and `y`) are None or empty.")
    sizes = []
    for label, leaf in leaves:
        shape = tuple(leaf.shape)
        if not shape:
            raise ValueError(
                f"Every array needs a batch (first) dimension, but {label} is a scalar "
                f"of shape {shape}.")
        sizes.append((label, int(shape[0])))
    first_label, first_size = sizes[0]
    for label, size in sizes[1:]:
        if size != first_size:
            raise ValueError(
                f"Data cardinality is ambiguous: {first_label} has {first_size} samples "
                f"but {label} has {size} samples. Make sure all arrays contain the same "
                "number of samples.")
    return first_size


def train_validation_split(arrays, validation_split):
    """Splits arrays into training and validation parts; the last fraction validates.

    The order is kept (no shuffling), as in Keras.

    Args:
        arrays: a nested structure of arrays/tensors (``None`` allowed), e.g. ``(x, y, sw)``.
        validation_split: float in (0, 1), the fraction held out for validation.

    Returns:
        ``(train_arrays, validation_arrays)`` with the structure of `arrays`.

    Example:
        >>> train, val = train_validation_split((np.arange(10), None), 0.2)
        >>> train[0].tolist(), val[0].tolist()
        ([0, 1, 2, 3, 4, 5, 6, 7], [8, 9])
    """
    if not isinstance(validation_split, numbers.Real) or not 0 < validation_split < 1:
        raise ValueError(
            "`validation_split` must be a float strictly between 0 and 1. Received: "
            f"validation_split={validation_split!r}")
    if type(arrays) in (list, tuple):  # (x, y, sw): each part may be a list of numbers
        arrays = type(arrays)(lists_of_numbers_to_arrays(part) for part in arrays)
    else:
        arrays = lists_of_numbers_to_arrays(arrays)
    leaves = tree.flatten(arrays)
    unsplittable = sorted({type(leaf).__name__ for leaf in leaves if not is_array_like(leaf)})
    if unsplittable:
        raise ValueError(
            "`validation_split` is only supported for arrays and tensors (NumPy, JAX, "
            "PyTorch, TensorFlow); for datasets and generators pass `validation_data`. "
            f"Received data of type {', '.join(unsplittable)}")
    present = [leaf for leaf in leaves if leaf is not None]
    if not present:
        return arrays, arrays
    total = int(present[0].shape[0])
    split_at = int(math.floor(total * (1.0 - validation_split)))
    if split_at in (0, total):
        raise ValueError(
            f"Training data contains {total} samples, which is not enough to split into a "
            f"training and a validation set with validation_split={validation_split}. "
            "Provide more data or a different `validation_split`.")

    def part(start, stop):
        def cut(leaf):
            if leaf is None:
                return None
            if hasattr(leaf, "iloc"):  # pandas
                return leaf.iloc[start:stop]
            return leaf[start:stop]
        return tree.map_structure(cut, arrays)

    return part(0, split_at), part(split_at, total)


def type_description(data):
    """``module.ClassName`` of `data`, for error messages."""
    kind = type(data)
    return f"{kind.__module__}.{kind.__qualname__}"


def inherits_from(value, class_name, module_prefix):
    """Whether a class in `value`'s MRO is named `class_name` in a module under the prefix."""
    return any(parent.__name__ == class_name and (parent.__module__ or "").startswith(module_prefix)
               for parent in type(value).__mro__)


def unsupported_argument(argument, source):
    """The error for passing `y`/`sample_weight` next to a source that yields them itself."""
    return ValueError(
        f"When `x` is a {source}, `{argument}` must not be passed: include it in what the "
        f"{source} yields, as `(x, y)` or `(x, y, sample_weight)`.")
