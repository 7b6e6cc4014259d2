"""Random ops on the PyTorch backend: a `torch.Generator` seeded from each seed tensor.

Gamma-based samplers (`gamma`, `beta`) use `torch.distributions`, which draws from the
global RNG: they run inside `torch.random.fork_rng` with that RNG seeded, leaving the
caller's global RNG state untouched.
"""

import numpy as np
import torch

from kerasnb.engine import config
from kerasnb.engine.backend.torch.core import DEVICE, convert_to_tensor, to_torch_dtype

__all__ = ["beta", "binomial", "categorical", "dropout", "gamma", "normal", "randint", "shuffle",
           "truncated_normal", "uniform"]


def _seed_int(seed):
    """One well-mixed 63-bit int from the ``[seed, counter]`` tensor `seed`."""
    entropy = [int(v) & 0xFFFFFFFFFFFFFFFF for v in convert_to_tensor(seed).tolist()]
    return int(np.random.SeedSequence(entropy).generate_state(1, np.uint64)[0] >> np.uint64(1))


def _generator(seed):
    return torch.Generator(device=DEVICE).manual_seed(_seed_int(seed))


def _dtype(dtype):
    return to_torch_dtype(dtype or config.floatx())


def _float(x):
    """A float64 tensor (or Python number) for distribution parameters."""
    return x if isinstance(x, (int, float)) else convert_to_tensor(x).to(torch.float64)


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    sample = torch.randn(shape, generator=_generator(seed), dtype=torch.float64, device=DEVICE)
    return (_float(mean) + _float(stddev) * sample).to(_dtype(dtype))


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    sample = torch.rand(shape, generator=_generator(seed), dtype=torch.float64, device=DEVICE)
    return (_float(minval) + (_float(maxval) - _float(minval)) * sample).to(_dtype(dtype))


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    generator = _generator(seed)
    z = torch.randn(shape, generator=generator, dtype=torch.float64, device=DEVICE)
    outside = z.abs() > 2
    while bool(outside.any()):  # redraw only what fell outside two standard deviations
        z[outside] = torch.randn(int(outside.sum()), generator=generator, dtype=torch.float64, device=DEVICE)
        outside = z.abs() > 2
    return (_float(mean) + _float(stddev) * z).to(_dtype(dtype))


def randint(shape, minval, maxval, dtype="int32", seed=None):
    sample = torch.randint(int(minval), int(maxval), shape, generator=_generator(seed), device=DEVICE)
    return sample.to(_dtype(dtype))


def _standard_gamma(shape, alpha, seed):
    alpha = torch.broadcast_to(torch.as_tensor(_float(alpha), dtype=torch.float64).cpu(), shape)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(_seed_int(seed))
        return torch.distributions.Gamma(alpha, torch.ones_like(alpha)).sample().to(DEVICE)


def gamma(shape, alpha, dtype=None, seed=None):
    return _standard_gamma(shape, alpha, seed).to(_dtype(dtype))


def beta(shape, alpha, beta, dtype=None, seed=None):
    seed = convert_to_tensor(seed)
    x = _standard_gamma(shape, alpha, seed)
    y = _standard_gamma(shape, beta, seed + torch.tensor([0, 2**31], dtype=seed.dtype, device=seed.device))
    return (x / (x + y)).to(_dtype(dtype))


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    counts = torch.broadcast_to(torch.as_tensor(_float(counts), dtype=torch.float64, device=DEVICE), shape)
    probabilities = torch.broadcast_to(
        torch.as_tensor(_float(probabilities), dtype=torch.float64, device=DEVICE), shape)
    return torch.binomial(counts, probabilities, generator=_generator(seed)).to(_dtype(dtype))


def categorical(logits, num_samples, dtype="int32", seed=None):
    probabilities = torch.softmax(convert_to_tensor(logits).to(torch.float64), dim=-1)
    samples = torch.multinomial(probabilities, num_samples, replacement=True, generator=_generator(seed))
    return samples.to(to_torch_dtype(dtype))


def dropout(inputs, rate, noise_shape=None, seed=None):
    inputs = convert_to_tensor(inputs)
    shape = [d if n is None else n for n, d in zip(noise_shape or inputs.shape, inputs.shape)]
    keep = torch.rand(shape, generator=_generator(seed), device=inputs.device) >= rate
    return torch.where(keep, inputs / (1.0 - rate), torch.zeros_like(inputs)).to(inputs.dtype)


def shuffle(x, axis=0, seed=None):
    x = convert_to_tensor(x)
    order = torch.randperm(x.shape[axis], generator=_generator(seed), device=x.device)
    return x.index_select(axis, order)
