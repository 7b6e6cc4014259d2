"""Backend switch latency of a 1M-parameter model with Adam state vs the raw array copy.

For each pair of trainable backends, times `set_backend(target)` (which moves every live
Variable: weights, Adam slots, metric and seed state) and a hand-written copy of the same
arrays through NumPy (one real copy each) with the frameworks' own calls. Prints both, the overhead
(switch - raw) and the ratio. Target: overhead < 100 ms.

    python bench/switch_latency.py [--rounds N]
"""

import argparse
import os
import statistics
import time

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import kerasnb as keras
from kerasnb import backend

PAIRS = [("torch", "jax"), ("jax", "torch"), ("jax", "tensorflow"), ("tensorflow", "jax"),
         ("torch", "tensorflow"), ("tensorflow", "torch")]


def native_converters():
    """Framework name -> (tensor -> NumPy array, NumPy array -> tensor), written by hand."""
    import jax
    import tensorflow as tf
    import torch
    return {
        "jax": (np.asarray, jax.device_put),
        "torch": (lambda t: t.detach().numpy(), torch.from_numpy),
        "tensorflow": (lambda t: t.numpy(), tf.convert_to_tensor),
    }


def build_model():
    """Dense 1000 -> 1000 -> 10 (1,011,010 parameters), trained one step so Adam has slots."""
    model = keras.Sequential([keras.Input((1000,)), keras.layers.Dense(1000),
                              keras.layers.Dense(10)])
    model.compile(optimizer="adam", loss="mse")
    rng = np.random.default_rng(0)
    model.train_on_batch(rng.normal(size=(32, 1000)).astype("float32"),
                         rng.normal(size=(32, 10)).astype("float32"))
    return model


def raw_copy_ms(source, target, converters):
    values = [v.value for v in backend.live_variables()]
    to_numpy, from_numpy = converters[source][0], converters[target][1]
    start = time.perf_counter()
    copies = [from_numpy(np.array(to_numpy(value))) for value in values]
    if target == "jax":
        for copy in copies:
            copy.block_until_ready()
    return (time.perf_counter() - start) * 1000.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    rounds = parser.parse_args().rounds
    converters = native_converters()
    keras.config.set_backend("torch")
    model = build_model()
    for name in ("jax", "tensorflow", "torch"):  # every framework loaded before timing
        keras.config.set_backend(name)
    print(f"model: {model.count_params():,} parameters, "
          f"{len(backend.live_variables())} live variables")
    print(f"{'switch':<22}{'MB':>7}{'raw ms':>9}{'switch ms':>11}{'overhead ms':>13}"
          f"{'ratio':>7}  target < 100 ms")
    for source, target in PAIRS:
        raws, switches, report = [], [], None
        for _ in range(rounds):
            keras.config.set_backend(source)
            raws.append(raw_copy_ms(source, target, converters))
            report = keras.config.set_backend(target)
            switches.append(report.milliseconds)
        raw, switch = statistics.median(raws), statistics.median(switches)
        verdict = "ok" if switch - raw < 100 else "MISSED"
        print(f"{source + ' → ' + target:<22}{report.bytes / 2**20:>7.1f}{raw:>9.2f}"
              f"{switch:>11.2f}{switch - raw:>13.2f}{switch / raw:>7.2f}  {verdict}")


if __name__ == "__main__":
    main()
