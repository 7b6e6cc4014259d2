"""Distribution on the OpenVINO backend: the host NumPy backend's (one CPU device)."""

from kerasnb.engine.backend.numpy.distribution import (  # noqa: F401
    distribute_tensor, get_device_count, list_devices, num_processes, process_id, share_seed,
    to_backend_layout, to_backend_mesh)
