"""`kerasnb.export` (`keras.export`): SavedModel archives with chosen endpoints.

Importing it imports no framework; TensorFlow is loaded when an archive is created.

Example:
    >>> archive = kerasnb.export.ExportArchive()
    >>> archive.track_and_add_endpoint(
    ...     "serve", model, [kerasnb.InputSpec(shape=(None, 4), dtype="float32")])
    >>> archive.write_out("served")
"""

from kerasnb.engine.export.saved_model import ExportArchive  # noqa: F401
