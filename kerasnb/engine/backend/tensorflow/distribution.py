"""Distribution on TensorFlow: `tf.distribute.MirroredStrategy` on one host,
`MultiWorkerMirroredStrategy` across hosts (after `initialize()`).

The compiled step's state lives in mirrored `tf.Variable`s created under the strategy's
scope; each call runs the pure step through `strategy.run` on per-replica slices of the
batch, all-reduces (averages) the gradients in the replica context, adds up the metric
accumulators' increments and averages the layers' float state (batch-norm statistics),
so every replica ends the step with the same values. Variables cannot be split
(`ModelParallel`), and eager steps (`run_eagerly=True`) are not distributed.
"""

import numpy as np
import tensorflow as tf

from kerasnb.engine.backend import cluster
from kerasnb.engine.distribution import training
from kerasnb.engine.utils import tree

def _default_type():
    return "gpu" if tf.config.list_logical_devices("GPU") else "cpu"


def list_devices(device_type=None):
    """The logical devices of `device_type`, numbered across all workers."""
    kind = device_type or _default_type()
    strategy = _strategy()
    if strategy is not None:  # the cluster's replicas: its GPUs, else one CPU per worker
        cluster_kind = "gpu" if tf.config.list_physical_devices("GPU") else "cpu"
        return [f"{kind}:{i}" for i in range(strategy.num_replicas_in_sync)] if kind == cluster_kind else []
    return [f"{kind}:{i}" for i in range(len(tf.config.list_logical_devices(kind.upper())))]


def get_device_count(device_type=None):
    return len(list_devices(device_type))


def share_seed():
    """Every worker gets the global seed worker 0 draws (same shuffles, same weights)."""
    from kerasnb.engine.random.seed_generator import set_random_seed
    strategy = _strategy()
    drawn = float(np.random.randint(0, 2**31 - 1))

    def pick():
        ctx = tf.distribute.get_replica_context()
        mine = tf.where(ctx.replica_id_in_sync_group == 0, drawn, 0.0)
        return ctx.all_reduce(tf.distribute.ReduceOp.SUM, tf.cast(mine, tf.float64))

    seed = strategy.experimental_local_results(tf.function(lambda: strategy.run(pick))())[0]
    set_random_seed(int(seed.numpy()))


def _strategy():
    """The MultiWorkerMirroredStrategy that initialize() made, or None."""
    found = cluster.joined.get("tensorflow")
    return found if isinstance(found, tf.distribute.Strategy) else None


def num_processes():
    strategy = _strategy()
    if strategy is None:
        return 1
    return strategy.cluster_resolver.cluster_spec().num_tasks("worker")


def process_id():
    strategy = _strategy()
    return 0 if strategy is None else int(strategy.cluster_resolver.task_id)


def to_backend_mesh(device_mesh):
    """The strategy whose replicas are the mesh's devices."""
    size = int(device_mesh.devices.size)
    strategy = _strategy()
    if strategy is not None:
        if strategy.num_replicas_in_sync != size:
            raise ValueError(
                f"The device mesh has {size} devices but the TensorFlow cluster has "
                f"{strategy.num_replicas_in_sync} replicas.")
        return strategy
    known = {f"{d.device_type.lower()}:{i}"
             for kind in ("CPU", "GPU", "TPU") for i, d in enumerate(tf.config.list_logical_devices(kind))}
    names = [str(n) for n in device_mesh.devices.reshape(-1)]
    missing = [n for n in names if n not in known]
    if missing:
        raise ValueError(
            f"The device mesh names devices that TensorFlow does not have: {missing}; it has "
            f"{sorted(known)}. (More CPU devices: tf.config.set_logical_device_configuration "
            "before TensorFlow starts.)")
    return tf.distribute.MirroredStrategy(devices=["/" + n for n in names])


def to_backend_layout(layout):
    if layout.is_sharded():
        raise NotImplementedError(
            f"Sharded tensor layouts ({layout.axes}) are not implemented on the tensorflow "
            "backend: MirroredStrategy keeps a whole copy per replica. Use the jax backend to shard.")
    return None


def distribute_tensor(tensor, layout):
    """`tensor` itself: replicas hold whole tensors (split layouts raise)."""
    if hasattr(layout, "is_sharded"):
        to_backend_layout(layout)
    return tensor


def shard_dataset(dataset, num_shards, index):
    """A batched `tf.data.Dataset` cut to shard `index` of `num_shards` of each batch."""
    from tensorflow.python.data.experimental.ops import distribute as data_distribute
    size = int(data_distribute.compute_batch_size(dataset).numpy())
    if size < 0 or size % num_shards:
        raise ValueError(
            f"distribute_dataset needs a batched dataset whose batch size splits into "
            f"{num_shards} processes; its batch size is {size if size >= 0 else 'unknown'}.")
    return dataset.rebatch(size // num_shards).shard(num_shards, index).prefetch(tf.data.AUTOTUNE)


def make_step_runner(distribution, model, kind):
    """Training and evaluation run on every replica; `predict` runs on one device."""
    return None if kind == "predict" else StepRunner(distribution, model, kind)


class StepRunner(training.StepRunner):
    """Runs the compiled step with `strategy.run` on mirrored state."""

    def __init__(self, distribution, model, kind):
        super().__init__(distribution, model, kind)
        self.check_replicated()
        if model.run_eagerly:
            raise self.unsupported(
                "A distributed eager step (run_eagerly=True)",
                "compile with run_eagerly=False: the step runs as a tf.function under strategy.run.")
        self.strategy = distribution.device_mesh.backend_mesh
        self.replicas = self.strategy.num_replicas_in_sync
        self.local_replicas = self.replicas // num_processes()

    def run(self, run, batches):
        logs = run(batches)
        return logs if self.replicas == 1 else self.refresh_logs(logs)

    def reduce_gradients(self, grads):
        ctx = tf.distribute.get_replica_context()
        if ctx is None or ctx.num_replicas_in_sync == 1:
            return grads
        return ctx.all_reduce(tf.distribute.ReduceOp.MEAN, list(grads))

    def _slicing(self):
        """``(first, count)``: the global index of this process's first replica and how
        many replicas split each batch it holds (all of them when batches are global)."""
        if self.distribution.auto_shard_dataset or num_processes() == 1:
            return 0, self.replicas
        return process_id() * self.local_replicas, self.local_replicas

    def is_split(self, data):
        """Whether the replicas that share `data` take their own rows of it (else they all
        take all of it)."""
        count, rows = self._slicing()[1], training.batch_rows(data)
        return count == 1 or (rows is not None and training.shard_rows(rows, count, 0) is not None)

    def per_replica(self, data, split):
        """`data` (the global batch, or this process's part) as per-replica values."""
        first, count = self._slicing()

        def slices(ctx):
            index = ctx.replica_id_in_sync_group - first

            def rows(leaf):
                if not split or leaf is None or leaf.shape.rank == 0:
                    return leaf
                found = training.shard_rows(int(leaf.shape[0]), count, index)
                return leaf if found is None else leaf[found[0]:found[1]]  # None: one replica
            return tree.map_structure(rows, data)
        return self.strategy.experimental_distribute_values_from_function(slices)

    def compile_step(self, fn, jit_compile=False, donate_state=True, variables=()):
        strategy, modes = self.strategy, self.sync_modes(variables)
        holders, last = [], []

        def replica_step(data, share):
            old = [holder.read_value() for holder in holders]
            result, new = fn(old, data)
            new = _combine(modes, old, list(new), share)
            for holder, value in zip(holders, new):
                holder.assign(value)
            return result, new

        def step(data, share):
            result, new = strategy.run(replica_step, args=(data, share))
            first = lambda value: strategy.experimental_local_results(value)[0]  # noqa: E731
            return tf.nest.map_structure(first, result), [first(v) for v in new]

        graph = tf.function(step, jit_compile=bool(jit_compile), autograph=False, reduce_retracing=True)

        def run(state, data):
            if not holders:
                with strategy.scope():
                    holders.extend(
                        tf.Variable(value, trainable=False,
                                    aggregation=tf.VariableAggregation.ONLY_FIRST_REPLICA)
                        for value in state)
            else:
                for holder, value, previous in zip(holders, state, last):
                    if value is not previous:  # changed between steps (set_weights...)
                        holder.assign(value)
            data = tree.map_structure(lambda leaf: None if leaf is None else tf.convert_to_tensor(leaf), data)
            split = self.is_split(data)
            share = tf.constant(1.0 if split else 1.0 / self._slicing()[1], tf.float64)
            result, new = graph(self.per_replica(data, split), share)
            last[:] = new if donate_state else state
            return result, new
        return run


def _combine(modes, old, new, share):
    """In a replica context: metric increments summed (each counted `share` times: 1/replicas
    when every replica ran the same rows), layer state averaged over replicas."""
    ctx = tf.distribute.get_replica_context()
    picked = [i for i, mode in enumerate(modes) if mode != "first"]
    if not picked or ctx.num_replicas_in_sync == 1:
        return new
    parts = [tf.cast(new[i] - old[i], tf.float64) * share if modes[i] == "sum" else
             tf.cast(new[i], tf.float64) for i in picked]
    reduced = ctx.all_reduce(tf.distribute.ReduceOp.SUM, parts)
    for i, total in zip(picked, reduced):
        if modes[i] == "sum":
            total = tf.cast(old[i], tf.float64) + total
        else:
            total = total / ctx.num_replicas_in_sync
        new[i] = tf.cast(total, new[i].dtype)
    return new
