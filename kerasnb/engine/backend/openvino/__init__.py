"""The OpenVINO backend: inference through compiled OpenVINO models.

`model.predict`, `evaluate`, `predict_on_batch` and `test_on_batch` run the model's forward
pass as an OpenVINO model compiled for the CPU (see `trainer`), translated from kerasnb's
own graph via ONNX. Everything else runs on the host with the NumPy backend's
implementation: eager `kerasnb.ops`, losses and metrics, custom `test_step`/`predict_step`
overrides, and direct calls such as ``model(x)``. Tensors are NumPy arrays, so
Variables switched here keep their values. There is no autodiff: `fit` raises.

Example:
    >>> kerasnb.config.set_backend("openvino")
    >>> y = model.predict(x)          # compiled OpenVINO model
    >>> kerasnb.ops.add(np.ones(2, "float32"), 1)   # host NumPy
    array([2., 2.], dtype=float32)
"""

from kerasnb.engine.backend.numpy.core import (  # noqa: F401  host tensors are NumPy arrays
    Tensor, cast, convert_to_numpy, convert_to_tensor, dtype_of, is_tensor, shape)
from kerasnb.engine.backend.numpy import (  # noqa: F401  eager ops run on host NumPy
    conv, control, core, image, linalg, math, nn, numpy, random)
from kerasnb.engine.backend.openvino import trainer

NAME = "openvino"


def devices():
    """OpenVINO's devices, e.g. ``['cpu']`` (the compiled models run on ``cpu``)."""
    return [d.lower() for d in trainer.core().available_devices]


def value_and_grad(fn, argnums=0, has_aux=False):
    raise NotImplementedError(
        "Gradients are not available on the openvino backend (inference only); "
        "use jax, torch or tensorflow.")
