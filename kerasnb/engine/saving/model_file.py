"""`.keras` model files: architecture, compile settings and weights in one zip, Keras 3's format.

The archive holds ``metadata.json`` (``keras_version`` — kerasnb's version here —,
``date_saved``), ``config.json`` (`serialize_keras_object(model)` plus ``build_config`` and
``compile_config`` when known), ``model.weights.h5`` (see `weights_file`) and, for objects
that save some, asset files under ``assets/`` (see `assets`). With ``zipped=False`` the same
files go into a directory named `filepath`.

Example:
    >>> save_model(model, "model.keras")
    >>> restored = load_model("model.keras")
"""

import datetime
import io
import json
import os
import shutil
import uuid
import warnings
import zipfile

from kerasnb.engine.saving import assets, serialization, weights_file
from kerasnb.engine.tracebacks import filter_traceback

CONFIG_FILE, METADATA_FILE, WEIGHTS_FILE = "config.json", "metadata.json", "model.weights.h5"
MODEL_SUFFIX = ".keras"


def _checked_path(filepath, owner, directory=False):
    """`filepath` as a str: a `.keras` file, or with `directory` a path not ending in `.keras`."""
    if not isinstance(filepath, (str, os.PathLike)):
        raise TypeError(f"`filepath` of `{owner}` must be a str or os.PathLike; "
                        f"received {type(filepath).__name__}.")
    filepath = os.fspath(filepath)
    if filepath.endswith((".h5", ".hdf5")) and not filepath.endswith(weights_file.WEIGHTS_SUFFIX):
        raise ValueError(f"`{owner}`: legacy Keras 2 HDF5 model files are not supported; use a "
                         f"'.keras' file. Received filepath={filepath!r}.")
    if directory and filepath.endswith(MODEL_SUFFIX):
        raise ValueError(f"`{owner}` with `zipped=False` writes a directory, whose name must not end "
                         f"in '.keras'; received filepath={filepath!r}.")
    if not directory and not filepath.endswith(MODEL_SUFFIX):
        raise ValueError(f"`{owner}` needs a filename ending in '.keras' (for weights only, use "
                         f"`save_weights` with '.weights.h5'); received filepath={filepath!r}.")
    return filepath


# Saving ------------------------------------------------------------------------------------

def model_config(model, include_optimizer=True):
    """The ``config.json`` content: the serialized model plus build and compile configs."""
    config = serialization.serialize_keras_object(model)
    get_build_config = getattr(model, "get_build_config", None)
    build_config = get_build_config() if get_build_config is not None and model.built else None
    if build_config is not None:
        config["build_config"] = build_config
    if include_optimizer and getattr(model, "compiled", False):
        compile_config = model.get_compile_config()
        if compile_config is not None:
            config["compile_config"] = compile_config
    return config


def _metadata():
    from kerasnb import __version__
    return {"keras_version": __version__,
            "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S")}


def _config_bytes(model, include_optimizer, filepath):
    """``config.json`` as bytes.

    Raises:
        TypeError: a config is not JSON-serializable; names the first layer whose is not.
    """
    try:
        return json.dumps(model_config(model, include_optimizer)).encode()
    except (TypeError, ValueError) as error:
        culprit = None
        for layer in model._flatten_layers(include_self=False):
            try:
                json.dumps(serialization.serialize_keras_object(layer))
            except (TypeError, ValueError):
                culprit = layer
                break
        where = (f"layer {culprit.name!r} ({type(culprit).__name__}) returns a `get_config()` that is "
                 "not JSON-serializable" if culprit is not None else "its config is not JSON-serializable")
        raise TypeError(f"Cannot save model {model.name!r} to {filepath}: {where}: {error}") from error


def _archive_members(model, include_optimizer, filepath):
    """``{name: bytes}`` of a `.keras` archive: its three files in Keras's order, then assets."""
    return {METADATA_FILE: json.dumps(_metadata()).encode(),
            CONFIG_FILE: _config_bytes(model, include_optimizer, filepath),
            WEIGHTS_FILE: weights_file.weights_bytes(model, include_optimizer),
            **assets.asset_members(model)}


def write_archive(members, path):
    """Writes `members` (``{name: bytes}``) as an uncompressed zip at `path`."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def _write_directory(members, filepath, overwrite):
    """The unzipped form: a directory `filepath` with the members, swapped in whole."""
    if os.path.exists(filepath) and not overwrite:
        raise FileExistsError(
            f"{filepath} already exists and `overwrite=False`; pass `overwrite=True` to replace it.")
    if os.path.isfile(filepath):
        raise ValueError(f"`save_model(zipped=False)` writes a directory, but {filepath} is a file.")
    parent, name = os.path.split(os.path.abspath(filepath))
    os.makedirs(parent, exist_ok=True)
    staging = os.path.join(parent, f".{name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    retired = f"{staging}.old"
    try:
        os.makedirs(staging)
        for member, data in members.items():
            os.makedirs(os.path.dirname(os.path.join(staging, member)), exist_ok=True)
            with open(os.path.join(staging, member), "wb") as handle:
                handle.write(data)
        if os.path.exists(filepath):
            os.replace(filepath, retired)
        os.replace(staging, filepath)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if os.path.exists(retired) and not os.path.exists(filepath):
            os.replace(retired, filepath)
        raise
    shutil.rmtree(retired, ignore_errors=True)


@filter_traceback
def save_model(model, filepath, overwrite=True, zipped=None, **kwargs):
    """Saves `model` (architecture, compile settings, weights, optimizer state) as ``.keras``.

    Args:
        model: the model to save.
        filepath: a path ending in ``.keras``.
        overwrite: replace an existing file; with False an existing file raises.
        zipped: True (the default) for a zip archive; False for a directory (whose name
            must not end in ``.keras``).
        **kwargs: ``include_optimizer`` (default True): also save the compile settings and
            the optimizer's variables.

    Raises:
        ValueError: wrong extension. FileExistsError: `filepath` exists and `overwrite` is False.
        TypeError: a layer's config is not JSON-serializable. On any error nothing is written
            and an existing file is left as it was.

    Example:
        >>> save_model(model, "model.keras")
    """
    include_optimizer = kwargs.pop("include_optimizer", True)
    if kwargs:
        raise ValueError(f"`save_model` got unsupported keyword arguments {sorted(kwargs)}.")
    filepath = _checked_path(filepath, "save_model", directory=zipped is False)
    members = _archive_members(model, include_optimizer, filepath)
    if zipped is False:
        _write_directory(members, filepath, overwrite)
        return
    with weights_file.atomic_output(filepath, overwrite) as temp_path:
        write_archive(members, temp_path)


# Loading -----------------------------------------------------------------------------------

def read_members(filepath):
    """``{name: bytes}`` of a `.keras` zip or directory, checked for the model config.

    Raises:
        ValueError: not a zip (or directory) in the `.keras` format, or a damaged one.
    """
    if os.path.isdir(filepath):
        names = [n for n in (CONFIG_FILE, METADATA_FILE, WEIGHTS_FILE)
                 if os.path.isfile(os.path.join(filepath, n))]
        members = {}
        for root, _, files in os.walk(os.path.join(filepath, assets.PREFIX)):
            names += [os.path.relpath(os.path.join(root, f), filepath).replace(os.sep, "/") for f in files]
        for name in names:
            with open(os.path.join(filepath, name), "rb") as handle:
                members[name] = handle.read()
    else:
        if not zipfile.is_zipfile(filepath):
            raise ValueError(f"{filepath} is not a `.keras` file: it is not a zip archive "
                             "(it may be truncated, corrupt, or another format).")
        try:
            with zipfile.ZipFile(filepath) as archive:
                members = {name: archive.read(name) for name in archive.namelist()
                           if name in (CONFIG_FILE, METADATA_FILE, WEIGHTS_FILE) or assets.is_asset(name)}
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
            raise ValueError(f"{filepath} is a damaged `.keras` archive: {error}") from None
    if CONFIG_FILE not in members:
        raise ValueError(f"{filepath} is not a `.keras` model file: it has no {CONFIG_FILE!r}.")
    return members


def _json_member(members, name, filepath):
    try:
        value = json.loads(members[name].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"{filepath}: {name!r} is not valid JSON ({error}).") from None
    if not isinstance(value, dict):
        raise ValueError(f"{filepath}: {name!r} must hold a JSON object; found {type(value).__name__}.")
    return value


def _restore_weights(model, members, filepath, skip_mismatch=False):
    if WEIGHTS_FILE not in members:
        if model.weights:
            raise ValueError(f"{filepath} has no {WEIGHTS_FILE!r}, but the model has "
                             f"{len(model.weights)} weights to restore.")
        return
    description = f"{WEIGHTS_FILE} in {filepath}"
    with weights_file.open_weights(io.BytesIO(members[WEIGHTS_FILE]), description) as h5_file:
        weights_file.read_weights(model, h5_file, description, skip_mismatch)


def load_weights_from_model_file(model, filepath, skip_mismatch=False):
    """Loads the weights stored in the `.keras` file `filepath` into an existing `model`."""
    _restore_weights(model, read_members(filepath), filepath, skip_mismatch)


def _build_and_compile(model, config, compile, filepath):
    build_config = config.get("build_config")
    if build_config and not model.built:
        if hasattr(model, "build_from_config"):
            model.build_from_config(build_config)
        else:
            model.build(build_config["input_shape"])
    compile_config = config.get("compile_config")
    if not (compile and compile_config):
        return
    if not hasattr(model, "compile_from_config"):
        warnings.warn(f"{filepath} holds compile settings, but {type(model).__name__} cannot "
                      "restore them (no `compile_from_config`); the model is returned uncompiled.",
                      stacklevel=3)
        return
    try:
        model.compile_from_config(compile_config)
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"{filepath}: cannot restore the compile settings ({error}); pass "
                         "`compile=False` to load the model uncompiled.") from error
    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None and hasattr(optimizer, "build") and not getattr(optimizer, "built", True):
        optimizer.build(model.trainable_variables)


def _rebuild(config, custom_objects, safe_mode, filepath):
    from kerasnb.engine.layers.layer import Layer
    try:
        model = serialization.deserialize_keras_object(
            config, custom_objects=custom_objects, safe_mode=safe_mode)
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"{filepath}: cannot rebuild the model from {CONFIG_FILE}: {error}") from error
    if not isinstance(model, Layer):
        raise ValueError(f"{filepath}: {CONFIG_FILE} does not describe a model; it gives a "
                         f"{type(model).__name__}.")
    return model


@filter_traceback
def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Rebuilds a model saved by `save_model` (or Keras 3): architecture, weights, and, with
    `compile`, the compile settings and optimizer state.

    The model is built and every weight is checked and filled before it is returned; on any
    error nothing is returned.

    Args:
        filepath: a ``.keras`` zip, or a directory saved with ``zipped=False``.
        custom_objects: ``{name: class or function}`` for custom objects in the config.
        compile: restore the compile settings and optimizer state.
        safe_mode: refuse configs that would run arbitrary code (lambdas).

    Raises:
        ValueError: wrong extension, or a corrupt, truncated or foreign file.

    Example:
        >>> model = load_model("model.keras", custom_objects={"Scale": Scale})
    """
    if isinstance(filepath, (str, os.PathLike)) and os.path.isdir(filepath):
        filepath = os.fspath(filepath)
    else:
        filepath = _checked_path(filepath, "load_model")
    if not os.path.exists(filepath):
        raise FileNotFoundError(f"No model file at {filepath}.")
    members = read_members(filepath)
    config = _json_member(members, CONFIG_FILE, filepath)
    if METADATA_FILE in members:
        _json_member(members, METADATA_FILE, filepath)
    with serialization.CustomObjectScope(custom_objects):
        model = _rebuild(config, custom_objects, safe_mode, filepath)
        _build_and_compile(model, config, compile, filepath)
    _restore_weights(model, members, filepath)
    assets.restore_assets(model, members, filepath)
    return model
