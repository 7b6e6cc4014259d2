"""Multi-tensor optimizer kernels for the eager torch path: one `torch._foreach_*` call per
arithmetic step over all variables, instead of a dozen small ops per variable.

They compute the same formulas as the generic optimizers in `kerasnb.engine.optimizers`
(up to rounding: `lerp` and `addcmul` may fuse a multiply-add), and update the weights and
slots in place, as `torch.optim` does (the caller passes tensors that nothing else holds).
"""

import numpy as np
import torch


def _host(x):
    """`x` as a Python float when it is a number or a CPU tensor (reading it costs no
    device sync), else None."""
    if isinstance(x, torch.Tensor):
        return x.item() if x.device.type == "cpu" else None
    return float(x)


def adam(values, grads, momentums, velocities, learning_rate, iterations, beta_1, beta_2,
         epsilon):
    """One Adam step in place: ``m += (g - m)(1 - b1)``, ``v += (g² - v)(1 - b2)``,
    ``w -= alpha m / (sqrt(v) + epsilon)`` with ``alpha = lr sqrt(1 - b2^t) / (1 - b1^t)``
    at step ``t = iterations + 1``.

    The step size is computed on the host when `learning_rate` and `iterations` are there
    (as `torch.optim` keeps them), in the variables' precision like the generic update (float32
    for half types); on an accelerator it stays a tensor, so no sync is forced.
    """
    torch._foreach_lerp_(momentums, grads, 1 - beta_1)
    torch._foreach_mul_(velocities, beta_2)
    torch._foreach_addcmul_(velocities, grads, grads, 1 - beta_2)
    denominator = torch._foreach_sqrt(velocities)
    torch._foreach_add_(denominator, epsilon)
    lr, step = _host(learning_rate), _host(iterations)
    if lr is not None and step is not None:
        real = np.float64 if values[0].dtype == torch.float64 else np.float32
        step, one = real(step + 1), real(1)
        alpha = real(lr) * np.sqrt(one - real(beta_2) ** step) / (one - real(beta_1) ** step)
        torch._foreach_addcdiv_(values, momentums, denominator, -float(alpha))
        return
    step = iterations.to(values[0].dtype) + 1
    alpha = learning_rate * torch.sqrt(1 - beta_2 ** step) / (1 - beta_1 ** step)
    update = torch._foreach_div(momentums, denominator)
    torch._foreach_mul_(update, alpha)
    torch._foreach_sub_(values, update)
