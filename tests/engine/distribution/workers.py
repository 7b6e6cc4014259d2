"""Distributed scenarios run in fresh processes by the tests of this folder.

Device counts must be fixed before a framework starts (XLA_FLAGS, logical TensorFlow
devices, a torch.distributed group), so each scenario runs as
``python workers.py SCENARIO OUT_DIR PROCESSES`` and writes ``OUT_DIR/<process id>.json``: the
largest weight differences to single-device training on the same global batches, logs,
device lists, error messages. The tests read them.
"""

import json
import os
import sys
import time
import traceback

import numpy as np

FEATURES, CLASSES = 5, 3


def data(samples):
    rng = np.random.default_rng(0)
    return (rng.standard_normal((samples, FEATURES)).astype("float32"),
            rng.integers(0, CLASSES, samples).astype("int32"))


def build(keras, seed=1, batchnorm=False, run_eagerly=False, jit_compile="auto"):
    """A small classifier whose first layer records the batch rows it is called with."""

    class RowCounter(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.rows = []

        def call(self, x):
            rows = x.shape[0]
            self.rows.append(rows if rows is None else int(rows))
            return x

    keras.utils.set_random_seed(seed)
    stack = [keras.Input((FEATURES,)), RowCounter(), keras.layers.Dense(8, activation="relu")]
    if batchnorm:
        stack += [keras.layers.BatchNormalization(), keras.layers.Dropout(0.3)]
    model = keras.Sequential(stack + [keras.layers.Dense(4)])
    model.compile(keras.optimizers.Adam(0.01), keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"], run_eagerly=run_eagerly, jit_compile=jit_compile)
    return model


def max_diff(a, b):
    return max(float(np.max(np.abs(np.asarray(x) - np.asarray(y)))) for x, y in zip(a, b))


def train_pair(keras, D, dist, samples=26, batch_size=8, initial=None, **build_kwargs):
    """Trains a model without and one with `dist` on the same global batches; returns the
    reference, the distributed model and both histories."""
    x, y = data(samples)
    D.set_distribution(None)
    ref = build(keras, **build_kwargs)
    if initial is not None:
        ref.set_weights(initial)
    h_ref = ref.fit(x, y, batch_size=batch_size, epochs=2, shuffle=False, verbose=0).history
    D.set_distribution(dist)
    model = build(keras, **build_kwargs)
    if initial is not None:
        model.set_weights(initial)
    h_dist = model.fit(x, y, batch_size=batch_size, epochs=2, shuffle=False, verbose=0).history
    return ref, model, h_ref, h_dist


def error_of(fn):
    try:
        fn()
    except Exception as exc:  # the scenario reports it; the test checks type and message
        return f"{type(exc).__name__}: {exc}"
    return None


# jax ------------------------------------------------------------------------------------


def scenario_jax():
    import jax

    import kerasnb as keras
    from kerasnb import distribution as D
    keras.config.set_backend("jax")
    out = {"devices": D.list_devices(), "count": D.get_device_count(),
           "cpu_count": D.get_device_count("cpu")}
    dp = D.DataParallel()
    x, y = data(26)
    ref, model, h_ref, h_dist = train_pair(keras, D, dp)
    dp_ref, dp_h_ref = ref, h_ref
    kernel = model.layers[1].kernel.value
    out["dp"] = {
        "diff": max_diff(ref.get_weights(), model.get_weights()), "history": [h_ref, h_dist],
        "kernel_devices": len(kernel.sharding.device_set),
        "kernel_replicated": bool(kernel.sharding.is_fully_replicated),
        "evaluate": [ref.evaluate(x, y, verbose=0), model.evaluate(x, y, verbose=0)],
        "predict_diff": max_diff([ref.predict(x, verbose=0)], [model.predict(x, verbose=0)])}
    ref, model, _, _ = train_pair(keras, D, dp, run_eagerly=True)
    out["dp_eager_diff"] = max_diff(ref.get_weights(), model.get_weights())
    ref, model, h_ref, h_dist = train_pair(keras, D, dp, batchnorm=True)
    out["dp_batchnorm_diff"] = max_diff(ref.get_weights(), model.get_weights())

    mesh = D.DeviceMesh((2, 2), ["batch", "model"])
    layout_map = D.LayoutMap(mesh)
    layout_map[".*dense.*kernel"] = (None, "model")
    layout_map[".*dense.*bias"] = ("model",)
    mp = D.ModelParallel(layout_map=layout_map)
    D.set_distribution(mp)
    model = build(keras)  # the same training as `dp_ref`, its model split over "model"
    h_dist = model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0).history
    kernel = model.layers[1].kernel.value
    out["mp"] = {"diff": max_diff(dp_ref.get_weights(), model.get_weights()), "history": [dp_h_ref, h_dist],
                 "kernel_shape": list(kernel.shape),
                 "kernel_shard_shape": list(kernel.addressable_shards[0].data.shape),
                 "predict_diff": max_diff([dp_ref.predict(x, verbose=0)], [model.predict(x, verbose=0)])}

    layout = D.TensorLayout(("batch", None), dp.device_mesh)
    placed = D.distribute_tensor(keras.ops.ones((8, 2)), layout)
    traced = jax.jit(lambda t: D.distribute_tensor(t * 2, layout))(np.ones((8, 2), "float32"))
    out["distribute_tensor"] = {"eager_shard": list(placed.addressable_shards[0].data.shape),
                                "traced_shard": list(traced.addressable_shards[0].data.shape),
                                "keras_tensor": D.distribute_tensor(keras.KerasTensor((None, 2)), layout).shape[1]}
    D.set_distribution(None)
    out["bad_mesh"] = error_of(lambda: D.DeviceMesh((2,), ["batch"], devices=["cpu:0", "cpu:9"]).backend_mesh)
    return out


def scenario_jax_multiprocess():
    """One of two processes of two devices each, joined by jax.distributed."""
    import kerasnb as keras
    from kerasnb import distribution as D
    process = int(os.environ["KERAS_DISTRIBUTION_PROCESS_ID"])
    D.initialize()  # coordinator, process count and id from KERAS_DISTRIBUTION_* variables
    out = {"devices": D.list_devices(), "seed_draw": float(np.random.rand()), "process": process}
    dp = D.DataParallel()
    out["num_processes"] = dp.num_processes
    x, y = data(24)
    ref = build(keras, seed=1)  # process 0's initial weights win: the others start elsewhere
    h_ref = ref.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0).history
    D.set_distribution(dp)
    model = build(keras, seed=1 + process)
    h_dist = model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0).history
    local = [np.asarray(v.value.addressable_shards[0].data) for v in model.weights]
    out["diff"] = max_diff(ref.get_weights(), local)
    out["history"] = [h_ref, h_dist]
    out["predict_diff"] = max_diff([ref.predict(x, verbose=0)], [model.predict(x, verbose=0)])
    return out


# torch ----------------------------------------------------------------------------------


def scenario_torch():
    """One of two gloo processes, started as torchrun starts them (RANK, WORLD_SIZE...)."""
    import kerasnb as keras
    from kerasnb import distribution as D
    keras.config.set_backend("torch")
    D.initialize()
    rank = D.DataParallel().process_id
    out = {"rank": rank, "devices": D.list_devices(), "seed_draw": float(np.random.rand())}
    dp = D.DataParallel()
    x, y = data(25)

    # the seed is shared: shuffled epochs and dropout agree across processes
    D.set_distribution(dp)
    shuffled = build(keras, seed=7, batchnorm=True)
    keras.utils.set_random_seed(11)
    shuffled.fit(x, y, batch_size=8, epochs=2, shuffle=True, verbose=0)
    out["shuffled_weights"] = [w.tolist() for w in shuffled.get_weights()]

    # each process starts from different weights: process 0's are broadcast
    initial = build(keras, seed=1).get_weights()
    D.set_distribution(dp)
    model = build(keras, seed=1 + rank)
    h_dist = model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0).history
    out["rows"] = model.layers[0].rows
    out["history"] = h_dist
    out["evaluate"] = model.evaluate(x, y, verbose=0)
    out["weights"] = [w.tolist() for w in model.get_weights()]
    D.set_distribution(None)
    ref = build(keras, seed=1)
    ref.set_weights(initial)
    out["ref_history"] = ref.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0).history
    out["ref_weights"] = [w.tolist() for w in ref.get_weights()]
    out["ref_evaluate"] = ref.evaluate(x, y, verbose=0)

    D.set_distribution(dp)
    out["jit_error"] = error_of(lambda: build(keras, jit_compile=True).fit(x, y, batch_size=8, verbose=0))
    return out


# tensorflow (with jax for the backend switch) -----------------------------------------------


def scenario_tensorflow():
    import tensorflow as tf
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)

    import kerasnb as keras
    from kerasnb import distribution as D
    out = {}
    x, y = data(25)

    # a distribution set on jax carries over to tensorflow, and torch refuses it clearly
    keras.config.set_backend("jax")
    dp = D.DataParallel()
    ref, model, _, _ = train_pair(keras, D, dp, samples=25)
    out["switch"] = {"jax_devices": dp.device_mesh.devices.tolist(),
                     "jax_diff": max_diff(ref.get_weights(), model.get_weights())}
    keras.config.set_backend("tensorflow")
    out["switch"]["kept"] = D.distribution() is dp
    out["devices"] = D.list_devices()
    ref, model, h_ref, h_dist = train_pair(keras, D, dp, samples=25)
    strategy = dp.device_mesh.backend_mesh
    out["dp"] = {"diff": max_diff(ref.get_weights(), model.get_weights()), "history": [h_ref, h_dist],
                 "rows": [[r for r in m.layers[0].rows if r is not None][:1] for m in (ref, model)],
                 "strategy": type(strategy).__name__, "replicas": strategy.num_replicas_in_sync,
                 "evaluate": [ref.evaluate(x, y, verbose=0), model.evaluate(x, y, verbose=0)],
                 "predict_diff": max_diff([ref.predict(x, verbose=0)], [model.predict(x, verbose=0)])}
    D.set_distribution(dp)
    bn = build(keras, batchnorm=True)
    history = bn.fit(x, y, batch_size=8, epochs=2, verbose=0).history
    out["batchnorm"] = {"loss": history["loss"],
                        "finite": bool(all(np.isfinite(w).all() for w in bn.get_weights()))}
    out["eager_error"] = error_of(lambda: build(keras, run_eagerly=True).fit(x, y, verbose=0))
    keras.config.set_backend("torch")
    out["switch"]["torch_error"] = error_of(lambda: build(keras).fit(x, y, verbose=0))
    D.set_distribution(None)
    return out


def scenario_tensorflow_multiworker():
    """One of two workers (one CPU each) joined by a MultiWorkerMirroredStrategy."""
    import kerasnb as keras
    from kerasnb import distribution as D
    keras.config.set_backend("tensorflow")
    D.initialize()  # the workers' addresses and this one's index from KERAS_DISTRIBUTION_*
    process = D.DataParallel().process_id
    out = {"process": process, "devices": D.list_devices(), "seed_draw": float(np.random.rand())}
    x, y = data(24)
    ref = build(keras, seed=1)
    h_ref = ref.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0).history
    dp = D.DataParallel()
    D.set_distribution(dp)
    model = build(keras, seed=1 + process)  # worker 0's initial weights win
    h_dist = model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0).history
    out["strategy"] = type(dp.device_mesh.backend_mesh).__name__
    out["diff"] = max_diff(ref.get_weights(), model.get_weights())
    out["history"] = [h_ref, h_dist]
    return out


def leave_together(out_dir, processes, timeout=60.0):
    """Waits until every process of the scenario wrote its result. A process that exits while
    another still reads its last collective resets their connection ("Connection reset by
    peer" in gloo): a result is written only after its process's last collective."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len([n for n in os.listdir(out_dir) if n.endswith(".json")]) >= processes:
            return
        time.sleep(0.05)


def main():
    scenario, out_dir, processes = sys.argv[1], sys.argv[2], int(sys.argv[3])
    try:
        result = globals()[f"scenario_{scenario}"]()
    except Exception:
        result = {"crash": traceback.format_exc()}
    name = str(result.get("rank", result.get("process", 0)))
    partial = os.path.join(out_dir, f"{name}.partial")
    with open(partial, "w") as f:
        json.dump(result, f)
    os.replace(partial, os.path.join(out_dir, f"{name}.json"))  # seen whole or not at all
    sys.stdout.flush()
    leave_together(out_dir, processes)
    os._exit(0)  # skip the frameworks' slow teardown (thread pools, gloo, strategies)


if __name__ == "__main__":
    main()
