"""Which ops and layers the ONNX exporter can translate, and how.

An op translator is ``fn(g, out, **arguments)``: `g` is the `GraphBuilder`, `out` the op's
output KerasTensor(s) (their shapes and dtypes), and `arguments` the op's own parameters
by name (defaults filled in). It returns the ONNX value name(s) of the outputs.
A layer translator has the same form with ``layer`` first among the arguments: it
covers a whole layer call (recurrent layers, whose loop no op graph can show).

Example:
    >>> @translates("relu")
    ... def relu(g, out, x):
    ...     return g.node("Relu", [g.value(x, out.dtype)], out.dtype)
"""

OPS = {}     # op name -> translator
LAYERS = {}  # layer class -> translator


def translates(*names):
    """Registers the decorated function as the translator of the ops `names`."""

    def register(fn):
        for name in names:
            OPS[name] = fn
        return fn

    return register


def translates_layer(*classes):
    """Registers the decorated function as the translator of calls of layer `classes`."""

    def register(fn):
        for cls in classes:
            LAYERS[cls] = fn
        return fn

    return register


def layer_translator(layer):
    """The translator of `layer`'s class (or of its nearest registered base), or None."""
    for cls in type(layer).__mro__:
        if cls in LAYERS:
            return LAYERS[cls]
    return None
