"""Distribution on JAX: `jax.sharding` meshes, one SPMD program per step.

Variables are placed with a `NamedSharding` per layout (replicated, or split as a
`LayoutMap` says), each batch is split on its first dim over the mesh's batch axis, and
the jitted step runs on the sharded arrays: XLA partitions it and inserts the gradient
all-reduce itself. Across processes (`jax.distributed.initialize`) each process passes its
rows of the global batch (`jax.make_array_from_process_local_data`).
"""

import jax
import numpy as np
from jax.experimental import multihost_utils
from jax.sharding import NamedSharding, PartitionSpec

from kerasnb.engine.distribution import training
from kerasnb.engine.utils import tree


def list_devices(device_type=None):
    """Every process's devices of `device_type` (default: jax's default platform)."""
    return [f"{d.platform}:{d.id}" for d in _devices(device_type)]


def get_device_count(device_type=None):
    return len(_devices(device_type))


def _devices(device_type):
    try:
        return jax.devices(device_type)
    except RuntimeError:
        return []


def share_seed():
    """Every process gets the global seed process 0 draws (same shuffles, same weights)."""
    from kerasnb.engine.random.seed_generator import set_random_seed
    seed = np.asarray(np.random.randint(0, 2**31 - 1), np.int64)
    set_random_seed(int(multihost_utils.broadcast_one_to_all(seed)))


def num_processes():
    return jax.process_count()


def process_id():
    return jax.process_index()


def to_backend_mesh(device_mesh):
    """The `jax.sharding.Mesh` of `device_mesh` (device names resolved to jax devices)."""
    known = {f"{d.platform}:{d.id}": d for d in jax.devices()}
    for platform in ("cpu", "gpu", "tpu"):
        known.update({f"{d.platform}:{d.id}": d for d in _devices(platform)})
    names = device_mesh.devices.reshape(-1)
    missing = [n for n in names if str(n) not in known]
    if missing:
        raise ValueError(
            f"The device mesh names devices that jax does not have: {missing}; jax has "
            f"{sorted(known)}. (CPU devices: set XLA_FLAGS=--xla_force_host_platform_device_count=N "
            "before jax starts.)")
    devices = np.array([known[str(n)] for n in names], dtype=object).reshape(device_mesh.shape)
    return jax.sharding.Mesh(devices, tuple(device_mesh.axis_names))


def to_backend_layout(layout):
    """The `NamedSharding` of a `TensorLayout`."""
    return NamedSharding(layout.device_mesh.backend_mesh, PartitionSpec(*layout.axes))


def distribute_tensor(tensor, layout):
    sharding = layout if isinstance(layout, jax.sharding.Sharding) else layout.backend_layout
    if isinstance(tensor, jax.core.Tracer):
        return jax.lax.with_sharding_constraint(tensor, sharding)
    if isinstance(tensor, jax.Array) and tensor.sharding.is_equivalent_to(sharding, tensor.ndim):
        return tensor
    return jax.device_put(tensor, sharding)


def make_step_runner(distribution, model, kind):
    return StepRunner(distribution, model, kind)


class StepRunner(training.StepRunner):
    """Places state and batches on the mesh around the (jitted) step."""

    def __init__(self, distribution, model, kind):
        super().__init__(distribution, model, kind)
        mesh = distribution.device_mesh
        self.mesh = mesh.backend_mesh
        self.batch_axis = distribution.batch_dim_name
        self.shards = mesh.axis_size(self.batch_axis)
        self.processes = jax.process_count()
        self.replicated = NamedSharding(self.mesh, PartitionSpec())
        self._state_shardings = {}

    def sharding_of(self, variable):
        found = self._state_shardings.get(id(variable))
        if found is None:
            found = self._state_shardings[id(variable)] = (
                self.distribution.get_variable_layout(variable).backend_layout)
        return found

    # Data -------------------------------------------------------------------------------

    def shard_batch(self, data):
        return tree.map_structure(lambda leaf: None if leaf is None else self._shard(leaf), data)

    def _shard(self, leaf):
        shape = tuple(np.shape(leaf))
        own_part = self.processes > 1 and not self.distribution.auto_shard_dataset
        rows = (shape[0] * self.processes if own_part else shape[0]) if shape else None
        if rows is None or rows % self.shards:
            if self.processes > 1:
                raise ValueError(
                    f"A global batch of {rows if rows is not None else 'no'} rows cannot be split "
                    f"over the {self.shards} devices of mesh axis {self.batch_axis!r} in a "
                    "multi-process run: use a batch size (and sample count) divisible by it.")
            return jax.device_put(leaf, self.replicated)  # a short last batch: not split
        sharding = NamedSharding(self.mesh, PartitionSpec(self.batch_axis))
        if self.processes == 1:
            return jax.device_put(leaf, sharding)
        local = leaf  # auto_shard_dataset=False: already this process's part
        if not own_part:
            start, stop = training.shard_rows(rows, self.processes, jax.process_index()) or (0, rows)
            local = leaf[start:stop]
        return jax.make_array_from_process_local_data(sharding, np.asarray(local), (rows,) + shape[1:])

    # State ------------------------------------------------------------------------------

    def place(self, value, sharding):
        if isinstance(value, jax.Array) and value.sharding.is_equivalent_to(sharding, value.ndim):
            return value
        if self.processes == 1:
            return jax.device_put(value, sharding)
        host = np.asarray(multihost_utils.broadcast_one_to_all(np.asarray(value)))  # process 0's
        return jax.make_array_from_callback(host.shape, sharding, lambda index: host[index])

    def compile_step(self, fn, jit_compile=False, donate_state=True, variables=()):
        shardings = [self.sharding_of(v) for v in variables]

        def constrained(state, data):
            result, new_state = fn(state, data)
            return result, [jax.lax.with_sharding_constraint(v, s) for v, s in zip(new_state, shardings)]

        step = jax.jit(constrained, donate_argnums=(0,) if donate_state else ()) if jit_compile else fn
        gather = self.kind == "predict" and self.processes > 1

        def run(state, data):
            state = [self.place(v, s) for v, s in zip(state, shardings)]
            result, new_state = step(state, self.shard_batch(data))
            if gather:
                result = tree.map_structure(
                    lambda r: multihost_utils.process_allgather(r, tiled=True), result)
            return result, new_state
        return run

    def run(self, run, batches):
        if not self.model.run_eagerly:
            return run(batches)
        from kerasnb.engine.trainers.trainer import _to_backend
        model = self.model
        for v in model.variables + model.metrics_variables + (
                model.optimizer.variables if model.optimizer is not None else []):
            placed = self.place(v.value, self.sharding_of(v))
            if placed is not v.value:
                v._overwrite(placed)
        return run([self.shard_batch(_to_backend(b, keep_numpy=True)) for b in batches])
