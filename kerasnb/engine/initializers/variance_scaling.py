"""`VarianceScaling` and its presets: Glorot (Xavier), He and LeCun, normal and uniform."""

import math

from kerasnb.engine import random as krandom
from kerasnb.engine.initializers.initializer import (
    RandomInitializer, check_float_dtype, check_number, check_shape)
from kerasnb.engine.saving.serialization import builtin, serialize_keras_object

# Standard deviation of a standard normal truncated to [-2, 2] (what truncated_normal draws).
_TRUNCATED_STDDEV = math.sqrt(1 - 4 * math.exp(-2) / math.sqrt(2 * math.pi) / math.erf(math.sqrt(2)))

_MODES = ("fan_in", "fan_out", "fan_avg")
_DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform")


def _check_axes(axes, name):
    if axes is None:
        return None
    if not isinstance(axes, (list, tuple)) or not all(
            isinstance(a, int) and not isinstance(a, bool) for a in axes):
        raise ValueError(f"VarianceScaling: `{name}` must be None or a list of ints; received {axes!r}.")
    return axes


def compute_fans(shape, input_axes=None, output_axes=None):
    """``(fan_in, fan_out)`` of a weight of `shape`.

    With `input_axes` and `output_axes`, each fan is the product of the sizes on those
    axes. Otherwise: a scalar has fans (1, 1); a vector (n, n); a dense kernel
    ``(in, out)`` gives (in, out); a convolution kernel ``(*spatial, in, out)`` multiplies
    both by the receptive field size ``prod(spatial)``.

    Example:
        >>> compute_fans((3, 3, 16, 32))
        (144, 288)
        >>> compute_fans((8, 4, 16), input_axes=[0], output_axes=[1, 2])
        (8, 64)
    """
    shape = tuple(shape)
    if input_axes is not None and output_axes is not None:
        for axis in list(input_axes) + list(output_axes):
            if not -len(shape) <= axis < len(shape):
                raise ValueError(
                    f"`input_axes` {list(input_axes)} and `output_axes` {list(output_axes)} must "
                    f"be axes of `shape` {shape}; received axis {axis}.")
        return (int(math.prod(shape[a] for a in input_axes)),
                int(math.prod(shape[a] for a in output_axes)))
    if not shape:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive_field = math.prod(shape[:-2])
    return int(shape[-2] * receptive_field), int(shape[-1] * receptive_field)


@builtin("initializers", "variance_scaling")
class VarianceScaling(RandomInitializer):
    """Samples whose variance is `scale` divided by a fan of the weight's shape.

    With ``n`` = fan_in, fan_out or their mean (per `mode`): `"truncated_normal"` draws a
    normal truncated at two standard deviations, rescaled to a standard deviation of
    ``sqrt(scale / n)``; `"untruncated_normal"` a normal of that standard deviation;
    `"uniform"` a uniform on ``[-limit, limit]`` with ``limit = sqrt(3 * scale / n)``.

    Args:
        scale: a positive scaling factor.
        mode: `"fan_in"`, `"fan_out"` or `"fan_avg"`.
        distribution: `"truncated_normal"` (alias `"normal"`), `"untruncated_normal"` or
            `"uniform"` (case-insensitive).
        seed: an int, a `SeedGenerator` or None (see `RandomInitializer`).
        input_axes: axes whose sizes multiply to fan_in; given together with `output_axes`
            (see `compute_fans`).
        output_axes: axes whose sizes multiply to fan_out.

    Example:
        >>> init = VarianceScaling(scale=2.0, mode="fan_in", distribution="uniform", seed=0)
        >>> init((64, 32)).shape
        (64, 32)
    """

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None,
                 input_axes=None, output_axes=None):
        owner = type(self).__name__
        check_number(scale, "scale", owner, positive=True)
        if mode not in _MODES:
            raise ValueError(f"{owner}: `mode` must be one of {list(_MODES)}; received {mode!r}.")
        lowered = distribution.lower() if isinstance(distribution, str) else distribution
        lowered = "truncated_normal" if lowered == "normal" else lowered
        if lowered not in _DISTRIBUTIONS:
            raise ValueError(
                f"{owner}: `distribution` must be one of {list(_DISTRIBUTIONS) + ['normal']}; "
                f"received {distribution!r}.")
        if (input_axes is None) != (output_axes is None):
            raise ValueError(
                f"{owner}: `input_axes` and `output_axes` must be given together; received "
                f"input_axes={input_axes!r}, output_axes={output_axes!r}.")
        self.scale, self.mode, self.distribution = scale, mode, lowered
        self.input_axes = _check_axes(input_axes, "input_axes")
        self.output_axes = _check_axes(output_axes, "output_axes")
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        owner = type(self).__name__
        shape = check_shape(shape, owner)
        dtype = check_float_dtype(dtype, owner)
        fan_in, fan_out = compute_fans(shape, self.input_axes, self.output_axes)
        fan = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[self.mode]
        variance = self.scale / max(1.0, fan)
        if self.distribution == "uniform":
            limit = math.sqrt(3.0 * variance)
            return krandom.uniform(shape, minval=-limit, maxval=limit, dtype=dtype, seed=self.seed)
        if self.distribution == "untruncated_normal":
            return krandom.normal(shape, stddev=math.sqrt(variance), dtype=dtype, seed=self.seed)
        return krandom.truncated_normal(
            shape, stddev=math.sqrt(variance) / _TRUNCATED_STDDEV, dtype=dtype, seed=self.seed)

    def get_config(self):
        return {**super().get_config(), "scale": self.scale, "mode": self.mode,
                "distribution": self.distribution, "input_axes": self.input_axes,
                "output_axes": self.output_axes}


class _Preset(VarianceScaling):
    """A `VarianceScaling` whose scale, mode and distribution are fixed by the subclass."""

    preset = {}

    def __init__(self, seed=None, input_axes=None, output_axes=None):
        super().__init__(seed=seed, input_axes=input_axes, output_axes=output_axes, **self.preset)

    def get_config(self):
        return {"seed": serialize_keras_object(self._init_seed), "input_axes": self.input_axes,
                "output_axes": self.output_axes}


@builtin("initializers", "glorot_uniform")
class GlorotUniform(_Preset):
    """Glorot (Xavier) uniform: uniform on ``[-limit, limit]``, ``limit = sqrt(6 / (fan_in + fan_out))``.

    Example:
        >>> GlorotUniform(seed=0)((4, 8)).shape
        (4, 8)
    """

    preset = {"scale": 1.0, "mode": "fan_avg", "distribution": "uniform"}


@builtin("initializers", "glorot_normal")
class GlorotNormal(_Preset):
    """Glorot (Xavier) normal: truncated normal of standard deviation ``sqrt(2 / (fan_in + fan_out))``.

    Example:
        >>> GlorotNormal(seed=0)((4, 8)).shape
        (4, 8)
    """

    preset = {"scale": 1.0, "mode": "fan_avg", "distribution": "truncated_normal"}


@builtin("initializers", "he_uniform")
class HeUniform(_Preset):
    """He uniform: uniform on ``[-limit, limit]``, ``limit = sqrt(6 / fan_in)``.

    Example:
        >>> HeUniform(seed=0)((3, 3, 8, 16)).shape
        (3, 3, 8, 16)
    """

    preset = {"scale": 2.0, "mode": "fan_in", "distribution": "uniform"}


@builtin("initializers", "he_normal")
class HeNormal(_Preset):
    """He normal: truncated normal of standard deviation ``sqrt(2 / fan_in)``.

    Example:
        >>> HeNormal(seed=0)((16, 4)).shape
        (16, 4)
    """

    preset = {"scale": 2.0, "mode": "fan_in", "distribution": "truncated_normal"}


@builtin("initializers", "lecun_uniform")
class LecunUniform(_Preset):
    """LeCun uniform: uniform on ``[-limit, limit]``, ``limit = sqrt(3 / fan_in)``.

    Example:
        >>> LecunUniform(seed=0)((16, 4)).shape
        (16, 4)
    """

    preset = {"scale": 1.0, "mode": "fan_in", "distribution": "uniform"}


@builtin("initializers", "lecun_normal")
class LecunNormal(_Preset):
    """LeCun normal: truncated normal of standard deviation ``sqrt(1 / fan_in)``.

    Example:
        >>> LecunNormal(seed=0)((16, 4)).shape
        (16, 4)
    """

    preset = {"scale": 1.0, "mode": "fan_in", "distribution": "truncated_normal"}
