"""`Layer`: the stateful building block, written once against `kerasnb.ops` and `Variable`.

A layer creates its weights in `build` (lazily, on the first call, from the input shapes),
computes in `call`, and can always be run as a pure function of its weight values with
`stateless_call` (DESIGN.md rule 3). Calling it on KerasTensors records a node in the
functional graph instead of computing.

Example:
    >>> class Scale(Layer):
    ...     def build(self, input_shape):
    ...         self.factor = self.add_weight(shape=(input_shape[-1],), initializer="ones")
    ...     def call(self, x):
    ...         return x * self.factor
    >>> Scale()(np.ones((2, 3))).shape
    (2, 3)
"""

import functools
import inspect
import threading

import numpy as np

from kerasnb.engine import backend, dtype_policies, dtypes, naming, scope as scopes
from kerasnb.engine.layers.input_spec import assert_input_compatibility
from kerasnb.engine.masks import get_mask, set_mask
from kerasnb.engine.ops.op import flatten, has_symbolic, pack
from kerasnb.engine.ops.rules import shape_of
from kerasnb.engine.quantization.layer_methods import QuantizationMethods
from kerasnb.engine.random.seed_generator import SeedGenerator
from kerasnb.engine.saving import serialization
from kerasnb.engine.tensors import KerasTensor, Node, Variable
from kerasnb.engine.tracebacks import filter_traceback

_context = threading.local()
_LEGACY_KWARGS = ("input_shape", "batch_input_shape", "batch_size", "input_dim")


class FrozenStructure:
    """While active (``with frozen:``), the layer tree is taken as fixed: the nested-layer
    walk behind `weights`, `losses` and friends is done once per layer and remembered.
    The trainer holds one across the steps of a loop, where layers cannot change."""

    def __init__(self):
        self.memo = {}

    def __enter__(self):
        self.saved = getattr(_context, "structure", None)
        _context.structure = self.memo

    def __exit__(self, *exc):
        _context.structure = self.saved


def structure_memo():
    """The memo of the active `FrozenStructure`, or None."""
    return getattr(_context, "structure", None)


class _CallContext:
    """Carries `training` from an outer call to inner layers that were not given one."""

    def __init__(self, training):
        self.training = training

    def __enter__(self):
        self.saved = getattr(_context, "training", None), getattr(_context, "depth", 0)
        _context.training, _context.depth = self.training, self.saved[1] + 1

    def __exit__(self, *exc):
        _context.training, _context.depth = self.saved


class OpTracing:
    """While active, a layer called on KerasTensors runs its own `call` in inference mode
    instead of recording one layer node, so every op inside records its node (exporters
    walk these op graphs). Layers for which ``keep(layer)`` is true still record one layer
    node (e.g. recurrent layers that an exporter translates whole). No layer's inbound
    nodes change.

    Example:
        >>> with OpTracing():
        ...     y = model(KerasTensor((None, 4)))  # y.history is the last op's node
    """

    def __init__(self, keep=None):
        self.keep = keep or (lambda layer: False)

    def called(self, layer, args, kwargs, outputs):
        """Called after each traced layer call (inner layers first); override to observe."""

    def __enter__(self):
        self.saved = getattr(_context, "tracing", None)
        _context.tracing = self
        return self

    def __exit__(self, *exc):
        _context.tracing = self.saved


def _json_able(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return True
    if isinstance(value, (list, tuple)):
        return all(_json_able(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _json_able(v) for k, v in value.items())
    return False


class Layer(QuantizationMethods):
    """Base class of every layer and model.

    Args:
        activity_regularizer: a regularizer applied to the outputs, added to `losses`.
        trainable: whether the weights are updated by training.
        dtype: a dtype name or `DTypePolicy`; None means the global policy (floatx).
        autocast: cast floating inputs to the compute dtype.
        name: a unique name; defaults to the snake-case class name (``dense_1``).
    """

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "build" in cls.__dict__:  # a direct `layer.build(shape)` also marks the layer built
            build = cls.__dict__["build"]

            @functools.wraps(build)
            def build_and_mark(self, *args, **kwargs):
                build(self, *args, **kwargs)
                self.built = True

            cls.build = build_and_mark

    def __new__(cls, *args, **kwargs):
        layer = super().__new__(cls)
        try:  # remember constructor arguments for the default `get_config` of subclasses
            bound = inspect.signature(cls.__init__).bind(None, *args, **kwargs)
            layer._constructor_args = {k: v for k, v in bound.arguments.items() if k != "self"}
            extra = layer._constructor_args.pop("kwargs", {})
            layer._constructor_args.update(extra)
        except TypeError:
            layer._constructor_args = None
        return layer

    def __init__(self, *, activity_regularizer=None, trainable=True, dtype=None, autocast=True,
                 name=None, **kwargs):
        unexpected = set(kwargs) - set(_LEGACY_KWARGS)
        if unexpected:
            raise TypeError(f"{type(self).__name__} got unexpected keyword arguments {sorted(unexpected)}.")
        if name is not None and (not isinstance(name, str) or "/" in name):
            raise ValueError(f"`name` must be a string without '/'; received {name!r}.")
        self.name = name or naming.unique_name(naming.to_snake_case(type(self).__name__))
        self._dtype_policy = dtype_policies.get(dtype)
        self._trainable = bool(trainable)
        self.autocast = autocast
        self.activity_regularizer = _get_regularizer(activity_regularizer)
        self.built = False
        self.input_spec = None
        self.supports_masking = type(self).compute_mask is not Layer.compute_mask
        self._own_variables = []
        self._regularized = []   # (variable, regularizer) pairs
        self._losses = []
        self._inbound_nodes = []
        shape = kwargs.get("batch_input_shape")
        if shape is None and kwargs.get("input_shape") is not None:
            shape = (kwargs.get("batch_size"),) + tuple(kwargs["input_shape"])
        if shape is None and kwargs.get("input_dim") is not None:
            shape = (kwargs.get("batch_size"), kwargs["input_dim"])
        self._batch_input_shape = None if shape is None else tuple(shape)
        params = inspect.signature(self.call).parameters
        self._call_has_training = "training" in params
        self._call_has_mask = "mask" in params

    # Tracking ----------------------------------------------------------------------

    def _tracked(self, kind):
        """Objects of `kind` held in this layer's attributes (directly or in lists/dicts)."""
        found = []

        def visit(value, depth=0):
            if isinstance(value, kind):
                found.append(value)
            elif isinstance(value, (list, tuple)) and depth < 3:
                for item in value:
                    visit(item, depth + 1)
            elif isinstance(value, dict) and depth < 3:
                for item in value.values():
                    visit(item, depth + 1)

        for key, value in self.__dict__.items():
            if key not in ("_inbound_nodes", "_constructor_args", "_own_variables", "_regularized"):
                visit(value)
        return found

    @property
    def _layers(self):
        seen, out = set(), []
        for layer in self._tracked(Layer):
            if id(layer) not in seen and layer is not self:
                seen.add(id(layer))
                out.append(layer)
        return out

    def _flatten_layers(self, include_self=True):
        """This layer and all nested layers, depth first, each once."""
        memo = structure_memo()
        if memo is not None:
            key = (id(self), include_self)
            found = memo.get(key)
            if found is None:
                found = memo[key] = self._walk_layers(include_self)
            return found
        return self._walk_layers(include_self)

    def _walk_layers(self, include_self):
        seen, out = set(), []

        def walk(layer):
            if id(layer) in seen:
                return
            seen.add(id(layer))
            out.append(layer)
            for sub in layer._layers:
                walk(sub)

        walk(self)
        return out if include_self else out[1:]

    def _collect(self, own):
        seen, out = set(), []
        for layer in self._flatten_layers():
            for variable in own(layer):
                if id(variable) not in seen:
                    seen.add(id(variable))
                    out.append(variable)
        return out

    @property
    def weights(self):
        """Trainable then non-trainable weights of this layer, then of its sublayers."""
        return self._collect(lambda l: [v for v in l._own_variables + l._tracked(Variable) if v.trainable]
                             + [v for v in l._own_variables + l._tracked(Variable) if not v.trainable])

    @property
    def trainable_weights(self):
        return [v for v in self.weights if v.trainable] if self.trainable else []

    @property
    def non_trainable_weights(self):
        if not self.trainable:
            return self.weights
        return [v for v in self.weights if not v.trainable]

    def _own_state(self):
        """This layer's own non-weight state (seed generators); subclasses may add more
        (e.g. the states of a stateful RNN). `variables` gathers it across sublayers."""
        return [g.state for g in self._tracked(SeedGenerator)]

    @property
    def variables(self):
        """All state: the weights plus every layer's non-weight state (`_own_state`)."""
        state = self._collect(lambda l: l._own_state())
        weights = self.weights
        known = {id(v) for v in weights}
        return weights + [v for v in state if id(v) not in known]

    @property
    def trainable_variables(self):
        return self.trainable_weights

    @property
    def non_trainable_variables(self):
        trainable = {id(v) for v in self.trainable_variables}
        return [v for v in self.variables if id(v) not in trainable]

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        # Like Keras, freezing also marks the weights non-trainable; unfreezing restores only
        # those it marked, so e.g. BatchNormalization's moving statistics stay non-trainable.
        for layer in self._flatten_layers():
            layer._trainable = bool(value)
            frozen = layer.__dict__.setdefault("_frozen_ids", set())
            for variable in layer._own_variables + layer._tracked(Variable):
                if not value and variable.trainable:
                    frozen.add(id(variable))
                    variable.trainable = False
                elif value and id(variable) in frozen:
                    variable.trainable = True
            if value:
                frozen.clear()

    # Dtypes -------------------------------------------------------------------------

    @property
    def dtype_policy(self):
        return self._dtype_policy

    @dtype_policy.setter
    def dtype_policy(self, value):
        """Sets the policy (into the layer's DTypePolicyMap, if it has one); a quantized
        policy on a built, unquantized layer quantizes it."""
        policy = dtype_policies.get(value)
        if isinstance(self._dtype_policy, dtype_policies.DTypePolicyMap) and self.path:
            if self.path in self._dtype_policy:
                del self._dtype_policy[self.path]
            self._dtype_policy[self.path] = policy
        else:
            self._dtype_policy = policy
        mode = policy.quantization_mode
        if mode is not None and self.built and not getattr(self, "_is_quantized", False):
            if mode in ("gptq", "awq"):
                raise ValueError(f"Setting a {mode} dtype policy does not quantize layer {self.name!r}: "
                                 f"{mode} needs calibration data (and is not implemented in kerasnb).")
            self.quantize(mode, config=_config_of_policy(policy))

    @property
    def dtype(self):
        """The dtype of the layer's weights."""
        return self._own_policy().variable_dtype

    @property
    def compute_dtype(self):
        return self._own_policy().compute_dtype

    @property
    def variable_dtype(self):
        return self._own_policy().variable_dtype

    # Weights ------------------------------------------------------------------------

    def add_weight(self, shape=None, initializer=None, dtype=None, trainable=True, autocast=True,
                   regularizer=None, constraint=None, aggregation="none",
                   overwrite_with_gradient=False, name=None):
        """Creates a weight Variable tracked by this layer.

        Args:
            shape: the weight's shape (``()`` for a scalar).
            initializer: an initializer, its name (``"glorot_uniform"``) or a callable;
                defaults to glorot_uniform for floats and zeros otherwise.
            regularizer: adds a penalty on this weight to `losses`.
            constraint: a projection the optimizer applies after each update.

        Example:
            >>> kernel = layer.add_weight(shape=(3, 4), initializer="he_normal", name="kernel")
        """
        from kerasnb.engine import initializers
        shape = () if shape is None else tuple(shape)
        dtype = dtype or self.variable_dtype
        if initializer is None:
            initializer = "glorot_uniform" if "float" in str(dtype) and len(shape) >= 2 else "zeros"
        initializer = initializers.get(initializer)
        variable = Variable(initializer, shape=shape, dtype=dtype, trainable=trainable, autocast=autocast,
                            aggregation=aggregation, name=name or f"variable_{len(self._own_variables)}")
        variable.path = f"{self.name}/{variable.name}"
        variable.constraint = _get_constraint(constraint)
        variable.overwrite_with_gradient = overwrite_with_gradient
        self._own_variables.append(variable)
        if trainable and not self._trainable:  # created inside a frozen layer
            variable.trainable = False
            self.__dict__.setdefault("_frozen_ids", set()).add(id(variable))
        if regularizer is not None:
            self._regularized.append((variable, _get_regularizer(regularizer)))
        return variable

    def get_weights(self):
        """The weights as a list of NumPy arrays, in `weights` order."""
        return [v.numpy() for v in self.weights]

    def set_weights(self, weights):
        """Sets the weights from arrays in `weights` order; shapes must match exactly."""
        own = self.weights
        if len(weights) != len(own):
            raise ValueError(
                f"Layer {self.name!r} has {len(own)} weights; `weights` has {len(weights)} arrays.")
        for variable, value in zip(own, weights):
            if tuple(np.shape(value)) != variable.shape:
                raise ValueError(
                    f"Weight {variable.path!r} has shape {variable.shape}; received {np.shape(value)}.")
        for variable, value in zip(own, weights):
            variable.assign(value)

    def count_params(self):
        """Number of scalars in the weights."""
        if not self.built:
            raise ValueError(f"Layer {self.name!r} is not built yet: call it or `build` it first.")
        return int(sum(np.prod(v.shape) for v in self.weights))

    # Losses -------------------------------------------------------------------------

    def add_loss(self, loss):
        """Adds a scalar loss tensor (e.g. an activity penalty) to `losses` for this call."""
        scope = scopes.current()
        if scope is not None and scope.collect_losses:
            scope.losses.append(loss)
        self._losses.append(loss)

    @property
    def losses(self):
        """Losses added during the last call plus the weight-regularization penalties."""
        out = []
        for layer in self._flatten_layers():
            if layer._losses:
                out.extend(layer._losses)
            if layer._regularized:
                from kerasnb.engine.ops import numpy as ops
                out.extend(ops.multiply(reg(variable.value), 1)
                           for variable, reg in layer._regularized)
        return out

    def _clear_losses(self):
        for layer in self._flatten_layers():
            if layer._losses:
                layer._losses = []

    # Building and calling -----------------------------------------------------------

    def build(self, input_shape=None):
        """Creates the weights from the input shape(s); called once before the first call."""
        self.built = True

    def _maybe_build(self, args, kwargs):
        if self.built:
            return
        if type(self).build is not Layer.build:
            shapes = self._build_shapes(args, kwargs)
            self._build_shapes_dict = shapes  # what built it (exporters trace subclassed models with it)
            if list(shapes) == ["input_shape"]:
                self.build(shapes["input_shape"])
            else:
                self.build(**shapes)
        self.built = True

    def _build_shapes(self, args, kwargs):
        """Shapes for `build`: the first argument's, or one ``<name>_shape`` per call argument."""
        params = [p for p in inspect.signature(self.build).parameters.values()
                  if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
        names = list(inspect.signature(self.call).parameters)
        bound = dict(zip(names, args))
        bound.update(kwargs)

        def shapes(x):
            if isinstance(x, (list, tuple)):
                return type(x)(shapes(v) for v in x)
            if isinstance(x, dict):
                return {k: shapes(v) for k, v in x.items()}
            return None if x is None else shape_of(x)

        if len(params) <= 1 or not all(p.name.endswith("_shape") for p in params):
            return {"input_shape": shapes(args[0]) if args else None}
        return {p.name: shapes(bound.get(p.name[:-len("_shape")])) for p in params
                if p.name[:-len("_shape")] in bound}

    @filter_traceback
    def __call__(self, *args, **kwargs):
        state = _context.__dict__  # this thread's call context, read as a plain dict
        if self._call_has_training:
            training = kwargs.get("training")
            if training is None:
                training = kwargs["training"] = state.get("training")
        else:  # still sets the context for the sublayers
            training = kwargs.pop("training", None)
            if training is None:
                training = state.get("training")
        if self._call_has_mask and kwargs.get("mask") is None and args:
            masks = [get_mask(x) for x in flatten(args[0])]
            if any(m is not None for m in masks):
                kwargs["mask"] = masks[0] if len(masks) == 1 else pack(args[0], masks)
        if args and self.input_spec is not None:
            self._check_input_spec(args[0])
        if has_symbolic(args, kwargs):
            tracing = state.get("tracing")
            if tracing is not None:
                return self._traced_call(args, kwargs, tracing)
            return self._symbolic_call(args, kwargs, training)
        args = self._convert_inputs(args)
        depth = state.get("depth", 0)
        if depth == 0:
            self._clear_losses()
        outer = state.get("training")  # as `_CallContext`, inline: one call per layer saved
        state["training"], state["depth"] = training, depth + 1
        try:
            self._maybe_build(args, kwargs)
            outputs = self._run_call(args, kwargs)
        finally:
            state["training"], state["depth"] = outer, depth
        self._post_call(args, kwargs, outputs)
        return outputs

    def _check_input_spec(self, first):
        """`assert_input_compatibility` for the first call argument; a single tensor whose
        shape and dtype already passed the current `input_spec` is not checked again."""
        spec = self.input_spec
        shape = getattr(first, "shape", None)
        if shape is None or isinstance(first, (list, tuple, dict)):
            assert_input_compatibility(spec, first, self.name)
            return
        passed = (spec, shape, getattr(first, "dtype", None))
        if self.__dict__.get("_passed_input_spec") != passed:
            assert_input_compatibility(spec, first, self.name)
            self._passed_input_spec = passed

    def _run_call(self, args, kwargs):
        """`call` (or `quantized_call` for a quantized layer) under the layer's autocast
        scope: float Variables read as the compute dtype where it differs from the variable
        dtype (mixed precision); a layer with autocast off, or a float32 layer inside a mixed
        one, reads them as stored."""
        policy = self._own_policy()
        method = self.call if policy.quantization_mode is None else self.quantized_call
        current = scopes.autocast_dtype()
        compute = policy.compute_dtype
        if current is None and compute == policy.variable_dtype:
            return method(*args, **kwargs)  # the common case: nothing to autocast
        target = compute if self.autocast and compute in dtypes.FLOATS else None
        if target == current:
            return method(*args, **kwargs)
        with scopes.AutocastScope(target):
            return method(*args, **kwargs)

    def _convert_inputs(self, args):
        """Arrays and Python data in the first argument become tensors; floating ones are
        cast to the compute dtype when `autocast` is on."""
        if not args:
            return args
        module, first = backend.get(), args[0]
        if type(first) is module.Tensor and type(first) is not np.ndarray:  # the usual case
            if self.autocast:
                dtype = module.dtype_of(first)
                if dtype in dtypes.FLOATS and dtype != self.compute_dtype:
                    return (module.cast(first, self.compute_dtype),) + tuple(args[1:])
            return args
        target = self.compute_dtype

        def convert(x):
            if x is None or isinstance(x, np.ndarray) and x.dtype.kind in "USO":
                return x  # strings stay NumPy: only TensorFlow has string tensors
            if not module.is_tensor(x):
                x = module.convert_to_tensor(x)
            if self.autocast:
                dtype = module.dtype_of(x)
                if dtype != target and dtypes.is_float(dtype):
                    x = module.cast(x, target)
            return x

        first = args[0]
        if isinstance(first, dict):
            first = {k: convert(v) for k, v in first.items()}
        elif isinstance(first, (list, tuple)) and first and all(hasattr(v, "shape") or v is None for v in first):
            first = type(first)(convert(v) for v in first)
        else:
            first = convert(first)
        return (first,) + tuple(args[1:])

    def _post_call(self, args, kwargs, outputs):
        if self.activity_regularizer is not None:
            from kerasnb.engine.ops import numpy as ops
            for out in flatten(outputs):
                batch = shape_of(out)[0] if ops.ndim(out) else 1
                self.add_loss(ops.divide(self.activity_regularizer(out), batch))
        self._propagate_mask(args, kwargs, outputs)

    def _propagate_mask(self, args, kwargs, outputs):
        # The base `compute_mask` gives None when no mask came in: nothing to propagate.
        if args and (type(self).compute_mask is not Layer.compute_mask or (
                self.supports_masking and kwargs.get("mask") is not None)):
            mask = self.compute_mask(args[0], kwargs.get("mask"))
            if mask is not None:
                for out, m in zip(flatten(outputs), flatten(mask) if isinstance(mask, (list, tuple)) else
                                  [mask] * len(flatten(outputs))):
                    set_mask(out, m)

    def _symbolic_call(self, args, kwargs, training):
        with _CallContext(training):
            self._maybe_build(args, kwargs)
            outputs = self.compute_output_spec(*args, **kwargs)
        node = Node(self, args, kwargs, outputs)
        self._inbound_nodes.append(node)
        for index, out in enumerate(flatten(outputs)):
            out.history = node
            out._keras_history = (self, len(self._inbound_nodes) - 1, index)
        self._post_call(args, kwargs, outputs)
        return outputs

    def _traced_call(self, args, kwargs, tracing):
        """The symbolic call under `OpTracing`: `call` itself runs in inference mode (or one
        layer node is recorded, for layers that `tracing.keep`); no inbound node is added."""
        if self._call_has_training:
            kwargs["training"] = False
        if args and self.autocast:  # as `_convert_inputs` does for real tensors
            from kerasnb.engine.ops.core import cast
            target = self.compute_dtype

            def autocast(x):
                if isinstance(x, KerasTensor) and x.dtype != target and dtypes.is_float(x.dtype):
                    return cast(x, target)
                return x
            args = (pack(args[0], [autocast(x) for x in flatten(args[0])]),) + tuple(args[1:])
        with _CallContext(False):
            self._maybe_build(args, kwargs)
            if tracing.keep(self):
                outputs = self.compute_output_spec(*args, **kwargs)
                node = Node(self, args, kwargs, outputs)
                for out in flatten(outputs):
                    out.history = node
            else:
                outputs = self._run_call(args, kwargs)
        self._propagate_mask(args, kwargs, outputs)
        tracing.called(self, args, kwargs, outputs)
        return outputs

    def call(self, *args, **kwargs):
        """The computation; override it. The default returns its first argument."""
        return args[0] if args else None

    def compute_output_shape(self, *args, **kwargs):
        """Output shape(s) for input shape(s), derived by running `call` on KerasTensors."""
        def spec(shape):
            return KerasTensor(shape, self.compute_dtype)
        inputs = [spec(s) if isinstance(s, tuple) and all(d is None or isinstance(d, int) for d in s)
                  else s for s in args]
        out = self.compute_output_spec(*inputs, **kwargs)
        shapes = [o.shape for o in flatten(out)]
        return shapes[0] if len(shapes) == 1 else pack(out, shapes)

    def compute_output_spec(self, *args, **kwargs):
        """Output KerasTensor(s) for KerasTensor inputs: from `compute_output_shape` if the
        layer overrides it, else by running `call` symbolically."""
        if type(self).compute_output_shape is not Layer.compute_output_shape:
            shapes = self.compute_output_shape(*[shape_of(a) if isinstance(a, KerasTensor) else a
                                                 for a in args])
            if isinstance(shapes, tuple) and all(d is None or isinstance(d, int) for d in shapes):
                return KerasTensor(shapes, self.compute_dtype)
            return type(shapes)(KerasTensor(s, self.compute_dtype) for s in shapes)
        return self.call(*args, **kwargs)

    def compute_mask(self, inputs, previous_mask):
        """The output mask; by default the input mask passes through if `supports_masking`."""
        return previous_mask if self.supports_masking else None

    def stateless_call(self, trainable_variables, non_trainable_variables, *args,
                       return_losses=False, **kwargs):
        """Calls the layer as a pure function of explicit weight values.

        Args:
            trainable_variables: values for `self.trainable_variables`, in order.
            non_trainable_variables: values for `self.non_trainable_variables`, in order.
            *args, **kwargs: the call's arguments.
            return_losses: also return the losses added during the call.

        Returns:
            ``(outputs, non_trainable_values)`` (and ``losses`` if asked); the layer's own
            Variables are left untouched.

        Example:
            >>> outputs, state = layer.stateless_call(
            ...     [v.value for v in layer.trainable_variables],
            ...     [v.value for v in layer.non_trainable_variables], x)
        """
        trainable, other = self.trainable_variables, self.non_trainable_variables
        if len(trainable_variables) != len(trainable) or len(non_trainable_variables) != len(other):
            raise ValueError(
                f"`stateless_call` of {self.name!r} needs {len(trainable)} trainable and {len(other)} "
                f"non-trainable values; received {len(trainable_variables)} and {len(non_trainable_variables)}.")
        mapping = list(zip(trainable, trainable_variables)) + list(zip(other, non_trainable_variables))
        with scopes.StatelessScope(mapping, collect_losses=return_losses) as scope:
            outputs = self(*args, **kwargs)
            losses = self.losses if return_losses else None
        state = [scope.get_current_value(v) for v in other]
        if return_losses:
            return outputs, state, losses
        return outputs, state

    # Configuration ------------------------------------------------------------------

    def get_config(self):
        """Constructor arguments as a JSON-able dict (`from_config` rebuilds the layer)."""
        config = {"name": self.name, "trainable": self.trainable,
                  "dtype": serialization.serialize_keras_object(self._dtype_policy)}
        if self._batch_input_shape is not None:
            config["batch_input_shape"] = self._batch_input_shape
        if type(self).get_config is Layer.get_config and self._constructor_args:
            extra = {k: v for k, v in self._constructor_args.items() if k not in config}
            if not _json_able(extra):
                raise NotImplementedError(
                    f"{type(self).__name__} takes constructor arguments that are not plain data; "
                    "override `get_config` (and `from_config`) to serialize it.")
            config.update(extra)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if isinstance(config.get("dtype"), dict):
            config["dtype"] = serialization.deserialize_keras_object(config["dtype"])
        return cls(**config)

    @property
    def path(self):
        return self.name

    @property
    def input(self):
        """The symbolic input of the layer's first call (functional graphs only)."""
        return self._node_attr("args", "input")[0]

    @property
    def output(self):
        """The symbolic output of the layer's first call (functional graphs only)."""
        return self._node_attr("outputs", "output")

    def _node_attr(self, attr, what):
        if not self._inbound_nodes:
            raise AttributeError(f"Layer {self.name!r} has never been called on symbolic inputs, so it has no {what}.")
        return getattr(self._inbound_nodes[0], attr)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"

    def _repr_html_(self):
        """Output shape, weights, sublayers and parameter totals, for notebooks."""
        from kerasnb.engine.models.summary_html import layer_html
        return layer_html(self)


def _config_of_policy(policy):
    """The quantization config a quantized policy implies (int4's block size), or None."""
    if isinstance(policy, dtype_policies.Int4DTypePolicy):
        from kerasnb.engine.quantization.configs import Int4QuantizationConfig
        return Int4QuantizationConfig(block_size=policy.block_size)
    return None


def _get_regularizer(identifier):
    if identifier is None:
        return None
    from kerasnb.engine import regularizers
    return regularizers.get(identifier)


def _get_constraint(identifier):
    if identifier is None:
        return None
    from kerasnb.engine import constraints
    return constraints.get(identifier)
