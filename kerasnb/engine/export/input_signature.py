"""Input signatures of exported functions: one named, fully described spec per input.

Framework-free: each exporter turns the `InputSpec`s into its own tensor specs.

Example:
    >>> specs, arrange = model_input_specs(model)
    >>> [(s.name, s.shape, s.dtype) for s in specs]
    [('features', (None, 4), 'float32')]
    >>> outputs = model(*arrange(tensors))
"""

from kerasnb.engine import dtypes
from kerasnb.engine.layers.input_spec import InputSpec
from kerasnb.engine.tensors import KerasTensor
from kerasnb.engine.utils import tree


def to_input_spec(value, name=None, argument="input_signature"):
    """A complete `InputSpec` (shape, dtype, name) describing `value`.

    Args:
        value: an `InputSpec` with a shape, a `KerasTensor`, a framework's tensor spec
            (e.g. ``tf.TensorSpec``) or a tensor/array (its exact shape is used).
        name: the name to use when `value` carries none.
        argument: the argument named in error messages.

    Raises:
        TypeError: `value` has no shape and dtype.
        ValueError: its shape or rank is unknown.

    Example:
        >>> to_input_spec(KerasTensor((None, 3)), name="x").shape
        (None, 3)
    """
    if isinstance(value, (InputSpec, KerasTensor)):
        shape, dtype = value.shape, value.dtype
    elif hasattr(value, "shape") and hasattr(value, "dtype"):
        shape, dtype = value.shape, value.dtype
    else:
        raise TypeError(
            f"`{argument}` must hold InputSpecs, KerasTensors, TensorSpecs or tensors; "
            f"received {type(value).__name__}: {value!r}.")
    if shape is None or getattr(shape, "rank", 0) is None:
        raise ValueError(f"`{argument}`: every spec needs a shape (its rank at least); received {value!r}.")
    shape = tuple(None if d is None else int(d) for d in shape)
    own_name = getattr(value, "name", None)
    return InputSpec(dtype=dtypes.standardize_dtype(dtype), shape=shape,
                     name=own_name if isinstance(own_name, str) and own_name else name)


def model_input_specs(model, input_signature=None):
    """The exported function's arguments for `model`: one spec per input, and how to call.

    Functional and Sequential models get one argument per model input, named after the
    input (the dict key for dict inputs), with a dynamic batch dimension by default.
    `input_signature` may be flat (``[spec_a, spec_b]``) or Keras's nested form
    (``[[spec_a, spec_b]]``, ``[{"a": spec_a, ...}]``). A subclassed model has no known
    inputs: its `input_signature` lists one structure per positional argument of `call`.

    Returns:
        ``(specs, arrange)``: the list of named `InputSpec`s, and ``arrange(tensors)`` that
        turns the flat tensors into the positional arguments of ``model(...)``.

    Raises:
        ValueError: the model's inputs are unknown and no `input_signature` was given, or
            the signature does not match the model's inputs.
    """
    inputs = getattr(model, "inputs", None)
    if inputs:
        structure = getattr(model, "_inputs_struct", None)
        if structure is None:
            structure = inputs[0] if len(inputs) == 1 else list(inputs)
        names = [path[-1] if path and isinstance(path[-1], str) else tensor.name
                 for path, tensor in tree.flatten_with_path(structure)]
        if input_signature is None:
            specs = [InputSpec(dtype=t.dtype, shape=(None,) + tuple(t.shape)[1:], name=n)
                     for t, n in zip(tree.flatten(structure), names)]
        else:
            given = tree.flatten(input_signature)
            if len(given) != len(names):
                raise ValueError(
                    f"`input_signature` describes {len(given)} input(s), but model {model.name!r} "
                    f"has {len(names)}: {names}.")
            specs = [to_input_spec(s, name=n) for s, n in zip(given, names)]
        _check_unique(specs)
        return specs, lambda tensors: (tree.pack_sequence_as(structure, list(tensors)),)
    if input_signature is None:
        raise ValueError(
            f"Model {model.name!r} has no known inputs (a subclassed or unbuilt model): pass "
            "`input_signature`, e.g. [keras.InputSpec(shape=(None, 4), dtype='float32')].")
    arguments = list(input_signature) if isinstance(input_signature, (list, tuple)) else [input_signature]
    given = tree.flatten(arguments)
    default = ["inputs"] if len(given) == 1 else [f"inputs_{i}" for i in range(len(given))]
    specs = [to_input_spec(s, name=n) for s, n in zip(given, default)]
    _check_unique(specs)
    return specs, lambda tensors: tuple(tree.pack_sequence_as(arguments, list(tensors)))


def _check_unique(specs):
    names = [s.name for s in specs]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValueError(f"`input_signature`: input names must be unique; {repeated} repeat.")
