"""Helpers over symbolic graphs: `get_source_inputs` (`keras.utils.get_source_inputs`).

Example:
    >>> import kerasnb
    >>> x = kerasnb.Input((3,))
    >>> get_source_inputs(kerasnb.layers.Dense(2)(x)) == [x]
    True
"""

from kerasnb.engine.layers.input_layer import InputLayer
from kerasnb.engine.tensors import KerasTensor
from kerasnb.engine.utils import tree


def get_source_inputs(tensor):
    """The input tensors (from `Input`) that a symbolic tensor is computed from.

    Args:
        tensor: a `KerasTensor`.

    Returns:
        The list of source `KerasTensor`s in first-use order, without repeats; ``[tensor]``
        when `tensor` is itself an input or was created directly. A value that is not a
        `KerasTensor` is returned unchanged, as Keras does.

    Example:
        >>> import kerasnb
        >>> a, b = kerasnb.Input((2,)), kerasnb.Input((2,))
        >>> len(get_source_inputs(kerasnb.layers.Add()([a, b])))
        2
    """
    if not isinstance(tensor, KerasTensor):
        return tensor
    sources, seen, visited = [], set(), set()
    stack = [tensor]
    while stack:
        current = stack.pop()
        node = current.history
        if node is None or isinstance(node.operation, InputLayer):
            if id(current) not in seen:
                seen.add(id(current))
                sources.append(current)
            continue
        if id(node) in visited:
            continue
        visited.add(id(node))
        parents = [t for t in tree.flatten((node.args, node.kwargs)) if isinstance(t, KerasTensor)]
        stack.extend(reversed(parents))
    return sources
