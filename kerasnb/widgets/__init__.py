"""Notebook widgets: the live training panel and the weight and layer inspectors.

ipywidgets and IPython are imported only when a widget is built or displayed.

Example:
    >>> from kerasnb.widgets import WeightInspector
    >>> WeightInspector(model)  # in a notebook: pick a variable, see its stats and pictures
"""

from kerasnb.widgets.inspectors import LayerInspector, WeightInspector  # noqa: F401
