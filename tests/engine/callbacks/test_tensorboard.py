"""TensorBoard event files, read back with TensorBoard's own reader."""

import glob
import io
import json
import os
import struct
import zlib

import numpy as np
import pytest

import kerasnb.callbacks as callbacks
from kerasnb.engine.callbacks import event_file
from tests.engine.callbacks.fakes import FakeModel, run_fit


def _read(directory):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    files = glob.glob(os.path.join(directory, "events.out.tfevents.*"))
    assert files, f"no event file in {directory}"
    accumulator = EventAccumulator(directory, size_guidance={"scalars": 0, "histograms": 0,
                                                             "images": 0, "tensors": 0})
    accumulator.Reload()
    return accumulator


def _scalars(accumulator, tag):
    return [(event.step, event.value) for event in accumulator.Scalars(tag)]


def test_crc32c_and_record_framing_match_tensorboard():
    from tensorboard.compat.tensorflow_stub import pywrap_tensorflow as reference
    assert event_file.crc32c(b"123456789") == 0xE3069283  # the CRC-32C check value
    for data in (b"", b"a", bytes(range(256)) * 3):
        assert event_file.masked_crc32c(data) == reference.masked_crc32c(data)
    record = event_file.tfrecord(b"payload")
    length, = struct.unpack("<Q", record[:8])
    assert length == 7 and record[12:19] == b"payload"


def test_epoch_scalars_train_and_validation(tmp_path):
    log_dir = str(tmp_path / "logs")
    model = FakeModel(learning_rate=0.5)
    run_fit(model, [callbacks.TensorBoard(log_dir=log_dir, write_graph=False)],
            losses=[1.5, 0.5, 0.25], val_losses=[2.0, 1.0, 0.75])
    train, validation = _read(os.path.join(log_dir, "train")), _read(os.path.join(log_dir, "validation"))
    assert _scalars(train, "epoch_loss") == [(0, 1.5), (1, 0.5), (2, 0.25)]
    assert _scalars(train, "epoch_learning_rate") == [(epoch, 0.5) for epoch in range(3)]
    assert _scalars(validation, "epoch_loss") == [(0, 2.0), (1, 1.0), (2, 0.75)]
    # validation inside fit also logs "evaluation_<name>_vs_iterations" at the optimizer step
    assert _scalars(validation, "evaluation_loss_vs_iterations") == [(2, 2.0), (4, 1.0), (6, 0.75)]
    assert "epoch_val_loss" not in train.Tags()["scalars"]


@pytest.mark.parametrize("update_freq,steps", [("batch", [1, 2, 3, 4, 5, 6]), (4, [4])])
def test_batch_scalars(tmp_path, update_freq, steps):
    log_dir = str(tmp_path / "logs")
    run_fit(FakeModel(), [callbacks.TensorBoard(log_dir, update_freq=update_freq,
                                                write_graph=False, write_steps_per_second=True)],
            losses=[2.0, 1.0, 0.5], steps=2)
    train = _read(os.path.join(log_dir, "train"))
    expected_loss = {1: 2.0, 2: 2.0, 3: 1.0, 4: 1.0, 5: 0.5, 6: 0.5}
    assert _scalars(train, "batch_loss") == [(s, expected_loss[s]) for s in steps]
    assert [s for s, _ in _scalars(train, "batch_steps_per_second")] == steps
    assert all(v > 0 for _, v in _scalars(train, "epoch_steps_per_second"))


def test_histograms_and_images(tmp_path):
    log_dir = str(tmp_path / "logs")
    model = FakeModel()
    kernel = np.array([[-1.0, 0.5, 2.0], [3.0, 3.0, 0.0]], "float32")
    model.layers[0].weights[0].assign(kernel)
    tensorboard = callbacks.TensorBoard(log_dir, histogram_freq=2, write_images=True,
                                        write_graph=False)
    cbs = callbacks.CallbackList([tensorboard], model=model)
    cbs.on_train_begin()
    for epoch in range(3):
        cbs.on_epoch_end(epoch, {"loss": 1.0})
    cbs.on_train_end()
    train = _read(os.path.join(log_dir, "train"))
    events = train.Histograms("dense/kernel/histogram")
    assert [e.step for e in events] == [0, 2]
    histogram = events[0].histogram_value
    assert (histogram.min, histogram.max, histogram.num) == (-1.0, 3.0, 6)
    assert histogram.sum == pytest.approx(kernel.sum())
    assert histogram.sum_squares == pytest.approx(np.square(kernel).sum())
    counts, edges = np.histogram(kernel, bins=30, range=(-1.0, 3.0))
    np.testing.assert_allclose(histogram.bucket, counts)
    np.testing.assert_allclose(histogram.bucket_limit, edges[1:])
    constant = train.Histograms("dense/bias/histogram")[0].histogram_value
    assert list(constant.bucket) == [3.0] and constant.min == constant.max == 0.0
    image = train.Images("dense/kernel/image")[0]
    assert (image.height, image.width) == (2, 3)
    pixels = _decode_png(image.encoded_image_string)
    expected = np.round((kernel + 1.0) / 4.0 * 255).astype("uint8")
    np.testing.assert_array_equal(pixels, expected)


def _decode_png(data):
    """A grayscale 8-bit PNG without filters (as written by the event writer) to an array."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, idat = 8, b""
    while position < len(data):
        size, = struct.unpack(">I", data[position:position + 4])
        kind = data[position + 4:position + 8]
        body = data[position + 8:position + 8 + size]
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", body[:10])
            assert (depth, color) == (8, 0)
        elif kind == b"IDAT":
            idat += body
        position += 12 + size
    rows = zlib.decompress(idat)
    return np.frombuffer(rows, "uint8").reshape(height, width + 1)[:, 1:]


def test_model_config_is_written_for_functional_models(tmp_path):
    import kerasnb as keras
    inputs = keras.Input((3,))
    outputs = keras.layers.Dense(2)(inputs)
    model = keras.Model(inputs, outputs)
    log_dir = str(tmp_path / "logs")
    tensorboard = callbacks.TensorBoard(log_dir)
    tensorboard.set_model(model)
    tensorboard.on_train_end()
    train = _read(os.path.join(log_dir, "train"))
    event = train.Tensors("keras")[0]
    assert event.step == 0
    config = json.loads(event.tensor_proto.string_val[0])
    assert config == json.loads(model.to_json())
    assert train.SummaryMetadata("keras").plugin_data.plugin_name == "graph_keras_model"


def test_embeddings_projector_config(tmp_path):
    import kerasnb as keras
    inputs = keras.Input((4,), dtype="int32")
    outputs = keras.layers.Embedding(10, 2, name="words")(inputs)
    model = keras.Model(inputs, outputs)
    log_dir = tmp_path / "logs"
    tensorboard = callbacks.TensorBoard(str(log_dir), write_graph=False, embeddings_freq=1,
                                        embeddings_metadata={"words": "vocab.tsv"})
    tensorboard.set_model(model)
    text = (log_dir / "projector_config.pbtxt").read_text()
    assert text.count("embeddings {") == 1 and 'metadata_path: "vocab.tsv"' in text
    with pytest.raises(ValueError, match="other"):
        callbacks.TensorBoard(str(log_dir), embeddings_freq=1,
                              embeddings_metadata={"other": "x.tsv"}).set_model(model)


def test_argument_errors(tmp_path):
    with pytest.raises(ValueError, match="update_freq"):
        callbacks.TensorBoard(str(tmp_path), update_freq="often")
    with pytest.raises(ValueError, match="profile_batch"):
        callbacks.TensorBoard(str(tmp_path), profile_batch=(2, 4))
    with pytest.raises(ValueError, match="profile_batch"):
        callbacks.TensorBoard(str(tmp_path), profile_batch=-1)
    callbacks.TensorBoard(str(tmp_path), profile_batch="0,0")
