"""`RemoteMonitor`: POST each epoch's logs to an HTTP server.

Example:
    >>> monitor = RemoteMonitor(root="http://localhost:9000", send_as_json=True)
"""

import json
import urllib.error
import urllib.parse
import urllib.request
import warnings

import numpy as np

from kerasnb.engine.callbacks.callback import Callback


class RemoteMonitor(Callback):
    """Sends ``{"epoch": ..., **logs}`` to ``root + path`` at the end of every epoch.

    Args:
        root: the server's base URL.
        path: the path appended to `root`.
        field: the form field holding the JSON text (when not `send_as_json`).
        headers: extra HTTP headers, a dict.
        send_as_json: send the dict as an ``application/json`` body instead of a form.

    Example:
        >>> model.fit(x, y, callbacks=[RemoteMonitor()])  # doctest: +SKIP
    """

    def __init__(self, root="http://localhost:9000", path="/publish/epoch/end/", field="data",
                 headers=None, send_as_json=False):
        super().__init__()
        self.root = root
        self.path = path
        self.field = field
        self.headers = headers
        self.send_as_json = send_as_json

    def on_epoch_end(self, epoch, logs=None):
        payload = {"epoch": epoch}
        for key, value in (logs or {}).items():
            payload[key] = value.item() if isinstance(value, (np.ndarray, np.generic)) else value
        headers = dict(self.headers or {})
        if self.send_as_json:
            body = json.dumps(payload).encode("utf-8")
            headers.setdefault("Content-Type", "application/json")
        else:
            body = urllib.parse.urlencode({self.field: json.dumps(payload)}).encode("utf-8")
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        request = urllib.request.Request(self.root + self.path, data=body, headers=headers,
                                         method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                response.read()
        except (urllib.error.URLError, OSError):
            warnings.warn(f"Could not reach RemoteMonitor root server at {self.root}",
                          stacklevel=2)
