"""`Trainer`: compile/fit/evaluate/predict, mixed into `Model`.

One train step is written once, statefully (`train_step`); for jax and tensorflow the
trainer runs it as a pure function of every variable's value inside a `StatelessScope`
and compiles that with the backend's compiler (`jax.jit` with donated state,
`tf.function`). torch runs the same step eagerly (`jit_compile=True`: `torch.compile`).
numpy and openvino evaluate and predict but cannot fit (no autodiff).

Example:
    >>> model = Sequential([Input((4,)), Dense(3)])
    >>> model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    >>> history = model.fit(x, y, epochs=2, verbose=0)
    >>> sorted(history.history)
    ['accuracy', 'loss']
"""

import contextvars
import functools
import signal
import threading

import numpy as np

from kerasnb.engine import backend, config, dtypes
from kerasnb.engine import scope as scopes
from kerasnb.engine.distribution import distributions, training as distributed
from kerasnb.engine.layers.layer import FrozenStructure, structure_memo
from kerasnb.engine.metrics.metric import Metric
from kerasnb.engine.metrics.reduction import Mean
from kerasnb.engine.ops import core
from kerasnb.engine.ops.op import flatten
from kerasnb.engine.saving import serialization
from kerasnb.engine.tensors import KerasTensor
from kerasnb.engine.trainers.compile_utils import CompileLoss, CompileMetrics
from kerasnb.engine.trainers.data_adapters import EpochIterator
from kerasnb.engine.trainers.data_adapters.utils import (
    text_inputs, train_validation_split, unpack_x_y_sample_weight)
from kerasnb.engine.utils import tree
from kerasnb.engine.tracebacks import filter_traceback


class Trainer:
    """Training and inference loops; `Model` inherits them."""

    compiled = False
    optimizer = None
    stop_training = False
    run_eagerly, steps_per_execution, jit_compile = False, 1, "auto"
    _compile_loss = _compile_metrics = _loss_tracker = None

    # Compile ---------------------------------------------------------------------------

    @filter_traceback
    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None,
                weighted_metrics=None, run_eagerly=False, steps_per_execution=1,
                jit_compile="auto", auto_scale_loss=True):
        """Configures the model for training.

        Args:
            optimizer: an optimizer name or instance.
            loss: a loss (name, function, `Loss`), or a list/dict of them per output.
            loss_weights: per-output scalars weighting the losses.
            metrics: metrics to track (names, functions, `Metric`s; per output as a
                list of lists or a dict).
            weighted_metrics: metrics that take `sample_weight`/`class_weight` into account.
            run_eagerly: run the steps as plain Python (for debugging).
            steps_per_execution: batches run per call of the compiled step.
            jit_compile: ``True``/``False``/``"auto"``: compile with XLA (jax, tensorflow)
                or `torch.compile` (torch). "auto" means XLA on jax only.
            auto_scale_loss: wrap the optimizer in a `LossScaleOptimizer` under a
                ``mixed_float16`` dtype policy.

        Example:
            >>> model.compile(optimizer="adam", loss="mse", metrics=["mae"])
        """
        from kerasnb.engine.optimizers import lookup as optimizers
        if not isinstance(steps_per_execution, int) or isinstance(steps_per_execution, bool) or (
                steps_per_execution < 1):
            raise ValueError(
                f"`steps_per_execution` must be an int >= 1; received {steps_per_execution!r}.")
        if jit_compile not in (True, False, "auto"):
            raise ValueError(f"`jit_compile` must be True, False or 'auto'; received {jit_compile!r}.")
        self.optimizer = optimizers.get(optimizer)
        if auto_scale_loss and getattr(self.dtype_policy, "name", "") == "mixed_float16":
            from kerasnb.engine.optimizers.loss_scale import LossScaleOptimizer
            if not isinstance(self.optimizer, LossScaleOptimizer):
                self.optimizer = LossScaleOptimizer(self.optimizer)
        self.loss = loss
        self._compile_loss = CompileLoss(loss, loss_weights) if loss is not None else None
        self._compile_metrics = (CompileMetrics(metrics, weighted_metrics)
                                 if metrics or weighted_metrics else None)
        self._loss_tracker = Mean(name="loss")
        self.run_eagerly, self.steps_per_execution = bool(run_eagerly), steps_per_execution
        self.jit_compile = jit_compile
        self._compile_config = {
            "optimizer": serialization.serialize_keras_object(self.optimizer),
            "loss": serialization.serialize_keras_object(loss),
            "loss_weights": loss_weights,
            "metrics": serialization.serialize_keras_object(metrics),
            "weighted_metrics": serialization.serialize_keras_object(weighted_metrics),
            "run_eagerly": self.run_eagerly, "steps_per_execution": steps_per_execution,
            "jit_compile": jit_compile}
        self._step_cache = _StepCache()
        self.compiled, self.stop_training = True, False

    def get_compile_config(self):
        """The `compile` arguments as a JSON-able dict (None if not compiled)."""
        return dict(self._compile_config) if self.compiled else None

    def compile_from_config(self, config):
        """Compiles with the arguments of `get_compile_config`."""
        from kerasnb.engine.losses import lookup as losses
        from kerasnb.engine.metrics import lookup as metrics
        from kerasnb.engine.optimizers import lookup as optimizers
        config = dict(config)
        if isinstance(config.get("optimizer"), dict):
            config["optimizer"] = optimizers.deserialize(config["optimizer"])
        config["loss"] = _deserialize_nested(config.get("loss"), losses.deserialize)
        for key in ("metrics", "weighted_metrics"):
            config[key] = _deserialize_nested(config.get(key), metrics.deserialize)
        self.compile(**config)
        if self.built:
            self.optimizer.build(self.trainable_variables)

    # Metrics ---------------------------------------------------------------------------

    @property
    def metrics(self):
        """The loss tracker, the compiled metrics, and metrics held by the layers."""
        memo = structure_memo()
        if memo is not None:
            found = memo.get(("metrics", id(self)))
            if found is None:
                found = memo[("metrics", id(self))] = self._find_metrics()
            return found
        return self._find_metrics()

    def _find_metrics(self):
        found = []
        if self.compiled:
            found.append(self._loss_tracker)
            if self._compile_metrics is not None and self._compile_metrics.built:
                found.append(self._compile_metrics)
            if self._compile_loss is not None and self._compile_loss.built:
                found.extend(self._compile_loss.metrics)
        for layer in self._flatten_layers():
            for metric in layer._tracked(Metric):
                if all(metric is not f for f in found):
                    found.append(metric)
        return found

    @property
    def metrics_names(self):
        return [m.name for m in self.metrics]

    @property
    def metrics_variables(self):
        return [v for m in self.metrics for v in m.variables]

    def reset_metrics(self):
        """Resets the state of every metric in `metrics`."""
        for metric in self.metrics:
            metric.reset_state()

    def get_metrics_result(self):
        """The current result of every metric, as ``{log name: value}``: ``loss`` first,
        then the per-output losses, then the compiled metrics."""
        logs, later = {}, {}
        for metric in self.metrics:
            result = metric.result()
            target = later if metric is self._compile_metrics else logs
            if isinstance(result, dict):
                target.update(result)
            else:
                target[metric.name] = result
        logs.update(later)
        return logs

    # Steps ------------------------------------------------------------------------------

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The total loss: the compiled loss plus the losses the layers added.

        Override it for custom losses; it must return a scalar tensor.
        """
        total = None
        if self._compile_loss is not None:
            total = self._compile_loss(y, y_pred, sample_weight)
        for extra in self.losses:
            total = extra if total is None else total + core.cast(extra, core.dtype(total))
        if total is None:
            raise ValueError(
                "No loss to compute: pass `loss` to `compile()` or add losses in the model "
                "(`add_loss`), or override `compute_loss`.")
        return total

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        """Updates the compiled metrics and returns `get_metrics_result()`."""
        self._update_compiled_metrics(y, y_pred, sample_weight)
        return self.get_metrics_result()

    def _update_compiled_metrics(self, y, y_pred, sample_weight):
        if self._compile_metrics is not None:
            self._compile_metrics.update_state(y, y_pred, sample_weight)

    def train_step(self, data):
        """One optimization step on batch `data`; returns the logs. Override to customize.

        Write it statefully (read Variables, `optimizer.apply`, `metric.update_state`):
        the trainer turns it into a pure compiled function where the backend allows it.
        """
        x, y, y_pred, sample_weight = self._train_step_updates(data)
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def _train_step_updates(self, data):
        """What `train_step` does before its logs: the optimization step and the loss
        tracker's update. Returns ``(x, y, y_pred, sample_weight)``."""
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        cache = self.__dict__.get("_step_cache")
        trainable = cache.trainable if cache is not None and cache.trainable else self.trainable_variables
        updated = []

        def forward(values):
            scope = scopes.StatelessScope()
            scope.values.update(zip(map(id, trainable), values))  # each variable's own tensors
            with scope:
                y_pred = self(x, training=True)
                loss = self.compute_loss(x, y, y_pred, sample_weight, training=True)
                scaled = self.optimizer.scale_loss(loss)
            pairs = scope.updated_variables()
            updated[:] = [v for v, _ in pairs]
            return scaled, (loss, y_pred, [value for _, value in pairs])

        grad_fn = backend.get().value_and_grad(forward, has_aux=True)
        (_, (loss, y_pred, new_values)), grads = grad_fn([v.value for v in trainable])
        grads = distributed.reduce_gradients(grads)  # averaged over replicas when distributed
        for variable, value in zip(updated, new_values):
            variable.assign(core.stop_gradient(value))
        self.optimizer.apply(grads, trainable)
        self._loss_tracker.update_state(loss, sample_weight=_batch_size(x))
        return x, y, y_pred, sample_weight

    def test_step(self, data):
        """One evaluation step on batch `data`; returns the logs."""
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        y_pred = self._inference_call(x)
        loss = self.compute_loss(x, y, y_pred, sample_weight, training=False)
        self._loss_tracker.update_state(loss, sample_weight=_batch_size(x))
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def predict_step(self, data):
        """The model's outputs for batch `data`."""
        x, _, _ = unpack_x_y_sample_weight(data)
        return self._inference_call(x)

    def _inference_call(self, x):
        """``self(x, training=False)``, or the backend's compiled forward pass while this
        model's runner installs one (the openvino backend's compiled OpenVINO model)."""
        installed = _installed_forward.get()
        if installed is not None and installed[0] is self:
            return installed[1](x)
        return self(x, training=False)

    def _step_function(self, kind, text=()):
        """The runner of `kind` ("train", "test", "predict") for the active backend:
        ``run(batches) -> logs or outputs``, cached per backend. `text`: the string inputs
        of the data (`_text_of` of its first batch), which the runner keeps on the host."""
        key = (kind, backend.current(), distributions.distribution(), bool(text))
        cache = self.__dict__.setdefault("_step_cache", _StepCache())
        run = cache.runners.get(key)
        if run is None:
            run = cache.runners[key] = _make_runner(self, kind, cache, text)
        return run

    def _build_for(self, batch):
        """Builds the model and the compiled loss/metrics from a first batch (symbolically
        when possible), so no Variable is created inside a compiled step."""
        x, y, _ = unpack_x_y_sample_weight(batch)
        if self.built and (y is None or not self._needs_build()):
            return
        specs = tree.map_structure(
            lambda a: None if a is None else KerasTensor(
                (None,) + tuple(np.shape(a))[1:], _data_dtype(a)), x)
        try:
            y_pred = self.compute_output_spec(specs)
        except (NotImplementedError, TypeError):
            y_pred = self(_to_backend(x, keep_text=True))
        output_names = getattr(self, "output_names", None)
        if y is not None and self._compile_loss is not None and not self._compile_loss.built:
            self._compile_loss.build(y, y_pred, output_names)
        metrics = self._compile_metrics
        if y is not None and metrics is not None and not metrics.built:
            metrics.build(y, y_pred, output_names)
            if any(not m.variables for m in metrics.metrics):  # metrics that build on first use
                x, y, _ = _to_backend((x, y, None), keep_text=True)
                metrics.update_state(y, self(x))
                metrics.reset_state()
        self.built = True

    def _needs_build(self):
        return not self.built or any(part is not None and not part.built
                                     for part in (self._compile_loss, self._compile_metrics))

    # Loops ------------------------------------------------------------------------------

    @filter_traceback
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq=1):
        """Trains the model for `epochs` passes over the data.

        Args:
            x, y, sample_weight: arrays (or lists/dicts of arrays), backend tensors, or a
                generator, `PyDataset`, `tf.data.Dataset` or `DataLoader` yielding batches.
            batch_size: samples per step for array data (default 32).
            epochs: the epoch to stop at (counting from `initial_epoch`).
            verbose: 0 silent, 1 progress bar, 2 one line per epoch, "auto" = 1.
            callbacks: `Callback` instances.
            validation_split: fraction of array data held out (the last samples).
            validation_data: ``(x, y)``, ``(x, y, sample_weight)`` or a dataset.
            shuffle: reshuffle array data each epoch (or "batch").
            class_weight: ``{class index: weight}`` applied as sample weights.
            steps_per_epoch, validation_steps: steps per epoch / per validation run.
            validation_batch_size: batch size of the validation run.
            validation_freq: validate every `validation_freq` epochs.

        Returns:
            The `History` callback; its `history` maps log names to per-epoch values.

        Raises:
            RuntimeError: not compiled, or the backend cannot train (numpy, openvino).
            KeyboardInterrupt: re-raised after the step in progress completes, with the
                weights and `History` of the last completed step and epoch.
        """
        from kerasnb.engine.callbacks.callback import CallbackList
        from kerasnb.engine.callbacks.history import History
        self._check_can_train("fit")
        _check_count(epochs, "epochs", 0)
        _check_count(initial_epoch, "initial_epoch", 0)
        if not isinstance(validation_freq, int) or validation_freq < 1:
            raise ValueError(f"`validation_freq` must be an int >= 1; received {validation_freq!r}.")
        if validation_split and validation_data is None:
            (x, y, sample_weight), validation_data = train_validation_split(
                (x, y, sample_weight), validation_split=validation_split)
        iterator = EpochIterator(x, y, sample_weight, batch_size=batch_size,
                                 steps_per_epoch=steps_per_epoch, shuffle=shuffle,
                                 class_weight=class_weight,
                                 steps_per_execution=self.steps_per_execution)
        val_iterator = None
        if validation_data is not None:
            val_x, val_y, val_sw = unpack_x_y_sample_weight(validation_data)
            val_iterator = EpochIterator(val_x, val_y, val_sw,
                                         batch_size=validation_batch_size or batch_size,
                                         steps_per_epoch=validation_steps, shuffle=False,
                                         steps_per_execution=self.steps_per_execution)
        with backend.busy("fit()"), _InterruptGuard() as guard:
            callback_list = CallbackList(
                callbacks, add_history=True, add_progbar=verbose != 0, model=self,
                verbose=_verbosity(verbose), epochs=epochs, steps=iterator.num_batches,
                batch_size=iterator.data_adapter.batch_size)
            history = next(c for c in callback_list.callbacks if isinstance(c, History))
            self.stop_training, self._initial_epoch = False, None
            run = None
            callback_list.on_train_begin()
            initial_epoch = self._initial_epoch or initial_epoch  # BackupAndRestore resumes
            if self._needs_build():  # from a batch of its own, as Keras (one shuffle drawn)
                first = iterator.peek()
                if first is not None:
                    self._build_for(first)
            on_device = _gathers_on_device(self, iterator)
            if on_device:
                iterator.yield_indices()
            epoch_logs = {}
            for epoch in range(initial_epoch, epochs):
                self.reset_metrics()
                callback_list.on_epoch_begin(epoch)
                logs = None
                for step, batches in iterator.enumerate_epoch():
                    if run is None:
                        run = self._step_function("train", () if on_device else _text_of(batches[0]))
                        if on_device:
                            run = run.on_device(iterator.data_adapter.arrays)
                        if not _reads_batch_logs(callback_list):
                            run = getattr(run, "without_logs", run)
                    callback_list.on_train_batch_begin(step)
                    with guard.step():
                        logs = run(batches)
                    callback_list.on_train_batch_end(step + len(batches) - 1, logs)
                    if self.stop_training:
                        break
                if logs is None:
                    raise ValueError(
                        "The training data produced no batches in this epoch: check `x`, "
                        "`steps_per_epoch` and `batch_size`.")
                if logs is _RESULTS_LATER:
                    logs = self.get_metrics_result()
                epoch_logs = _to_floats(logs)
                if val_iterator is not None and (epoch + 1) % validation_freq == 0:
                    val_logs = self._evaluate_iterator(val_iterator, callback_list, guard)
                    epoch_logs.update({f"val_{k}": v for k, v in val_logs.items()})
                callback_list.on_epoch_end(epoch, epoch_logs)
                if self.stop_training:
                    break
            self.optimizer.finalize_variable_values(self.trainable_variables)
            callback_list.on_train_end(logs=epoch_logs)
        return history

    @filter_traceback
    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
                 steps=None, callbacks=None, return_dict=False, **kwargs):
        """The loss and metrics of the model on the given data.

        Returns:
            The loss alone when there are no metrics, else a list (``loss`` first) or,
            with `return_dict`, a dict keyed by log name.
        """
        from kerasnb.engine.callbacks.callback import CallbackList
        self._check_compiled("evaluate")
        if kwargs:
            raise TypeError(f"evaluate() got unexpected keyword arguments: {sorted(kwargs)}.")
        iterator = EpochIterator(x, y, sample_weight, batch_size=batch_size, steps_per_epoch=steps,
                                 shuffle=False, steps_per_execution=self.steps_per_execution)
        callback_list = CallbackList(callbacks, add_progbar=verbose != 0, model=self,
                                     verbose=_verbosity(verbose), epochs=1, steps=iterator.num_batches)
        with _InterruptGuard() as guard:
            logs = self._evaluate_iterator(iterator, callback_list, guard)
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

    def _evaluate_iterator(self, iterator, callback_list, guard):
        callback_list.on_test_begin()
        self.reset_metrics()
        run, logs = None, None
        for step, batches in iterator.enumerate_epoch():
            if run is None:
                self._build_for(batches[0])
                run = self._step_function("test", _text_of(batches[0]))
            callback_list.on_test_batch_begin(step)
            with guard.step():
                logs = run(batches)
            callback_list.on_test_batch_end(step + len(batches) - 1, logs)
        if logs is None:
            raise ValueError("The evaluation data produced no batches: check `x`, `steps` and `batch_size`.")
        logs = _to_floats(logs)
        callback_list.on_test_end(logs)
        return logs

    @filter_traceback
    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """The model's outputs for `x`, batch by batch, as NumPy arrays."""
        from kerasnb.engine.callbacks.callback import CallbackList
        iterator = EpochIterator(x, batch_size=batch_size, steps_per_epoch=steps, shuffle=False,
                                 steps_per_execution=self.steps_per_execution)
        callback_list = CallbackList(callbacks, add_progbar=verbose != 0, model=self,
                                     verbose=_verbosity(verbose), epochs=1, steps=iterator.num_batches)
        callback_list.on_predict_begin()
        outputs, run = [], None
        for step, batches in iterator.enumerate_epoch():
            if run is None:
                if not self.built:
                    self._build_for(batches[0])
                run = self._step_function("predict", _text_of(batches[0]))
            callback_list.on_predict_batch_begin(step)
            for batch in batches:
                outputs.append(tree.map_structure(core.convert_to_numpy, run([batch])))
            callback_list.on_predict_batch_end(step + len(batches) - 1, {"outputs": outputs[-1]})
        callback_list.on_predict_end()
        if not outputs:
            raise ValueError("The prediction data produced no batches: check `x`, `steps` and `batch_size`.")
        return tree.map_structure(lambda *parts: np.concatenate(parts, axis=0), *outputs)

    @filter_traceback
    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict=False):
        """One training step on a single batch; returns the logs of that batch."""
        self._check_can_train("train_on_batch")
        batch = _single_batch(x, y, sample_weight, class_weight)
        self._build_for(batch)
        self.reset_metrics()
        with backend.busy("train_on_batch()"), _InterruptGuard() as guard, guard.step():
            logs = self._step_function("train", _text_of(batch))([batch])
        return _format_logs(logs, return_dict)

    @filter_traceback
    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        """One evaluation step on a single batch; returns the logs of that batch."""
        self._check_compiled("test_on_batch")
        batch = _single_batch(x, y, sample_weight)
        self._build_for(batch)
        self.reset_metrics()
        return _format_logs(self._step_function("test", _text_of(batch))([batch]), return_dict)

    @filter_traceback
    def predict_on_batch(self, x):
        """The model's outputs for a single batch, as NumPy arrays."""
        batch = (x, None, None)
        if not self.built:
            self._build_for(batch)
        return tree.map_structure(core.convert_to_numpy,
                                  self._step_function("predict", _text_of(batch))([batch]))

    def _check_compiled(self, method):
        if not self.compiled:
            raise RuntimeError(f"You must call `compile()` before `{method}()`.")

    def _check_can_train(self, method):
        self._check_compiled(method)
        name = backend.current()
        if name not in backend.TRAINABLE:
            raise RuntimeError(
                f"`{method}()` needs a backend with automatic differentiation "
                f"({', '.join(backend.TRAINABLE)}); the current backend is {name!r}, which "
                f"can only evaluate and predict. Switch with kerasnb.config.set_backend('jax').")
        if self.optimizer is None:
            raise RuntimeError(f"`{method}()` needs an optimizer: pass one to `compile()`.")


# Runners --------------------------------------------------------------------------------


def _deserialize_nested(spec, deserialize):
    """A loss/metric spec of a compile config with its config dicts (also inside
    lists and per-output dicts) rebuilt by `deserialize`."""
    if isinstance(spec, dict) and "class_name" in spec:
        return deserialize(spec)
    if isinstance(spec, dict):
        return {k: _deserialize_nested(v, deserialize) for k, v in spec.items()}
    if isinstance(spec, (list, tuple)):
        return [_deserialize_nested(v, deserialize) for v in spec]
    return spec


_installed_forward = contextvars.ContextVar("installed_forward", default=None)


class _StepCache:
    """A model's step runners per (kind, backend) and the trainable variables they update
    (an object, not a list, so that layer tracking does not mistake them for own weights)."""

    def __init__(self):
        self.runners, self.trainable = {}, None


def _make_runner(model, kind, cache, text=()):
    """``run(batches)`` for `kind`: eager calls of the step method, or the pure step
    compiled by the backend, with every variable's value passed in and written back.
    With `text` inputs (see `_text_of`) the batches' strings stay NumPy arrays and only a
    TensorFlow graph (without XLA) compiles the step; the other backends run it eagerly."""
    step = {"train": model.train_step, "test": model.test_step, "predict": model.predict_step}[kind]
    if kind == "train":
        cache.trainable = model.trainable_variables
        if not model.optimizer.built:
            model.optimizer.build(cache.trainable)
    module, frozen = backend.get(), FrozenStructure()
    forward = getattr(module.trainer, "compiled_forward", None)  # inference-only backends
    if forward is not None and kind != "train" and not model.run_eagerly and not text:
        installed = (model, forward(model, kind))

        def run_forward(batches):
            token = _installed_forward.set(installed)
            try:
                with frozen:
                    for batch in batches:
                        result = step(_to_backend(batch))
            finally:
                _installed_forward.reset(token)
            return result
        return run_forward

    spread = distributed.step_runner(model, kind)  # None unless a distribution is active
    if text and spread is not None and module.NAME != "tensorflow":
        raise _distributed_text_error(text, module.NAME)
    compile_it, jit = _compilation(model, module, bool(text))
    keep_text = bool(text)
    if not compile_it:
        def eagerly(step):
            def run_eager(batches):
                with frozen:
                    for batch in batches:
                        result = step(_to_backend(batch, keep_text=keep_text))
                return result
            return run_eager

        def step_without_logs(data):
            """The train step for logs nobody reads: the metrics are updated, their results
            are left for `get_metrics_result()` when logs are needed."""
            x, y, y_pred, sample_weight = model._train_step_updates(data)
            model._update_compiled_metrics(y, y_pred, sample_weight)
            return _RESULTS_LATER

        run_eager = eagerly(step)
        if spread is not None:
            return spread.wrap(run_eager)
        if kind == "train" and _default_train_logs(model):
            run_eager.without_logs = eagerly(step_without_logs)
        return run_eager

    variables = _unique(model.variables + (model.metrics_variables + model.optimizer.variables
                                           if kind == "train" else
                                           model.metrics_variables if kind == "test" else []))

    keys = []  # jax returns dicts sorted by key: keep the order of the logs

    def pure(state, data):
        with scopes.StatelessScope(zip(variables, state)) as scope:
            result = step(data)
        if kind != "predict":
            keys[:] = list(result)
            result = [result[k] for k in keys]
        return result, [scope.values[id(v)] for v in variables]

    compile_step = (module.trainer.compile_step if spread is None else
                    functools.partial(spread.compile_step, variables=variables))
    compiled = compile_step(pure, jit_compile=jit, donate_state=kind != "predict")
    fused = None
    if spread is None and kind != "predict" and jit and model.steps_per_execution > 1 and hasattr(module.trainer, "stack_batches"):
        def pure_many(state, stacked):
            def body(carry, data):
                result, carry = pure(carry, data)
                return carry, result
            state, results = core.scan(body, state, stacked)
            return tree.map_structure(lambda r: r[-1], results), state
        fused = module.trainer.compile_step(pure_many, jit_compile=True)
    write_back = kind != "predict"
    takes_numpy = keep_text or getattr(module.trainer, "accepts_numpy", lambda jit: False)(jit) and (
        spread is None or module.NAME == "jax")  # the step converts NumPy batches (text: tf.string)

    def run_compiled(batches):
        with frozen:
            return _run_compiled(batches)

    def _run_compiled(batches):
        state = _current_values(variables, module)
        if fused is not None and len(batches) == model.steps_per_execution and _same_shapes(batches):
            data = module.trainer.stack_batches([_to_backend(b) for b in batches])
            result, state = fused(state, data)
        else:
            for batch in batches:
                result, state = compiled(state, _to_backend(batch, keep_numpy=takes_numpy))
        return _written_back(state, result)

    def _written_back(state, result):
        if write_back:
            for variable, value in zip(variables, state):
                variable._overwrite(value)
            return dict(zip(keys, result))
        return result

    gathering = []  # the compiled step that gathers its batch, made on first use

    def on_device(arrays):
        """The runner for groups of sample indices into `arrays` (``(x, y, sw)`` NumPy
        data), which are staged on the device once: each step gathers its batch there.
        The rows are padded to a power of two, so that later `fit` calls on data of a
        similar size reuse the compiled step."""
        staged = _to_backend(_padded_rows(arrays))
        if not gathering:
            take_rows = module.trainer.take_rows
            gathering.append(compile_step(lambda state, data: pure(state, _gather(take_rows, *data)),
                                          jit_compile=jit, donate_state=True))
        gathered = gathering[0]

        def run_indexed(groups):
            with frozen:
                state = _current_values(variables, module)
                for index in groups:
                    result, state = gathered(state, (staged, _index_array(index)))
                return _written_back(state, result)

        return run_indexed

    if spread is not None:
        return spread.wrap(run_compiled)
    if kind == "train" and fused is None:
        run_compiled.on_device = on_device
    return run_compiled


#: What a step run without logs returns: the logs are `get_metrics_result()` when needed.
_RESULTS_LATER = object()


def _default_train_logs(model):
    """Whether `model`'s train step logs are `get_metrics_result()` after the metric
    updates, as `Trainer` writes them (none of the three methods overridden)."""
    kind = type(model)
    return (kind.train_step is Trainer.train_step
            and kind.compute_metrics is Trainer.compute_metrics
            and kind.get_metrics_result is Trainer.get_metrics_result)


def _reads_batch_logs(callback_list):
    """Whether a callback of `callback_list` takes the logs of each training batch."""
    return bool(callback_list._listeners["on_train_batch_end"])


def _compilation(model, module, text=False):
    """``(compiled, jit)``: whether `model`'s steps run as compiled pure functions on
    backend `module`, and whether with XLA (jax, tensorflow) or `torch.compile`. With
    `text` inputs only a `tf.function` without XLA compiles (strings are tf.string there);
    jax and torch run eagerly, their string layers reading NumPy on the host."""
    compiled = not model.run_eagerly and (
        module.NAME in ("jax", "tensorflow") or model.jit_compile is True)
    if text:
        return compiled and module.NAME == "tensorflow", False
    jit = model.jit_compile is True or (model.jit_compile == "auto" and module.NAME == "jax")
    return compiled, jit


#: Array data up to this many bytes is copied to the device once per `fit` (when the
#: compiled train step can gather its batches there), instead of one batch per step.
DEVICE_DATA_LIMIT = 256 * 2 ** 20


def _gathers_on_device(model, iterator):
    """Whether `fit` can stage `iterator`'s arrays on the device and feed the train step
    sample indices: compiled steps that take NumPy batches and can take rows by index
    (jax under XLA, tensorflow),
    no distribution, no fused multi-step execution, and numeric NumPy arrays within
    `DEVICE_DATA_LIMIT`."""
    module = backend.get()
    compiled, jit = _compilation(model, module)
    accepts = getattr(module.trainer, "accepts_numpy", None)
    if (not compiled or accepts is None or not accepts(jit) or not hasattr(module.trainer, "take_rows")
            or distributions.distribution() is not None):
        return False
    if jit and model.steps_per_execution > 1 and hasattr(module.trainer, "stack_batches"):
        return False  # fused steps stack host batches
    arrays = getattr(iterator.data_adapter, "arrays", None)
    leaves = [a for a in tree.flatten(arrays) if a is not None] if arrays is not None else []
    if not leaves or not all(isinstance(a, np.ndarray) and a.dtype.kind in "biufc" and a.ndim
                             for a in leaves):
        return False
    rows = len(leaves[0])
    return rows > 0 and sum(a.nbytes for a in leaves) * _bucket(rows) / rows <= DEVICE_DATA_LIMIT


def _bucket(rows):
    """`rows` rounded up to a power of two."""
    return 1 << (rows - 1).bit_length()


def _padded_rows(arrays):
    """`arrays` (same number of rows) with zero rows appended up to `_bucket` rows."""
    def pad(a):
        if a is None or len(a) == _bucket(len(a)):
            return a
        return np.concatenate([a, np.zeros((_bucket(len(a)) - len(a),) + a.shape[1:], a.dtype)])
    return tree.map_structure(pad, arrays)


def _gather(take_rows, arrays, index):
    """The rows `index` of every array of `arrays` (None stays None), by the backend's
    `take_rows`."""
    return tree.map_structure(lambda a: None if a is None else take_rows(a, index), arrays)


def _index_array(index):
    """A batch's sample indices (a slice or an int array) as an int32 NumPy array."""
    if isinstance(index, slice):
        return np.arange(index.start, index.stop, dtype="int32")
    return index.astype("int32")


def _current_values(variables, module):
    """The values of `variables` for a compiled step on backend `module`: the stored tensors
    themselves when they are that backend's and no `StatelessScope` is active (the usual
    case between steps), else what `Variable.value` gives."""
    if scopes.current() is not None or backend._state.module is not module:
        return [v.value for v in variables]
    return [v._value if v._module is module else v.value for v in variables]


def _same_shapes(batches):
    shapes = [tuple(np.shape(leaf)) for leaf in flatten(batches[0])]
    return all([tuple(np.shape(leaf)) for leaf in flatten(b)] == shapes for b in batches[1:])


def _unique(variables):
    seen, out = set(), []
    for v in variables:
        if id(v) not in seen:
            seen.add(id(v))
            out.append(v)
    return out


def _data_dtype(array):
    """The dtype a data array reaches the model with (float64 arrays become floatx, text
    arrays ``"string"``)."""
    if isinstance(array, np.ndarray) and array.dtype.kind in "USO":
        return "string"
    name = dtypes.standardize_dtype(getattr(array, "dtype", None) or np.asarray(array).dtype)
    return config.floatx() if name == "float64" else name


def _text_of(batch):
    """The string inputs of `batch` as ``(label, dtype)`` pairs (empty for numeric data):
    read once per `fit`/`evaluate`/`predict`, from the first batch."""
    return text_inputs(unpack_x_y_sample_weight(batch)[0])


def _distributed_text_error(text, backend_name):
    """The ValueError for string inputs `text` under a distribution on jax or torch."""
    names = ", ".join(f"{label} (dtype {dtype})" for label, dtype in text)
    return ValueError(
        f"String inputs {names} cannot be split across the devices of a distribution on the "
        f"{backend_name} backend: strings stay NumPy arrays on the host. Map the preprocessing "
        "in tf.data (e.g. `dataset.map(lambda x, y: (feature_space(x), y))`) and feed the "
        "model the encoded numbers, or train without a distribution.")


def _to_backend(data, keep_numpy=False, keep_text=False):
    """A batch (nested arrays) as tensors of the active backend; float64 NumPy data
    becomes floatx, as Keras's data adapters do. `keep_numpy` leaves NumPy arrays as
    they are (a jitted JAX step takes them directly, skipping one copy); `keep_text`
    leaves only NumPy text arrays (strings are host data: no jax/torch tensor holds them)."""
    module = backend.get()

    def convert(leaf):
        if leaf is None:
            return None
        if isinstance(leaf, np.ndarray):
            if leaf.dtype == np.float64:
                leaf = leaf.astype(config.floatx())
            if keep_numpy or keep_text and leaf.dtype.kind in "USO":
                return leaf
        return module.convert_to_tensor(leaf)

    if type(data) is tuple and not any(tree.is_nested(part) for part in data):  # (x, y, weights)
        return tuple(convert(part) for part in data)
    return tree.map_structure(convert, data)


def _batch_size(x):
    first = x if type(x) in backend.native_types else flatten(x)[0]
    if isinstance(first, np.ndarray):  # a text input, kept on the host
        return first.shape[0]
    return core.shape(first)[0]


def _single_batch(x, y=None, sample_weight=None, class_weight=None):
    if class_weight is not None:
        from kerasnb.engine.trainers.data_adapters.utils import class_weight_to_sample_weights
        sample_weight = class_weight_to_sample_weights(y, class_weight)
    return (x, y, sample_weight)


def _to_floats(logs):
    return {k: float(core.convert_to_numpy(v)) for k, v in logs.items()}


def _format_logs(logs, return_dict):
    logs = _to_floats(logs)
    if return_dict:
        return logs
    values = list(logs.values())
    return values[0] if len(values) == 1 else values


def _verbosity(verbose):
    if verbose == "auto":
        return 1
    if verbose not in (0, 1, 2):
        raise ValueError(f"`verbose` must be 0, 1, 2 or 'auto'; received {verbose!r}.")
    return verbose


def _check_count(value, name, minimum):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"`{name}` must be an int >= {minimum}; received {value!r}.")


class _InterruptGuard:
    """Makes Ctrl-C (SIGINT) wait for the step in progress: inside `step()` an interrupt is
    held until the step's state is written back, then raised as KeyboardInterrupt, so
    weights never stay half-updated. Outside steps (e.g. waiting on data) it raises at once.
    Only the main thread can own signal handlers; elsewhere the guard does nothing."""

    def __init__(self):
        self.critical = self.pending = False
        self.previous = None

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc):
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)

    def _handle(self, signum, frame):
        if not self.critical:
            raise KeyboardInterrupt
        self.pending = True

    def step(self):
        """The context of one step: an interrupt arriving inside is raised at its end."""
        return _GuardedStep(self)


class _GuardedStep:
    """`_InterruptGuard.step()`: a plain class, cheaper per step than a generator context."""

    __slots__ = ("guard",)

    def __init__(self, guard):
        self.guard = guard

    def __enter__(self):
        self.guard.critical = True

    def __exit__(self, exc_type, exc, traceback):
        guard = self.guard
        guard.critical = False
        if exc_type is None and guard.pending:
            guard.pending = False
            raise KeyboardInterrupt
