"""Data-parallel `fit` throughput at 1, 2 and 4 devices, per backend.

Each point trains the same MLP (784-512-512-10, Adam, global batch 256) under
`DataParallel` over N devices, in fresh processes, and times the second epoch (the first
pays for tracing). On a CPU machine the N devices are forced host devices (jax), logical
CPU devices (tensorflow) or N gloo processes (torch), all sharing the same cores: the
numbers show the distributed path runs and what it costs, not a speed-up. On a machine
with N GPUs the same script measures real scaling (jax and tensorflow use the first N GPUs,
torch N nccl processes). Prints samples/s and the ratio to 1 device. Always exits 0.

    python bench/scaling.py [--backends jax,torch,tensorflow] [--devices 1,2,4]
                            [--samples 16384] [--batch 256]
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import time

import numpy as np


def child(backend, devices, samples, batch):
    """Runs in a fresh process (one of `devices` on torch): prints a JSON line."""
    if backend == "tensorflow":
        import tensorflow as tf
        if not tf.config.list_physical_devices("GPU"):
            cpu = tf.config.list_physical_devices("CPU")[0]
            tf.config.set_logical_device_configuration(
                cpu, [tf.config.LogicalDeviceConfiguration()] * devices)
    import kerasnb as keras
    from kerasnb import distribution
    keras.config.set_backend(backend)
    if backend == "torch":
        distribution.initialize()  # RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT set by the parent
        dp = distribution.DataParallel()
    else:
        found = distribution.list_devices()
        if len(found) < devices:
            print(json.dumps({"error": f"needs {devices} devices, found {len(found)}"}))
            return
        dp = distribution.DataParallel(devices=found[:devices])
    distribution.set_distribution(dp)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((samples, 784), dtype=np.float32)
    y = rng.integers(0, 10, samples).astype("int32")
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(512, activation="relu"),
                              keras.layers.Dense(512, activation="relu"), keras.layers.Dense(10)])
    model.compile(keras.optimizers.Adam(1e-3),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])

    class Timer(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.seconds = time.perf_counter() - self.start

    timer = Timer()
    history = model.fit(x, y, batch_size=batch, epochs=2, verbose=0, callbacks=[timer])
    if dp.process_id == 0:
        print(json.dumps({"samples_per_s": samples / timer.seconds,
                          "loss": history.history["loss"][-1]}))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def measure(backend, devices, samples, batch):
    """Samples/s of one point (or an error string)."""
    command = [sys.executable, os.path.abspath(__file__), "--child", backend, str(devices),
               "--samples", str(samples), "--batch", str(batch)]
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    if backend == "jax":
        env["XLA_FLAGS"] = f"--xla_force_host_platform_device_count={devices}"
    envs = [env]
    if backend == "torch":
        port, threads = str(free_port()), str(max(1, (os.cpu_count() or 1) // devices))
        envs = [dict(env, RANK=str(r), LOCAL_RANK=str(r), WORLD_SIZE=str(devices), MASTER_ADDR="127.0.0.1",
                     MASTER_PORT=port, OMP_NUM_THREADS=threads) for r in range(devices)]
    procs = [subprocess.Popen(command, env=e, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for e in envs]
    outputs = [p.communicate(timeout=1800) for p in procs]
    for line in reversed(outputs[0][0].splitlines()):
        if line.startswith("{"):
            found = json.loads(line)
            return found.get("samples_per_s", found.get("error"))
    return "failed: " + (outputs[0][1].strip().splitlines() or ["no output"])[-1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="jax,torch,tensorflow")
    parser.add_argument("--devices", default="1,2,4")
    parser.add_argument("--samples", type=int, default=16384)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--child", nargs=2, metavar=("BACKEND", "DEVICES"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]), args.samples, args.batch)
        return
    print(f"DataParallel fit, MLP 784-512-512-10, {args.samples} samples, global batch {args.batch}")
    print(f"{'backend':<12}{'devices':>8}{'samples/s':>14}{'vs 1 device':>14}")
    for backend in args.backends.split(","):
        base = None
        for devices in [int(d) for d in args.devices.split(",")]:
            value = measure(backend, devices, args.samples, args.batch)
            if isinstance(value, str):
                print(f"{backend:<12}{devices:>8}  {value}")
                continue
            base = base or (value if devices == 1 else None)
            ratio = f"{value / base:.2f}x" if base else "-"
            print(f"{backend:<12}{devices:>8}{value:>14.0f}{ratio:>14}", flush=True)


if __name__ == "__main__":
    main()
