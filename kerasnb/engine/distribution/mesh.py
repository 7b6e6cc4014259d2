"""Where tensors live: `DeviceMesh` (devices on named axes), `TensorLayout` (which tensor
dims are split over which mesh axes) and `LayoutMap` (variable paths, as regexes, to layouts).

These objects hold device names ("cpu:0", "gpu:3") only; each backend turns them into its
own objects (a `jax.sharding.Mesh`, a `tf.distribute` strategy) on first use, and keeps
one per backend, so a mesh outlives backend switches.

Example:
    >>> mesh = DeviceMesh((2, 2), ["batch", "model"], devices=[f"cpu:{i}" for i in range(4)])
    >>> layout_map = LayoutMap(mesh)
    >>> layout_map[".*dense.*kernel"] = (None, "model")
    >>> layout_map["model/dense_1/kernel"].axes
    (None, 'model')
"""

import collections.abc
import math
import re

import numpy as np


class DeviceMesh:
    """Computation devices arranged on named axes (as `jax.sharding.Mesh`).

    Args:
        shape: the mesh shape, e.g. ``(8,)`` for data parallelism or ``(2, 4)`` for
            data x model parallelism.
        axis_names: one name per mesh axis, e.g. ``["batch", "model"]``.
        devices: device names (``"cpu:0"``, ``"gpu:1"``) as a flat or nested list;
            defaults to `list_devices()` of the active backend.

    Example:
        >>> DeviceMesh((4,), ["batch"], devices=["cpu:0", "cpu:1", "cpu:2", "cpu:3"]).shape
        (4,)
    """

    def __init__(self, shape, axis_names, devices=None):
        if not shape or not axis_names:
            raise ValueError(
                "`shape` and `axis_names` must both be non-empty; received "
                f"shape={shape!r}, axis_names={axis_names!r}.")
        try:
            shape = tuple(int(d) for d in shape)
        except (TypeError, ValueError):
            raise ValueError(f"`shape` must be a tuple of ints; received shape={shape!r}.") from None
        if any(d < 1 for d in shape):
            raise ValueError(f"`shape` dims must be >= 1; received shape={shape!r}.")
        if isinstance(axis_names, str):
            raise ValueError(
                f"`axis_names` must be a list of strings, one per mesh axis; received {axis_names!r}.")
        axis_names = tuple(axis_names)
        if len(axis_names) != len(shape):
            raise ValueError(
                "`shape` and `axis_names` must have the same length; received "
                f"shape={shape}, axis_names={list(axis_names)}.")
        if not all(isinstance(a, str) for a in axis_names) or len(set(axis_names)) != len(axis_names):
            raise ValueError(f"`axis_names` must be distinct strings; received {list(axis_names)}.")
        if devices is None:
            from kerasnb.engine.distribution.runtime import list_devices
            devices = list_devices()
        devices = np.array(devices, dtype=object)
        if math.prod(shape) != devices.size:
            raise ValueError(
                f"A mesh of shape {shape} needs {math.prod(shape)} devices; received "
                f"{devices.size} (devices.shape={devices.shape}).")
        self._shape, self._axis_names = shape, axis_names
        self._devices = devices.reshape(shape)
        self._backend_objects = {}

    @property
    def shape(self):
        return self._shape

    @property
    def axis_names(self):
        return list(self._axis_names)

    @property
    def devices(self):
        """The device names as an array of the mesh's shape."""
        return self._devices

    def axis_size(self, name):
        """The number of devices along mesh axis `name`."""
        if name not in self._axis_names:
            raise ValueError(f"{name!r} is not an axis of this mesh; its axes are {list(self._axis_names)}.")
        return self._shape[self._axis_names.index(name)]

    @property
    def backend_mesh(self):
        """This mesh as an object of the active backend (a `jax.sharding.Mesh` on jax)."""
        from kerasnb.engine.distribution.runtime import backend_part
        return self._cached(backend_part(), "mesh", lambda part: part.to_backend_mesh(self))

    def _cached(self, part, kind, make):
        """One backend object per (backend, kind), made on first use."""
        key = (part.__name__, kind)
        if key not in self._backend_objects:
            self._backend_objects[key] = make(part)
        return self._backend_objects[key]

    def __repr__(self):
        return f"<DeviceMesh shape={self._shape}, axis_names={list(self._axis_names)}>"


class TensorLayout:
    """How a tensor is split over a `DeviceMesh` (as `jax.sharding.NamedSharding`).

    Args:
        axes: one entry per tensor dim: a mesh axis name to split that dim over, or
            ``None`` to keep it whole (replicated).
        device_mesh: the mesh; may be set once later (a `LayoutMap` sets it).

    Example:
        >>> TensorLayout((None, "model")).axes
        (None, 'model')
    """

    def __init__(self, axes, device_mesh=None):
        if isinstance(axes, str) or not isinstance(axes, collections.abc.Iterable):
            raise ValueError(
                f"`axes` must be a tuple of mesh axis names or None; received axes={axes!r}.")
        self._axes = tuple(axes)
        if not all(a is None or isinstance(a, str) for a in self._axes):
            raise ValueError(
                f"`axes` entries must be mesh axis names (str) or None; received {self._axes}.")
        named = [a for a in self._axes if a is not None]
        if len(set(named)) != len(named):
            raise ValueError(f"`axes` uses a mesh axis twice: {self._axes}.")
        if device_mesh is not None and not isinstance(device_mesh, DeviceMesh):
            raise ValueError(
                f"`device_mesh` must be a DeviceMesh or None; received {type(device_mesh).__name__}.")
        self._device_mesh = device_mesh
        self._backend_objects = {}
        self._check_axes()

    @property
    def axes(self):
        return self._axes

    @property
    def device_mesh(self):
        return self._device_mesh

    @device_mesh.setter
    def device_mesh(self, device_mesh):
        if self._device_mesh is not None:
            raise ValueError(
                f"This TensorLayout already has a device mesh ({self._device_mesh}); "
                "it cannot be replaced.")
        if not isinstance(device_mesh, DeviceMesh):
            raise ValueError(f"`device_mesh` must be a DeviceMesh; received {type(device_mesh).__name__}.")
        self._device_mesh = device_mesh
        self._check_axes()

    def _check_axes(self):
        if self._device_mesh is None:
            return
        unknown = sorted({a for a in self._axes if a is not None} - set(self._device_mesh.axis_names))
        if unknown:
            raise ValueError(
                f"TensorLayout axes {unknown} are not axes of the device mesh; its axes are "
                f"{self._device_mesh.axis_names}.")

    def is_sharded(self):
        """Whether some tensor dim is split over a mesh axis of more than one device."""
        if self._device_mesh is None:
            return any(a is not None for a in self._axes)
        return any(a is not None and self._device_mesh.axis_size(a) > 1 for a in self._axes)

    @property
    def backend_layout(self):
        """This layout as an object of the active backend (a `NamedSharding` on jax)."""
        from kerasnb.engine.distribution.runtime import backend_part
        if self._device_mesh is None:
            raise ValueError("This TensorLayout has no device mesh yet: pass `device_mesh`.")
        part = backend_part()
        key = part.__name__
        if key not in self._backend_objects:
            self._backend_objects[key] = part.to_backend_layout(self)
        return self._backend_objects[key]

    def __repr__(self):
        return f"<TensorLayout axes={self._axes}, device_mesh={self._device_mesh}>"


class LayoutMap(collections.abc.MutableMapping):
    """Maps variable paths to `TensorLayout`s; keys are regexes.

    Looking up a path returns the layout of the key equal to it, else of the one key
    whose regex matches the whole path (`re.fullmatch`), else ``None``; a path that
    two keys match is an error. Values may be given as tuples of axis names.

    Args:
        device_mesh: the `DeviceMesh` given to layouts that have none.

    Example:
        >>> layout_map = LayoutMap(mesh)
        >>> layout_map[".*bias"] = ("model",)
        >>> layout_map["dense/bias"].axes, layout_map["dense/kernel"]
        (('model',), None)
    """

    def __init__(self, device_mesh):
        if not isinstance(device_mesh, DeviceMesh):
            raise ValueError(
                f"`device_mesh` must be a DeviceMesh; received {type(device_mesh).__name__}.")
        self._device_mesh = device_mesh
        self._layouts = {}

    @property
    def device_mesh(self):
        return self._device_mesh

    def __getitem__(self, key):
        if key in self._layouts:
            return self._layouts[key]
        matches = [pattern for pattern in self._layouts if re.fullmatch(pattern, key)]
        if len(matches) > 1:
            raise ValueError(
                f"Path {key!r} matches several LayoutMap keys: {matches}. Each path may match "
                "at most one key.")
        return self._layouts[matches[0]] if matches else None

    def __setitem__(self, key, layout):
        if not isinstance(key, str):
            raise ValueError(f"LayoutMap keys must be strings (regexes); received {key!r}.")
        if key in self._layouts:
            raise ValueError(
                f"LayoutMap key {key!r} is already set (to {self._layouts[key]}); keys cannot "
                "be redefined.")
        try:
            re.compile(key)
        except re.error as exc:
            raise ValueError(f"LayoutMap key {key!r} is not a valid regex: {exc}.") from None
        if isinstance(layout, (tuple, list)):
            layout = TensorLayout(layout)
        if not isinstance(layout, TensorLayout):
            raise ValueError(
                f"A LayoutMap value must be a TensorLayout or a tuple of axis names; received "
                f"{type(layout).__name__} for key {key!r}.")
        if layout.device_mesh is None:
            layout.device_mesh = self._device_mesh
        self._layouts[key] = layout

    def __delitem__(self, key):
        del self._layouts[key]

    def __contains__(self, key):
        """Whether `key` is one of the map's own keys (not whether some regex matches it)."""
        return key in self._layouts

    def __len__(self):
        return len(self._layouts)

    def __iter__(self):
        return iter(self._layouts)

    def __repr__(self):
        return f"<LayoutMap {len(self)} keys, device_mesh={self._device_mesh}>"
