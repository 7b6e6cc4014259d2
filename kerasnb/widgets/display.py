"""How the inspectors show themselves: an ipywidgets UI plus static HTML and text fallbacks.

A displayed inspector's output carries three representations: the widget view (live
notebooks), the current view as self-contained HTML with inline SVG and PNG (GitHub,
nbconvert, a notebook opened without a kernel) and a short deterministic ``text/plain``.
ipywidgets and IPython are imported only when a widget is built or displayed.
"""

import html

from kerasnb.engine.utils.html import view

_WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


class InspectorDisplay:
    """Mixin for inspectors: subclasses implement `html`, `_build_widget` and `__repr__`."""

    _widget = None
    _handle = None

    def html(self):
        """The current view as a standalone HTML fragment."""
        raise NotImplementedError

    def _build_widget(self):
        raise NotImplementedError

    def _read_controls(self):
        """Takes the choice made in the widget's controls."""
        raise NotImplementedError

    def _write_controls(self):
        """Shows the current choice in the widget's controls."""
        raise NotImplementedError

    _syncing = False

    def _assemble(self, controls):
        """The widget: `controls` in a row above the HTML view, each redrawing it on change."""
        import ipywidgets as widgets
        self._view = widgets.HTML()
        self._widget = widgets.VBox([widgets.HBox(controls), self._view])
        self._sync_widget()
        for control in controls:
            control.observe(self._on_control, names="value")
        return self._widget

    def _on_control(self, change):
        if not self._syncing:
            self._read_controls()
            self._view.value = self.html()

    def _sync_widget(self):
        """Brings the controls and the view in line with the current choice."""
        if self._widget is None:
            return
        self._syncing = True
        try:
            self._write_controls()
        finally:
            self._syncing = False
        self._view.value = self.html()

    @property
    def widget(self):
        """The interactive ipywidgets view (built on first use)."""
        if self._widget is None:
            self._widget = self._build_widget()
        return self._widget

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {"text/plain": repr(self), "text/html": self.html()}
        try:
            view = self.widget._repr_mimebundle_()
        except ImportError:  # no ipywidgets: the static view alone
            return bundle
        if _WIDGET_MIME in view:
            bundle[_WIDGET_MIME] = view[_WIDGET_MIME]
        return bundle

    def _ipython_display_(self):
        from IPython.display import display
        self._handle = display(self._repr_mimebundle_(), raw=True, display_id=True)

    def _refresh_fallback(self):
        """Rewrites the last displayed output so its static HTML shows the current view."""
        if self._handle is not None:
            self._handle.update(self._repr_mimebundle_(), raw=True)


def figure(title, content):
    """A titled block holding a chart or image."""
    return (f"<div style='display:inline-block;vertical-align:top;margin:4px 12px 4px 0'>"
            f"<div style='font-size:12px;color:#555'>{html.escape(title)}</div>{content}</div>")


def panel(kind, heading, parts):
    """The outer frame of an inspector's HTML view (with the stylesheet of every kerasnb view)."""
    return view(f"<div style='margin-bottom:4px'>{heading}</div>{''.join(parts)}",
                cls=f"kerasnb-{kind}")
