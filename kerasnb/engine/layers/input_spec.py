"""`InputSpec`: what a layer accepts (rank, dtype, known axis sizes), checked on every call."""

from kerasnb.engine import dtypes
from kerasnb.engine.ops.op import flatten
from kerasnb.engine.ops.rules import dtype_of, shape_of


class InputSpec:
    """Constraints on one input of a layer.

    Args:
        dtype: expected dtype. shape: expected shape (None dims are free).
        ndim, max_ndim, min_ndim: rank constraints.
        axes: ``{axis: size}`` for axes whose size is fixed (e.g. a kernel's input dim).

    Example:
        >>> InputSpec(min_ndim=2, axes={-1: 8})
        InputSpec(min_ndim=2, axes={-1: 8})
    """

    def __init__(self, dtype=None, shape=None, ndim=None, max_ndim=None, min_ndim=None, axes=None,
                 allow_last_axis_squeeze=False, name=None, optional=False):
        self.dtype = None if dtype is None else dtypes.standardize_dtype(dtype)
        self.shape = None if shape is None else tuple(shape)
        self.ndim = len(self.shape) if shape is not None else ndim
        self.max_ndim, self.min_ndim = max_ndim, min_ndim
        self.axes = {int(k): v for k, v in (axes or {}).items()}
        self.allow_last_axis_squeeze, self.name, self.optional = allow_last_axis_squeeze, name, optional

    def __repr__(self):
        fields = {k: v for k, v in self.get_config().items() if v not in (None, {}, False)}
        return "InputSpec(" + ", ".join(f"{k}={v}" for k, v in fields.items()) + ")"

    def get_config(self):
        return {"dtype": self.dtype, "shape": self.shape, "ndim": self.ndim, "max_ndim": self.max_ndim,
                "min_ndim": self.min_ndim, "axes": self.axes}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def assert_input_compatibility(specs, inputs, layer_name):
    """Raises a ValueError naming the layer, the input, what was expected and what came."""
    if specs is None:
        return
    specs = flatten(specs)
    values = flatten(inputs)
    if len(specs) != len(values) and not all(s.optional for s in specs[len(values):]):
        raise ValueError(f"Layer {layer_name!r} expects {len(specs)} input(s); received {len(values)}.")
    for index, (spec, x) in enumerate(zip(specs, values)):
        if spec is None or (x is None and spec.optional):
            continue
        shape = shape_of(x)
        where = f"Input {index} of layer {layer_name!r}"
        if spec.ndim is not None and len(shape) != spec.ndim and not (
                spec.allow_last_axis_squeeze and len(shape) == spec.ndim + 1 and shape[-1] == 1):
            raise ValueError(f"{where} must have rank {spec.ndim}; received shape {shape}.")
        if spec.min_ndim is not None and len(shape) < spec.min_ndim:
            raise ValueError(f"{where} must have rank >= {spec.min_ndim}; received shape {shape}.")
        if spec.max_ndim is not None and len(shape) > spec.max_ndim:
            raise ValueError(f"{where} must have rank <= {spec.max_ndim}; received shape {shape}.")
        if spec.dtype is not None and dtype_of(x) != spec.dtype:
            raise ValueError(f"{where} must have dtype {spec.dtype}; received {dtype_of(x)}.")
        for axis, size in spec.axes.items():
            got = shape[axis] if -len(shape) <= axis < len(shape) else "missing"
            if size is not None and got not in (size, None):
                raise ValueError(
                    f"{where} must have size {size} on axis {axis}; received shape {shape}.")
        if spec.shape is not None:
            for want, got in zip(spec.shape, shape):
                if want is not None and got is not None and want != got:
                    raise ValueError(f"{where} must have shape {spec.shape}; received {shape}.")
