"""Distribution on the NumPy backend: one host device, nothing to spread.

NumPy cannot train; with a distribution set, `evaluate` and `predict` run whole on the
host. A mesh of more devices, or a split layout, is refused where it would matter.
"""


def list_devices(device_type=None):
    return ["cpu:0"] if device_type in (None, "cpu") else []


def get_device_count(device_type=None):
    return len(list_devices(device_type))


def share_seed():
    """Nothing to share: this backend cannot join a multi-process run."""


def num_processes():
    return 1


def process_id():
    return 0


def to_backend_mesh(device_mesh):
    if device_mesh.devices.size != 1:
        raise NotImplementedError(
            f"A device mesh of {device_mesh.devices.size} devices is not implemented on the host "
            "NumPy/OpenVINO backends, which run on one device; use jax, torch or tensorflow.")
    return None


def to_backend_layout(layout):
    if layout.is_sharded():
        raise NotImplementedError(
            f"Sharded tensor layouts ({layout.axes}) are not implemented on the host NumPy/"
            "OpenVINO backends; use the jax backend to shard.")
    return None


def distribute_tensor(tensor, layout):
    """`tensor` itself (split layouts raise)."""
    if hasattr(layout, "is_sharded"):
        to_backend_layout(layout)
    return tensor
