"""How the PyTorch backend runs a pure step: eagerly, or through `torch.compile` on request."""

import torch


def compile_step(fn, jit_compile=False, donate_state=True):
    """`fn(state, data) -> (outputs, new_state)`; `torch.compile`d when `jit_compile`."""
    return torch.compile(fn) if jit_compile else fn

