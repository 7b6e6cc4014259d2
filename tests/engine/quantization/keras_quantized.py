"""Quantized models built the same way with real Keras 3 and with kerasnb, for the `.keras`
interop tests of quantization.

Each builder takes the API module (``keras`` or ``kerasnb``), builds a small model, perturbs
its weights (seeded) and quantizes it. Run as a script it uses real Keras (a test-only
dependency) in its own process:

    KERAS_BACKEND=numpy python tests/engine/quantization/keras_quantized.py write DIR
        writes ``<name>.keras`` and ``<name>.npz`` (inputs, Keras's predictions, and the
        variables of every layer by path) for each model of the zoo.
    KERAS_BACKEND=numpy python tests/engine/quantization/keras_quantized.py read DIR
        loads every ``<name>.keras`` in DIR (written by kerasnb) into Keras and writes
        ``<name>.keras_out.npz`` (its predictions), or the error into ``report.json``.
    KERAS_BACKEND=numpy python tests/engine/quantization/keras_quantized.py both WRITE_DIR READ_DIR
        both of the above in one process.
"""

import json
import os
import sys

import numpy as np

SEED = 8


def _dense(k, mode, config=None):
    model = k.Sequential([k.Input((12,)), k.layers.Dense(16, activation="relu", name="hidden"),
                          k.layers.Dense(5, name="out")], name=f"dense_{mode}")
    return model, (lambda: model.quantize(mode, config=config))


def dense_int8(k):
    return _dense(k, "int8")


def dense_int4_blocks(k):
    return _dense(k, "int4", k.quantizers.Int4QuantizationConfig(block_size=5))


def dense_int4_channels(k):
    return _dense(k, "int4", k.quantizers.Int4QuantizationConfig(block_size=-1))


def dense_int8_weight_only(k):
    return _dense(k, "int8", k.quantizers.Int8QuantizationConfig(activation_quantizer=None))


def dense_float8(k):
    return _dense(k, "float8")


def _einsum(k, mode, config=None):
    inputs = k.Input((3, 6))
    x = k.layers.EinsumDense("abc,cde->abde", output_shape=(3, 2, 4), bias_axes="de", name="heads")(inputs)
    x = k.layers.EinsumDense("abde,def->abf", output_shape=(3, 5), bias_axes="f", name="merge")(x)
    model = k.Model(inputs, x, name=f"einsum_{mode}")
    return model, (lambda: model.quantize(mode, config=config))


def einsum_int8(k):
    return _einsum(k, "int8")


def einsum_int4(k):
    return _einsum(k, "int4", k.quantizers.Int4QuantizationConfig(block_size=4))


def _embedding(k, mode, config=None):
    inputs = k.Input((4,), dtype="int32")
    x = k.layers.Embedding(10, 6, name="table")(inputs)
    model = k.Model(inputs, k.layers.Dense(3, name="out")(k.layers.Flatten()(x)), name=f"embedding_{mode}")
    return model, (lambda: model.quantize(mode, config=config))


def embedding_int8(k):
    return _embedding(k, "int8")


def embedding_int4(k):
    return _embedding(k, "int4", k.quantizers.Int4QuantizationConfig(block_size=4))


BUILDERS = {f.__name__: f for f in (dense_int8, dense_int4_blocks, dense_int4_channels, dense_int8_weight_only,
                                    dense_float8, einsum_int8, einsum_int4, embedding_int8, embedding_int4)}


def inputs_for(name):
    rng = np.random.default_rng(SEED)
    if name.startswith("embedding"):
        return rng.integers(0, 10, (7, 4)).astype("int32")
    if name.startswith("einsum"):
        return rng.standard_normal((7, 3, 6)).astype("float32")
    return rng.standard_normal((7, 12)).astype("float32")


def perturb(model, seed):
    """Replaces every float weight with seeded noise, so that no value is a default."""
    rng = np.random.default_rng(seed)
    model.set_weights([rng.uniform(-0.5, 0.5, w.shape).astype(w.dtype) if w.dtype.kind == "f" else w
                       for w in model.get_weights()])


def build(k, name):
    """The quantized model `name` built with API module `k`, with seeded weights."""
    model, quantize = BUILDERS[name](k)
    perturb(model, SEED + list(BUILDERS).index(name))
    quantize()
    return model


def variables_by_path(model):
    """``{"<layer>/<variable>": array}`` of every layer's variables."""
    return {f"{layer.name}/{v.name}": np.asarray(v.numpy()) for layer in model.layers for v in layer.weights}


def _write(keras, directory):
    for name in BUILDERS:
        model = build(keras, name)
        x = inputs_for(name)
        np.savez(os.path.join(directory, f"{name}.npz"), x=x, y=np.asarray(model.predict(x, verbose=0)),
                 **{f"var:{k}": v for k, v in variables_by_path(model).items()})
        model.save(os.path.join(directory, f"{name}.keras"))


def _read(keras, directory):
    errors = {}
    for name in BUILDERS:
        path = os.path.join(directory, f"{name}.keras")
        if not os.path.exists(path):
            continue
        try:
            model = keras.saving.load_model(path)
            y = model.predict(inputs_for(name), verbose=0)
        except Exception as error:  # noqa: BLE001 - reported to the test, which fails on it
            errors[name] = f"{type(error).__name__}: {error}"
            continue
        np.savez(os.path.join(directory, f"{name}.keras_out.npz"), y=np.asarray(y),
                 **{f"var:{k}": v for k, v in variables_by_path(model).items()})
    with open(os.path.join(directory, "report.json"), "w") as handle:
        json.dump({"errors": errors}, handle)


def main(argv):
    if argv[1:2] not in (["write"], ["read"], ["both"]) or len(argv) != (4 if argv[1] == "both" else 3):
        raise SystemExit(f"usage: {argv[0]} write|read DIRECTORY, or both WRITE_DIRECTORY READ_DIRECTORY")
    os.environ.setdefault("KERAS_BACKEND", "numpy")
    import keras
    if argv[1] in ("write", "both"):
        _write(keras, argv[2])
    if argv[1] in ("read", "both"):
        _read(keras, argv[-1])


if __name__ == "__main__":
    main(sys.argv)
