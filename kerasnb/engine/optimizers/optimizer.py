"""The `Optimizer` base class: state, the shared update pipeline, and `stateless_apply`.

Every step runs the same pipeline: drop missing gradients, unscale (`loss_scale_factor`),
accumulate (`gradient_accumulation_steps`), clip, decay weights, call the optimizer's own
update, keep the EMA, apply variable constraints, count the step. Everything that depends
on a tensor value is done with ops (selects, not Python `if`), so the same code runs eagerly
and, through `stateless_apply`, inside `jax.jit` or `tf.function`.

Subclasses create their slots in `build` (with `add_optimizer_variables`) and implement
`update_step(gradient, variable, learning_rate)`; built-ins also override `_update_all` to
compute step constants (bias corrections) once per step instead of once per variable.

Example:
    >>> class PlainSGD(Optimizer):
    ...     def update_step(self, gradient, variable, learning_rate):
    ...         self.assign_sub(variable, gradient * learning_rate)
    >>> v = Variable([1.0, 2.0])
    >>> PlainSGD(learning_rate=0.5).apply([[1.0, 1.0]], [v])
    >>> v.numpy()
    array([0.5, 1.5], dtype=float32)
"""

import numbers
import re
import warnings

from kerasnb.engine import backend, config, naming
from kerasnb.engine import scope as scopes
from kerasnb.engine import initializers as initializers_module
from kerasnb.engine.ops import core
from kerasnb.engine.ops import numpy as knp
from kerasnb.engine.optimizers.schedules import LearningRateSchedule
from kerasnb.engine.optimizers import schedules
from kerasnb.engine.saving.serialization import builtin, deserialize_keras_object, serialize_keras_object
from kerasnb.engine.scope import StatelessScope
from kerasnb.engine.tensors import Variable


def _value(x):
    """The tensor of a Variable, or `x` itself."""
    return x.value if isinstance(x, Variable) else x


def _check_number(owner, name, value, low=None, high=None, allow_none=True):
    """`value` if it is None (when allowed) or a real number in [low, high], else ValueError."""
    if value is None and allow_none:
        return value
    if (not isinstance(value, numbers.Real) or isinstance(value, bool)
            or (low is not None and value < low) or (high is not None and value > high)):
        bounds = f" in [{low}, {high}]" if high is not None else (f" >= {low}" if low is not None else "")
        raise ValueError(f"{owner}: `{name}` must be a number{bounds}. Received: {name}={value!r}")
    return value


@builtin("optimizers")
class Optimizer:
    """Base class of optimizers.

    Args:
        learning_rate: a float, a `LearningRateSchedule`, or a callable returning the rate.
        weight_decay: if set, variables are decayed by ``lr * weight_decay`` each step.
        clipnorm: clip each gradient to this L2 norm.
        clipvalue: clip each gradient elementwise to ``[-clipvalue, clipvalue]``.
        global_clipnorm: clip all gradients together to this global L2 norm.
        use_ema: keep an exponential moving average of the trained variables.
        ema_momentum: the EMA's momentum.
        ema_overwrite_frequency: every this many steps, copy the EMA into the variables.
        loss_scale_factor: `scale_loss` multiplies by it; gradients are divided by it.
        gradient_accumulation_steps: update only every this many steps, with the mean gradient.
        name: the optimizer's name (prefix of its variables' paths).

    Example:
        >>> opt = kerasnb.optimizers.SGD(learning_rate=0.1)
        >>> v = Variable([1.0])
        >>> _ = opt.apply_gradients([(np.array([2.0]), v)])
        >>> v.numpy()
        array([0.8], dtype=float32)
    """

    def __init__(self, learning_rate, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        owner = type(self).__name__
        if kwargs.pop("decay", None) is not None:
            warnings.warn("Argument `decay` is no longer supported and will be ignored.")
        if kwargs:
            raise ValueError(f"{owner}: argument(s) not recognized: {kwargs}")
        if name is not None and (not isinstance(name, str) or "/" in name):
            raise ValueError(f"{owner}: `name` must be a string without '/'. Received: name={name!r}")
        self.name = name or naming.unique_name(naming.to_snake_case(owner))
        self.weight_decay = _check_number(owner, "weight_decay", weight_decay)
        self.clipnorm = _check_number(owner, "clipnorm", clipnorm)
        self.clipvalue = _check_number(owner, "clipvalue", clipvalue)
        self.global_clipnorm = _check_number(owner, "global_clipnorm", global_clipnorm)
        if sum(a is not None for a in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(
                f"{owner}: only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. "
                f"Received: clipnorm={clipnorm}, clipvalue={clipvalue}, "
                f"global_clipnorm={global_clipnorm}")
        self.use_ema = bool(use_ema)
        if use_ema:
            _check_number(owner, "ema_momentum", ema_momentum, 0, 1, allow_none=False)
            if ema_overwrite_frequency and (not isinstance(ema_overwrite_frequency, int)
                                            or ema_overwrite_frequency < 1):
                raise ValueError(
                    f"{owner}: `ema_overwrite_frequency` must be an integer >= 1 or None. "
                    f"Received: ema_overwrite_frequency={ema_overwrite_frequency!r}")
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.loss_scale_factor = loss_scale_factor
        if gradient_accumulation_steps and (not isinstance(gradient_accumulation_steps, int)
                                            or gradient_accumulation_steps < 2):
            raise ValueError(
                f"{owner}: `gradient_accumulation_steps` must be an integer >= 2. "
                f"Received: gradient_accumulation_steps={gradient_accumulation_steps!r}")
        self.gradient_accumulation_steps = gradient_accumulation_steps or None
        self.built = False
        self._variables = []
        self._trainable_variables = []
        self._trainable_variables_indices = {}
        self._exclude_ids, self._exclude_pattern, self._decay_cache = set(), None, {}
        self._iterations = self._make_variable(0, (), "int64", "iteration")
        if isinstance(learning_rate, LearningRateSchedule) or callable(learning_rate):
            self._learning_rate = learning_rate
        else:
            if not (isinstance(learning_rate, numbers.Real) or hasattr(learning_rate, "shape")) \
                    or isinstance(learning_rate, bool):
                raise ValueError(
                    f"{owner}: `learning_rate` must be a float, a LearningRateSchedule, or a "
                    f"callable returning the rate. Received: learning_rate={learning_rate!r}")
            self._learning_rate = self._make_variable(
                core.convert_to_numpy(learning_rate), (), config.floatx(), "learning_rate")

    # Variables ----------------------------------------------------------------------

    def _make_variable(self, initializer, shape, dtype, name):
        variable = Variable(initializer, shape=shape, dtype=dtype, trainable=False, name=name)
        variable.path = f"{self.name}/{name}"
        self._variables.append(variable)
        return variable

    def add_variable(self, shape, initializer="zeros", dtype=None, aggregation="none",
                     layout=None, name=None):
        """Creates and tracks a non-trainable optimizer variable.

        Args:
            shape: its shape.
            initializer: an initializer, its name, or a value.
            dtype: defaults to ``floatx()``.
            aggregation: kept for Keras compatibility.
            layout: kept for Keras compatibility.
            name: its name (the path is ``"<optimizer name>/<name>"``).
        """
        if isinstance(initializer, str) or isinstance(initializer, dict):
            initializer = initializers_module.get(initializer)
        return self._make_variable(initializer, tuple(shape), dtype or config.floatx(),
                                   (name or "variable").replace("/", "_"))

    def add_variable_from_reference(self, reference_variable, name=None, initializer="zeros"):
        """A variable shaped and typed like `reference_variable`, named after its path."""
        base = getattr(reference_variable, "path", None) or str(reference_variable.name)
        base = base.replace("/", "_").replace(":", "_")
        return self.add_variable(tuple(reference_variable.shape), initializer,
                                 reference_variable.dtype, name=f"{base}_{name or 'var'}")

    def add_optimizer_variables(self, trainable_variables, name, initializer="zeros"):
        """One variable per trainable variable for each name (interleaved, like Keras).

        Args:
            trainable_variables: the variables to mirror.
            name: a name suffix, or a list of them.
            initializer: an initializer, or a list of them (one per name).

        Returns:
            A list of variables, or a tuple of lists when `name` is a list. Variables with
            ``overwrite_with_gradient`` get None.
        """
        names = [name] if isinstance(name, str) else list(name)
        inits = initializer if isinstance(initializer, (list, tuple)) else [initializer] * len(names)
        if len(names) != len(inits):
            raise ValueError(
                f"The number of names must match the number of initializers. "
                f"Received: name={name!r}, initializer={initializer!r}")
        slots = tuple([] for _ in names)
        for variable in trainable_variables:
            for i, (slot_name, init) in enumerate(zip(names, inits)):
                slots[i].append(None if self._overwrites(variable) else
                                self.add_variable_from_reference(variable, slot_name, init))
        return slots[0] if isinstance(name, str) else slots

    @staticmethod
    def _overwrites(variable):
        return getattr(variable, "overwrite_with_gradient", False)

    @property
    def variables(self):
        """Every state variable of the optimizer, in build order."""
        return self._variables[:]

    @property
    def iterations(self):
        """The number of applied updates (micro-steps // accumulation steps when accumulating)."""
        if self.gradient_accumulation_steps:
            return knp.floor_divide(self._iterations.value, self.gradient_accumulation_steps)
        return self._iterations

    def build(self, variables):
        """Creates the state for `variables` (EMA copies, gradient accumulators, slots)."""
        variables = list(variables)
        if self.use_ema:
            self._model_variables_moving_average = self.add_optimizer_variables(variables, "average")
        if self.gradient_accumulation_steps:
            self._accumulated_gradients = [self.add_variable_from_reference(v, "gradient_accumulator")
                                           for v in variables]
        self._trainable_variables_indices = {id(v): i for i, v in enumerate(variables)}
        self._trainable_variables = variables
        self.built = True

    def _get_variable_index(self, variable):
        return self._trainable_variables_indices[id(variable)]

    # Learning rate --------------------------------------------------------------------

    @property
    def learning_rate(self):
        """The current rate: the lr Variable, or the schedule evaluated at `iterations`."""
        lr = self._learning_rate
        if isinstance(lr, LearningRateSchedule):
            return lr(self._iterations.value)
        if isinstance(lr, Variable):
            return lr
        return lr() if callable(lr) else lr

    @learning_rate.setter
    def learning_rate(self, learning_rate):
        previous = self._learning_rate
        if isinstance(learning_rate, LearningRateSchedule) or callable(learning_rate):
            self._learning_rate = learning_rate
            if isinstance(previous, Variable):
                self._variables.remove(previous)
            return
        if not isinstance(previous, Variable):
            raise TypeError(
                f"{type(self).__name__} was created with a learning-rate schedule or callable as "
                "its `learning_rate`, so its learning rate is not settable. Create the optimizer "
                "with a float `learning_rate` to be able to set it.")
        previous.assign(learning_rate)

    def _current_learning_rate(self):
        return _value(self.learning_rate)

    # Assignment helpers for update steps ---------------------------------------------

    def assign(self, variable, value):
        """``variable.assign(value)``, for use in `update_step`."""
        variable.assign(value)

    def assign_add(self, variable, value):
        """``variable.assign_add(value)``, for use in `update_step`."""
        variable.assign(_value(variable) + value)

    def assign_sub(self, variable, value):
        """``variable.assign_sub(value)``, for use in `update_step`."""
        variable.assign(_value(variable) - value)

    def update_step(self, gradient, variable, learning_rate):
        """Updates `variable` (and its slots) for one gradient; subclasses implement it."""
        raise NotImplementedError(f"{type(self).__name__} must implement `update_step()`.")

    def _single_step(self, gradient, variable, learning_rate):
        """`update_step` of the built-ins: their batched update on one pair."""
        self._update_variables([gradient], [variable], learning_rate)

    def _update_variables(self, grads, variables, learning_rate):
        """The built-ins' update of all pairs at once (step constants computed once)."""
        raise NotImplementedError

    def _update_all(self, grads, variables, learning_rate):
        """One optimizer step for every (gradient, variable) pair."""
        if type(self).update_step is Optimizer._single_step:
            self._update_variables(grads, variables, learning_rate)
            return
        for grad, variable in zip(grads, variables):
            self.update_step(grad, variable, learning_rate)

    _use_kernels = True  # False when a wrapper snapshots our state around `apply`

    def _kernel(self, name):
        """The active backend's multi-tensor kernel `name` for eager updates (torch), or None:
        inside a `StatelessScope` (compiled steps), with gradient accumulation or EMA (they
        keep references to values across the update), or on backends without one."""
        if (not self._use_kernels or scopes.current() is not None or self.use_ema
                or self.gradient_accumulation_steps):
            return None
        return getattr(getattr(backend.get(), "optimizers", None), name, None)

    def _owned(self, variables):
        """The current values of `variables` for an in-place kernel: tensors this optimizer
        produced itself, or private copies of values that came from elsewhere (an assign, a
        load), so an in-place update never writes into memory someone else holds."""
        owned = self.__dict__.setdefault("_kernel_values", {})
        values = []
        for variable in variables:
            value = variable.value
            if owned.get(id(variable)) is not value:
                value = knp.copy(value)
                variable._overwrite(value)
                owned[id(variable)] = value
            values.append(value)
        return values

    def _per_dtype(self, variables, make):
        """``{dtype: make(dtype)}`` for the dtypes of `variables` (step constants)."""
        return {dtype: make(dtype) for dtype in {v.dtype for v in variables}}

    def _step_count(self, dtype, offset=1):
        """``iterations + offset`` as a `dtype` tensor."""
        return core.cast(_value(self.iterations) + offset, dtype)

    # Applying gradients ---------------------------------------------------------------

    def apply_gradients(self, grads_and_vars):
        """Applies ``(gradient, variable)`` pairs; returns `iterations`."""
        pairs = list(grads_and_vars)
        grads = [g for g, _ in pairs]
        self.apply(grads, [v for _, v in pairs])
        return self._iterations

    def apply(self, grads, trainable_variables=None):
        """Applies `grads` to `trainable_variables` (default: the variables it was built with).

        Builds the optimizer on first use. Gradients that are None, and variables whose
        `trainable` flag is now False (frozen after the build), are skipped.
        """
        grads = [None if g is None else core.convert_to_tensor(g) for g in grads]
        if not grads:
            return
        if trainable_variables is None:
            if not self.built:
                raise ValueError(
                    "When passing `grads` without `trainable_variables`, the optimizer must "
                    "already be built. Call `optimizer.build(trainable_variables)` first.")
            if len(grads) != len(self._trainable_variables):
                raise ValueError(
                    f"`grads` must match the optimizer's variables one to one. Received "
                    f"{len(grads)} gradients, but the optimizer tracks "
                    f"{len(self._trainable_variables)} trainable variables.")
            trainable_variables = self._trainable_variables
        else:
            trainable_variables = list(trainable_variables)
            if len(grads) != len(trainable_variables):
                raise ValueError(
                    f"`grads` and `trainable_variables` must have the same length. Received "
                    f"{len(grads)} gradients and {len(trainable_variables)} variables.")
            if not self.built:
                self.build(trainable_variables)
            for v in trainable_variables:
                if id(v) not in self._trainable_variables_indices:
                    raise ValueError(
                        f"Unknown variable: {getattr(v, 'path', v)}. This optimizer can only be "
                        "called for the variables it was built with; create a new optimizer "
                        "for a new set of variables.")
        if any(not getattr(v, "trainable", True) for v in trainable_variables):
            kept = [(g, v) for g, v in zip(grads, trainable_variables) if getattr(v, "trainable", True)]
            grads, trainable_variables = [g for g, _ in kept], [v for _, v in kept]
        if grads:
            grads, trainable_variables = self._filter_empty(grads, trainable_variables)
            grads, trainable_variables = self._overwrite_with_gradients(grads, trainable_variables)
        if grads:
            if self.loss_scale_factor is not None:
                grads = [g / self.loss_scale_factor for g in grads]
            self._apply_pipeline(grads, trainable_variables)
            for variable in trainable_variables:
                constraint = getattr(variable, "constraint", None)
                if constraint is not None:
                    variable.assign(constraint(variable.value))
        self._iterations.assign(self._iterations.value + 1)

    def _filter_empty(self, grads, variables):
        kept = [(g, v) for g, v in zip(grads, variables) if g is not None]
        if not kept:
            raise ValueError("No gradients provided for any variable.")
        if len(kept) < len(grads):
            missing = [getattr(v, "path", v) for g, v in zip(grads, variables) if g is None]
            warnings.warn(f"Gradients do not exist for variables {missing} when minimizing the "
                          "loss. If using `model.compile()`, did you forget to provide a `loss`?")
        return [g for g, _ in kept], [v for _, v in kept]

    def _is_update_step(self):
        """Whether this micro-step completes an accumulation cycle (a bool tensor)."""
        return knp.equal(knp.mod(self._iterations.value + 1, self.gradient_accumulation_steps), 0)

    def _overwrite_with_gradients(self, grads, variables):
        """Variables flagged ``overwrite_with_gradient`` take their gradient as new value."""
        if not any(self._overwrites(v) for v in variables):
            return grads, variables
        rest = []
        for g, v in zip(grads, variables):
            if not self._overwrites(v):
                rest.append((g, v))
            elif self.gradient_accumulation_steps:
                update = self._is_update_step()
                acc = self._accumulated_gradients[self._get_variable_index(v)]
                largest = knp.maximum(g, acc.value)
                v.assign(knp.where(update, largest, v.value))
                acc.assign(knp.where(update, knp.zeros_like(largest), largest))
            else:
                v.assign(g)
        return [g for g, _ in rest], [v for _, v in rest]

    def _apply_pipeline(self, grads, variables):
        if self.gradient_accumulation_steps:
            self._accumulate_and_update(grads, variables)
        else:
            self._clip_decay_update(grads, variables)
        if self.use_ema:
            self._update_moving_averages()

    def _clip_decay_update(self, grads, variables):
        grads = self._clip_gradients([self._cast_like(g, v) for g, v in zip(grads, variables)])
        learning_rate = self._current_learning_rate()
        self._apply_weight_decay(variables, learning_rate)
        self._update_all(grads, variables, learning_rate)

    def _accumulate_and_update(self, grads, variables):
        """Runs the update on the mean accumulated gradient and keeps its result only on the
        last micro-step of each cycle (a select, so it traces)."""
        steps = self.gradient_accumulation_steps
        update = self._is_update_step()
        accumulators = [self._accumulated_gradients[self._get_variable_index(v)] for v in variables]
        totals = [self._cast_like(g, v) + a.value for g, v, a in zip(grads, variables, accumulators)]
        touched = list(variables) + [v for v in self._variables if v is not self._iterations]
        before = [v.value for v in touched]
        self._clip_decay_update([t / steps for t in totals], variables)
        for variable, old in zip(touched, before):
            variable.assign(knp.where(update, variable.value, old))
        for accumulator, total in zip(accumulators, totals):
            accumulator.assign(knp.where(update, knp.zeros_like(total), total))

    @staticmethod
    def _cast_like(gradient, variable):
        return gradient if core.dtype(gradient) == variable.dtype else core.cast(gradient, variable.dtype)

    def _clip_gradients(self, grads):
        if self.clipnorm and self.clipnorm > 0:
            return [self._clip_by_norm(g) for g in grads]
        if self.global_clipnorm and self.global_clipnorm > 0:
            return clip_by_global_norm(grads, self.global_clipnorm)
        if self.clipvalue and self.clipvalue > 0:
            return [knp.clip(g, -self.clipvalue, self.clipvalue) for g in grads]
        return grads

    def _clip_by_norm(self, gradient):
        squared = knp.sum(knp.square(gradient), keepdims=True)
        positive = squared > 0
        norm = knp.where(positive, knp.sqrt(knp.where(positive, squared, knp.ones_like(squared))),
                         squared)
        return gradient * self.clipnorm / knp.maximum(norm, self.clipnorm)

    # Weight decay ---------------------------------------------------------------------

    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        """Excludes variables (by object, or by a substring/regex of their name) from weight decay.

        Example:
            >>> opt = kerasnb.optimizers.AdamW()
            >>> opt.exclude_from_weight_decay(var_names=["bias"])
        """
        self._exclude_ids = {id(v) for v in var_list or ()}
        self._exclude_pattern = re.compile("|".join(set(var_names))) if var_names else None
        self._decay_cache = {}

    def _use_weight_decay(self, variable):
        key = id(variable)
        if key not in self._decay_cache:
            excluded = key in self._exclude_ids or (
                self._exclude_pattern is not None
                and self._exclude_pattern.search(variable.name) is not None)
            self._decay_cache[key] = not excluded
        return self._decay_cache[key]

    def _apply_weight_decay(self, variables, learning_rate):
        if self.weight_decay is None:
            return
        factors = {}
        for variable in variables:
            if self._use_weight_decay(variable):
                dtype = variable.dtype
                if dtype not in factors:
                    factors[dtype] = core.cast(learning_rate, dtype) * core.cast(self.weight_decay, dtype)
                value = variable.value
                variable.assign(value - value * factors[dtype])

    # Moving averages ------------------------------------------------------------------

    def _update_moving_averages(self):
        first = knp.equal(_value(self.iterations), 0)
        momenta = {}
        for variable, average in zip(self._trainable_variables, self._model_variables_moving_average):
            if average is None:
                continue
            dtype = variable.dtype
            if dtype not in momenta:
                momenta[dtype] = knp.where(first, core.cast(0.0, dtype),
                                           core.cast(self.ema_momentum, dtype))
            momentum = momenta[dtype]
            average.assign(momentum * average.value + (1 - momentum) * variable.value)
        if self.ema_overwrite_frequency:
            iterations = _value(self.iterations)
            overwrite = knp.equal(knp.mod(iterations + 1, self.ema_overwrite_frequency), 0)
            for variable, average in zip(self._trainable_variables,
                                         self._model_variables_moving_average):
                if average is not None:
                    variable.assign(knp.where(overwrite, average.value, variable.value))

    def finalize_variable_values(self, var_list):
        """Copies the moving averages into `var_list` when `use_ema` is set (end of training)."""
        if not self.use_ema:
            return
        var_list = list(var_list)
        if len(var_list) != len(self._model_variables_moving_average):
            raise ValueError(
                f"`var_list` has {len(var_list)} variables but the optimizer keeps moving "
                f"averages for {len(self._model_variables_moving_average)}; pass the variables "
                "the optimizer was built with.")
        for variable, average in zip(var_list, self._model_variables_moving_average):
            if average is not None:
                variable.assign(average.value)

    # Stateless use --------------------------------------------------------------------

    def stateless_apply(self, optimizer_variables, grads, trainable_variables):
        """`apply` as a pure function of explicit values.

        Args:
            optimizer_variables: values for `self.variables`, in order.
            grads: one gradient per variable the optimizer was built with.
            trainable_variables: values of the variables it was built with, in order.

        Returns:
            ``(new_trainable_values, new_optimizer_values)``.
        """
        if not self.built:
            raise ValueError(
                f"To call `stateless_apply`, {type(self).__name__} must be built: call "
                "`optimizer.build(trainable_variables)` first.")
        optimizer_variables, trainable_variables = list(optimizer_variables), list(trainable_variables)
        state = self.variables
        if len(optimizer_variables) != len(state):
            raise ValueError(
                f"`optimizer_variables` must hold one value per entry of "
                f"{type(self).__name__}().variables ({len(state)}); received "
                f"{len(optimizer_variables)}.")
        if len(trainable_variables) != len(self._trainable_variables):
            raise ValueError(
                f"`trainable_variables` must hold one value per variable the optimizer was built "
                f"with ({len(self._trainable_variables)}); received {len(trainable_variables)}.")
        mapping = list(zip(self._trainable_variables, trainable_variables)) + \
            list(zip(state, optimizer_variables))
        with StatelessScope(mapping) as scope:
            self.apply(grads)
        return ([scope.get_current_value(v) for v in self._trainable_variables],
                [scope.get_current_value(v) for v in state])

    def scale_loss(self, loss):
        """`loss` times `loss_scale_factor` (unchanged when it is None)."""
        return loss if self.loss_scale_factor is None else loss * self.loss_scale_factor

    # Weights and config ---------------------------------------------------------------

    def set_weights(self, weights):
        """Assigns a list of arrays to `variables`, in order."""
        if not self.built:
            raise ValueError("The optimizer is not built yet: call `optimizer.build(variables)` "
                             "before `set_weights()`.")
        for variable, weight in zip(self._variables, weights):
            variable.assign(weight)

    def save_own_variables(self, store):
        """Writes each variable's value into `store` under ``"0"``, ``"1"``, ..."""
        for i, variable in enumerate(self.variables):
            store[str(i)] = variable.numpy()

    def load_own_variables(self, store):
        """Reads the variables back from `save_own_variables`' store (skipped on a mismatch)."""
        if len(store.keys()) != len(self.variables):
            warnings.warn(
                f"Skipping variable loading for optimizer {self.name!r}: it has "
                f"{len(self.variables)} variables but the saved one has {len(store.keys())}.",
                stacklevel=2)
            return
        for i, variable in enumerate(self.variables):
            variable.assign(store[str(i)])

    def get_config(self):
        """The constructor arguments, as a JSON-able dict."""
        lr = self._learning_rate
        if isinstance(lr, LearningRateSchedule):
            lr = schedules.serialize(lr)
        elif isinstance(lr, Variable):
            lr = float(lr.numpy())
        elif callable(lr):
            lr = serialize_keras_object(lr)
        return {
            "name": self.name, "learning_rate": lr, "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm, "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue, "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """An optimizer rebuilt from `get_config()`'s dict (schedules included)."""
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = deserialize_keras_object(config["learning_rate"],
                                                               custom_objects=custom_objects)
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


def global_norm(values):
    """The L2 norm of all tensors in `values` together."""
    return knp.sqrt(knp.sum(knp.stack([knp.sum(knp.square(v)) for v in values])))


def clip_by_global_norm(values, clip_norm):
    """`values` scaled so their global norm is at most `clip_norm` (NaN if the norm is not finite)."""
    norm = global_norm(values)
    scale = clip_norm * knp.minimum(1.0 / norm, 1.0 / clip_norm) + (norm - norm)
    return [v * core.cast(scale, core.dtype(v)) for v in values]
