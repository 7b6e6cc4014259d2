"""Small models shared by the export tests: each builder returns ``(model, inputs)`` where
`inputs` is a function of the batch size giving the model's input arrays."""

import numpy as np

import kerasnb as keras
from kerasnb import layers, ops


def _normal(*shape):
    def make(batch, seed=0):
        return np.random.default_rng(seed + batch).normal(size=(batch,) + shape).astype("float32")
    return make


def mlp():
    model = keras.Sequential([keras.Input((6,)), layers.Dense(16, activation="relu"), layers.Dropout(0.3),
                              layers.BatchNormalization(), layers.Dense(3, activation="softmax")])
    return model, _normal(6)


def cnn():
    model = keras.Sequential([
        keras.Input((12, 12, 3)), layers.Conv2D(8, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(2), layers.DepthwiseConv2D(3, activation="gelu"), layers.BatchNormalization(),
        layers.Conv2D(4, 1), layers.Flatten(), layers.Dense(5)])
    return model, _normal(12, 12, 3)


def lstm_text():
    tokens = keras.Input((7,), dtype="int32", name="tokens")
    x = layers.Embedding(20, 8)(tokens)
    x = layers.LSTM(6, return_sequences=True)(x)
    x = layers.GRU(5)(x)
    model = keras.Model(tokens, layers.Dense(2)(x))

    def inputs(batch, seed=0):
        return np.random.default_rng(seed + batch).integers(0, 20, (batch, 7)).astype("int32")
    return model, inputs


def attention():
    seq = keras.Input((5, 8), name="sequence")
    x = layers.MultiHeadAttention(num_heads=2, key_dim=4)(seq, seq)
    x = layers.LayerNormalization()(layers.Add()([seq, x]))
    y = layers.Dense(16, activation="gelu")(x)
    x = layers.LayerNormalization()(layers.Add()([x, layers.Dense(8)(y)]))
    model = keras.Model(seq, layers.Dense(3)(layers.GlobalAveragePooling1D()(x)))
    return model, _normal(5, 8)


def multi_input():
    image = keras.Input((8, 8, 1), name="image")
    meta = keras.Input((3,), name="meta")
    x = layers.GlobalMaxPooling2D()(layers.Conv2D(4, 3)(image))
    both = layers.Concatenate()([x, layers.Dense(4, activation="tanh")(meta)])
    score = layers.Dense(1, activation="sigmoid", name="score")(both)
    label = layers.Dense(3, activation="softmax", name="label")(both)
    model = keras.Model({"image": image, "meta": meta}, {"score": score, "label": label})

    def inputs(batch, seed=0):
        rng = np.random.default_rng(seed + batch)
        return {"image": rng.normal(size=(batch, 8, 8, 1)).astype("float32"),
                "meta": rng.normal(size=(batch, 3)).astype("float32")}
    return model, inputs


class Residual(keras.Model):
    """A subclassed model: a residual MLP block with an op called directly in `call`."""

    def __init__(self):
        super().__init__()
        self.hidden = layers.Dense(6, activation="relu")
        self.out = layers.Dense(6)

    def call(self, x):
        return ops.tanh(x + self.out(self.hidden(x)))


def subclassed():
    model = Residual()
    model(np.zeros((1, 6), "float32"))
    return model, _normal(6)


ZOO = {"mlp": mlp, "cnn": cnn, "lstm_text": lstm_text, "attention": attention,
       "multi_input": multi_input, "subclassed": subclassed}
