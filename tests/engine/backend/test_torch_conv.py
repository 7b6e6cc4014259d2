"""torch convolution and pooling skip the padding copy when every pad is zero ("valid")."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from kerasnb.engine.backend.torch import conv  # noqa: E402


def test_zero_pads_return_the_input_itself():
    x = torch.ones(2, 3, 4, 4)
    assert conv._padded(x, [(0, 0), (0, 0)]) is x
    padded = conv._padded(x, [(1, 0), (0, 2)], value=-1.0)
    assert tuple(padded.shape) == (2, 3, 5, 6) and float(padded[0, 0, 0, 0]) == -1.0


@pytest.mark.parametrize("padding", ["valid", "same"])
def test_valid_and_same_padding_match_explicit_padding(padding):
    rng = np.random.default_rng(0)
    x = torch.from_numpy(rng.standard_normal((2, 7, 6, 3)).astype("float32")).requires_grad_()
    kernel = torch.from_numpy(rng.standard_normal((3, 3, 3, 4)).astype("float32"))
    outputs = [conv.conv(x, kernel, padding=padding), conv.max_pool(x, 2, padding=padding),
               conv.average_pool(x, 2, padding=padding)]
    first = x.detach().permute(0, 3, 1, 2)  # references: explicit pads, channels first
    if padding == "valid":
        refs = [torch.nn.functional.conv2d(first, kernel.permute(3, 2, 0, 1)),
                torch.nn.functional.max_pool2d(first, 2), torch.nn.functional.avg_pool2d(first, 2)]
    else:
        refs = [torch.nn.functional.conv2d(torch.nn.functional.pad(first, [1, 1, 1, 1]),
                                           kernel.permute(3, 2, 0, 1))]
        outputs = outputs[:1]
    for out, ref in zip(outputs, refs):
        np.testing.assert_allclose(out.detach().numpy(), ref.permute(0, 2, 3, 1).numpy(), rtol=1e-5, atol=1e-5)
    grad, = torch.autograd.grad(sum(o.sum() for o in outputs), [x])
    assert grad.shape == x.shape and torch.isfinite(grad).all()
