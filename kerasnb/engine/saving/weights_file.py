"""`.weights.h5` files: every variable of a model, stored by the path of the object owning it.

The layout is Keras 3's, so files move between kerasnb and Keras: each saveable object (a
layer, a model, the optimizer) gets an HDF5 group named by its path from the root model;
its variables sit in the sub-group ``vars`` (attribute ``name``: the object's name) as
datasets ``"0"``, ``"1"``, ... (trainable ones first, each in creation order), or under the
names a layer gives in ``_saved_variable_keys()`` (Keras's lookup layers store
``"idf_weights"``). Paths follow
attributes: ``layers/<snake_case class name>[_k]`` for the layers of a Sequential or
functional model, ``<attribute>`` for a layer held in an attribute or property (public names
win over private ones), and ``<attribute>/<snake_case class name>[_k]`` for layers in a list
or dict attribute.

Writes are atomic (a temp file in the same directory, then `os.replace`), and loading checks
every layer before it assigns anything, so a failed load leaves the model untouched.

Example:
    >>> save_weights(model, "run.weights.h5")
    >>> load_weights(model, "run.weights.h5")
"""

import contextlib
import io
import os
import uuid
import warnings

import h5py
import numpy as np

from kerasnb.engine.backend.common import numpy_dtype
from kerasnb.engine.naming import to_snake_case
from kerasnb.engine.tensors import Variable

WEIGHTS_SUFFIX = ".weights.h5"
_base_attributes = {}   # kerasnb base class -> attribute names its constructor sets


# Where each object's variables live --------------------------------------------------------

def _bookkeeping_attributes(obj):
    """Names that kerasnb's own base class of `obj` has (they are never children): found once
    per base class from ``dir()`` of a bare, explicitly named instance of it."""
    from kerasnb.engine.layers.input_layer import Input
    from kerasnb.engine.layers.layer import Layer
    from kerasnb.engine.models.functional import Functional
    from kerasnb.engine.models.model import Model
    from kerasnb.engine.models.sequential import Sequential
    base = next(cls for cls in (Functional, Sequential, Model, Layer) if isinstance(obj, cls))
    if base not in _base_attributes:
        if base is Functional:
            probe_input = Input(shape=(1,), name="_weights_file_probe")
            probe = Functional(probe_input, probe_input, name="_weights_file_probe")
        else:
            probe = base(name="_weights_file_probe")
        _base_attributes[base] = frozenset(dir(probe))
    return _base_attributes[base]


def _attribute_order(name):
    """Keras's visiting order: public names first, then private ones, each sorted."""
    return (name.startswith("_"), name)


def _children(obj, include_optimizer):
    """``(attribute, value)`` pairs of `obj` that may hold saveable objects, in Keras's order:
    the graph layers first (Sequential, functional), then every attribute and property that
    `obj`'s kerasnb base class lacks (public names first), then the optimizer of a model (if
    `include_optimizer`). A property that raises is passed over."""
    from kerasnb.engine.models.functional import Functional
    from kerasnb.engine.models.model import Model
    from kerasnb.engine.models.sequential import Sequential
    if isinstance(obj, (Sequential, Functional)):
        yield "layers", obj.layers
    optimizer = getattr(obj, "optimizer", None) if isinstance(obj, Model) else None
    skip = _bookkeeping_attributes(obj)
    for name in sorted(dir(obj), key=_attribute_order):
        if name.startswith("__") or name in skip:
            continue
        try:
            value = getattr(obj, name)
        except Exception:  # noqa: BLE001 - a property that cannot be computed holds no state
            continue
        if value is not optimizer:
            yield name, value
    if optimizer is not None and include_optimizer:
        yield "optimizer", optimizer


def _own_variables(obj):
    """The variables stored under `obj`'s ``vars`` group, in file order."""
    from kerasnb.engine.layers.layer import Layer
    if not isinstance(obj, Layer):  # the optimizer
        return list(obj.variables)
    if hasattr(obj, "_saved_variables"):  # a layer with its own file layout (e.g. quantized Dense)
        return obj._saved_variables()
    seen, found = set(), []
    for variable in obj._own_variables + obj._tracked(Variable):
        if id(variable) not in seen:
            seen.add(id(variable))
            found.append(variable)
    return [v for v in found if v.trainable] + [v for v in found if not v.trainable]


def _dataset_keys(obj, count):
    """The dataset names of `obj`'s ``vars`` group: its own ``_saved_variable_keys()``, or
    ``"0"``, ``"1"``, ... for `count` variables (None: the numbered keys the file has)."""
    if hasattr(obj, "_saved_variable_keys"):
        return list(obj._saved_variable_keys())
    return None if count is None else [str(i) for i in range(count)]


def _keras_class_name(layer):
    """The class name Keras 3 gives `layer`'s class where it differs from kerasnb's
    (``_keras_class_name``, e.g. GroupedQueryAttention), else the class's own name."""
    return vars(type(layer)).get("_keras_class_name", type(layer).__name__)


def _flat_items(container):
    for item in container.values() if isinstance(container, dict) else container:
        if isinstance(item, (list, tuple, dict, set)):
            yield from _flat_items(item)
        else:
            yield item


def saveable_objects(model, include_optimizer=True):
    """``[(path, object, variables)]`` for `model` and every layer (and optimizer) under it;
    a layer reachable along several paths is listed once, at the first. The root's path is
    ``""``.

    Example:
        >>> [path for path, _, _ in saveable_objects(model)]
        ['', 'layers/dense', 'layers/dense_1']
    """
    from kerasnb.engine.layers.layer import Layer
    found, visited = [], set()

    def visit(obj, path):
        if id(obj) in visited:
            return
        visited.add(id(obj))
        found.append((path, obj, _own_variables(obj)))
        if not isinstance(obj, Layer):
            return
        for attribute, value in _children(obj, include_optimizer):
            child_path = f"{path}/{attribute}" if path else attribute
            if isinstance(value, Layer) or attribute == "optimizer":
                visit(value, child_path)
            elif isinstance(value, (list, tuple, dict, set)):
                used = {}
                for item in _flat_items(value):
                    if isinstance(item, Layer):
                        name = to_snake_case(_keras_class_name(item))
                        used[name] = used.get(name, -1) + 1
                        suffix = f"_{used[name]}" if used[name] else ""
                        visit(item, f"{child_path}/{name}{suffix}")

    visit(model, "")
    return found


# Writing -----------------------------------------------------------------------------------

def _dataset_value(variable):
    """The variable as a NumPy array h5py can store, and the dataset's attributes."""
    array = np.asarray(variable.numpy())
    if array.dtype.name == "bfloat16":  # no HDF5 type: stored as opaque 2-byte values
        return array.view("V2"), {"dtype": "bfloat16"}
    return array, {}


def write_weights(model, h5_file, include_optimizer=True):
    """Writes every variable of `model` into the open `h5py.File` `h5_file`."""
    for path, obj, variables in saveable_objects(model, include_optimizer):
        group = h5_file.require_group(f"{path}/vars" if path else "vars")
        group.attrs["name"] = getattr(obj, "name", type(obj).__name__)
        for key, variable in zip(_dataset_keys(obj, len(variables)), variables):
            value, attributes = _dataset_value(variable)
            dataset = group.create_dataset(key, data=value)
            dataset.attrs.update(attributes)


@contextlib.contextmanager
def atomic_output(filepath, overwrite):
    """Yields a temp path next to `filepath`; when the block succeeds it replaces `filepath`,
    and on any error it is deleted and an existing `filepath` is left untouched.

    Raises:
        FileExistsError: `filepath` exists and `overwrite` is False.
    """
    if not overwrite and os.path.exists(filepath):
        raise FileExistsError(
            f"{filepath} already exists and `overwrite=False`; pass `overwrite=True` to replace it.")
    directory, name = os.path.split(os.path.abspath(filepath))
    os.makedirs(directory, exist_ok=True)
    temp_path = os.path.join(directory, f".{name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        yield temp_path
        os.replace(temp_path, filepath)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(temp_path)
        raise


def _check_suffix(filepath, suffixes, argument_owner):
    if not isinstance(filepath, (str, os.PathLike)):
        raise TypeError(f"`filepath` of `{argument_owner}` must be a str or os.PathLike; "
                        f"received {type(filepath).__name__}.")
    filepath = os.fspath(filepath)
    if not filepath.endswith(suffixes):
        raise ValueError(f"`{argument_owner}` needs a filename ending in "
                         f"{' or '.join(repr(s) for s in suffixes)}; received filepath={filepath!r}.")
    return filepath


def save_weights(model, filepath, overwrite=True, max_shard_size=None, **kwargs):
    """Saves every variable of `model` (and its optimizer's) to a ``.weights.h5`` file.

    Args:
        model: the model (or layer) whose variables to save.
        filepath: a path ending in ``.weights.h5``.
        overwrite: replace an existing file; with False an existing file raises.
        max_shard_size: sharded weight files are not supported yet; must be None.

    Raises:
        ValueError: wrong extension. FileExistsError: the file exists and `overwrite` is False.

    Example:
        >>> save_weights(model, "model.weights.h5")
    """
    if kwargs:
        raise TypeError(f"`save_weights` got unexpected keyword arguments {sorted(kwargs)}.")
    if max_shard_size is not None:
        raise NotImplementedError("Sharded weight files (`max_shard_size`) are not supported yet; "
                                  f"received max_shard_size={max_shard_size!r}.")
    filepath = _check_suffix(filepath, (WEIGHTS_SUFFIX,), "save_weights")
    with atomic_output(filepath, overwrite) as temp_path:
        with h5py.File(temp_path, "w") as h5_file:
            write_weights(model, h5_file)


def weights_bytes(model, include_optimizer=True):
    """The ``.weights.h5`` file of `model` as bytes (written in memory)."""
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as h5_file:
        write_weights(model, h5_file, include_optimizer)
    return buffer.getvalue()


# Reading -----------------------------------------------------------------------------------

@contextlib.contextmanager
def open_weights(source, description):
    """Opens `source` (a path or a binary file object) as HDF5 for reading.

    Raises:
        ValueError: `source` is not a readable HDF5 file (corrupt, truncated or foreign).
    """
    try:
        h5_file = h5py.File(source, "r")
    except (OSError, ValueError) as error:
        raise ValueError(f"{description} is not a readable HDF5 weights file (corrupt, truncated "
                         f"or another format): {error}") from None
    with h5_file:
        if "vars" not in h5_file:
            raise ValueError(
                f"{description} is an HDF5 file but not a Keras 3 weights file: it has no top-level "
                f"'vars' group (found {sorted(h5_file.keys())}). Legacy Keras 2 `.h5` weights are "
                "not supported.")
        yield h5_file


def _stored_arrays(group, description, path, keys=None):
    """The datasets `keys` (default: ``"0"``, ``"1"``, ...) of a ``vars`` group as NumPy arrays."""
    if group is None:
        return []
    if keys is not None:
        found = sorted(group.keys()) if isinstance(group, h5py.Group) else []
        missing = [key for key in keys if key not in found or not isinstance(group[key], h5py.Dataset)]
        if missing:
            raise ValueError(f"{description}: {path}/vars lacks the datasets {missing} (found {found}).")
    else:
        keys = [str(i) for i in range(len(group))] if isinstance(group, h5py.Group) else None
        if keys is None or sorted(keys) != sorted(group.keys()) or not all(
                isinstance(group[key], h5py.Dataset) for key in keys):
            raise ValueError(f"{description}: {path}/vars is not a group of datasets named '0', "
                             "'1', ... as Keras 3 weights files have.")
    arrays = []
    for key in keys:
        dataset = group[key]
        try:
            value = np.asarray(dataset[()])
        except (OSError, ValueError, TypeError) as error:
            raise ValueError(f"{description}: dataset {path or '/'}vars/{key} cannot be read "
                             f"(corrupt or truncated file): {error}") from None
        if dataset.attrs.get("dtype") == "bfloat16":
            value = value.view(numpy_dtype("bfloat16"))
        arrays.append(value)
    return arrays


def _mismatch(obj, path, variables, arrays):
    """Why `arrays` cannot fill `variables` of `obj`, or None when they can."""
    where = f"{type(obj).__name__} {obj.name!r} (path {path or '/'!r})"
    if len(arrays) != len(variables):
        if not variables and not getattr(obj, "built", True):
            return (f"{where} is not built, so it has no variables yet, but the file holds "
                    f"{len(arrays)}; build the model (call it on data or `build(input_shape)`) first.")
        return (f"{where} expects {len(variables)} variables {[v.name for v in variables]}; "
                f"the file holds {len(arrays)}.")
    for variable, array in zip(variables, arrays):
        if tuple(array.shape) != tuple(variable.shape):
            return (f"{where}: variable {variable.name!r} expects shape {tuple(variable.shape)}; "
                    f"the file holds shape {tuple(array.shape)}.")
    return None


def read_weights(model, h5_file, description, skip_mismatch=False):
    """Fills the variables of `model` from the open `h5_file`, all or nothing.

    Every layer is checked first (variable count and shapes); only then are values assigned.
    A mismatching optimizer is skipped with a warning (as Keras does), e.g. when it has not
    been built yet.

    Raises:
        ValueError: a layer does not match and `skip_mismatch` is False.
    """
    from kerasnb.engine.layers.layer import Layer
    assignments, problems = [], []
    for path, obj, variables in saveable_objects(model):
        group = h5_file.get(f"{path}/vars" if path else "vars")
        arrays = _stored_arrays(group, description, path, _dataset_keys(obj, None))
        problem = _mismatch(obj, path, variables, arrays)
        if problem is None:
            assignments.extend(zip(variables, arrays))
        elif not isinstance(obj, Layer):
            warnings.warn(f"Skipping the optimizer state in {description}: {problem}", stacklevel=3)
        else:
            problems.append(problem)
    if problems:
        message = (f"{len(problems)} object(s) of {model.name!r} do not match the weights in "
                   f"{description}:\n  " + "\n  ".join(problems))
        if not skip_mismatch:
            raise ValueError(message)
        warnings.warn(f"Skipped (skip_mismatch=True): {message}", stacklevel=3)
    for variable, array in assignments:
        variable.assign(array)


def load_weights(model, filepath, skip_mismatch=False, **kwargs):
    """Loads variables saved by `save_weights` (or a ``.keras`` model file) into `model`.

    Args:
        model: a built model with the architecture that was saved.
        filepath: a ``.weights.h5`` file, or a ``.keras`` file (its weights are used).
        skip_mismatch: skip layers whose variable count or shapes differ (with a warning)
            instead of raising.

    Raises:
        ValueError: wrong extension; a corrupt, truncated or foreign file; a layer that does
            not match (unless `skip_mismatch`). Nothing is assigned when it raises.

    Example:
        >>> load_weights(model, "model.weights.h5")
    """
    if kwargs:
        raise ValueError(f"`load_weights` got unsupported keyword arguments {sorted(kwargs)}.")
    filepath = _check_suffix(filepath, (WEIGHTS_SUFFIX, ".keras"), "load_weights")
    if not os.path.exists(filepath):
        raise FileNotFoundError(f"No weights file at {filepath}.")
    if filepath.endswith(".keras"):
        from kerasnb.engine.saving.model_file import load_weights_from_model_file
        load_weights_from_model_file(model, filepath, skip_mismatch)
        return
    with open_weights(filepath, f"File {filepath}") as h5_file:
        read_weights(model, h5_file, f"file {filepath}", skip_mismatch)
