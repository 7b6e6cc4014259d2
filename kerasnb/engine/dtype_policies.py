"""Dtype policies: the variable dtype and the compute dtype of a layer.

This is the hook the mixed-precision issue fills; here a policy is a float dtype name, or
``mixed_float16`` / ``mixed_bfloat16`` (float32 variables, 16-bit compute).

Example:
    >>> DTypePolicy("mixed_float16").compute_dtype
    'float16'
"""

from kerasnb.engine import config, dtypes
from kerasnb.engine.saving.serialization import builtin

_global_policy = None


@builtin("dtype_policies", module="keras")
class DTypePolicy:
    """A layer's dtypes: `variable_dtype` for weights, `compute_dtype` for computations."""

    def __init__(self, name=None):
        name = name or config.floatx()
        if name.startswith("mixed_"):
            compute, variable = name[len("mixed_"):], "float32"
            if compute not in ("float16", "bfloat16"):
                raise ValueError(f"`name` must be mixed_float16 or mixed_bfloat16; received {name!r}.")
        else:
            compute = variable = dtypes.standardize_dtype(name)
        self.name, self.compute_dtype, self.variable_dtype = name, compute, variable

    def get_config(self):
        return {"name": self.name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __eq__(self, other):
        return isinstance(other, DTypePolicy) and other.name == self.name

    __hash__ = object.__hash__

    def __repr__(self):
        return f'<DTypePolicy "{self.name}">'


FloatDTypePolicy = DTypePolicy


def get(identifier):
    """A DTypePolicy from None (the global policy), a name, a config dict or a policy."""
    if identifier is None:
        return dtype_policy()
    if isinstance(identifier, DTypePolicy):
        return identifier
    if isinstance(identifier, dict):
        return DTypePolicy(**identifier.get("config", identifier))
    if isinstance(identifier, str):
        return DTypePolicy(identifier)
    return DTypePolicy(dtypes.standardize_dtype(identifier))


def dtype_policy():
    """The global policy: the one set with `set_dtype_policy`, else floatx."""
    return _global_policy or DTypePolicy(config.floatx())


def set_dtype_policy(policy):
    global _global_policy
    _global_policy = None if policy is None else get(policy)
