"""`KerasTensor` (symbolic: shape and dtype only) and `Variable` (state that follows the backend)."""

import numpy as np

from kerasnb.engine import backend, dtypes
from kerasnb.engine import scope as _scope


class _Operators:
    """Python operators routed through `kerasnb.ops`, so they work eagerly and symbolically."""

    __array_priority__ = 100

    def __add__(self, other): return _ops.add(self, other)
    def __radd__(self, other): return _ops.add(other, self)
    def __sub__(self, other): return _ops.subtract(self, other)
    def __rsub__(self, other): return _ops.subtract(other, self)
    def __mul__(self, other): return _ops.multiply(self, other)
    def __rmul__(self, other): return _ops.multiply(other, self)
    def __truediv__(self, other): return _ops.true_divide(self, other)
    def __rtruediv__(self, other): return _ops.true_divide(other, self)
    def __floordiv__(self, other): return _ops.floor_divide(self, other)
    def __rfloordiv__(self, other): return _ops.floor_divide(other, self)
    def __mod__(self, other): return _ops.mod(self, other)
    def __rmod__(self, other): return _ops.mod(other, self)
    def __pow__(self, other): return _ops.power(self, other)
    def __rpow__(self, other): return _ops.power(other, self)
    def __matmul__(self, other): return _ops.matmul(self, other)
    def __rmatmul__(self, other): return _ops.matmul(other, self)
    def __neg__(self): return _ops.negative(self)
    def __pos__(self): return self
    def __abs__(self): return _ops.absolute(self)
    def __invert__(self): return _ops.logical_not(self) if self.dtype == "bool" else _ops.bitwise_invert(self)
    def __lt__(self, other): return _ops.less(self, other)
    def __le__(self, other): return _ops.less_equal(self, other)
    def __gt__(self, other): return _ops.greater(self, other)
    def __ge__(self, other): return _ops.greater_equal(self, other)
    def __and__(self, other): return _ops.logical_and(self, other) if self.dtype == "bool" else _ops.bitwise_and(self, other)
    def __rand__(self, other): return _ops.logical_and(other, self) if self.dtype == "bool" else _ops.bitwise_and(other, self)
    def __or__(self, other): return _ops.logical_or(self, other) if self.dtype == "bool" else _ops.bitwise_or(self, other)
    def __ror__(self, other): return _ops.logical_or(other, self) if self.dtype == "bool" else _ops.bitwise_or(other, self)
    def __xor__(self, other): return _ops.logical_xor(self, other) if self.dtype == "bool" else _ops.bitwise_xor(self, other)
    def __rxor__(self, other): return _ops.logical_xor(other, self) if self.dtype == "bool" else _ops.bitwise_xor(other, self)
    def __getitem__(self, key): return _ops.get_item(self, key)

    @property
    def ndim(self):
        return len(self.shape)

    def reshape(self, newshape):
        return _ops.reshape(self, newshape)

    def squeeze(self, axis=None):
        return _ops.squeeze(self, axis)


class Node:
    """Where a symbolic tensor came from: an operation called on arguments."""

    __slots__ = ("operation", "args", "kwargs", "outputs")

    def __init__(self, operation, args, kwargs, outputs):
        self.operation, self.args, self.kwargs, self.outputs = operation, args, kwargs, outputs


class KerasTensor(_Operators):
    """A symbolic tensor: a shape (unknown dims are ``None``) and a dtype, no values.

    Ops called on KerasTensors return KerasTensors with their inferred shape and dtype,
    and remember the call (`history`) so that models can be built from them.

    Example:
        >>> x = KerasTensor((None, 3))
        >>> (x + 1).shape
        (None, 3)
    """

    def __init__(self, shape, dtype="float32", sparse=False, ragged=False,
                 record_history=True, name=None, **kwargs):
        try:
            shape = tuple(None if d is None else int(d) for d in shape)
        except TypeError:
            raise TypeError(f"`shape` must be a tuple of ints or None; received {shape!r}.") from None
        if any(d is not None and d < 0 for d in shape):
            raise ValueError(f"`shape` dims must be >= 0 or None; received {shape}.")
        self.shape = shape
        self.dtype = dtypes.standardize_dtype(dtype)
        self.sparse, self.ragged = bool(sparse), bool(ragged)
        self.record_history = record_history
        self.name = name
        self.history = None

    def __repr__(self):
        name = f", name={self.name}" if self.name else ""
        return f"<KerasTensor shape={self.shape}, dtype={self.dtype}{name}>"

    def _repr_html_(self):
        """Shape, dtype and producing layer, for notebooks."""
        from kerasnb.engine.models.summary_html import keras_tensor_html
        return keras_tensor_html(self)

    def __bool__(self):
        raise TypeError("A symbolic KerasTensor has no value to test as a bool.")

    def __array__(self, *args, **kwargs):
        raise TypeError(
            "A symbolic KerasTensor has no values: it cannot be converted to a NumPy array. "
            "Call the model or op on real data instead.")

    def __len__(self):
        if not self.shape or self.shape[0] is None:
            raise TypeError(f"len() of a KerasTensor with shape {self.shape} is unknown.")
        return self.shape[0]

    def __iter__(self):
        raise TypeError("A symbolic KerasTensor cannot be iterated; index it instead.")


def is_keras_tensor(x):
    return isinstance(x, KerasTensor)


_ZEROS = ("zeros", "ones")


def _initial_value(initializer, shape, dtype):
    if isinstance(initializer, str):
        if initializer not in _ZEROS:
            raise ValueError(
                f"`initializer` string must be one of {_ZEROS} or a callable; received {initializer!r}.")
        if shape is None:
            raise ValueError(f"`shape` is required with initializer {initializer!r}.")
        return (np.zeros if initializer == "zeros" else np.ones)(shape, dtype=dtype)
    if callable(initializer):
        if shape is None:
            raise ValueError("`shape` is required when `initializer` is a callable.")
        return initializer(tuple(shape), dtype=dtype)
    return initializer


class Variable(_Operators):
    """A named, mutable tensor whose storage follows the active backend.

    Args:
        initializer: initial value (array-like) or a callable ``(shape, dtype) -> value``.
        shape: required with a callable initializer.
        dtype: defaults to ``floatx()``.
        trainable: whether optimizers update it.
        name: a name without ``/``.

    Example:
        >>> v = Variable(np.zeros((2,)), name="bias")
        >>> v.assign_add([1.0, 2.0]).numpy()
        array([1., 2.], dtype=float32)
    """

    def __init__(self, initializer, shape=None, dtype=None, trainable=True, autocast=True,
                 aggregation="none", synchronization="auto", name=None, layout=None, **kwargs):
        if kwargs:
            raise TypeError(f"Variable got unexpected keyword arguments: {sorted(kwargs)}.")
        name = name or "variable"
        if not isinstance(name, str) or "/" in name:
            raise ValueError(f"`name` must be a string without '/'; received {name!r}.")
        self.name = self.path = name
        self._dtype = dtypes.standardize_dtype(dtype)
        self.trainable = bool(trainable)
        self.autocast, self.aggregation = autocast, aggregation
        self.synchronization, self.layout = synchronization, layout
        module = backend.get()
        value = module.convert_to_tensor(_initial_value(initializer, shape, self._dtype), self._dtype)
        if shape is not None and tuple(module.shape(value)) != tuple(shape):
            raise ValueError(
                f"Variable {name!r}: the initial value has shape {tuple(module.shape(value))}, "
                f"expected `shape` {tuple(shape)}.")
        self._value, self._module = value, module
        self._version = 0  # counts writes, so that caches of compiled values can tell
        backend.track(self)

    @property
    def value(self):
        """The current value as a tensor of the active backend (or of the active StatelessScope),
        cast to the dtype of an active `AutocastScope` if this is a floating autocast Variable."""
        local = _scope._local.__dict__
        value = _scope.lookup(self) if local.get("stack") else None
        if value is None:
            if self._module is not backend._state.module:
                if backend._state.scoped:
                    value = backend.get().convert_to_tensor(self.numpy(), self._dtype)
                else:
                    self._migrate(backend.get())
            if value is None:
                value = self._value
        target = local.get("autocast")
        if target is not None and target != self._dtype and self.autocast and self._dtype in dtypes.FLOATS:
            value = backend.get().cast(value, target)
        return value

    @property
    def dtype(self):
        """The stored dtype, or the dtype of an active `AutocastScope` that this Variable reads as."""
        target = _scope._local.__dict__.get("autocast")
        if target is not None and self.autocast and self._dtype in dtypes.FLOATS:
            return target
        return self._dtype

    @property
    def shape(self):
        return tuple(self._module.shape(self._value))

    @property
    def size(self):
        return int(np.prod(self.shape))

    def numpy(self):
        """A NumPy copy of the value (never a view: some backends update in place)."""
        return np.array(self._module.convert_to_numpy(self._value))

    def __array__(self, dtype=None, copy=None):
        value = self.numpy()
        return value if dtype is None else value.astype(dtype)

    def assign(self, value):
        """Replaces the value; `value` must have this variable's shape.

        Inside a `StatelessScope` the new value is recorded in the scope instead.
        """
        module = backend.get()
        value = module.cast(module.convert_to_tensor(value), self._dtype)
        if tuple(module.shape(value)) != self.shape:
            raise ValueError(
                f"Cannot assign a value of shape {tuple(module.shape(value))} to variable "
                f"{self.path!r} of shape {self.shape}.")
        scope = _scope.current()
        if scope is not None:
            scope.add_update(self, value)
        else:
            self._value, self._module = value, module
            self._version += 1
        return self

    def _overwrite(self, value):
        """Stores `value` as is: a tensor of the active backend with this variable's shape and
        dtype (the trainer writes back compiled-step results this way, skipping checks)."""
        self._value, self._module = value, backend._state.module
        self._version += 1

    def assign_add(self, value):
        return self.assign(_ops.add(self.value, value))

    def assign_sub(self, value):
        return self.assign(_ops.subtract(self.value, value))

    def _converted(self, target):
        """This variable's value as a tensor of backend package `target`."""
        return target.convert_to_tensor(self._module.convert_to_numpy(self._value), self._dtype)

    def _migrate(self, target):
        """Moves the storage to backend package `target`."""
        if self._module is not target:
            self._value, self._module = self._converted(target), target
            self._version += 1

    def __repr__(self):
        return (f"<Variable path={self.path}, shape={self.shape}, dtype={self.dtype}, "
                f"value={self.numpy()!r}>")

    def _repr_html_(self):
        """Path, shape, dtype, statistics and a value preview, for notebooks."""
        from kerasnb.engine.models.summary_html import variable_html
        return variable_html(self)

    def __eq__(self, other):
        return _ops.equal(self, other)

    def __ne__(self, other):
        return _ops.not_equal(self, other)

    __hash__ = object.__hash__

    def __bool__(self):
        return bool(self.numpy())

    def __float__(self):
        return float(self.numpy())

    def __int__(self):
        return int(self.numpy())

    def __len__(self):
        return self.shape[0]


from kerasnb.engine.ops import numpy as _ops  # noqa: E402  (ops need the classes above)
