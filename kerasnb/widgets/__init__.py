"""Notebook widgets: the live training panel and the weight and layer inspectors.

In a Jupyter kernel `import kerasnb` calls `enable_live_display()`, so `fit(verbose=1)` shows
a `LivePlot`; `disable_live_display()` goes back to the text progress bar.

ipywidgets and IPython are imported only when a widget is built or displayed.

Example:
    >>> from kerasnb.widgets import WeightInspector
    >>> WeightInspector(model)  # in a notebook: pick a variable, see its stats and pictures
"""

from kerasnb.widgets.inspectors import LayerInspector, WeightInspector  # noqa: F401
from kerasnb.widgets.live import LivePlot  # noqa: F401
from kerasnb.widgets.live_display import disable_live_display, enable_live_display  # noqa: F401
