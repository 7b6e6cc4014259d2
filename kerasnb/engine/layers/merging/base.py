"""The `Merge` base and the element-wise merging layers (`Add`, `Subtract`, `Multiply`,
`Average`, `Maximum`, `Minimum`) with their functional forms."""

from kerasnb.engine.layers.layer import Layer
from kerasnb.engine.ops import numpy as ops
from kerasnb.engine.ops.core import cast
from kerasnb.engine.ops.rules import shape_of
from kerasnb.engine.saving.serialization import builtin


def _is_shape(x):
    return isinstance(x, (tuple, list)) and all(d is None or isinstance(d, int) for d in x)


def check_shape_list(layer, input_shape, count=None):
    """Raises unless `input_shape` is a list of shapes (of length `count`, when given)."""
    if (not isinstance(input_shape, (list, tuple)) or not input_shape or _is_shape(input_shape)
            or not all(_is_shape(s) for s in input_shape)):
        raise ValueError(f"A `{type(layer).__name__}` layer must be called on a list of tensors; "
                         f"received input shape {input_shape!r}.")
    if count is not None and len(input_shape) != count:
        raise ValueError(f"A `{type(layer).__name__}` layer must be called on exactly {count} inputs; "
                         f"received {len(input_shape)} (shapes {list(input_shape)}).")


def broadcast_sample_shapes(shape1, shape2):
    """Broadcasts two per-sample shapes aligned on their last axes (None = unknown)."""
    if len(shape1) < len(shape2):
        shape1, shape2 = shape2, shape1
    if not shape2:
        return tuple(shape1)
    out = list(shape1[:len(shape1) - len(shape2)])
    for a, b in zip(shape1[len(shape1) - len(shape2):], shape2):
        if a is None or b is None:
            out.append(None)
        elif a == 1 or b == 1 or a == b:
            out.append(b if a == 1 else a)
        else:
            raise ValueError(f"Merge inputs have incompatible shapes: {tuple(shape1)} and {tuple(shape2)} "
                             "(per sample) do not broadcast.")
    return tuple(out)


class Merge(Layer):
    """Base of the merging layers: calls `_merge_function` on a list of tensors.

    Inputs of lower rank get size-1 axes inserted after the batch axis so that all inputs
    broadcast against each other. When every input has a mask, the output mask is their
    logical OR; otherwise there is none.
    """

    _expected_inputs = None   # an exact number of inputs, or None for "one or more"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def build(self, input_shape):
        self._output_shape(input_shape)

    def _output_shape(self, input_shape):
        check_shape_list(self, input_shape, self._expected_inputs)
        batches = {s[0] for s in input_shape if s} - {None}
        if len(batches) > 1:
            raise ValueError(f"`{type(self).__name__}` cannot merge tensors of different batch sizes; "
                             f"received input shapes {list(input_shape)}.")
        sample = tuple(input_shape[0][1:])
        for shape in input_shape[1:]:
            sample = broadcast_sample_shapes(sample, tuple(shape[1:]))
        return (batches.pop() if batches else None,) + sample

    def _check_inputs(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(f"A `{type(self).__name__}` layer must be called on a list of tensors; "
                             f"received {type(inputs).__name__}.")
        check_shape_list(self, [shape_of(x) for x in inputs], self._expected_inputs)

    def call(self, inputs, mask=None):
        self._check_inputs(inputs)
        ranks = [len(shape_of(x)) for x in inputs]
        top = max(ranks)
        expanded = []
        for x, rank in zip(inputs, ranks):
            for _ in range(top - rank):
                x = ops.expand_dims(x, 1)
            expanded.append(x)
        return self._merge_function(expanded, self._mask_list(inputs, mask))

    def _merge_function(self, inputs, masks):
        raise NotImplementedError

    @staticmethod
    def _mask_list(inputs, mask):
        if mask is None:
            return [None] * len(inputs)
        if not isinstance(mask, (list, tuple)):
            mask = [mask]
        if len(mask) != len(inputs):
            raise ValueError(f"`mask` must be a list with one entry per input ({len(inputs)}); "
                             f"received {len(mask)} masks.")
        return list(mask)

    def compute_output_shape(self, input_shape):
        return self._output_shape(input_shape)

    def compute_output_spec(self, inputs, mask=None):
        self._output_shape([tuple(x.shape) for x in inputs])
        return self.call(inputs, mask=mask)

    def compute_mask(self, inputs, mask=None):
        if mask is None:
            return None
        masks = self._mask_list(inputs, mask)
        if any(m is None for m in masks):
            return None
        return _fold(ops.logical_or, [cast(m, "bool") for m in masks])


def _full_mask(mask, x):
    """`mask` (over all axes but the last) broadcast to the shape of `x`."""
    if mask is None:
        return None
    return ops.logical_or(ops.expand_dims(cast(mask, "bool"), -1), ops.zeros_like(x, dtype="bool"))


def _masked_fold(fn, inputs, masks):
    """Folds `fn` over `inputs`, letting a masked value take the other operand's value."""
    out, out_mask = inputs[0], _full_mask(masks[0], inputs[0])
    for x, mask in zip(inputs[1:], masks[1:]):
        mask = _full_mask(mask, x)
        if mask is not None:
            x = ops.where(mask, x, out)
        if out_mask is not None:
            out = ops.where(out_mask, out, x)
        out_mask = None if mask is None or out_mask is None else ops.logical_or(out_mask, mask)
        out = fn(out, x)
    return out


def _fold(fn, inputs):
    out = inputs[0]
    for x in inputs[1:]:
        out = fn(out, x)
    return out


@builtin("layers")
class Add(Merge):
    """Adds a list of tensors element-wise (with broadcasting).

    Example:
        >>> Add()([np.ones((2, 3)), np.ones((2, 3))]).shape
        (2, 3)
    """

    def _merge_function(self, inputs, masks):
        return _fold(ops.add, inputs)


@builtin("layers")
class Subtract(Merge):
    """Subtracts the second of two tensors from the first, element-wise.

    Example:
        >>> Subtract()([np.ones((2, 3)), np.ones((2, 3))]).shape
        (2, 3)
    """

    _expected_inputs = 2

    def _merge_function(self, inputs, masks):
        return ops.subtract(inputs[0], inputs[1])


@builtin("layers")
class Multiply(Merge):
    """Multiplies a list of tensors element-wise.

    Masked positions of an input count as 1 in the product. When every input has a mask,
    the output is zero outside the union of the masks (the output mask).

    Example:
        >>> Multiply()([np.full((2, 3), 2.0), np.full((2, 3), 3.0)])[0, 0]
        6.0
    """

    def _merge_function(self, inputs, masks):
        out, union = None, None
        for x, mask in zip(inputs, masks):
            if mask is not None:
                keep = _full_mask(mask, x)
                x = ops.where(keep, x, ops.ones_like(x))
                union = keep if union is None else ops.logical_or(union, keep)
            out = x if out is None else ops.multiply(out, x)
        if all(m is not None for m in masks):
            out = ops.where(union, out, ops.zeros_like(out))
        return out


@builtin("layers")
class Average(Merge):
    """Averages a list of tensors element-wise.

    Example:
        >>> Average()([np.zeros((2, 3)), np.full((2, 3), 4.0)])[0, 0]
        2.0
    """

    def _merge_function(self, inputs, masks):
        return ops.divide(_fold(ops.add, inputs), len(inputs))


@builtin("layers")
class Maximum(Merge):
    """The element-wise maximum of a list of tensors.

    A masked value of one input is replaced by the other operand, so masked positions
    do not take part in the maximum.

    Example:
        >>> Maximum()([np.zeros((2, 3)), np.ones((2, 3))])[0, 0]
        1.0
    """

    def _merge_function(self, inputs, masks):
        return _masked_fold(ops.maximum, inputs, masks)


@builtin("layers")
class Minimum(Merge):
    """The element-wise minimum of a list of tensors.

    A masked value of one input is replaced by the other operand, so masked positions
    do not take part in the minimum.

    Example:
        >>> Minimum()([np.zeros((2, 3)), np.ones((2, 3))])[0, 0]
        0.0
    """

    def _merge_function(self, inputs, masks):
        return _masked_fold(ops.minimum, inputs, masks)


def _functional(cls):
    name = cls.__name__.lower()

    def merge(inputs, **kwargs):
        return cls(**kwargs)(inputs)

    merge.__name__ = merge.__qualname__ = name
    merge.__doc__ = f"""Functional form of `{cls.__name__}`: ``{cls.__name__}(**kwargs)(inputs)``.

    Args:
        inputs: a list of tensors (KerasTensors or arrays).
        **kwargs: layer arguments such as `name` or `dtype`.

    Returns:
        The merged tensor.

    Example:
        >>> {name}([np.ones((2, 3)), np.ones((2, 3))]).shape
        (2, 3)
    """
    return merge


add = _functional(Add)
subtract = _functional(Subtract)
multiply = _functional(Multiply)
average = _functional(Average)
maximum = _functional(Maximum)
minimum = _functional(Minimum)
