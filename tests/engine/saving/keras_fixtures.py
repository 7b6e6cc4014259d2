"""A zoo of small models, built the same way with real Keras 3 and with kerasnb, for the
`.keras` / `.weights.h5` interop tests.

Every builder takes the API module (``keras`` or ``kerasnb``), so one definition serves both
sides. Run as a script it uses real Keras (a test-only dependency) in its own process:

    KERAS_BACKEND=numpy python tests/engine/saving/keras_fixtures.py write DIR
        builds the zoo with Keras, perturbs every weight, and writes ``<name>.keras``,
        ``<name>.weights.h5``, ``<name>.npz`` (the inputs and Keras's predictions), an unzipped
        ``sequential_dir`` and ``report.json`` (`compile_report` of the compiled model).
    KERAS_BACKEND=numpy python tests/engine/saving/keras_fixtures.py read DIR
        loads every ``<name>.keras`` and ``<name>.weights.h5`` in DIR (written by kerasnb) into
        Keras, predicts on the inputs of ``<name>.npz``, and writes ``<name>.keras_out.npz``,
        ``<name>.weights_out.npz`` and ``report.json`` (errors by file, and `compile_report`
        of the compiled model as Keras restored it).

Example:
    >>> from tests.engine.saving import keras_fixtures
    >>> model = keras_fixtures.BUILDERS["mlp"](kerasnb)
"""

import json
import os
import sys

import numpy as np

SEED = 20240917


def mlp(k):
    inputs = k.Input((8,), name="features")
    hidden = k.layers.Dense(16, activation="relu", kernel_regularizer="l2", name="hidden")(inputs)
    hidden = k.layers.Dropout(0.3)(hidden)
    return k.Model(inputs, k.layers.Dense(3, activation="softmax", name="probs")(hidden), name="mlp")


def sequential(k):
    return k.Sequential([
        k.Input((6,)),
        k.layers.Dense(10, use_bias=False),
        k.layers.Activation("tanh"),
        k.layers.Reshape((5, 2)),
        k.layers.Flatten(),
        k.layers.Dense(4, activation="sigmoid", kernel_initializer="he_normal"),
    ], name="plain_sequential")


def cnn(k):
    return k.Sequential([
        k.Input((12, 12, 3)),
        k.layers.Conv2D(8, 3, padding="same", activation="relu"),
        k.layers.BatchNormalization(),
        k.layers.MaxPooling2D(),
        k.layers.Conv2D(6, (3, 3), strides=1, padding="valid"),
        k.layers.AveragePooling2D(pool_size=2),
        k.layers.Dropout(0.25),
        k.layers.Flatten(),
        k.layers.Dense(5),
    ], name="cnn")


def recurrent(k):
    inputs = k.Input((7, 5))
    sequence = k.layers.LSTM(6, return_sequences=True)(inputs)
    sequence = k.layers.Bidirectional(k.layers.GRU(4, return_sequences=True))(sequence)
    last = k.layers.Bidirectional(k.layers.LSTM(3), merge_mode="sum")(sequence)
    gru = k.layers.GRU(3, reset_after=False)(inputs)
    merged = k.layers.Concatenate()([last, gru])
    return k.Model(inputs, k.layers.Dense(2)(merged), name="recurrent")


def attention(k):
    inputs = k.Input((6, 8))
    attended = k.layers.MultiHeadAttention(num_heads=2, key_dim=4)(inputs, inputs)
    normed = k.layers.LayerNormalization()(k.layers.Add()([inputs, attended]))
    grouped = k.layers.GroupQueryAttention(head_dim=2, num_query_heads=4, num_key_value_heads=2)
    pooled = k.layers.GlobalAveragePooling1D()(grouped(normed, normed))
    return k.Model(inputs, k.layers.Dense(3)(pooled), name="attention")


def embedding(k):
    tokens = k.Input((9,), dtype="int32")
    vectors = k.layers.Embedding(20, 6)(tokens)
    pooled = k.layers.GlobalMaxPooling1D()(vectors)
    return k.Model(tokens, k.layers.Dense(1)(pooled), name="embedding")


def multi_io(k):
    image = k.Input((4, 4, 2), name="image")
    meta = k.Input((3,), name="meta")
    flat = k.layers.Flatten()(k.layers.Conv2D(3, 2, name="conv")(image))
    joined = k.layers.Concatenate(name="join")([flat, k.layers.Dense(4, name="meta_dense")(meta)])
    score = k.layers.Dense(1, activation="sigmoid", name="score")(joined)
    kind = k.layers.Dense(3, activation="softmax", name="kind")(joined)
    return k.Model({"image": image, "meta": meta}, {"score": score, "kind": kind}, name="multi_io")


def branches(k):
    """Two branches of different depth into shared and nested layers, all of one shape, so a
    functional layer order that differed from Keras's would silently swap weights."""
    x, y = k.Input((4,), name="x"), k.Input((4,), name="y")
    short = k.layers.Dense(4)(y)
    long = k.layers.Dense(4)(k.layers.Dense(4, activation="tanh")(k.layers.Dense(4)(x)))
    shared = k.layers.Dense(4, activation="relu")
    block = k.Sequential([k.layers.Dense(4), k.layers.Dense(4, activation="tanh")])
    merged = k.layers.Add()([shared(short), block(long), shared(long)])
    return k.Model([x, y], k.layers.Dense(2)(merged), name="branches")


def compiled(k):
    model = k.Sequential([k.Input((5,)), k.layers.Dense(8, activation="relu"), k.layers.Dense(3)],
                         name="compiled")
    model.compile(optimizer=k.optimizers.Adam(learning_rate=0.003, beta_1=0.8),
                  loss=k.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["sparse_categorical_accuracy"])
    model.optimizer.build(model.trainable_variables)
    return model


BUILDERS = {f.__name__: f for f in (mlp, sequential, cnn, recurrent, attention, embedding,
                                    multi_io, branches, compiled)}


def inputs_for(name):
    """The deterministic inputs of zoo model `name`: a dict of NumPy arrays."""
    rng = np.random.default_rng(SEED + len(name))
    normal = lambda *shape: rng.standard_normal((4,) + shape).astype("float32")  # noqa: E731
    return {
        "mlp": lambda: {"features": normal(8)},
        "sequential": lambda: {"x": normal(6)},
        "cnn": lambda: {"x": normal(12, 12, 3)},
        "recurrent": lambda: {"x": normal(7, 5)},
        "attention": lambda: {"x": normal(6, 8)},
        "embedding": lambda: {"x": rng.integers(0, 20, (4, 9)).astype("int32")},
        "multi_io": lambda: {"image": normal(4, 4, 2), "meta": normal(3)},
        "branches": lambda: {"x": normal(4), "y": normal(4)},
        "compiled": lambda: {"x": normal(5)},
    }[name]()


def model_inputs(name, arrays):
    """The arrays of `inputs_for(name)` in the form the model takes: a dict, a list (in name
    order) or a single array."""
    if name == "multi_io":
        return dict(arrays)
    return [arrays[key] for key in sorted(arrays)] if len(arrays) > 1 else next(iter(arrays.values()))


def prediction_arrays(outputs):
    """``{"out_<key>": array}`` for a model output (array, list or dict)."""
    if isinstance(outputs, dict):
        return {f"out_{key}": np.asarray(value) for key, value in outputs.items()}
    if isinstance(outputs, (list, tuple)):
        return {f"out_{i}": np.asarray(value) for i, value in enumerate(outputs)}
    return {"out_0": np.asarray(outputs)}


def perturb(model, seed):
    """Adds noise to every weight (and optimizer variable) so that no value is a default."""
    rng = np.random.default_rng(seed)
    model.set_weights([w + rng.uniform(-0.2, 0.2, w.shape).astype(w.dtype)
                       if w.dtype.kind == "f" else w for w in model.get_weights()])
    optimizer = getattr(model, "optimizer", None)
    for variable in getattr(optimizer, "variables", []) if optimizer is not None else []:
        value = np.asarray(variable.numpy())
        if value.dtype.kind in "iu":  # the step counter
            variable.assign(np.full(value.shape, 7, value.dtype))
        elif value.ndim:  # slots; the learning rate stays as compiled
            variable.assign(rng.uniform(0.01, 0.1, value.shape).astype(value.dtype))


def evaluation_data():
    """Inputs and integer labels on which the `compiled` model is evaluated."""
    rng = np.random.default_rng(SEED)
    return rng.standard_normal((32, 5)).astype("float32"), rng.integers(0, 3, 32).astype("int32")


def compile_report(model):
    """What a model knows of its compile settings, as JSON-able data: the optimizer and its
    variables (by path), the compile config, and `evaluate` on `evaluation_data()`."""
    optimizer = model.optimizer
    x, y = evaluation_data()
    return {
        "optimizer_class": type(optimizer).__name__,
        "learning_rate": float(np.asarray(optimizer.learning_rate)),
        "beta_1": float(optimizer.beta_1),
        "optimizer_variables": [[v.path, np.asarray(v.numpy()).tolist()] for v in optimizer.variables],
        "compile_config": model.get_compile_config(),
        "evaluation": model.evaluate(x, y, return_dict=True, verbose=0),
    }


def _write(keras, directory):
    report = {}
    for index, (name, build) in enumerate(BUILDERS.items()):
        keras.utils.set_random_seed(SEED + index)
        model = build(keras)
        perturb(model, SEED + index)
        arrays = inputs_for(name)
        outputs = model.predict(model_inputs(name, arrays), verbose=0)
        np.savez(os.path.join(directory, f"{name}.npz"), **arrays, **prediction_arrays(outputs))
        model.save(os.path.join(directory, f"{name}.keras"))
        model.save_weights(os.path.join(directory, f"{name}.weights.h5"))
        if name == "sequential":
            keras.saving.save_model(model, os.path.join(directory, f"{name}_dir"), zipped=False)
        if name == "compiled":
            report["compiled"] = compile_report(model)
    with open(os.path.join(directory, "report.json"), "w") as handle:
        json.dump(report, handle)


def _read(keras, directory):
    report = {"errors": {}}
    for name, build in BUILDERS.items():
        arrays = dict(np.load(os.path.join(directory, f"{name}.npz")))
        inputs = model_inputs(name, {k: v for k, v in arrays.items() if not k.startswith("out_")})
        for kind in ("keras", "weights"):
            path = os.path.join(directory, f"{name}.{'keras' if kind == 'keras' else 'weights.h5'}")
            if not os.path.exists(path):
                continue
            try:
                if kind == "keras":
                    model = keras.saving.load_model(path)
                else:
                    model = build(keras)
                    model.load_weights(path)
                outputs = model.predict(inputs, verbose=0)
                if name == "compiled" and kind == "keras":
                    report["compiled"] = compile_report(model)
            except Exception as error:  # noqa: BLE001 - reported to the test, which fails on it
                report["errors"][f"{name}.{kind}"] = f"{type(error).__name__}: {error}"
                continue
            np.savez(os.path.join(directory, f"{name}.{kind}_out.npz"), **prediction_arrays(outputs))
    with open(os.path.join(directory, "report.json"), "w") as handle:
        json.dump(report, handle)


def main(argv):
    if len(argv) != 3 or argv[1] not in ("write", "read"):
        raise SystemExit(f"usage: {argv[0]} write|read DIRECTORY")
    os.environ.setdefault("KERAS_BACKEND", "numpy")
    import keras
    (_write if argv[1] == "write" else _read)(keras, argv[2])


if __name__ == "__main__":
    main(sys.argv)
