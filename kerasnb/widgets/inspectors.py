"""The weight and layer inspectors: `WeightInspector` and `LayerInspector`.

Example:
    >>> from kerasnb.widgets.inspectors import LayerInspector, WeightInspector
"""

from kerasnb.widgets.activations import LayerInspector  # noqa: F401
from kerasnb.widgets.weights import WeightInspector  # noqa: F401
