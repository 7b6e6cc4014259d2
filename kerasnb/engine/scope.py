"""`StatelessScope`: run stateful code as a pure function of explicit variable values.

Inside a scope, reading a mapped `Variable` gives the mapped value and assigning to any
Variable records the new value in the scope instead of changing the Variable. Scopes nest:
a Variable not mapped by the inner scope reads through to the outer ones. This is how
layers are called as pure functions (`Layer.stateless_call`) and how compiled train steps
see traced values.

Example:
    >>> v = Variable(1.0)
    >>> with StatelessScope([(v, 5.0)]) as scope:
    ...     v.assign(v.value + 1)
    >>> float(scope.get_current_value(v)), float(v)
    (6.0, 1.0)
"""

import threading

_local = threading.local()


def current():
    """The innermost active StatelessScope, or None."""
    stack = getattr(_local, "stack", None)
    return stack[-1] if stack else None


def lookup(variable):
    """`variable`'s value in the innermost scope that maps it, or None."""
    key = id(variable)
    for scope in reversed(_local.stack):
        value = scope.values.get(key)
        if value is not None:
            return value
    return None


class StatelessScope:
    """Maps Variables to values for the duration of a `with` block.

    Args:
        state_mapping: pairs ``(variable, value)``.
        collect_losses: gather losses added by layers (`add_loss`) into `losses`.
        initialize_variables: kept for Keras compatibility; variables created inside a
            scope are always initialized.
    """

    def __init__(self, state_mapping=None, collect_losses=False, initialize_variables=True):
        from kerasnb.engine.backend import get
        module = get()
        self.values = {}
        for variable, value in state_mapping or ():
            if not hasattr(variable, "_migrate"):
                raise TypeError(f"`state_mapping` keys must be Variables; received {type(variable).__name__}.")
            self.values[id(variable)] = module.cast(module.convert_to_tensor(value), variable.dtype)
        self.collect_losses = collect_losses
        self.initialize_variables = initialize_variables
        self.losses = []
        self.updates = {}  # id -> Variable assigned in this scope

    def get_current_value(self, variable):
        """The value `variable` has in this scope, or None if it is not mapped."""
        return self.values.get(id(variable))

    def add_update(self, variable, value):
        self.values[id(variable)] = value
        self.updates[id(variable)] = variable

    def updated_variables(self):
        """``(variable, new value)`` for every Variable assigned inside this scope."""
        return [(v, self.values[key]) for key, v in self.updates.items()]

    def __enter__(self):
        _local.stack = getattr(_local, "stack", []) + [self]
        return self

    def __exit__(self, *exc):
        _local.stack = _local.stack[:-1]


class AutocastScope:
    """While active, floating Variables created with ``autocast=True`` read as `dtype`
    (None: read as stored). `Layer.__call__` opens one for layers whose compute dtype differs
    from their variable dtype (mixed precision), so float32 weights enter 16-bit math.

    Example:
        >>> with AutocastScope("float16"):
        ...     kernel.value.dtype  # a float32 Variable  # doctest: +SKIP
        float16
    """

    def __init__(self, dtype):
        self.dtype = dtype

    def __enter__(self):
        self.saved = getattr(_local, "autocast", None)
        _local.autocast = self.dtype
        return self

    def __exit__(self, *exc):
        _local.autocast = self.saved


def autocast_dtype():
    """The dtype floating Variables read as right now, or None."""
    return _local.__dict__.get("autocast")
