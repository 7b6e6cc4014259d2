"""Joining a multi-process run, before the backend package loads.

`jax.distributed.initialize` must run before jax touches a device, and TensorFlow's
`MultiWorkerMirroredStrategy` before TensorFlow's runtime starts, yet loading a backend
package makes its first tensor. So `kerasnb.distribution.initialize` joins through
this module, which imports only the framework itself; the backend's `distribution`
module reads the result (`joined`).

Example:
    >>> join("torch", ["10.0.0.1:29500"], 2, 0)  # doctest: +SKIP
"""

import json
import os

joined = {}  # backend name -> what joining made (the tensorflow strategy; True otherwise)


def join(name, job_addresses, num_processes, process_id):
    """Joins this process to the run of `num_processes` on backend `name`."""
    if name in joined:
        raise RuntimeError(f"initialize() already joined this process to a {name} run.")
    if name not in _JOINERS:
        raise NotImplementedError(
            f"Multi-process runs are not implemented on the {name} backend; use jax, torch "
            "or tensorflow.")
    joined[name] = _JOINERS[name](job_addresses, num_processes, process_id) or True


def _join_jax(job_addresses, num_processes, process_id):
    import jax
    jax.distributed.initialize(
        coordinator_address=job_addresses[0] if job_addresses else None,
        num_processes=num_processes, process_id=process_id)


def _join_torch(job_addresses, num_processes, process_id):
    import torch
    import torch.distributed as dist
    env = os.environ
    world = num_processes if num_processes is not None else int(env.get("WORLD_SIZE", "1"))
    rank = process_id if process_id is not None else int(env.get("RANK", "0"))
    if job_addresses:
        init_method = f"tcp://{job_addresses[0]}"
    elif env.get("MASTER_ADDR") and env.get("MASTER_PORT"):
        init_method = "env://"
    else:
        raise ValueError(
            "initialize() on torch needs process 0's address: pass `job_addresses` "
            "('host:port,...'), set KERAS_DISTRIBUTION_JOB_ADDRESSES, or launch with torchrun "
            "(which sets MASTER_ADDR and MASTER_PORT).")
    engine = "nccl" if torch.cuda.is_available() else "gloo"
    if engine == "nccl":
        torch.cuda.set_device(int(env.get("LOCAL_RANK", rank % torch.cuda.device_count())))
    dist.init_process_group(engine, init_method=init_method, world_size=world, rank=rank)


def _join_tensorflow(job_addresses, num_processes, process_id):
    if job_addresses:
        if len(job_addresses) == 1 and (num_processes or 1) > 1:
            raise ValueError(
                "On tensorflow, `job_addresses` must list every worker's host:port "
                f"({num_processes} of them); received {job_addresses}.")
        os.environ["TF_CONFIG"] = json.dumps({
            "cluster": {"worker": list(job_addresses)},
            "task": {"type": "worker", "index": int(process_id or 0)}})
    elif not os.environ.get("TF_CONFIG"):
        raise ValueError(
            "initialize() on tensorflow needs the cluster: pass `job_addresses` "
            "('host:port,...' of every worker) and `process_id`, or set TF_CONFIG.")
    import tensorflow as tf
    return tf.distribute.MultiWorkerMirroredStrategy()


_JOINERS = {"jax": _join_jax, "torch": _join_torch, "tensorflow": _join_tensorflow}
