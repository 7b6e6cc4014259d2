"""The OpenVINO backend (inference only).

Registered and reported now; it runs compiled models once the export issue lands.
Variables switched here are kept as NumPy arrays, so nothing is lost; ops raise
``NotImplementedError`` naming the op.
"""

import openvino

from kerasnb.engine.backend.numpy.core import (  # noqa: F401  host storage is NumPy
    Tensor, cast, convert_to_numpy, convert_to_tensor, dtype_of, is_tensor, shape)

NAME = "openvino"


def devices():
    return [d.lower() for d in openvino.Core().available_devices]


def value_and_grad(fn, argnums=0, has_aux=False):
    raise NotImplementedError("Gradients are not available on the openvino backend (inference only).")


class _Unimplemented:
    def __init__(self, family):
        self.family = family

    def __getattr__(self, name):
        def missing(*args, **kwargs):
            raise NotImplementedError(
                f"`{name}` is not implemented on the openvino backend yet: it will run compiled "
                "models for inference (see the export issue); use numpy, jax, torch or tensorflow.")
        return missing


numpy = nn = conv = math = linalg = image = random = core = control = _Unimplemented("ops")
