"""Multi-tensor optimizer kernels for the eager torch path: one `torch._foreach_*` call per
arithmetic step over all variables, instead of a dozen small ops per variable.

They compute the same formulas as the generic optimizers in `kerasnb.engine.optimizers`
(up to rounding: `lerp` may fuse a multiply-add), and update the weights and slots in place, as
`torch.optim` does (the caller passes tensors that nothing else holds).
"""

import torch


def adam(values, grads, momentums, velocities, alpha, beta_1, beta_2, epsilon):
    """One Adam step in place: ``m += (g - m)(1 - b1)``, ``v += (g² - v)(1 - b2)``,
    ``w -= alpha m / (sqrt(v) + epsilon)``."""
    torch._foreach_lerp_(momentums, grads, 1 - beta_1)
    torch._foreach_lerp_(velocities, torch._foreach_mul(grads, grads), 1 - beta_2)
    denominator = torch._foreach_sqrt(velocities)
    torch._foreach_add_(denominator, epsilon)
    step = torch._foreach_mul(momentums, alpha)
    torch._foreach_div_(step, denominator)
    torch._foreach_sub_(values, step)
