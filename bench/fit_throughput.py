"""Second-epoch training throughput of kerasnb `fit` vs a hand-written loop per framework.

Two models, trained with batch 128, Adam(1e-3), sparse categorical crossentropy from
logits and an accuracy metric, on synthetic float32 data (fixed seed):

- mlp: Dense 784-256-256-10 (relu), 60,000 samples;
- cnn: 2 x (Conv2D 3x3 relu (32, then 64 filters) + MaxPool2D(2)) + Flatten + Dense(10),
  8,192 samples of 28x28x1 (channels-last; the raw torch loop uses NCHW as torch users do).

Each measurement trains a fresh model for two epochs and times only the second one (the
first pays for tracing/compilation). kerasnb and the raw loop alternate, in swapped order
each round; the table shows the medians over `--rounds`, the ratio kerasnb/raw, and the
target (jax >= 1.0, torch >= 0.85, tensorflow >= 0.9). Both sides of a row run in the same
process on the same framework, hence on the same thread pools (`--threads` pins them).
Always exits 0: this is a benchmark, not a test.

The raw loops are what a competent user writes, with the same math and bookkeeping
(per-epoch permutation, running loss and accuracy kept on the device):

- jax: params pytree, `jax.jit` step with donated state, hand-written Adam;
- torch: `nn.Sequential`, `torch.optim.Adam`, `F.cross_entropy`, batches sliced from
  pre-made tensors with a permuted index, `zero_grad(set_to_none=True)`;
- tensorflow: `tf.Variable`s, `tf.function` step with `tf.GradientTape` and a
  hand-written Adam, fed one NumPy batch per step (as `fit` is).

    python bench/fit_throughput.py [--backends jax,torch,tensorflow] [--models mlp,cnn]
                                   [--rounds 5] [--threads N] [--quick]
"""

import argparse
import os
import statistics
import time

import numpy as np

BATCH, LEARNING_RATE, BETA_1, BETA_2, EPSILON = 128, 1e-3, 0.9, 0.999, 1e-7
TARGETS = {"jax": 1.0, "torch": 0.85, "tensorflow": 0.9}
SAMPLES = {"mlp": 60_000, "cnn": 8_192}
QUICK_SAMPLES = {"mlp": 4_096, "cnn": 1_024}


def make_data(model_name, samples):
    """Synthetic float32 inputs and int32 labels in [0, 10), from a fixed seed."""
    rng = np.random.default_rng(0)
    shape = (samples, 784) if model_name == "mlp" else (samples, 28, 28, 1)
    return rng.standard_normal(shape, dtype=np.float32), rng.integers(0, 10, samples).astype("int32")


def epoch_batches(samples):
    """Index slices of one shuffled epoch (the last batch may be short)."""
    order = np.random.permutation(samples)
    return [order[i:i + BATCH] for i in range(0, samples, BATCH)]


# kerasnb --------------------------------------------------------------------------------


def kerasnb_model(model_name):
    """A fresh compiled kerasnb model of the benchmark ("mlp" or "cnn")."""
    import kerasnb as keras
    from kerasnb import layers

    if model_name == "mlp":
        stack = [keras.Input((784,)), layers.Dense(256, activation="relu"),
                 layers.Dense(256, activation="relu"), layers.Dense(10)]
    else:
        stack = [keras.Input((28, 28, 1)), layers.Conv2D(32, 3, activation="relu"),
                 layers.MaxPooling2D(2), layers.Conv2D(64, 3, activation="relu"),
                 layers.MaxPooling2D(2), layers.Flatten(), layers.Dense(10)]
    model = keras.Sequential(stack)
    model.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    return model


def epoch_timer():
    """A callback whose `seconds` is the wall time of the last finished epoch."""
    import kerasnb as keras

    class EpochTimer(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):  # logs are host floats: the epoch is done
            self.seconds = time.perf_counter() - self.start

    return EpochTimer()


def kerasnb_seconds(model_name, x, y):
    """Wall time of the second epoch of `fit` on a fresh kerasnb model."""
    timer = epoch_timer()
    kerasnb_model(model_name).fit(x, y, batch_size=BATCH, epochs=2, verbose=0, shuffle=True,
                                  callbacks=[timer])
    return timer.seconds


# jax ------------------------------------------------------------------------------------


def jax_seconds(model_name, x, y):
    """Wall time of the second epoch of a hand-written jax training loop."""
    import jax
    import jax.numpy as jnp

    key = iter(jax.random.split(jax.random.PRNGKey(0), 8))

    def glorot(shape, fan_in, fan_out):
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        return jax.random.uniform(next(key), shape, jnp.float32, -limit, limit)

    if model_name == "mlp":
        sizes = [(784, 256), (256, 256), (256, 10)]
        params = [{"w": glorot(s, *s), "b": jnp.zeros(s[1], jnp.float32)} for s in sizes]
    else:
        params = [{"w": glorot((3, 3, 1, 32), 9, 288), "b": jnp.zeros(32, jnp.float32)},
                  {"w": glorot((3, 3, 32, 64), 288, 576), "b": jnp.zeros(64, jnp.float32)},
                  {"w": glorot((1600, 10), 1600, 10), "b": jnp.zeros(10, jnp.float32)}]

    def pool(h):
        return jax.lax.reduce_window(h, -jnp.inf, jax.lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID")

    def forward(params, xb):
        if model_name == "mlp":
            h = xb
            for layer in params[:-1]:
                h = jax.nn.relu(h @ layer["w"] + layer["b"])
        else:
            h = xb
            for layer in params[:-1]:
                h = jax.lax.conv_general_dilated(h, layer["w"], (1, 1), "VALID",
                                                 dimension_numbers=("NHWC", "HWIO", "NHWC"))
                h = pool(jax.nn.relu(h + layer["b"]))
            h = h.reshape(h.shape[0], -1)
        return h @ params[-1]["w"] + params[-1]["b"]

    def loss_fn(params, xb, yb):
        logits = forward(params, xb)
        log_probs = jax.nn.log_softmax(logits)
        loss = -jnp.mean(jnp.take_along_axis(log_probs, yb[:, None], axis=1))
        return loss, logits

    def train_step(state, xb, yb):
        params, m, v, t, loss_sum, correct = state
        (loss, logits), grads = jax.value_and_grad(loss_fn, has_aux=True)(params, xb, yb)
        t = t + 1
        m = jax.tree.map(lambda m, g: BETA_1 * m + (1 - BETA_1) * g, m, grads)
        v = jax.tree.map(lambda v, g: BETA_2 * v + (1 - BETA_2) * g * g, v, grads)
        alpha = LEARNING_RATE * jnp.sqrt(1 - BETA_2 ** t) / (1 - BETA_1 ** t)
        params = jax.tree.map(lambda p, m, v: p - alpha * m / (jnp.sqrt(v) + EPSILON), params, m, v)
        loss_sum = loss_sum + loss * xb.shape[0]
        correct = correct + jnp.sum(jnp.argmax(logits, axis=1) == yb)
        return params, m, v, t, loss_sum, correct

    step = jax.jit(train_step, donate_argnums=0)
    state = (params, jax.tree.map(jnp.zeros_like, params), jax.tree.map(jnp.zeros_like, params),
             jnp.float32(0))
    seconds = 0.0
    for _ in range(2):
        start = time.perf_counter()
        state = state[:4] + (jnp.float32(0), jnp.int32(0))
        for idx in epoch_batches(len(x)):
            state = step(state, x[idx], y[idx])
        logs = {"loss": float(state[4]) / len(x), "accuracy": int(state[5]) / len(x)}
        seconds = time.perf_counter() - start
    assert np.isfinite(logs["loss"]), logs
    return seconds


# torch ----------------------------------------------------------------------------------


def torch_seconds(model_name, x, y):
    """Wall time of the second epoch of a hand-written torch training loop."""
    import torch
    from torch import nn
    from torch.nn import functional as F

    torch.manual_seed(0)
    if model_name == "mlp":
        model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(),
                              nn.Linear(256, 10))
        inputs = torch.from_numpy(x)
    else:
        model = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
                              nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
                              nn.Flatten(), nn.Linear(1600, 10))
        inputs = torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))
    labels = torch.from_numpy(y).long()
    optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE, eps=EPSILON)
    model.train()
    seconds = 0.0
    for _ in range(2):
        start = time.perf_counter()
        loss_sum, correct = torch.zeros(()), torch.zeros((), dtype=torch.long)
        order = torch.randperm(len(inputs))
        for i in range(0, len(inputs), BATCH):
            idx = order[i:i + BATCH]
            xb, yb = inputs[idx], labels[idx]
            optimizer.zero_grad(set_to_none=True)
            logits = model(xb)
            loss = F.cross_entropy(logits, yb)
            loss.backward()
            optimizer.step()
            with torch.no_grad():
                loss_sum += loss.detach() * len(idx)
                correct += (logits.argmax(1) == yb).sum()
        logs = {"loss": loss_sum.item() / len(inputs), "accuracy": correct.item() / len(inputs)}
        seconds = time.perf_counter() - start
    assert np.isfinite(logs["loss"]), logs
    return seconds


# tensorflow -----------------------------------------------------------------------------


def tensorflow_seconds(model_name, x, y):
    """Wall time of the second epoch of a hand-written tensorflow training loop."""
    import tensorflow as tf

    rng = tf.random.Generator.from_seed(0)

    def glorot(shape, fan_in, fan_out):
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        return tf.Variable(rng.uniform(shape, -limit, limit))

    if model_name == "mlp":
        sizes = [(784, 256), (256, 256), (256, 10)]
        weights = [(glorot(s, *s), tf.Variable(tf.zeros(s[1]))) for s in sizes]
    else:
        weights = [(glorot((3, 3, 1, 32), 9, 288), tf.Variable(tf.zeros(32))),
                   (glorot((3, 3, 32, 64), 288, 576), tf.Variable(tf.zeros(64))),
                   (glorot((1600, 10), 1600, 10), tf.Variable(tf.zeros(10)))]
    params = [p for pair in weights for p in pair]
    moments = [tf.Variable(tf.zeros_like(p)) for p in params]
    velocities = [tf.Variable(tf.zeros_like(p)) for p in params]
    step_count = tf.Variable(0.0)
    loss_sum, correct = tf.Variable(0.0), tf.Variable(0, dtype=tf.int64)

    def forward(xb):
        h = xb
        if model_name == "mlp":
            for w, b in weights[:-1]:
                h = tf.nn.relu(tf.matmul(h, w) + b)
        else:
            for w, b in weights[:-1]:
                h = tf.nn.relu(tf.nn.conv2d(h, w, 1, "VALID") + b)
                h = tf.nn.max_pool2d(h, 2, 2, "VALID")
            h = tf.reshape(h, (tf.shape(h)[0], -1))
        w, b = weights[-1]
        return tf.matmul(h, w) + b

    feature_shape = [None, 784] if model_name == "mlp" else [None, 28, 28, 1]

    @tf.function(input_signature=[tf.TensorSpec(feature_shape, tf.float32),
                                  tf.TensorSpec([None], tf.int32)])
    def train_step(xb, yb):
        with tf.GradientTape() as tape:
            logits = forward(xb)
            loss = tf.reduce_mean(
                tf.nn.sparse_softmax_cross_entropy_with_logits(labels=yb, logits=logits))
        grads = tape.gradient(loss, params)
        step_count.assign_add(1.0)
        alpha = LEARNING_RATE * tf.sqrt(1 - BETA_2 ** step_count) / (1 - BETA_1 ** step_count)
        for p, g, m, v in zip(params, grads, moments, velocities):
            m.assign_add((g - m) * (1 - BETA_1))
            v.assign_add((tf.square(g) - v) * (1 - BETA_2))
            p.assign_sub(alpha * m / (tf.sqrt(v) + EPSILON))
        loss_sum.assign_add(loss * tf.cast(tf.shape(yb)[0], tf.float32))
        correct.assign_add(tf.reduce_sum(tf.cast(
            tf.equal(tf.argmax(logits, 1, output_type=tf.int32), yb), tf.int64)))

    seconds = 0.0
    for _ in range(2):
        start = time.perf_counter()
        loss_sum.assign(0.0)
        correct.assign(0)
        for idx in epoch_batches(len(x)):
            train_step(x[idx], y[idx])
        logs = {"loss": float(loss_sum.numpy()) / len(x), "accuracy": int(correct.numpy()) / len(x)}
        seconds = time.perf_counter() - start
    assert np.isfinite(logs["loss"]), logs
    return seconds


RAW = {"jax": jax_seconds, "torch": torch_seconds, "tensorflow": tensorflow_seconds}


# Driver ---------------------------------------------------------------------------------


def pin_threads(threads):
    """Caps every framework's intra-op pool at `threads` (before any framework loads)."""
    os.environ["OMP_NUM_THREADS"] = os.environ["MKL_NUM_THREADS"] = str(threads)
    os.environ["TF_NUM_INTRAOP_THREADS"] = str(threads)
    os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") +
                               f" --xla_cpu_multi_thread_eigen={'true' if threads > 1 else 'false'}"
                               f" intra_op_parallelism_threads={threads}").strip()


def apply_thread_pin(backend, threads):
    if threads is None:
        return
    if backend == "torch":
        import torch
        torch.set_num_threads(threads)
    elif backend == "tensorflow":
        import tensorflow as tf
        try:
            tf.config.threading.set_intra_op_parallelism_threads(threads)
        except RuntimeError:  # the runtime already started: the environment variable holds
            pass


def measure(model_name, backend, rounds, samples):
    """Median samples/s of kerasnb and of the raw loop over `rounds` alternating rounds."""
    import kerasnb

    kerasnb.config.set_backend(backend)
    x, y = make_data(model_name, samples)
    ours, raw = [], []
    for r in range(rounds):
        order = ("kerasnb", "raw") if r % 2 == 0 else ("raw", "kerasnb")
        for side in order:
            np.random.seed(r)
            if side == "kerasnb":
                ours.append(samples / kerasnb_seconds(model_name, x, y))
            else:
                raw.append(samples / RAW[backend](model_name, x, y))
    return statistics.median(ours), statistics.median(raw)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="jax,torch,tensorflow")
    parser.add_argument("--models", default="mlp,cnn")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=None,
                        help="intra-op threads for every framework (default: their own)")
    parser.add_argument("--quick", action="store_true", help="few samples, 1 round (smoke test)")
    args = parser.parse_args()
    backends = [b for b in args.backends.split(",") if b]
    models = [m for m in args.models.split(",") if m]
    for name, allowed, given in (("backends", TARGETS, backends), ("models", SAMPLES, models)):
        unknown = [g for g in given if g not in allowed]
        if unknown:
            parser.error(f"--{name}: expected some of {', '.join(allowed)}; received {unknown}")
    if args.rounds < 1:
        parser.error(f"--rounds: expected an int >= 1; received {args.rounds}")
    if args.threads is not None:
        pin_threads(args.threads)
    rounds = 1 if args.quick else args.rounds
    sizes = QUICK_SAMPLES if args.quick else SAMPLES

    print(f"{'model':<7}{'backend':<12}{'kerasnb/s':>11}{'raw/s':>11}{'ratio':>7}{'target':>8}")
    for backend in backends:
        apply_thread_pin(backend, args.threads)
        for model_name in models:
            try:
                ours, raw = measure(model_name, backend, rounds, sizes[model_name])
            except Exception as error:  # report and go on: one broken row must not hide the rest
                print(f"{model_name:<7}{backend:<12}failed: {type(error).__name__}: "
                      f"{str(error).splitlines()[0][:100]}", flush=True)
                continue
            ratio = ours / raw
            mark = "ok" if ratio >= TARGETS[backend] else "below"
            print(f"{model_name:<7}{backend:<12}{ours:>11.0f}{raw:>11.0f}{ratio:>7.2f}"
                  f"{TARGETS[backend]:>6.2f} {mark}", flush=True)


if __name__ == "__main__":
    main()
