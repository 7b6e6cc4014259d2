"""A small TensorBoard event-file writer with no TensorFlow: records and protobufs by hand.

An event file is a sequence of TFRecords (length, masked CRC32C of the length, payload,
masked CRC32C of the payload), each payload an ``Event`` protobuf. The messages written here
use only the fields TensorBoard reads for scalars, histograms, images and Keras model configs.

Example:
    >>> writer = EventFileWriter("/tmp/logs/train")
    >>> writer.scalar("epoch_loss", 0.25, step=0)
    >>> writer.close()
"""

import os
import socket
import struct
import time
import zlib

import numpy as np

# ---------------------------------------------------------------- CRC32C (Castagnoli)

def _crc32c_table():
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
        table.append(crc)
    return table


_CRC_TABLE = _crc32c_table()


def crc32c(data):
    """The CRC-32C checksum of `data` (bytes)."""
    crc = 0xFFFFFFFF
    table = _CRC_TABLE
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked_crc32c(data):
    """TFRecord's masked checksum: the CRC rotated right by 15 bits plus a constant."""
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def tfrecord(payload):
    """`payload` framed as one TFRecord."""
    length = struct.pack("<Q", len(payload))
    return (length + struct.pack("<I", masked_crc32c(length)) + payload
            + struct.pack("<I", masked_crc32c(payload)))

# ---------------------------------------------------------------- protobuf wire format

def _varint(value):
    value &= 0xFFFFFFFFFFFFFFFF  # negative int64 values use ten bytes, two's complement
    out = bytearray()
    while True:
        low = value & 0x7F
        value >>= 7
        if value:
            out.append(low | 0x80)
        else:
            out.append(low)
            return bytes(out)


def _key(field, wire_type):
    return _varint((field << 3) | wire_type)


def _int(field, value):
    return _key(field, 0) + _varint(int(value))


def _double(field, value):
    return _key(field, 1) + struct.pack("<d", float(value))


def _float(field, value):
    return _key(field, 5) + struct.pack("<f", float(value))


def _bytes(field, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    return _key(field, 2) + _varint(len(data)) + data


def _packed_doubles(field, values):
    values = np.asarray(values, dtype="<f8")
    return _bytes(field, values.tobytes())

# ---------------------------------------------------------------- messages

def event(step, summary_values=(), file_version=None, graph_def=None, wall_time=None):
    """An ``Event`` message: a wall time, a step and a summary (or a version / graph)."""
    message = _double(1, time.time() if wall_time is None else wall_time) + _int(2, step)
    if file_version is not None:
        message += _bytes(3, file_version)
    if graph_def is not None:
        message += _bytes(4, graph_def)
    if summary_values:
        message += _bytes(5, b"".join(_bytes(1, value) for value in summary_values))
    return message


def scalar_value(tag, value):
    """A ``Summary.Value`` holding a float (``simple_value``)."""
    return _bytes(1, tag) + _float(2, value)


def histogram_value(tag, values, buckets=30):
    """A ``Summary.Value`` holding a ``HistogramProto`` of `values` in equal-width buckets."""
    values = np.asarray(values, dtype="float64").ravel()
    values = values[np.isfinite(values)]
    if values.size == 0:
        low = high = 0.0
        limits, counts = [0.0], [0.0]
    else:
        low, high = float(values.min()), float(values.max())
        if low == high:
            limits, counts = [high], [float(values.size)]
        else:
            counts, edges = np.histogram(values, bins=buckets, range=(low, high))
            limits, counts = edges[1:], counts.astype("float64")
    histogram = (_double(1, low) + _double(2, high) + _double(3, values.size)
                 + _double(4, values.sum()) + _double(5, np.square(values).sum())
                 + _packed_doubles(6, limits) + _packed_doubles(7, counts))
    return _bytes(1, tag) + _bytes(5, histogram)


def image_value(tag, pixels):
    """A ``Summary.Value`` holding a PNG of `pixels`: uint8 of shape (height, width, channels)."""
    height, width, channels = pixels.shape
    image = (_int(1, height) + _int(2, width) + _int(3, channels)
             + _bytes(4, png(pixels)))
    return _bytes(1, tag) + _bytes(4, image)


def text_tensor_value(tag, text, plugin_name, content=b""):
    """A ``Summary.Value`` holding a scalar string tensor, tagged for a TensorBoard plugin."""
    plugin_data = _bytes(1, plugin_name) + _bytes(2, content)
    metadata = _bytes(1, plugin_data)
    tensor = _int(1, 7) + _bytes(2, b"") + _bytes(8, text)  # dtype DT_STRING, shape ()
    return _bytes(1, tag) + _bytes(9, metadata) + _bytes(8, tensor)


def png(pixels):
    """`pixels` (uint8, (height, width, 1|3|4)) encoded as a PNG file."""
    height, width, channels = pixels.shape
    color_type = {1: 0, 3: 2, 4: 6}[channels]
    rows = b"".join(b"\x00" + pixels[row].tobytes() for row in range(height))

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))

# ---------------------------------------------------------------- writer

class EventFileWriter:
    """Appends events to a new ``events.out.tfevents.*`` file in `log_dir`.

    Args:
        log_dir: the directory (created if needed); TensorBoard shows one run per directory.

    Example:
        >>> writer = EventFileWriter("/tmp/logs/validation")
        >>> writer.histogram("dense/kernel/histogram", [0.1, 0.2, 0.4], step=1)
        >>> writer.flush()
    """

    _count = 0

    def __init__(self, log_dir):
        os.makedirs(log_dir, exist_ok=True)
        EventFileWriter._count += 1
        name = (f"events.out.tfevents.{int(time.time())}.{socket.gethostname()}."
                f"{os.getpid()}.{EventFileWriter._count}.v2")
        self.path = os.path.join(log_dir, name)
        self._file = open(self.path, "wb")
        self._write(event(0, file_version="brain.Event:2"))
        self.flush()

    def _write(self, message):
        self._file.write(tfrecord(message))

    def scalar(self, tag, value, step):
        self._write(event(step, [scalar_value(tag, value)]))

    def histogram(self, tag, values, step):
        self._write(event(step, [histogram_value(tag, values)]))

    def image(self, tag, pixels, step):
        self._write(event(step, [image_value(tag, pixels)]))

    def text_tensor(self, tag, text, step, plugin_name, content=b""):
        self._write(event(step, [text_tensor_value(tag, text, plugin_name, content)]))

    def flush(self):
        if not self._file.closed:
            self._file.flush()

    def close(self):
        if not self._file.closed:
            self._file.close()

    @property
    def closed(self):
        return self._file.closed
