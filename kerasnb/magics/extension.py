"""The IPython extension: `%keras_backend`, `%%keras_backend` and `%%keras_compare`."""

import re

from IPython.core.completer import SimpleCompletion, context_matcher
from IPython.core.error import UsageError
from IPython.core.magic import Magics, cell_magic, line_cell_magic, magics_class

from kerasnb import backend
from kerasnb.engine import backend as engine_backend
from kerasnb.magics.cells import run_cell_body
from kerasnb.magics.compare import compare
from kerasnb.magics.tables import Table

_ALIASES = {"tf": "tensorflow", "np": "numpy", "pytorch": "torch", "ov": "openvino"}
_COMPLETED = ("%keras_backend", "%%keras_backend", "%%keras_compare")


def backend_name(text):
    """The backend a user typed (case-insensitive, short aliases such as ``tf`` allowed).

    Raises:
        UsageError: `text` is not a backend; the message lists the valid names.
    """
    name = _ALIASES.get(text.strip().lower(), text.strip().lower())
    if name not in backend.NAMES:
        raise UsageError(f"Unknown backend {text.strip()!r}: expected one of "
                         f"{', '.join(backend.NAMES)}.")
    return name


def _size(nbytes):
    """Bytes for people: ``60 B``, ``3.9 KB``, ``11.6 MB``."""
    if nbytes < 1024:
        return f"{nbytes} B"
    for unit in ("KB", "MB", "GB"):
        nbytes /= 1024.0
        if nbytes < 1024 or unit == "GB":
            return f"{nbytes:.1f} {unit}"


def describe_switch(report):
    """The one line `%keras_backend NAME` prints, e.g. ``torch → jax: 12 variables ...``."""
    if report.source == report.target:
        return f"Already on {report.target}; nothing moved."
    return (f"{report.source} → {report.target}: {report.variables} variables moved "
            f"({_size(report.bytes)}) in {report.milliseconds:.1f} ms")


def backend_table():
    """The table `%keras_backend` shows: every backend, installed?, version, devices."""
    rows, marked = [], []
    for i, info in enumerate(backend.available()):
        rows.append([info.name, "yes" if info.installed else "no", info.version or "—",
                     ", ".join(map(str, info.devices)) or "—", "✓" if info.current else ""])
        if info.current:
            marked.append(i)
    return Table("kerasnb backends", ["backend", "installed", "version", "devices", "current"],
                 rows, marked)


def announcement():
    """The line `%load_ext kerasnb` prints once: the backend in use and why."""
    name, origin = engine_backend.default()
    active = backend.current()
    why = f"chosen by {origin}" if active == name else "set in this session"
    return (f"kerasnb is on the {active} backend ({why}). "
            f"%keras_backend lists the backends; %keras_backend NAME switches.")


def _switch(name):
    try:
        return backend.set_backend(name)
    except (ImportError, RuntimeError, ValueError) as exc:
        raise UsageError(str(exc)) from None


@magics_class
class KerasMagics(Magics):
    """Backend magics: see `%keras_backend?` and `%%keras_compare?` in a notebook."""

    @line_cell_magic
    def keras_backend(self, line, cell=None):
        """Shows the backends, switches to one, or runs a cell under one.

        Usage:
            ``%keras_backend`` shows every backend (installed, version, devices, current).
            ``%keras_backend torch`` switches and moves every live model, optimizer, metric
            and seed to torch, then prints what moved.
            ``%%keras_backend jax`` runs the cell under jax and switches back afterwards,
            also when the cell raises; the cell's last value is returned.
        """
        if cell is None and not line.strip():
            return backend_table()
        name = backend_name(line)
        if cell is None:
            print(describe_switch(_switch(name)))
            return None
        previous = backend.current()
        _switch(name)
        try:
            return run_cell_body(self.shell, cell)
        finally:
            backend.set_backend(previous)

    @cell_magic
    def keras_compare(self, line, cell):
        """Runs the cell once per backend and tabulates the last values.

        Usage:
            ``%%keras_compare`` (every installed trainable backend) or
            ``%%keras_compare jax torch``. Each run starts from the same state: live
            Variables and NumPy's/Python's global RNGs are rewound before it. The table
            shows each backend's result (dtype, shape, range), wall time and the largest
            absolute difference to the first backend; a failing backend shows its error.
            The returned table has ``values`` and ``errors`` dicts keyed by backend.
        """
        names = [backend_name(n) for n in re.split(r"[\s,]+", line.strip()) if n]
        if not names:
            names = [n for n in backend.TRAINABLE if backend.is_installed(n)]
        if backend.busy_reason():
            raise UsageError(f"Cannot compare backends while {backend.busy_reason()} is running.")
        return compare(list(dict.fromkeys(names)), lambda: run_cell_body(self.shell, cell))


@context_matcher(identifier="kerasnb.backend_names")
def complete_backend_names(context):
    """Completes backend names after the three magics; other matchers are suppressed there."""
    words = context.text_until_cursor.lstrip().split(" ")
    if len(words) < 2 or words[0] not in _COMPLETED or (
            words[0].startswith("%%") and context.cursor_line != 0):
        return {"completions": [], "suppress": False}
    prefix = context.token.lower()
    return {"completions": [SimpleCompletion(n, type="backend") for n in backend.NAMES
                            if n.startswith(prefix)], "suppress": True}


_loaded = {}  # id(shell) -> the backend that was active when the extension was loaded


def load_ipython_extension(shell):
    """Registers the magics and tab completion of backend names (once per shell)."""
    if id(shell) in _loaded:
        return
    _loaded[id(shell)] = backend.current()
    shell.register_magics(KerasMagics)
    shell.Completer.custom_matchers.append(complete_backend_names)
    print(announcement())


def unload_ipython_extension(shell):
    """Removes the magics and completion and switches back to the backend active at load."""
    if id(shell) not in _loaded:
        return
    initial = _loaded.pop(id(shell))
    manager = shell.magics_manager
    manager.registry.pop(KerasMagics.__name__, None)
    for kind, names in KerasMagics.magics.items():
        for name in names:
            manager.magics[kind].pop(name, None)
    shell.Completer.custom_matchers.remove(complete_backend_names)
    if backend.current() != initial:
        _switch(initial)
