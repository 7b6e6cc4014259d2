"""`TensorBoard`: write training curves, weight histograms and the model config for TensorBoard.

Event files are written by `event_file.EventFileWriter` (no TensorFlow needed): epoch scalars
``epoch_<name>`` in ``<log_dir>/train`` and ``<log_dir>/validation``, batch scalars
``batch_<name>`` when `update_freq` is a number, and ``<weight path>/histogram`` every
`histogram_freq` epochs.

Example:
    >>> callback = TensorBoard(log_dir="./logs", histogram_freq=1)
"""

import os
import time
import warnings

import numpy as np

from kerasnb.engine.callbacks.callback import Callback, plain_logs
from kerasnb.engine.callbacks.event_file import EventFileWriter
from kerasnb.engine.ops import core


def _check_profile_batch(profile_batch):
    if isinstance(profile_batch, str):
        profile_batch = [int(part) for part in profile_batch.split(",")]
    if isinstance(profile_batch, (list, tuple)) and len(profile_batch) == 2:
        start, stop = profile_batch
    elif isinstance(profile_batch, int):
        start = stop = profile_batch
    else:
        raise ValueError("`profile_batch` must be a non-negative integer or a pair of them; "
                         f"received {profile_batch!r}.")
    if start < 0 or stop < start:
        raise ValueError("`profile_batch` must be a non-negative integer or an increasing pair; "
                         f"received {profile_batch!r}.")
    if stop > 0:
        raise ValueError("Profiling is not available in kerasnb; pass profile_batch=0. "
                         f"Received profile_batch={profile_batch!r}.")


def _weight_image(weight):
    """A weight as a (height, width, 1) uint8 picture, or `None` when it has no 2-D view."""
    array = np.squeeze(np.asarray(weight, dtype="float64"))
    if array.ndim == 1:
        array = array[np.newaxis, :]
    elif array.ndim == 2:
        if array.shape[0] > array.shape[1]:
            array = array.T
    elif array.ndim == 3:
        array = np.moveaxis(array, -1, 0)[0]
    else:
        return None
    low, high = array.min(), array.max()
    scaled = (array - low) / (high - low) if high > low else np.zeros_like(array)
    return np.round(scaled * 255).astype("uint8")[:, :, np.newaxis]


class TensorBoard(Callback):
    """Logs metrics (and optionally weights) as TensorBoard event files.

    Run ``tensorboard --logdir=<log_dir>`` to see them.

    Args:
        log_dir: the root directory; runs go to its ``train`` and ``validation`` subfolders.
        histogram_freq: every how many epochs to log weight histograms (0: never).
        write_graph: log the model's config (the "Keras model" view of the Graphs tab).
        write_images: log weights as images along with the histograms.
        write_steps_per_second: log training speed per epoch (and per batch when logged).
        update_freq: ``"epoch"``, ``"batch"`` or a number N: also log batch metrics every N
            batches.
        profile_batch: must be 0; profiling is not available in kerasnb.
        embeddings_freq: every how many epochs to save `Embedding` weights for the projector.
        embeddings_metadata: a metadata file path, or a dict of layer name -> file path.

    Example:
        >>> tensorboard = TensorBoard(log_dir="./logs", update_freq=10)
        >>> model.fit(x, y, epochs=5, callbacks=[tensorboard])  # doctest: +SKIP
    """

    raw_batch_logs = True

    def __init__(self, log_dir="logs", histogram_freq=0, write_graph=True, write_images=False,
                 write_steps_per_second=False, update_freq="epoch", profile_batch=0,
                 embeddings_freq=0, embeddings_metadata=None):
        super().__init__()
        update_freq = 1 if update_freq == "batch" else update_freq
        if update_freq != "epoch" and (not isinstance(update_freq, int) or update_freq < 1):
            raise ValueError("`update_freq` must be 'epoch', 'batch' or a positive integer; "
                             f"received update_freq={update_freq!r}.")
        _check_profile_batch(profile_batch)
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = histogram_freq
        self.write_graph = write_graph
        self.write_images = write_images
        self.write_steps_per_second = write_steps_per_second
        self.update_freq = update_freq
        self.embeddings_freq = embeddings_freq
        self.embeddings_metadata = embeddings_metadata
        self._writers = {}
        self._global_train_batch = 0
        self._global_test_batch = 0
        self._batch_start_time = 0.0
        self._epoch_start_time = 0.0
        self._epoch_start_iterations = 0.0

    def set_model(self, model):
        super().set_model(model)
        self._train_dir = os.path.join(self.log_dir, "train")
        self._val_dir = os.path.join(self.log_dir, "validation")
        self._close_writers()
        if self.write_graph:
            self._write_model_config()
        if self.embeddings_freq:
            self._write_projector_config()

    def _writer(self, which):
        writer = self._writers.get(which)
        if writer is None or writer.closed:
            writer = EventFileWriter(self._train_dir if which == "train" else self._val_dir)
            self._writers[which] = writer
        return writer

    def _close_writers(self):
        for writer in self._writers.values():
            writer.close()
        self._writers = {}

    def _write_model_config(self):
        if type(self.model).__name__ not in ("Functional", "Sequential"):
            return
        try:
            config = self.model.to_json()
        except Exception as error:  # an unserializable custom layer must not stop training
            warnings.warn(f"Model failed to serialize as JSON. Ignoring... {error}", stacklevel=2)
            return
        writer = self._writer("train")
        writer.text_tensor("keras", config, step=0, plugin_name="graph_keras_model",
                           content=b"1")
        writer.flush()

    def _embedding_layers(self):
        from kerasnb.engine.layers.core.embedding import Embedding
        return [layer for layer in self.model.layers if isinstance(layer, Embedding)]

    def _write_projector_config(self):
        metadata = self.embeddings_metadata
        remaining = dict(metadata) if isinstance(metadata, dict) else None
        lines = []
        for layer in self._embedding_layers():
            lines += ["embeddings {",
                      '  tensor_name: "layer_with_weights-0/embeddings/.ATTRIBUTES/VARIABLE_VALUE"']
            path = metadata if isinstance(metadata, str) else (remaining or {}).pop(layer.name, None)
            if path is not None:
                lines.append(f'  metadata_path: "{path}"')
            lines.append("}")
        if remaining:
            raise ValueError("Unrecognized `Embedding` layer names passed to "
                             f"`TensorBoard(embeddings_metadata=...)`: {sorted(remaining)}.")
        os.makedirs(self.log_dir, exist_ok=True)
        with open(os.path.join(self.log_dir, "projector_config.pbtxt"), "w") as file:
            file.write("\n".join(lines) + ("\n" if lines else ""))

    def on_train_begin(self, logs=None):
        self._global_train_batch = 0

    def on_train_end(self, logs=None):
        self._close_writers()

    def on_train_batch_begin(self, batch, logs=None):
        self._global_train_batch += 1
        if self.write_steps_per_second:
            self._batch_start_time = time.time()

    def on_train_batch_end(self, batch, logs=None):
        step = self._global_train_batch
        if self.update_freq == "epoch" or step % self.update_freq:
            return
        writer = self._writer("train")
        if self.write_steps_per_second:
            elapsed = max(time.time() - self._batch_start_time, 1e-12)
            writer.scalar("batch_steps_per_second", 1.0 / elapsed, step=step)
        for name, value in plain_logs(logs).items():
            if np.ndim(value) == 0:
                writer.scalar(f"batch_{name}", value, step=step)

    def on_test_batch_begin(self, batch, logs=None):
        self._global_test_batch += 1

    def on_test_end(self, logs=None):
        iterations = getattr(getattr(self.model, "optimizer", None), "iterations", None)
        if iterations is None or not logs:
            return
        step = int(core.convert_to_numpy(iterations))
        writer = self._writer("val")
        for name, value in logs.items():
            writer.scalar(f"evaluation_{name}_vs_iterations", value, step=step)
        writer.flush()

    def on_epoch_begin(self, epoch, logs=None):
        if self.write_steps_per_second:
            self._epoch_start_iterations = self._iterations()
            self._epoch_start_time = time.time()

    def on_epoch_end(self, epoch, logs=None):
        self._log_epoch_metrics(epoch, logs)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._log_weights(epoch)
        if self.embeddings_freq and epoch % self.embeddings_freq == 0:
            path = os.path.join(self._train_dir, f"keras_embedding.ckpt-{epoch}.weights.h5")
            self.model.save_weights(path)

    def _iterations(self):
        return float(core.convert_to_numpy(self.model.optimizer.iterations))

    def _learning_rates(self):
        optimizer = getattr(self.model, "optimizer", None)
        optimizer = getattr(optimizer, "inner_optimizer", optimizer)
        if hasattr(optimizer, "optimizers"):
            return {f"learning_rate_{opt.name}": float(core.convert_to_numpy(opt.learning_rate))
                    for opt in optimizer.optimizers}
        if hasattr(optimizer, "learning_rate"):
            return {"learning_rate": float(core.convert_to_numpy(optimizer.learning_rate))}
        return {}

    def _log_epoch_metrics(self, epoch, logs):
        if not logs:
            return
        train = {k: v for k, v in logs.items() if not k.startswith("val_")}
        validation = {k[len("val_"):]: v for k, v in logs.items() if k.startswith("val_")}
        train.update(self._learning_rates())
        if self.write_steps_per_second:
            elapsed = max(time.time() - self._epoch_start_time, 1e-12)
            train["steps_per_second"] = (self._iterations() - self._epoch_start_iterations) / elapsed
        for which, values in (("train", train), ("val", validation)):
            if values:
                writer = self._writer(which)
                for name, value in values.items():
                    if np.ndim(value) == 0:
                        writer.scalar(f"epoch_{name}", value, step=epoch)
                writer.flush()

    def _log_weights(self, epoch):
        writer = self._writer("train")
        for layer in self.model.layers:
            for weight in layer.weights:
                name = weight.path.replace(":", "_")
                values = np.asarray(weight)
                writer.histogram(f"{name}/histogram", values, step=epoch)
                if self.write_images:
                    picture = _weight_image(values)
                    if picture is not None:
                        writer.image(f"{name}/image", picture, step=epoch)
        writer.flush()
