"""Per-call overhead of kerasnb.ops.add / matmul on 8x8 float32 inputs vs the native call.

Prints, per backend: native µs, kerasnb µs, overhead µs and ratio. Target: overhead
<= 2 µs on numpy and torch.

    python bench/op_overhead.py [--number N]
"""

import argparse
import timeit

import numpy as np

import kerasnb
import kerasnb.ops as ops


def native_calls(name):
    if name == "numpy":
        return np.add, np.matmul
    if name == "jax":
        import jax.numpy as jnp
        return jnp.add, jnp.matmul
    if name == "torch":
        import torch
        return torch.add, torch.matmul
    import tensorflow as tf
    return tf.add, tf.matmul


def per_call_us(fn, a, b, number):
    fn(a, b)  # warm up (dispatch caches, first-call compilation)
    return min(timeit.repeat(lambda: fn(a, b), number=number, repeat=7)) / number * 1e6


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--number", type=int, default=20000)
    number = parser.parse_args().number
    x = np.random.default_rng(0).standard_normal((8, 8)).astype("float32")
    print(f"{'backend':<11}{'op':<8}{'native µs':>10}{'kerasnb µs':>12}{'overhead µs':>13}{'ratio':>7}")
    for name in ("numpy", "torch", "jax", "tensorflow"):
        kerasnb.config.set_backend(name)
        a = b = ops.convert_to_tensor(x)
        for opname, native in zip(("add", "matmul"), native_calls(name)):
            n = number if name in ("numpy", "torch") else number // 10
            t_native = per_call_us(native, a, b, n)
            t_ours = per_call_us(getattr(ops, opname), a, b, n)
            print(f"{name:<11}{opname:<8}{t_native:>10.2f}{t_ours:>12.2f}"
                  f"{t_ours - t_native:>13.2f}{t_ours / t_native:>7.2f}")


if __name__ == "__main__":
    main()
