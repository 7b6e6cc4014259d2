"""Nested structures ("trees") of Python containers, in pure Python (no framework).

Containers are lists, tuples, namedtuples, dicts (``dict``, ``OrderedDict``,
``defaultdict``) and deques; everything else is a leaf, including ``None``, strings,
sets, backend tensors, Variables and KerasTensors. Dicts are visited in sorted-key order
(``OrderedDict`` in insertion order) and rebuilt with their original key order.

Example:
    >>> flatten({"b": [1, 2], "a": (3, None)})
    [3, None, 1, 2]
    >>> map_structure(lambda v: v * 10, {"b": [1, 2], "a": 3})
    {'b': [10, 20], 'a': 30}
"""

import collections

__all__ = ["MAP_TO_NONE", "assert_same_paths", "assert_same_structure", "flatten",
           "flatten_with_path", "is_nested", "lists_to_tuples", "map_shape_structure",
           "map_structure", "map_structure_up_to", "pack_sequence_as", "traverse"]

_SEQUENCES = (list, tuple, collections.deque)
_DICTS = (dict, collections.OrderedDict, collections.defaultdict)


class MAP_TO_NONE:
    """Returned by a `traverse` function to replace a sub-structure with ``None``."""


def _is_named_tuple(x):
    return isinstance(x, tuple) and (hasattr(type(x), "_fields") or hasattr(type(x), "n_fields"))


def is_nested(structure):
    """Whether `structure` is a container (list, tuple, namedtuple, dict or deque).

    Example:
        >>> is_nested([]), is_nested(None), is_nested("abc")
        (True, False, False)
    """
    return type(structure) in _SEQUENCES or type(structure) in _DICTS or _is_named_tuple(structure)


def _keys(node):
    """The keys (dicts) or indices (sequences) of a container, in traversal order."""
    if not isinstance(node, dict):
        return list(range(len(node)))
    if type(node) is collections.OrderedDict:
        return list(node)
    try:
        return sorted(node)
    except TypeError:  # keys of mixed, unorderable types keep their insertion order
        return list(node)


def _children(node):
    return [node[k] for k in _keys(node)] if isinstance(node, dict) else list(node)


def _rebuild(node, values):
    """A container like `node` holding `values` (given in traversal order)."""
    if isinstance(node, dict):
        by_key = dict(zip(_keys(node), values))
        items = [(k, by_key[k]) for k in node]
        if type(node) is collections.defaultdict:
            return collections.defaultdict(node.default_factory, items)
        return type(node)(items)
    if hasattr(type(node), "_fields"):
        return type(node)(*values)
    if type(node) is collections.deque:
        return collections.deque(values, maxlen=node.maxlen)
    return type(node)(values)


def _kind(node):
    """What two containers must share to match: the class (all dict kinds count as one)."""
    return dict if isinstance(node, dict) else type(node)


def _describe(node):
    return f"{type(node).__name__} {node!r}"


def _check_same_node(a, b):
    """Raises ValueError unless containers `a` and `b` have the same kind and keys."""
    if _kind(a) is not _kind(b):
        raise ValueError(
            "The structures don't have the same nested structure: expected a "
            f"{type(a).__name__}, received {_describe(b)}.")
    if sorted(map(repr, _keys(a))) != sorted(map(repr, _keys(b))):
        expected = f"keys {_keys(a)}" if isinstance(a, dict) else f"length {len(a)}"
        raise ValueError(
            "The structures don't have the same nested structure: expected "
            f"{expected}, received {_describe(b)}.")


def _check_callable(func, name="func"):
    if not callable(func):
        raise TypeError(f"`{name}` must be callable; received {func!r}.")


def flatten(structure):
    """The leaves of `structure`, in traversal order, as a list.

    Example:
        >>> flatten([[1, 2], {"b": 3, "a": None}])
        [1, 2, None, 3]
    """
    if not is_nested(structure):
        return [structure]
    return [leaf for child in _children(structure) for leaf in flatten(child)]


def flatten_with_path(structure):
    """``(path, leaf)`` pairs, where a path is the tuple of keys and indices leading to a leaf.

    Example:
        >>> flatten_with_path([{"foo": 42}])
        [((0, 'foo'), 42)]
    """
    if not is_nested(structure):
        return [((), structure)]
    return [((key,) + path, leaf)
            for key in _keys(structure)
            for path, leaf in flatten_with_path(structure[key])]


def pack_sequence_as(structure, flat_sequence):
    """Fills `structure`'s layout with the items of `flat_sequence`, in traversal order.

    Raises:
        TypeError: `flat_sequence` is not iterable.
        ValueError: it holds more or fewer items than `structure` has leaves.

    Example:
        >>> pack_sequence_as({"b": 0, "a": (0, 0)}, [1, 2, 3])
        {'b': 3, 'a': (1, 2)}
    """
    try:
        items = list(flat_sequence)
    except TypeError:
        raise TypeError(
            f"`flat_sequence` must be an iterable; received {flat_sequence!r}.") from None
    expected = len(flatten(structure))
    if len(items) != expected:
        raise ValueError(
            f"`flat_sequence` has {len(items)} items but `structure` has {expected} leaves.")
    leaves = iter(items)

    def build(node):
        if not is_nested(node):
            return next(leaves)
        return _rebuild(node, [build(child) for child in _children(node)])

    return build(structure)


def assert_same_structure(a, b, check_types=None):
    """Raises ValueError unless `a` and `b` nest the same containers the same way.

    Lists, tuples, deques and each namedtuple class are distinct kinds; the dict kinds
    match one another when their keys agree. Leaves may differ. `check_types` is
    accepted for compatibility and has no effect.

    Example:
        >>> assert_same_structure([(0, 1)], [(2, 3)])
    """
    if not is_nested(a) and not is_nested(b):
        return
    if is_nested(a) != is_nested(b):
        raise ValueError(
            "The structures don't have the same nested structure: "
            f"{_describe(a)} and {_describe(b)}.")
    _check_same_node(a, b)
    for x, y in zip(_children(a), _children(b)):
        assert_same_structure(x, y)


def _paths(structure):
    return {path for path, _ in flatten_with_path(structure)}


def assert_same_paths(a, b):
    """Raises ValueError unless `a` and `b` have the same leaf paths (container kinds ignored).

    Example:
        >>> assert_same_paths([0, 1], (2, 3))
    """
    a_paths, b_paths = _paths(a), _paths(b)
    if a_paths != b_paths:
        raise ValueError(
            "`a` and `b` don't have the same paths: only in `a`: "
            f"{sorted(a_paths - b_paths, key=repr)}; only in `b`: {sorted(b_paths - a_paths, key=repr)}.")


def map_structure(func, *structures, none_is_leaf=True):
    """Applies `func` to the matching leaves of `structures`; the result has their layout.

    Args:
        func: called with one leaf from each structure.
        *structures: one or more structures of the same layout.
        none_is_leaf: if False, ``None`` entries are kept as ``None`` and not passed to `func`.

    Example:
        >>> map_structure(lambda x, y: x + y, [1, (2, 3)], [10, (20, 30)])
        [11, (22, 33)]
    """
    _check_callable(func)
    if not structures:
        raise ValueError("`map_structure` needs at least one structure; received none.")

    def walk(*nodes):
        first = nodes[0]
        if first is None and not none_is_leaf:
            if any(n is not None for n in nodes):
                raise ValueError(
                    f"The structures don't have the same nested structure: None and {nodes!r}.")
            return None
        if not is_nested(first):
            if any(is_nested(n) for n in nodes[1:]):
                raise ValueError(
                    f"The structures don't have the same nested structure: a leaf {first!r} "
                    f"matched against {nodes[1:]!r}.")
            return func(*nodes)
        for other in nodes[1:]:
            if not is_nested(other):
                raise ValueError(
                    f"The structures don't have the same nested structure: expected a "
                    f"{type(first).__name__}, received {_describe(other)}.")
            _check_same_node(first, other)
        columns = zip(*(_children_like(first, n) for n in nodes))
        return _rebuild(first, [walk(*column) for column in columns])

    return walk(*structures)


def _children_like(reference, node):
    """The children of `node` in the order of `reference`'s keys (dicts may differ in kind)."""
    if isinstance(reference, dict):
        return [node[k] for k in _keys(reference)]
    return _children(node)


def map_structure_up_to(shallow_structure, func, *structures):
    """Like `map_structure`, but stops at the leaves of `shallow_structure`.

    `func` receives the (possibly nested) parts of `structures` found at each leaf of
    `shallow_structure`, which must be a prefix of every structure.

    Example:
        >>> map_structure_up_to([None, [None, None]], str, [[1, 1], [2, 2]])
        ['[1, 1]', ['2', '2']]
    """
    _check_callable(func)
    if not structures:
        raise ValueError("`map_structure_up_to` needs at least one structure; received none.")

    def walk(shallow, *nodes):
        if not is_nested(shallow):
            return func(*nodes)
        for node in nodes:
            if not is_nested(node):
                raise ValueError(
                    "A structure is shallower than `shallow_structure`: expected a "
                    f"{type(shallow).__name__}, received {_describe(node)}.")
            _check_same_node(shallow, node)
        columns = zip(_children(shallow), *(_children_like(shallow, n) for n in nodes))
        return _rebuild(shallow, [walk(*column) for column in columns])

    return walk(shallow_structure, *structures)


def map_shape_structure(func, structure):
    """Like `map_structure`, but lists and tuples of ints and ``None`` are leaves (shapes).

    Example:
        >>> map_shape_structure(len, {"a": (2, None), "b": [(3,)]})
        {'a': 2, 'b': [1]}
    """
    _check_callable(func)

    def walk(node):
        is_shape = isinstance(node, (list, tuple)) and all(
            d is None or isinstance(d, int) for d in node)
        if is_shape or not is_nested(node):
            return func(node)
        return _rebuild(node, [walk(child) for child in _children(node)])

    return walk(structure)


def traverse(func, structure, top_down=True):
    """Applies `func` to every sub-structure (containers and leaves), depth first.

    Top-down, a result of ``None`` means "keep going into this sub-structure"; any
    other result replaces it without visiting its children. Bottom-up, children are
    visited first and a result of ``None`` keeps the (rebuilt) sub-structure. Return
    `MAP_TO_NONE` to put ``None`` in the output.

    Example:
        >>> seen = []
        >>> traverse(seen.append, [(1, 2), 3])
        [(1, 2), 3]
        >>> seen
        [[(1, 2), 3], (1, 2), 1, 2, 3]
    """
    _check_callable(func)

    def children_done(node):
        if not is_nested(node):
            return node
        return _rebuild(node, [traverse(func, child, top_down) for child in _children(node)])

    if top_down:
        result = func(structure)
        if result is None:
            return children_done(structure)
    else:
        structure = children_done(structure)
        result = func(structure)
        if result is None:
            return structure
    return None if result is MAP_TO_NONE else result


def lists_to_tuples(structure):
    """The same structure with every list turned into a tuple.

    Example:
        >>> lists_to_tuples([1, [2, {"a": [3]}]])
        (1, (2, {'a': (3,)}))
    """
    return traverse(lambda node: tuple(node) if isinstance(node, list) else None,
                    structure, top_down=False)
