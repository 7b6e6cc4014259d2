"""Assets in `.keras` files: extra files an object saves beside its weights (e.g. a lookup
layer's learned ``vocabulary.txt``), stored as Keras 3 does under ``assets/<object path>/``.

An object takes part by defining ``save_assets(dir_path)`` and ``load_assets(dir_path)``;
object paths are those of the weights file (`weights_file.saveable_objects`).

Example:
    >>> sorted(asset_members(model))
    ['assets/layers/string_lookup/vocabulary.txt']
"""

import os
import posixpath
import tempfile

from kerasnb.engine.saving import weights_file

PREFIX = "assets/"


def asset_members(model):
    """``{"assets/<path>/<file>": bytes}`` written by every object of `model` with `save_assets`."""
    members = {}
    for path, obj, _ in weights_file.saveable_objects(model, include_optimizer=False):
        if not hasattr(obj, "save_assets"):
            continue
        with tempfile.TemporaryDirectory() as folder:
            obj.save_assets(folder)
            for root, _, files in os.walk(folder):
                for name in sorted(files):
                    relative = os.path.relpath(os.path.join(root, name), folder).replace(os.sep, "/")
                    with open(os.path.join(root, name), "rb") as handle:
                        members[posixpath.join(PREFIX + path, relative) if path else PREFIX + relative] = \
                            handle.read()
    return members


def is_asset(name):
    """Whether archive member `name` is an asset file (not a directory entry)."""
    return name.startswith(PREFIX) and not name.endswith("/")


def restore_assets(model, members, description):
    """Hands every object of `model` with `load_assets` its folder of asset `members`.

    Raises:
        ValueError: a member name leaves the assets folder (``..`` or an absolute path).
    """
    names = [name for name in members if is_asset(name)]
    if not names:
        return
    with tempfile.TemporaryDirectory() as folder:
        for name in names:
            relative = posixpath.normpath(name[len(PREFIX):])
            if relative.startswith(("../", "/")) or relative == "..":
                raise ValueError(f"{description}: the asset {name!r} points outside the assets folder.")
            target = os.path.join(folder, *relative.split("/"))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as handle:
                handle.write(members[name])
        for path, obj, _ in weights_file.saveable_objects(model, include_optimizer=False):
            directory = os.path.join(folder, *path.split("/")) if path else folder
            if hasattr(obj, "load_assets") and os.path.isdir(directory):
                obj.load_assets(directory)
