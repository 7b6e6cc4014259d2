"""Distributed training: meshes, layouts, and data/model parallelism on each backend's own
distributed engine (`jax.sharding`, `torch.distributed`, `tf.distribute`)."""

from kerasnb.engine.distribution.distributions import (  # noqa: F401
    DataParallel, Distribution, ModelParallel, distribution, set_distribution)
from kerasnb.engine.distribution.mesh import DeviceMesh, LayoutMap, TensorLayout  # noqa: F401
from kerasnb.engine.distribution.runtime import (  # noqa: F401
    distribute_tensor, get_device_count, initialize, list_devices)
