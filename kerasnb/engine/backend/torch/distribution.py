"""Distribution on PyTorch: data parallelism over `torch.distributed` processes.

One process per device, launched by `torchrun` (or any launcher that sets ``RANK``,
``WORLD_SIZE``, ``MASTER_ADDR``, ``MASTER_PORT``), joined by `initialize()` (gloo on CPU,
nccl on GPU). Before the first step every process takes process 0's weights; each step
runs on the process's rows of the global batch, the gradients are all-reduced (averaged)
after backward, as `DistributedDataParallel` does, and the metric accumulators and the
layers' float state (batch-norm statistics) are combined after the step, so that every
process holds the same weights and logs. Variables cannot be split (`ModelParallel`).
"""

import itertools

import numpy as np
import torch
import torch.distributed as dist

from kerasnb.engine.backend.torch.core import DEVICE
from kerasnb.engine.distribution import training
from kerasnb.engine.utils import tree


def _joined():
    return dist.is_available() and dist.is_initialized()


def _default_type():
    return "gpu" if torch.cuda.is_available() else "cpu"


def list_devices(device_type=None):
    """One device per process once `initialize` joined a group (``"cpu:<rank>"`` or
    ``"gpu:<rank>"``); otherwise this process's devices."""
    kind = device_type or _default_type()
    if kind == "tpu" or (kind == "gpu" and not torch.cuda.is_available()):
        return []
    if _joined():
        return [f"{kind}:{rank}" for rank in range(dist.get_world_size())]
    return [f"gpu:{i}" for i in range(torch.cuda.device_count())] if kind == "gpu" else ["cpu:0"]


def get_device_count(device_type=None):
    return len(list_devices(device_type))


def share_seed():
    """Every process gets the global seed process 0 draws (same shuffles, same weights)."""
    from kerasnb.engine.random.seed_generator import set_random_seed
    seed = torch.tensor([np.random.randint(0, 2**31 - 1)], dtype=torch.int64, device=DEVICE)
    dist.broadcast(seed, 0)
    set_random_seed(int(seed.item()))


def num_processes():
    return dist.get_world_size() if _joined() else 1


def process_id():
    return dist.get_rank() if _joined() else 0


def to_backend_mesh(device_mesh):
    """The default process group, whose ranks stand for the mesh's devices."""
    size, world = int(device_mesh.devices.size), num_processes()
    launch = (f"launch {size} processes (torchrun --nproc-per-node {size} script.py) that each "
              "call kerasnb.distribution.initialize() first")
    if world == 1 and size > 1:
        raise NotImplementedError(
            f"Data parallelism over {size} devices in one process is not implemented on the torch "
            f"backend, which runs one process per device: {launch}.")
    if size != world:
        raise ValueError(
            f"The device mesh has {size} devices but this torch.distributed run has {world} "
            f"processes: {launch}.")
    return dist.group.WORLD if _joined() else None


def to_backend_layout(layout):
    if layout.is_sharded():
        raise NotImplementedError(
            f"Sharded tensor layouts ({layout.axes}) are not implemented on the torch backend: "
            "it replicates tensors on every process. Use the jax backend to shard.")
    return None


def distribute_tensor(tensor, layout):
    """`tensor` itself: torch tensors are replicated per process (split layouts raise)."""
    if hasattr(layout, "is_sharded"):
        to_backend_layout(layout)
    return tensor


def make_step_runner(distribution, model, kind):
    """Training and evaluation are spread; `predict` runs whole in every process."""
    return None if kind == "predict" else StepRunner(distribution, model, kind)


class StepRunner(training.StepRunner):
    """Splits batches by rank, all-reduces gradients and synchronizes metric state."""

    def __init__(self, distribution, model, kind):
        super().__init__(distribution, model, kind)
        self.check_replicated()
        if model.jit_compile is True:
            raise self.unsupported(
                "A distributed torch.compile step (jit_compile=True)",
                "compile with jit_compile=False or 'auto': the step runs eagerly, with the "
                "gradient all-reduce after backward.")
        self.group = distribution.device_mesh.backend_mesh  # checks: one process per device
        self.world, self.rank = num_processes(), process_id()
        self._started, self._synced = False, None

    def run(self, run, batches):
        if self.world == 1:
            return run(batches)
        if not self._started:
            self._broadcast_state()
            self._started = True
        if self._synced is None:
            self._synced = self.synced_variables()
        logs = None
        for split, group in itertools.groupby(batches, key=self.is_split):
            before = [v.value.detach().clone() for v, mode in self._synced if mode == "sum"]
            logs = run([self.local_batch(b) for b in group] if split else list(group))
            self._sync(before, share=1.0 if split else 1.0 / self.world)
        return self.refresh_logs(logs)

    def is_split(self, batch):
        """Whether each process takes its own rows of `batch` (else all take all of them)."""
        if not self.distribution.auto_shard_dataset:
            return True
        rows = training.batch_rows(batch)
        return rows is not None and training.shard_rows(rows, self.world, self.rank) is not None

    def local_batch(self, batch):
        def rows(leaf):
            if leaf is None or not np.shape(leaf):
                return leaf
            start, stop = training.shard_rows(np.shape(leaf)[0], self.world, self.rank)
            return leaf[start:stop]
        return tree.map_structure(rows, batch)

    def _broadcast_state(self):
        model = self.model
        variables = model.variables + (model.optimizer.variables if model.optimizer is not None else [])
        for v in variables:
            value = v.value.detach().clone().contiguous()
            dist.broadcast(value, 0)
            v.assign(value)

    def _sync(self, before, share):
        """Adds up the metric increments (each counted `share` times: 1/processes when every
        process ran the same rows) and averages the layers' float state."""
        if not self._synced:
            return
        olds = iter(before)
        parts, pairs = [], []
        for v, mode in self._synced:
            new = v.value.detach().to(torch.float64)
            old = next(olds).to(torch.float64) if mode == "sum" else None
            parts.append(((new - old) * share if mode == "sum" else new / self.world).reshape(-1))
            pairs.append((v, mode, old))
        flat = torch.cat(parts)
        dist.all_reduce(flat)
        start = 0
        for v, mode, old in pairs:
            n = v.size
            value = flat[start:start + n].reshape(v.shape)
            v.assign(old + value if mode == "sum" else value)
            start += n

    def reduce_gradients(self, grads):
        if self.world == 1:
            return grads
        flat_grads = [g for g in grads]
        by_dtype = {}
        for i, g in enumerate(flat_grads):
            if g is not None:
                by_dtype.setdefault(g.dtype, []).append(i)
        out = list(flat_grads)
        for indices in by_dtype.values():
            flat = torch.cat([flat_grads[i].detach().reshape(-1) for i in indices])
            dist.all_reduce(flat)
            flat /= self.world
            start = 0
            for i in indices:
                n = flat_grads[i].numel()
                out[i] = flat[start:start + n].view_as(flat_grads[i])
                start += n
        return type(grads)(out) if isinstance(grads, (list, tuple)) else out
