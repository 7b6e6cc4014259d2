"""The backend side of distribution: devices, joining a multi-process run, placing tensors.

Each trainable backend has a `distribution` module in its package
(`kerasnb/engine/backend/<name>/distribution.py`) that does the framework calls; the
functions here pick the active backend's.

Example:
    >>> list_devices()  # on jax with XLA_FLAGS=--xla_force_host_platform_device_count=4
    ['cpu:0', 'cpu:1', 'cpu:2', 'cpu:3']
"""

import importlib
import os

from kerasnb.engine import backend
from kerasnb.engine.backend import cluster

_DEVICE_TYPES = ("cpu", "gpu", "tpu")


def backend_part(module=None):
    """The `distribution` module of backend package `module` (default: the active one)."""
    module = module or backend.get()
    return importlib.import_module(f"{module.__name__}.distribution")


def _device_type(device_type):
    if device_type is None:
        return None
    if not isinstance(device_type, str) or device_type.lower() not in _DEVICE_TYPES:
        raise ValueError(
            f"`device_type` must be one of {', '.join(_DEVICE_TYPES)} or None; received "
            f"{device_type!r}.")
    return device_type.lower()


def list_devices(device_type=None):
    """The devices of the active backend, as ``"type:index"`` names, across all processes.

    Args:
        device_type: ``"cpu"``, ``"gpu"`` or ``"tpu"``; default: the accelerators if
            there are any, else the CPUs (never a mix).

    Example:
        >>> list_devices("cpu")
        ['cpu:0']
    """
    return list(backend_part().list_devices(_device_type(device_type)))


def get_device_count(device_type=None):
    """How many devices `list_devices(device_type)` names.

    Example:
        >>> get_device_count("cpu")
        1
    """
    return int(backend_part().get_device_count(_device_type(device_type)))


def initialize(job_addresses=None, num_processes=None, process_id=None):
    """Joins this process to a multi-process (multi-host) run; call it first thing.

    Arguments left out are read from ``KERAS_DISTRIBUTION_JOB_ADDRESSES``,
    ``KERAS_DISTRIBUTION_NUM_PROCESSES`` and ``KERAS_DISTRIBUTION_PROCESS_ID``; on torch,
    from what `torchrun` sets (``MASTER_ADDR``/``MASTER_PORT``, ``WORLD_SIZE``, ``RANK``).
    jax calls `jax.distributed.initialize` (only the coordinator, the first address, is
    used); torch `torch.distributed.init_process_group` (gloo on CPU, nccl on GPU);
    tensorflow builds a `MultiWorkerMirroredStrategy` from a ``TF_CONFIG`` made of the
    addresses (or the ``TF_CONFIG`` already set). Every process then draws the same
    random numbers (the global seed of process 0 is shared unless one was set).

    Args:
        job_addresses: comma-separated ``host:port`` of every process (process 0 first).
        num_processes: the number of processes.
        process_id: this process's index, 0 to ``num_processes - 1``.

    Example:
        >>> initialize("10.0.0.1:1234,10.0.0.2:1234", num_processes=2, process_id=0)
    """
    env = os.environ
    if job_addresses is None:
        job_addresses = env.get("KERAS_DISTRIBUTION_JOB_ADDRESSES") or None
    if num_processes is None and env.get("KERAS_DISTRIBUTION_NUM_PROCESSES"):
        num_processes = env["KERAS_DISTRIBUTION_NUM_PROCESSES"]
    if process_id is None and env.get("KERAS_DISTRIBUTION_PROCESS_ID"):
        process_id = env["KERAS_DISTRIBUTION_PROCESS_ID"]
    if job_addresses is not None and (not isinstance(job_addresses, str) or not all(
            a.strip() for a in job_addresses.split(","))):
        raise ValueError(
            "`job_addresses` must be a comma-separated string of host:port addresses; "
            f"received {job_addresses!r}.")
    num_processes = _optional_int(num_processes, "num_processes", 1)
    process_id = _optional_int(process_id, "process_id", 0)
    addresses = [a.strip() for a in job_addresses.split(",")] if job_addresses else None
    if addresses and len(addresses) > 1 and num_processes is not None and num_processes != len(addresses):
        raise ValueError(
            f"`job_addresses` names {len(addresses)} processes but `num_processes` is "
            f"{num_processes}.")
    if process_id is not None and num_processes is not None and process_id >= num_processes:
        raise ValueError(
            f"`process_id` must be below `num_processes` ({num_processes}); received {process_id}.")
    cluster.join(backend.current(), addresses, num_processes, process_id)
    backend_part().share_seed()


def _optional_int(value, name, minimum):
    if value is None:
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = None
    if number is None or isinstance(value, bool) or number < minimum or (
            isinstance(value, float) and value != number):
        raise ValueError(f"`{name}` must be an int >= {minimum}; received {value!r}.")
    return number


def distribute_tensor(tensor, layout):
    """`tensor` placed (or, inside a compiled step, constrained) as `layout` says.

    A symbolic `KerasTensor` is returned as is. Backends without sharded tensors (torch,
    tensorflow) accept replicated layouts only.

    Args:
        tensor: a tensor of the active backend.
        layout: a `TensorLayout` with a device mesh (or a backend sharding object).

    Example:
        >>> mesh = DeviceMesh((4,), ["batch"])
        >>> distribute_tensor(np.ones((8, 2)), TensorLayout(("batch", None), mesh))
    """
    from kerasnb.engine.distribution.mesh import TensorLayout
    from kerasnb.engine.tensors import KerasTensor
    if isinstance(tensor, KerasTensor):
        return tensor
    if isinstance(layout, TensorLayout) and layout.device_mesh is None:
        raise ValueError("`layout` has no device mesh: give the TensorLayout a `device_mesh`.")
    return backend_part().distribute_tensor(tensor, layout)
