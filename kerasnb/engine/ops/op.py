"""The op pattern: one public function per op, a symbolic rule, and a backend lookup.

An op is written once::

    @op(rules.unary_float)
    def sqrt(x):
        \"\"\"Docstring.\"\"\"

and dispatched at call time: KerasTensor inputs go to the rule (shape and dtype only,
no framework needed); everything else goes to the active backend's function of the same
name in the op's family module (``backend/<name>/<family>.py``). If the backend has none,
the decorated body runs instead: a composite written with other kerasnb ops, so it works
on every backend. A body that is only a docstring means "native only": a backend without
it raises ``NotImplementedError`` naming the op and the backend.
"""

import functools
import inspect

from kerasnb.engine import backend
from kerasnb.engine.tensors import KerasTensor, Node

_state = backend._state


def _docstring_only():
    """A body that is only a docstring."""


_EMPTY_BODIES = {_docstring_only.__code__.co_code, (lambda: None).__code__.co_code}


def flatten(x):
    """Leaves of nested lists, tuples and dicts (a tiny version of `kerasnb.tree.flatten`)."""
    if isinstance(x, (list, tuple)):
        return [leaf for item in x for leaf in flatten(item)]
    if isinstance(x, dict):
        return [leaf for key in sorted(x) for leaf in flatten(x[key])]
    return [x]


def pack(structure, flat):
    """Rebuilds `structure` (lists, tuples, dicts) with the leaves of `flat`, in order."""
    leaves = iter(flat)

    def build(x):
        if isinstance(x, (list, tuple)):
            return type(x)(build(v) for v in x)
        if isinstance(x, dict):
            return {k: build(x[k]) for k in sorted(x)}
        return next(leaves)

    return build(structure)


_CONTAINERS = (list, tuple, dict)
_PLAIN = backend.native_types  # types that can never hold a KerasTensor
_NAMES = {str, type(None)}  # nor can dtype names and None


def has_symbolic(args, kwargs=None):
    """True if any argument, or a leaf of a list/tuple/dict argument, is a KerasTensor."""
    return _any_symbolic(args) or bool(kwargs) and _any_symbolic(kwargs.values())


def _any_symbolic(values):
    for value in values:
        kind = type(value)
        if kind in _PLAIN or kind in _NAMES:  # tensors, numbers, names: a set lookup each
            continue
        if isinstance(value, KerasTensor) or kind in _CONTAINERS and any(
                isinstance(a, KerasTensor) for a in flatten(value)):
            return True
    return False


def symbolic_call(operation, rule, args, kwargs):
    """Runs `rule` and records the call in the history of every KerasTensor it returns."""
    outputs = rule(*args, **kwargs)
    node = Node(operation, args, kwargs, outputs)
    for out in flatten(outputs):
        if isinstance(out, KerasTensor):
            out.history = node
    return outputs


_FAST_TEMPLATE = """
def wrapper({args}):
    if {plain}:
        return (impls.get(_state.module) or resolve())({args})
    return general({args})
"""


def _fast_wrapper(names, general, impls, resolve):
    """A wrapper with the op's own parameter names that skips the symbolic scan for plain inputs."""
    scope = {"_PLAIN": _PLAIN, "_NAMES": _NAMES, "_state": _state, "impls": impls,
             "resolve": resolve, "general": general}
    plain = " and ".join(f"(type({n}) in _PLAIN or type({n}) in _NAMES)" for n in names)
    exec(_FAST_TEMPLATE.format(args=", ".join(names), plain=plain), scope)
    return scope["wrapper"]


def positional_binder(signature):
    """``bind(args, kwargs) -> (args, kwargs)``: the call's arguments with every keyword
    argument that can go by position moved there, as ``signature.bind`` then
    ``BoundArguments.args``/``.kwargs`` give them, without building a `BoundArguments`.

    Calls it cannot map plainly (an unknown or repeated name, a missing argument, a
    signature with ``*args``, ``**kwargs`` or positional-only parameters) go through
    ``signature.bind``, which also raises its usual `TypeError`.

    Example:
        >>> bind = positional_binder(inspect.signature(lambda x, axis=None, keepdims=False: 0))
        >>> bind((1,), {"axis": 0, "keepdims": True})
        ((1, 0, True), {})
    """
    params = list(signature.parameters.values())
    positional = [p for p in params if p.kind is p.POSITIONAL_OR_KEYWORD]
    keyword_only = [p for p in params if p.kind is p.KEYWORD_ONLY]

    def general(args, kwargs):
        bound = signature.bind(*args, **kwargs)
        return bound.args, bound.kwargs

    if len(positional) + len(keyword_only) != len(params):
        return general
    names = tuple(p.name for p in positional)
    known = frozenset(p.name for p in params)
    required = sum(p.default is p.empty for p in positional)
    required_keywords = frozenset(p.name for p in keyword_only if p.default is p.empty)

    def plan(count, keys):
        """``(moved, rest)``: the keyword names that go by position (in order) and those
        that stay keywords, for `count` positional arguments; None if not plainly mappable."""
        if count > len(names) or not known.issuperset(keys) or not set(keys).isdisjoint(names[:count]):
            return None
        moved = []
        for name in names[count:]:
            if name not in keys:
                break
            moved.append(name)
        rest = tuple(k for k in keys if k not in moved)
        if count + len(moved) < required or not required_keywords.issubset(rest):
            return None
        return tuple(moved), rest

    plans = {}  # (positional count, keyword names in call order) -> mappable plan

    def bind(args, kwargs):
        key = (len(args), tuple(kwargs))
        found = plans.get(key)
        if found is None:
            found = plan(*key)
            if found is None:
                return general(args, kwargs)
            plans[key] = found
        moved, rest = found
        args = tuple(args) + tuple([kwargs[name] for name in moved]) if moved else tuple(args)
        return args, {name: kwargs[name] for name in rest} if rest else {}

    return bind


def op(rule, family="numpy", name=None, check=None):
    """Decorator turning `fn` into a multi-backend op with symbolic rule `rule`.

    Args:
        rule: ``rule(*args, **kwargs)`` returns the output KerasTensor(s).
        family: backend module holding the native implementations
            (``numpy``, ``nn``, ``math``, ``linalg``, ``image``, ``core``, ``random``).
        name: backend function name, defaults to the function's own.
        check: optional ``check(*args, **kwargs)`` that validates the arguments (raising a
            clear error) once, before the rule or any backend sees them.

    Example:
        >>> @op(rules.unary_same)
        ... def negative(x):
        ...     \"\"\"Negates `x` elementwise.\"\"\"
    """

    def decorate(fn):
        opname = name or fn.__name__
        fallback = None if fn.__code__.co_code in _EMPTY_BODIES else fn

        def missing(*args, **kwargs):
            raise NotImplementedError(
                f"`{opname}` is not implemented on the {backend.current()} backend.")

        default = fallback or missing

        impls = {}  # backend package -> its function for this op, resolved once

        def resolve():
            module = _state.module or backend.get()
            impl = impls[module] = getattr(getattr(module, family), opname, default)
            return impl

        signature = inspect.signature(fn)
        bind = positional_binder(signature)

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            if check is not None:
                check(*args, **kwargs)
            if has_symbolic(args, kwargs):
                return symbolic_call(wrapper, rule, args, kwargs)
            if kwargs:  # pass by position what can be, so backends may name parameters freely
                args, kwargs = bind(args, kwargs)
            return (impls.get(_state.module) or resolve())(*args, **kwargs)

        # Hot path for ops of one or two plain tensor arguments (add, matmul, exp, ...):
        # no argument packing, and a set lookup instead of the symbolic scan.
        params = list(signature.parameters.values())
        if check is None and 1 <= len(params) <= 2 and all(
                p.kind is p.POSITIONAL_OR_KEYWORD and p.default is p.empty for p in params):
            wrapper = _fast_wrapper([p.name for p in params], wrapper, impls, resolve)
            functools.update_wrapper(wrapper, fn)

        wrapper.rule = rule
        wrapper.family = family
        wrapper.__signature__ = signature
        return wrapper

    return decorate
