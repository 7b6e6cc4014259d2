"""`kerasnb.distribution` (`keras.distribution`): data and model parallel training.

`fit` runs on every device of the active distribution, on the backend's own engine:
jax shards arrays over a `jax.sharding.Mesh` (one SPMD program), torch all-reduces
gradients with `torch.distributed` across `torchrun` processes, tensorflow runs the step
under a `tf.distribute.MirroredStrategy` (`MultiWorkerMirroredStrategy` across hosts).

Example:
    >>> import kerasnb as keras
    >>> keras.distribution.set_distribution(keras.distribution.DataParallel())
    >>> model.fit(x, y, batch_size=64)  # each batch split over list_devices()
"""

from kerasnb.engine.distribution import (  # noqa: F401
    DataParallel, DeviceMesh, LayoutMap, ModelParallel, TensorLayout, distribute_tensor,
    distribution, get_device_count, initialize, list_devices, set_distribution)
