"""torch `dense` on 2-D inputs is one `addmm` on the stored ``(in, out)`` kernel: the same
values and gradients as `linear` on the transposed kernel, with no transpose in the graph."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from kerasnb.engine.backend.torch import nn  # noqa: E402


def _graph_nodes(tensor):
    seen, stack = [], [tensor.grad_fn]
    while stack:
        node = stack.pop()
        if node is not None and node not in seen:
            seen.append(node)
            stack.extend(next_node for next_node, _ in node.next_functions)
    return [type(node).__name__ for node in seen]


@pytest.mark.parametrize("with_bias", [True, False])
def test_2d_dense_matches_linear_in_values_and_gradients(with_bias):
    rng = np.random.default_rng(0)
    x = torch.from_numpy(rng.standard_normal((5, 4))).requires_grad_()
    kernel = torch.from_numpy(rng.standard_normal((4, 3))).requires_grad_()
    bias = torch.from_numpy(rng.standard_normal(3)).requires_grad_() if with_bias else None
    leaves = [x, kernel] + ([bias] if with_bias else [])
    out = nn.dense(x, kernel, bias)
    ref = torch.nn.functional.linear(x, kernel.t(), bias)
    np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), rtol=1e-12)
    weights = torch.from_numpy(rng.standard_normal((5, 3)))
    grads = torch.autograd.grad((out * weights).sum(), leaves)
    ref_grads = torch.autograd.grad((ref * weights).sum(), leaves)
    for grad, ref_grad in zip(grads, ref_grads):
        np.testing.assert_allclose(grad.numpy(), ref_grad.numpy(), rtol=1e-12)
    assert grads[1].is_contiguous()  # the kernel's gradient comes in the kernel's layout
    assert "TBackward0" not in _graph_nodes(out) and "TBackward0" in _graph_nodes(ref)
