"""Weight bytes, predict speed and test accuracy of digits models before and after int8/int4
quantization (`model.quantize`), per backend.

Data: sklearn's `load_digits` (1,797 8x8 images, pixels / 16), a fixed stratified split of
1,437 training and 360 test images. Two models, trained once in float32 (Adam 1e-3, batch
32, 30 epochs, seed 0) on the first backend given:

- mlp: Dense 64-256-128-10 (relu);
- cnn: Conv2D(16, 3x3, same, relu) + MaxPool2D(2) + Flatten + Dense(128, relu) + Dense(10).

Each trained model is cloned (same weights) and quantized with the default configs: int8
(per-output-channel weight scales, per-row int8 inputs) and int4 (packed, blocks of 128
inputs with zero points). Only Dense layers are quantized (as in Keras); the conv weights
stay float32. For every backend the table shows the weight bytes (all variables, as stored)
and the ratio float/quantized, the test accuracy and its change in points, and the median
time of `predict` on the test set (batch 360, the three variants taking turns) with the ratio
quantized/float. The quantized calls quantize their inputs and run integer matmuls (int8) or
unpack int4 with generic ops, so on CPU they are not faster. Target: int8 weights >= 3.5x
smaller with an accuracy drop <= 0.5 points. Always exits 0.

    python bench/quantization.py [--backends jax,torch,tensorflow,numpy] [--repeats 20]
"""

import argparse
import statistics
import time

import numpy as np

MODES = ("float32", "int8", "int4")


def digits():
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    x, y = load_digits(return_X_y=True)
    x = (x / 16.0).astype("float32")
    return train_test_split(x, y.astype("int32"), test_size=360, random_state=0, stratify=y)


def build(name):
    import kerasnb as keras
    from kerasnb import layers
    if name == "mlp":
        stack = [keras.Input((64,)), layers.Dense(256, activation="relu"), layers.Dense(128, activation="relu"),
                 layers.Dense(10)]
    else:
        stack = [keras.Input((8, 8, 1)), layers.Conv2D(16, 3, padding="same", activation="relu"),
                 layers.MaxPooling2D(2), layers.Flatten(), layers.Dense(128, activation="relu"), layers.Dense(10)]
    return keras.Sequential(stack, name=name)


def shaped(name, x):
    return x if name == "mlp" else x.reshape(-1, 8, 8, 1)


def train(name, x, y):
    import kerasnb as keras
    keras.utils.set_random_seed(0)
    model = build(name)
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(shaped(name, x), y, batch_size=32, epochs=30, verbose=0)
    return model


def variant(name, trained, mode):
    """A copy of `trained` with the same weights, quantized in `mode` (float32: as is)."""
    import warnings
    model = build(name)
    model.set_weights(trained.get_weights())
    if mode != "float32":
        with warnings.catch_warnings():  # "Conv2D keeps its float weights"
            warnings.simplefilter("ignore")
            model.quantize(mode)
    return model


def weight_bytes(model):
    from kerasnb.engine import dtypes
    return sum(int(np.prod(v.shape)) * dtypes.itemsize(v.dtype) for v in model.weights)


def accuracy(model, x, y):
    logits = np.asarray(model.predict(x, batch_size=len(x), verbose=0))
    return float((logits.argmax(-1) == y).mean())


def predict_ms(models, x, repeats):
    """Median milliseconds of one `predict` per model, the models taking turns (so that load
    changes on a shared machine hit them alike)."""
    for model in models.values():  # compile / warm up
        model.predict(x, batch_size=len(x), verbose=0)
    times = {mode: [] for mode in models}
    for _ in range(repeats):
        for mode, model in models.items():
            start = time.perf_counter()
            model.predict(x, batch_size=len(x), verbose=0)
            times[mode].append(time.perf_counter() - start)
    return {mode: 1000 * statistics.median(values) for mode, values in times.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", default="jax,torch,tensorflow,numpy")
    parser.add_argument("--models", default="mlp,cnn")
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    import kerasnb
    backends = args.backends.split(",")
    x_train, x_test, y_train, y_test = digits()
    rows = []
    for name in args.models.split(","):
        kerasnb.config.set_backend(backends[0])
        trained = train(name, x_train, y_train)
        models = {mode: variant(name, trained, mode) for mode in MODES}
        x = shaped(name, x_test)
        for backend in backends:
            kerasnb.config.set_backend(backend)
            base, times = {}, predict_ms(models, x, args.repeats)
            for mode, model in models.items():
                size, acc, ms = weight_bytes(model), accuracy(model, x, y_test), times[mode]
                base.setdefault("size", size)
                base.setdefault("acc", acc)
                base.setdefault("ms", ms)
                rows.append((name, backend, mode, size, base["size"] / size, 100 * acc, 100 * (acc - base["acc"]),
                             ms, ms / base["ms"]))
    header = ("model", "backend", "mode", "weight bytes", "smaller by", "test acc %", "change pts", "predict ms",
              "time ratio")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for name, backend, mode, size, ratio, acc, change, ms, time_ratio in rows:
        print(f"| {name} | {backend} | {mode} | {size:,} | {ratio:.2f}x | {acc:.2f} | {change:+.2f} | "
              f"{ms:.2f} | {time_ratio:.2f} |")
    targets = [(r[0], r[1], r[4] >= 3.5 and r[6] >= -0.5) for r in rows if r[2] == "int8"]
    failing = [f"{m}/{b}" for m, b, ok in targets if not ok]
    print("int8 target (>= 3.5x smaller, drop <= 0.5 pts):", "met everywhere" if not failing else
          f"missed for {', '.join(failing)}")


if __name__ == "__main__":
    main()
