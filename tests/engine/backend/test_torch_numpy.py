"""Short paths of torch numpy ops compute what their general paths compute: whole-tensor
float sums, and `divide_no_nan` without gradients (one kernel fewer)."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from kerasnb.engine.backend.torch.numpy import elementwise, reductions  # noqa: E402


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32", "float64", "complex64"])
def test_whole_float_sums_match_the_general_sum(dtype):
    x = torch.arange(1, 13, dtype=torch.float64).reshape(3, 4).to(getattr(torch, dtype))
    short = reductions.sum(x)
    general = reductions._sum(x, None, False)  # the path taken with an axis or for ints
    assert short.dtype == general.dtype == x.dtype
    np.testing.assert_array_equal(short.to(torch.complex128).numpy(), general.to(torch.complex128).numpy())


def test_int_sums_keep_widening():
    assert reductions.sum(torch.ones(3, dtype=torch.int8)).dtype == torch.int32
    assert reductions.sum(torch.ones(3, dtype=torch.int32)).dtype == torch.int32


def test_divide_no_nan_without_gradients_matches_the_differentiable_path():
    x1 = torch.tensor([[1.0, -2.0, 0.0], [float("nan"), 3.0, 4.0]])
    x2 = torch.tensor([0.0, 4.0, 0.0])
    short = elementwise.divide_no_nan(x1, x2)
    differentiable = elementwise.divide_no_nan(x1.requires_grad_(), x2)
    np.testing.assert_array_equal(short.numpy(), differentiable.detach().numpy())
    np.testing.assert_array_equal(short.numpy(), [[0.0, -0.5, 0.0], [0.0, 0.75, 0.0]])
    scalar = elementwise.divide_no_nan(torch.tensor(3.0), torch.tensor(0.0))
    assert scalar.shape == () and float(scalar) == 0.0


def test_divide_no_nan_gradients_stay_finite_where_the_divisor_is_zero():
    x1 = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x2 = torch.tensor([0.0, 4.0, 0.0], requires_grad=True)
    g1, g2 = torch.autograd.grad(elementwise.divide_no_nan(x1, x2).sum(), [x1, x2])
    np.testing.assert_array_equal(g1.numpy(), [0.0, 0.25, 0.0])
    np.testing.assert_array_equal(g2.numpy(), [0.0, -2.0 / 16.0, 0.0])
