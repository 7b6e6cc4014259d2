"""Small models for the TensorFlow-format export tests (SavedModel, LiteRT, ExportArchive).

Weights are drawn at random (also the normalization statistics), so an exported graph that
ignored a weight or ran in training mode would give different outputs.
"""

import numpy as np

import kerasnb as keras

ZOO = ("mlp", "cnn", "lstm", "attention", "multi_input")


def build(name):
    """The model `name` of the zoo, built on the active backend with random weights."""
    layers = keras.layers
    if name == "mlp":
        inputs = keras.Input(shape=(4,), name="features")
        x = layers.Dense(8, activation="relu")(inputs)
        x = layers.Dropout(0.5)(x)
        model = keras.Model(inputs, layers.Dense(3, activation="softmax")(x))
    elif name == "cnn":
        model = keras.Sequential([
            keras.Input(shape=(8, 8, 2), name="image"),
            layers.Conv2D(4, 3, activation="relu"),
            layers.BatchNormalization(),
            layers.MaxPooling2D(),
            layers.Flatten(),
            layers.Dense(2),
        ])
    elif name == "lstm":
        inputs = keras.Input(shape=(6, 3), name="sequence")
        x = layers.LSTM(5, return_sequences=True)(inputs)
        x = layers.Bidirectional(layers.GRU(3))(x)
        model = keras.Model(inputs, layers.Dense(2)(x))
    elif name == "attention":
        inputs = keras.Input(shape=(5, 8), name="tokens")
        x = layers.MultiHeadAttention(num_heads=2, key_dim=4)(inputs, inputs)
        x = layers.LayerNormalization()(layers.Add()([inputs, x]))
        model = keras.Model(inputs, layers.Dense(2)(layers.GlobalAveragePooling1D()(x)))
    elif name == "multi_input":
        numeric = keras.Input(shape=(4,), name="numeric")
        ids = keras.Input(shape=(5,), dtype="int32", name="ids")
        embedded = layers.Flatten()(layers.Embedding(10, 3)(ids))
        joined = layers.Concatenate()([layers.Dense(6, activation="tanh")(numeric), embedded])
        model = keras.Model([numeric, ids], [layers.Dense(2)(joined), layers.Dense(1)(joined)])
    else:
        raise ValueError(f"No zoo model {name!r}.")
    randomize(model)
    return model


def randomize(model, seed=0):
    """Random float weights; variances (normalization statistics) stay positive."""
    rng = np.random.default_rng(seed)
    for variable in model.variables:
        if variable.dtype.startswith("float"):
            low, high = (0.5, 1.5) if "variance" in variable.path else (-1.0, 1.0)
            variable.assign(rng.uniform(low, high, variable.shape).astype(variable.dtype))


def inputs_for(model, batch, seed=1):
    """One random array per model input, in the order of `model.inputs`."""
    rng = np.random.default_rng(seed)
    arrays = []
    for spec in model.inputs:
        shape = (batch,) + tuple(spec.shape[1:])
        if spec.dtype.startswith("int"):
            arrays.append(rng.integers(0, 10, shape).astype(spec.dtype))
        else:
            arrays.append(rng.normal(size=shape).astype(spec.dtype))
    return arrays


def predict(model, arrays):
    """`model.predict` on the arrays (a list for several inputs), outputs as a list."""
    outputs = model.predict(arrays if len(arrays) > 1 else arrays[0], verbose=0)
    return list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]
