"""Every public name of the Keras 3.15.1 inventory in scope exists in kerasnb, as a real module."""

import ast
import importlib
import inspect
import os

import pytest

API = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "..", "shared", "api")
API = os.environ.get("KERASNB_API_DIR", os.path.normpath(API))

# keras namespace -> kerasnb module; each grows as its issue lands.
NAMESPACES = {
    "keras.ops": "kerasnb.ops",
    "keras.ops.nn": "kerasnb.ops.nn",
    "keras.ops.linalg": "kerasnb.ops.linalg",
    "keras.ops.image": "kerasnb.ops.image",
    "keras.ops.numpy": "kerasnb.ops.numpy",
    "keras.random": "kerasnb.random",
    "keras.tree": "kerasnb.tree",
    "keras.initializers": "kerasnb.initializers",
    "keras.activations": "kerasnb.activations",
    "keras.regularizers": "kerasnb.regularizers",
    "keras.constraints": "kerasnb.constraints",
    "keras.layers": "kerasnb.layers",
    "keras.losses": "kerasnb.losses",
    "keras.metrics": "kerasnb.metrics",
    "keras.optimizers": "kerasnb.optimizers",
    "keras.optimizers.schedules": "kerasnb.optimizers.schedules",
    "keras.callbacks": "kerasnb.callbacks",
    "keras.utils": "kerasnb.utils",
    "keras.export": "kerasnb.export",
    "keras.distribution": "kerasnb.distribution",
    "keras.dtype_policies": "kerasnb.dtype_policies",
    "keras.quantizers": "kerasnb.quantizers",
}

# Names whose issue has not landed yet: the preprocessing/augmentation family (issue 9), the
# framework-wrapping layers that issue 3 scoped out, and OrbaxCheckpoint (issue 4 excludes it:
# Orbax is a JAX-only checkpoint library).
DEFERRED = {
    "keras.layers": {
        "FlaxLayer", "JaxLayer", "TFSMLayer", "TorchModuleWrapper",
    },
    "keras.callbacks": {"OrbaxCheckpoint"},
}


def inventory(namespace):
    with open(os.path.join(API, f"{namespace}.txt")) as f:
        rows = [line.rstrip("\n").split("\t") for line in f if not line.startswith("#")]
    return [(kind, text.split("(", 1)[0], text) for kind, text in rows]


def keras_parameters(text):
    """Parameter names of a ``name(signature)`` line of the inventory."""
    args = ast.parse(f"def f{text[text.index('('):]}: pass").body[0].args
    return [a.arg for a in args.posonlyargs + args.args + [args.vararg] + args.kwonlyargs + [args.kwarg] if a]


@pytest.mark.parametrize("namespace", sorted(NAMESPACES))
def test_every_name_exists_with_keras_parameters(namespace):
    module = importlib.import_module(NAMESPACES[namespace])
    missing, mismatched = [], []
    for kind, name, text in inventory(namespace):
        if name in DEFERRED.get(namespace, ()):
            assert not hasattr(module, name), f"{name} has landed: remove it from DEFERRED"
            continue
        obj = getattr(module, name, None)
        if obj is None:
            missing.append(name)
            continue
        expected = keras_parameters(text)
        target = obj.__init__ if inspect.isclass(obj) else obj
        if target is object.__init__:
            target = lambda: None  # noqa: E731  (a class with no constructor arguments)
        try:
            params = [p.name for p in inspect.signature(target).parameters.values() if p.name != "self"]
        except (TypeError, ValueError):
            continue
        if params != expected and expected != ["args", "kwargs"]:  # Keras's generic signature
            mismatched.append(f"{name}: {params} != {expected}")
    assert not missing, f"{namespace} lacks {missing}"
    assert not mismatched, "\n".join(mismatched)


def test_public_namespaces_are_importable_modules():
    from kerasnb.ops import matmul  # noqa: F401
    from kerasnb.ops.nn import relu  # noqa: F401
    from kerasnb.random import normal  # noqa: F401
    import kerasnb.ops as ops
    assert ops.numpy.add is ops.add


@pytest.mark.parametrize("namespace", ["keras.ops.numpy", "keras.ops.nn", "keras.ops.linalg", "keras.ops.image"])
def test_sub_namespaces_hold_exactly_the_keras_names(namespace):
    module = importlib.import_module(NAMESPACES[namespace])
    assert sorted(module.__all__) == sorted(name for _, name, _ in inventory(namespace))


def test_every_op_is_exercised_by_a_test():
    """Each keras.ops* name is called (``ops.name``) or named (``"name"``) in some test module."""
    import glob
    import re
    tests_dir = os.path.dirname(os.path.abspath(__file__))
    source = "".join(open(f).read() for f in glob.glob(os.path.join(tests_dir, "**", "test_*.py"), recursive=True))
    names = {name for ns in NAMESPACES if ns.startswith("keras.ops") for _, name, _ in inventory(ns)}
    untested = sorted(n for n in names if not re.search(rf"\b(ops|image|nn|linalg|numpy)\.{n}\b|[\"']{n}[\"']", source))
    assert not untested, f"no test calls {untested}"
