"""Distributions: how `fit` spreads data and variables over a `DeviceMesh`.

`DataParallel` replicates every variable and splits each batch over the devices;
`ModelParallel` also splits the variables its `LayoutMap` names. The active distribution
is process-wide (`set_distribution`, or `with distribution.scope():`) and stays active
across backend switches: each backend realizes it with its own engine when `fit` runs.

Example:
    >>> dp = DataParallel(devices=["cpu:0", "cpu:1"])
    >>> with dp.scope():
    ...     distribution() is dp
    True
"""

import contextlib
import warnings

import numpy as np

from kerasnb.engine.distribution.mesh import DeviceMesh, LayoutMap, TensorLayout

DEFAULT_BATCH_DIM_NAME = "batch"

_active = {"distribution": None}


class Distribution:
    """Base class: a `DeviceMesh`, the mesh axis that splits batches, and the layouts of
    data, variables and intermediate tensors.

    Args:
        device_mesh: the `DeviceMesh`.
        batch_dim_name: the mesh axis the batch dim is split over.
        auto_shard_dataset: in a multi-process run, each process reads the global batch
            and keeps its own rows; ``False`` when each process already feeds its own
            part of the global batch.
    """

    def __init__(self, device_mesh, batch_dim_name=None, auto_shard_dataset=True):
        if not isinstance(device_mesh, DeviceMesh):
            raise ValueError(
                f"`device_mesh` must be a DeviceMesh; received {type(device_mesh).__name__}.")
        if batch_dim_name is not None and batch_dim_name not in device_mesh.axis_names:
            raise ValueError(
                f"`batch_dim_name` {batch_dim_name!r} is not an axis of the device mesh; its "
                f"axes are {device_mesh.axis_names}.")
        self._device_mesh = device_mesh
        self._batch_dim_name = batch_dim_name
        self._auto_shard_dataset = bool(auto_shard_dataset)

    @property
    def device_mesh(self):
        return self._device_mesh

    @property
    def batch_dim_name(self):
        return self._batch_dim_name

    @property
    def auto_shard_dataset(self):
        return self._auto_shard_dataset

    @auto_shard_dataset.setter
    def auto_shard_dataset(self, value):
        self._auto_shard_dataset = bool(value)

    @property
    def num_processes(self):
        """Processes taking part in the run (1 unless `initialize` joined a cluster)."""
        from kerasnb.engine.distribution.runtime import backend_part
        return backend_part().num_processes()

    @property
    def process_id(self):
        """This process's index among `num_processes`."""
        from kerasnb.engine.distribution.runtime import backend_part
        return backend_part().process_id()

    @property
    def num_model_replicas(self):
        """How many slices the global batch is split into."""
        return self._device_mesh.axis_size(self._batch_dim_name)

    def get_data_layout(self, data_shape):
        """The layout of an input batch: its first dim split over the batch axis."""
        axes = [None] * len(data_shape)
        if axes:
            axes[0] = self._batch_dim_name
        return TensorLayout(axes, self._device_mesh)

    def get_variable_layout(self, variable):
        """The layout of `variable`: the one it was created with, else replicated."""
        own = getattr(variable, "layout", None)
        if isinstance(own, TensorLayout):
            return own
        return TensorLayout([None] * len(variable.shape), self._device_mesh)

    def get_tensor_layout(self, path):
        """The layout of the intermediate tensor at `path`, or None to leave it as is."""
        return None

    @contextlib.contextmanager
    def scope(self):
        """Makes this distribution the active one inside a ``with`` block."""
        previous = distribution()
        set_distribution(self)
        try:
            yield self
        finally:
            set_distribution(previous)

    def distribute_dataset(self, dataset):
        """`dataset` (a batched `tf.data.Dataset`) cut down to this process's part of
        each global batch, in a multi-process run with `auto_shard_dataset`; otherwise
        `dataset` itself. `fit` needs no call to it: it keeps this process's rows of each
        batch itself. For custom loops that read a dataset per process.
        """
        if self.num_processes == 1 or not self._auto_shard_dataset:
            return dataset
        from kerasnb.engine.backend import load
        from kerasnb.engine.distribution.runtime import backend_part
        part = backend_part(load("tensorflow"))
        return part.shard_dataset(dataset, self.num_processes, self.process_id)

    def __repr__(self):
        return f"<{type(self).__name__} device_mesh={self._device_mesh}>"


class DataParallel(Distribution):
    """Data parallelism: every device holds all the variables and a slice of each batch.

    Give a 1-D `device_mesh` or a list of `devices` (not both); by default every device
    of `list_devices()`. A mesh with more axes is split over its first one (with a warning).

    Args:
        device_mesh: a `DeviceMesh`.
        devices: device names, e.g. ``["gpu:0", "gpu:1"]``.
        auto_shard_dataset: see `Distribution`.

    Example:
        >>> DataParallel(devices=["cpu:0", "cpu:1"]).device_mesh.shape
        (2,)
    """

    def __init__(self, device_mesh=None, devices=None, auto_shard_dataset=True):
        if device_mesh is not None and devices is not None:
            raise ValueError("Pass either `device_mesh` or `devices` to DataParallel, not both.")
        if device_mesh is not None:
            if not isinstance(device_mesh, DeviceMesh):
                raise ValueError(
                    f"`device_mesh` must be a DeviceMesh; received {type(device_mesh).__name__}.")
            if len(device_mesh.shape) != 1:
                warnings.warn(
                    f"DataParallel expects a 1-D device mesh; received shape {device_mesh.shape}. "
                    f"Batches are split over its first axis, {device_mesh.axis_names[0]!r}.",
                    stacklevel=2)
            batch_dim_name = device_mesh.axis_names[0]
        else:
            if devices is None:
                from kerasnb.engine.distribution.runtime import list_devices
                devices = list_devices()
            devices = np.array(devices, dtype=object).reshape(-1)
            if devices.size == 0:
                raise ValueError("`devices` must name at least one device; received an empty list.")
            device_mesh = DeviceMesh((devices.size,), [DEFAULT_BATCH_DIM_NAME], devices)
            batch_dim_name = DEFAULT_BATCH_DIM_NAME
        super().__init__(device_mesh, batch_dim_name, auto_shard_dataset)


class ModelParallel(Distribution):
    """Model (and data) parallelism: variables are split as `layout_map` says, batches
    over `batch_dim_name`; variables the map does not name are replicated.

    Args:
        layout_map: a `LayoutMap`; its mesh is the distribution's mesh.
        batch_dim_name: the mesh axis that splits batches (default: the mesh's first).
        auto_shard_dataset: see `Distribution`.

    Example:
        >>> mesh = DeviceMesh((2, 2), ["batch", "model"], devices=[f"cpu:{i}" for i in range(4)])
        >>> layout_map = LayoutMap(mesh)
        >>> layout_map[".*kernel"] = (None, "model")
        >>> ModelParallel(layout_map=layout_map).batch_dim_name
        'batch'
    """

    def __init__(self, *, layout_map=None, batch_dim_name=None, auto_shard_dataset=True, **kwargs):
        kwargs.pop("device_mesh", None)  # Keras accepts and ignores it: the map holds the mesh
        if kwargs:
            raise TypeError(f"ModelParallel got unexpected keyword arguments: {sorted(kwargs)}.")
        if layout_map is None:
            raise ValueError("ModelParallel needs a `layout_map` (a LayoutMap).")
        if not isinstance(layout_map, LayoutMap):
            raise ValueError(
                f"`layout_map` must be a LayoutMap; received {type(layout_map).__name__}.")
        mesh = layout_map.device_mesh
        super().__init__(mesh, batch_dim_name or mesh.axis_names[0], auto_shard_dataset)
        self._layout_map = layout_map

    @property
    def layout_map(self):
        return self._layout_map

    def get_variable_layout(self, variable):
        own = getattr(variable, "layout", None)
        if isinstance(own, TensorLayout):
            return own
        layout = self._layout_map[variable.path]
        if layout is None:
            return TensorLayout([None] * len(variable.shape), self.device_mesh)
        if len(layout.axes) != len(variable.shape):
            raise ValueError(
                f"The LayoutMap gives variable {variable.path!r} (shape {variable.shape}) a "
                f"layout of {len(layout.axes)} axes {layout.axes}; it needs one per dim.")
        for axis, dim in zip(layout.axes, variable.shape):
            if axis is not None and dim % self.device_mesh.axis_size(axis):
                raise ValueError(
                    f"Variable {variable.path!r} (shape {variable.shape}) cannot be split over "
                    f"mesh axis {axis!r} of {self.device_mesh.axis_size(axis)} devices: "
                    f"{dim} is not a multiple of it.")
        return layout

    def get_tensor_layout(self, path):
        return self._layout_map[path]


def set_distribution(value):
    """Makes `value` (a `Distribution`, or None to stop distributing) the active distribution.

    Example:
        >>> set_distribution(DataParallel(devices=["cpu:0"]))
        >>> set_distribution(None)
    """
    if value is not None and not isinstance(value, Distribution):
        raise ValueError(
            f"`value` must be a Distribution (DataParallel, ModelParallel) or None; received "
            f"{type(value).__name__}.")
    from kerasnb.engine import backend
    reason = backend.busy_reason()
    if reason is not None and value is not _active["distribution"]:
        raise RuntimeError(f"Cannot change the distribution while {reason} is running.")
    _active["distribution"] = value


def distribution():
    """The active `Distribution`, or None.

    Example:
        >>> distribution() is None
        True
    """
    return _active["distribution"]
