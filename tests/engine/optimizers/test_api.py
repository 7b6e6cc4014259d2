"""Every public name of keras.optimizers and keras.optimizers.schedules exists in kerasnb, with
Keras's parameter names and defaults."""

import ast
import inspect
import os

import pytest

import kerasnb.optimizers
import kerasnb.optimizers.schedules

API = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "shared", "api"))


def _inventory(namespace):
    with open(os.path.join(API, f"{namespace}.txt")) as f:
        return [line.rstrip("\n").split("\t")[1] for line in f if not line.startswith("#")]


def _keras_signature(text):
    """``[(name, default or inspect.Parameter.empty)]`` of an inventory line."""
    args = ast.parse(f"def f{text[text.index('('):]}: pass").body[0].args
    positional = args.posonlyargs + args.args
    defaults = [inspect.Parameter.empty] * (len(positional) - len(args.defaults)) + \
        [ast.literal_eval(d) for d in args.defaults]
    found = [(a.arg, d) for a, d in zip(positional, defaults)]
    if args.vararg:
        found.append(("*" + args.vararg.arg, inspect.Parameter.empty))
    found += [(a.arg, ast.literal_eval(d) if d is not None else inspect.Parameter.empty)
              for a, d in zip(args.kwonlyargs, args.kw_defaults)]
    if args.kwarg:
        found.append(("**" + args.kwarg.arg, inspect.Parameter.empty))
    return found


def _our_signature(obj):
    found = []
    for p in inspect.signature(obj).parameters.values():
        name = {p.VAR_POSITIONAL: "*", p.VAR_KEYWORD: "**"}.get(p.kind, "") + p.name
        found.append((name, p.default))
    return found


@pytest.mark.parametrize("namespace,module", [
    ("keras.optimizers", kerasnb.optimizers),
    ("keras.optimizers.schedules", kerasnb.optimizers.schedules)])
def test_names_and_signatures(namespace, module):
    for text in _inventory(namespace):
        name = text.split("(", 1)[0]
        assert hasattr(module, name), f"{namespace}.{name} is missing"
        assert _our_signature(getattr(module, name)) == _keras_signature(text), f"{namespace}.{name}"


def test_schedules_is_a_submodule():
    assert kerasnb.optimizers.schedules.__name__ == "kerasnb.optimizers.schedules"
    from kerasnb.optimizers.schedules import CosineDecay  # noqa: F401
