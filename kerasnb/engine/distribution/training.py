"""How `fit`/`evaluate`/`predict` run under the active distribution.

The trainer asks `step_runner(model, kind)` for a `StepRunner` of the active backend
(None when nothing is distributed) and lets it compile the pure step (`compile_step`),
wrap each call of the runner (`wrap`: place state, split batches, synchronize replicas)
and all-reduce the gradients inside `train_step` (`reduce_gradients`). The framework
calls live in each backend's `StepRunner` subclass (`backend/<name>/distribution.py`).

Example:
    >>> runner = step_runner(model, "train")  # None unless a distribution is active
"""

from kerasnb.engine import backend, dtypes
from kerasnb.engine.distribution.distributions import distribution
from kerasnb.engine.distribution.runtime import backend_part
from kerasnb.engine.utils import tree

_running = {"runner": None}


def step_runner(model, kind):
    """The active backend's `StepRunner` for `model`'s `kind` step ("train", "test",
    "predict"), or None when no distribution is active (or this step runs undistributed)."""
    active = distribution()
    if active is None:
        return None
    make = getattr(backend_part(), "make_step_runner", None)
    return None if make is None else make(active, model, kind)


def reduce_gradients(grads):
    """`grads` averaged over the replicas of the running distributed step (or as they are)."""
    runner = _running["runner"]
    return grads if runner is None else runner.reduce_gradients(grads)


def shard_rows(size, shards, index):
    """``(start, stop)``: the rows of a batch of `size` that shard `index` of `shards`
    keeps, or None when `size` does not split evenly (every shard then takes all rows,
    which gives the same averaged gradients)."""
    if shards == 1 or size % shards:
        return None
    step = size // shards
    return index * step, (index + 1) * step


def batch_rows(batch):
    """The number of rows of `batch` (its first array's leading dim), or None."""
    for leaf in tree.flatten(batch):
        shape = getattr(leaf, "shape", None)
        if leaf is not None and shape is not None and len(shape):
            return None if shape[0] is None else int(shape[0])
    return None


class StepRunner:
    """The backend-independent part of a distributed step: which variables need what
    synchronization, and the call wrapper. Backends subclass it.

    Args:
        distribution: the active `Distribution`.
        model: the model whose step runs.
        kind: "train", "test" or "predict".
    """

    def __init__(self, distribution, model, kind):
        self.distribution, self.model, self.kind = distribution, model, kind

    def compile_step(self, fn, jit_compile=False, donate_state=True, variables=()):
        """`fn(state, data) -> (outputs, new_state)` compiled for the distribution;
        `variables` are the Variables whose values `state` holds, in order."""
        return backend.get().trainer.compile_step(fn, jit_compile=jit_compile, donate_state=donate_state)

    def wrap(self, run):
        """The runner ``run(batches) -> logs or outputs``, distributed."""
        def run_distributed(batches):
            previous, _running["runner"] = _running["runner"], self
            try:
                return self.run(run, batches)
            finally:
                _running["runner"] = previous
        return run_distributed

    def run(self, run, batches):
        """One call of the runner; backends add their data and state handling."""
        return run(batches)

    def reduce_gradients(self, grads):
        return grads

    def sync_modes(self, variables):
        """How each of `variables` is combined over replicas after a step: ``"sum"``
        (metric accumulators: the replicas' increments add up), ``"mean"`` (float state
        the layers update in training, e.g. batch-norm statistics) or ``"first"`` (equal
        on every replica: weights after all-reduced gradients, optimizer slots, counters)."""
        model = self.model
        metric = {id(v): getattr(v, "aggregation", "sum") for v in model.metrics_variables}
        equal = {id(v) for v in model.trainable_variables}
        if model.optimizer is not None:
            equal.update(id(v) for v in model.optimizer.variables)
        modes = []
        for v in variables:
            if id(v) in metric:
                modes.append({"sum": "sum", "mean": "mean"}.get(metric[id(v)], "first"))
            elif self.kind == "train" and id(v) not in equal and dtypes.is_float(v.dtype):
                modes.append("mean")
            else:
                modes.append("first")
        return modes

    def synced_variables(self):
        """The Variables a step changes differently on each replica: every metric
        accumulator, and in training the model's non-trainable float state."""
        model = self.model
        found, seen = [], set()
        candidates = list(model.metrics_variables)
        if self.kind == "train":
            candidates += model.non_trainable_variables
        for v in candidates:
            if id(v) not in seen:
                seen.add(id(v))
                found.append(v)
        modes = self.sync_modes(found)
        return [(v, m) for v, m in zip(found, modes) if m != "first"]

    def refresh_logs(self, logs):
        """`logs` with every metric entry recomputed from the (synchronized) metric state."""
        if not isinstance(logs, dict):
            return logs
        fresh = self.model.get_metrics_result()
        return {k: fresh.get(k, v) for k, v in logs.items()}

    def check_replicated(self):
        """For backends that keep a whole copy of every variable per replica: raises
        NotImplementedError (naming the feature and backend) when a layout splits a
        variable or the mesh has axes besides the batch axis."""
        mesh = self.distribution.device_mesh
        for variable in self.model.variables:
            layout = self.distribution.get_variable_layout(variable)
            if layout.is_sharded():
                raise self.unsupported(
                    f"ModelParallel (variable {variable.path!r} split as {layout.axes})",
                    "it keeps a whole copy of every variable per replica: use DataParallel, "
                    "or the jax backend to split variables.")
        if self.distribution.num_model_replicas != mesh.devices.size:
            raise self.unsupported(
                f"A device mesh with axes besides the batch axis ({mesh.axis_names}, shape "
                f"{mesh.shape})", "use a 1-D DataParallel mesh, or the jax backend.")

    def unsupported(self, feature, hint):
        return NotImplementedError(
            f"{feature} is not implemented on the {backend.current()} backend; {hint}")
