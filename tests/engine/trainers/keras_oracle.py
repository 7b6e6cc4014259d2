"""Runs training scenarios in real Keras 3 (test-only oracle) and saves the results.

Usage: ``python keras_oracle.py OUT.npz`` (with KERAS_BACKEND set). The test runs the
same scenarios in kerasnb from the same initial weights and compares the numbers.
"""

import sys

import numpy as np


def data():
    rng = np.random.RandomState(0)
    x = rng.normal(size=(70, 5)).astype("float32")
    y_class = rng.randint(0, 3, size=70)
    y_reg = rng.normal(size=(70, 2)).astype("float32")
    weights = rng.uniform(0.5, 2.0, size=70).astype("float32")
    return x, y_class, y_reg, weights


def scenarios(keras):
    """name -> (build model, compile kwargs, fit kwargs); shared with the kerasnb side."""
    layers = keras.layers
    x, y_class, y_reg, weights = data()

    def mlp():
        return keras.Sequential([keras.Input((5,)), layers.Dense(8, activation="relu"), layers.Dense(3)])

    def batchnorm():
        return keras.Sequential([keras.Input((5,)), layers.Dense(6, use_bias=False), layers.BatchNormalization(),
                                 layers.Activation("tanh"), layers.Dense(2)])

    def two_heads():
        inputs = keras.Input((5,))
        hidden = layers.Dense(6, activation="relu", name="hidden")(inputs)
        return keras.Model(inputs, [layers.Dense(3, name="cls")(hidden), layers.Dense(2, name="reg")(hidden)])

    return {
        "sgd_momentum": (mlp, dict(
            optimizer=keras.optimizers.SGD(0.1, momentum=0.9),
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"]),
            dict(x=x[:60], y=y_class[:60], batch_size=16, epochs=3, shuffle=False,
                 validation_data=(x[60:], y_class[60:]))),
        "adam_batchnorm_weighted": (batchnorm, dict(
            optimizer=keras.optimizers.Adam(0.01), loss="mse", metrics=["mae"], weighted_metrics=["mse"]),
            dict(x=x, y=y_reg, sample_weight=weights, batch_size=16, epochs=2, shuffle=False)),
        "two_heads": (two_heads, dict(
            optimizer=keras.optimizers.RMSprop(0.01),
            loss=[keras.losses.SparseCategoricalCrossentropy(from_logits=True), "mse"],
            loss_weights=[1.0, 0.5], metrics=[["accuracy"], ["mae"]]),
            dict(x=x, y=[y_class, y_reg], batch_size=32, epochs=2, shuffle=False, validation_split=0.2)),
        "shuffled": (mlp, dict(
            optimizer=keras.optimizers.SGD(0.05),
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"]),
            dict(x=x, y=y_class, batch_size=16, epochs=3, shuffle=True)),
        "class_weight": (mlp, dict(
            optimizer=keras.optimizers.SGD(0.05),
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), weighted_metrics=["accuracy"]),
            dict(x=x, y=y_class, class_weight={0: 1.0, 1: 3.0, 2: 0.5}, batch_size=20, epochs=2,
                 shuffle=False)),
    }


def run(keras, init=None):
    """Runs every scenario; returns ``{name: (initial weights, final weights, history, evaluate)}``."""
    x, y_class, y_reg, _ = data()
    results = {}
    for name, (build, compile_kwargs, fit_kwargs) in scenarios(keras).items():
        model = build()
        if init is not None:
            model.set_weights(init[name])
        start = [np.array(w) for w in model.get_weights()]
        model.compile(**compile_kwargs)
        keras.utils.set_random_seed(0)  # the same shuffling order
        history = model.fit(verbose=0, **fit_kwargs).history
        y = [y_class, y_reg] if name == "two_heads" else (y_reg if "batchnorm" in name else y_class)
        evaluation = model.evaluate(x, y, verbose=0, return_dict=True)
        results[name] = (start, [np.array(w) for w in model.get_weights()], history, evaluation)
    return results


if __name__ == "__main__":
    import keras
    keras.utils.set_random_seed(0)
    flat = {}
    for name, (start, end, history, evaluation) in run(keras).items():
        for i, w in enumerate(start):
            flat[f"{name}/start/{i}"] = w
        for i, w in enumerate(end):
            flat[f"{name}/end/{i}"] = w
        for key, values in history.items():
            flat[f"{name}/history/{key}"] = np.array(values)
        for key, value in evaluation.items():
            flat[f"{name}/evaluate/{key}"] = np.array(value)
    np.savez(sys.argv[1], **flat)
