"""Where an `EinsumDense` kernel's quantization scales live.

The kernel is contracted over its *reduced* axes (labels missing from the output), so it
gets one scale per slice along the others; the inputs likewise get one scale per slice along
their non-reduced axes. Both scales are stored *aligned with the output*: one axis per
output label, of the label's size where the tensor has it and 1 elsewhere, so that
``einsum(q_in, q_kernel) / (s_in * s_kernel)`` broadcasts directly (Keras's layout).

For int4 the kernel is stored as a matrix: the reduced axes flattened into rows and the
other axes (in kernel order) into columns.

Example:
    >>> layout = EinsumLayout(("abc", "cde", "abde", None), input_rank=3)
    >>> layout.kernel_reduced, layout.scale_shape("cde", (4, 2, 8))
    ([0], [1, 1, 2, 8])
"""

import string

import numpy as np

from kerasnb.engine.ops import numpy as knp


def full_specs(input_spec, kernel_spec, output_spec, side, input_rank):
    """The three subscripts with letters standing for the dims a ``...`` covers."""
    elided = input_rank - len(input_spec)
    if side is None or elided <= 0:
        return input_spec, kernel_spec, output_spec
    free = [c for c in string.ascii_letters if c not in input_spec + kernel_spec + output_spec][:elided]
    extra = "".join(free)
    if side == "left":
        return extra + input_spec, kernel_spec, extra + output_spec
    return input_spec + extra, kernel_spec, output_spec + extra


class EinsumLayout:
    """The axis bookkeeping of one EinsumDense equation at one input rank.

    Args:
        specs: the parsed equation, ``(input, kernel, output, ellipsis side or None)``.
        input_rank: the rank of the inputs the layer was built for.
    """

    def __init__(self, specs, input_rank):
        self.input_spec, self.kernel_spec, self.output_spec = full_specs(*specs, input_rank)
        out = self.output_spec
        self.kernel_reduced = [i for i, c in enumerate(self.kernel_spec) if c not in out]
        self.input_reduced = [i for i, c in enumerate(self.input_spec) if c not in out]
        self.grad_equation = f"{out},{self.kernel_spec}->{self.input_spec}"
        kept = [c for c in self.kernel_spec if c in out]
        self._flat_order = self.kernel_reduced + [i for i, c in enumerate(self.kernel_spec) if c in out]
        self._kept_kernel = "".join(kept)

    def scale_shape(self, spec, shape):
        """The output-aligned shape of the scale of a tensor with subscripts `spec`."""
        sizes = dict(zip(spec, shape))
        return [sizes.get(c, 1) for c in self.output_spec]

    def to_output(self, scale, spec, xp=knp):
        """A scale with the reduced axes kept (size 1) in `spec`'s layout, output-aligned."""
        out = self.output_spec
        kept = [c for c in spec if c in out]
        shape = [d for c, d in zip(spec, _shape(scale)) if c in out]
        order = sorted(range(len(kept)), key=lambda j: out.index(kept[j]))
        moved = xp.transpose(xp.reshape(scale, shape), order) if order else xp.reshape(scale, shape)
        sizes = dict(zip(kept, shape))
        return xp.reshape(moved, [sizes.get(c, 1) for c in out])

    def to_spec(self, scale, spec, xp=knp):
        """The inverse of `to_output`: an output-aligned scale in `spec`'s layout (kept dims)."""
        out = self.output_spec
        present = [c for c in out if c in spec]
        shape = [d for c, d in zip(out, _shape(scale)) if c in spec]
        order = [present.index(c) for c in spec if c in out]
        moved = xp.transpose(xp.reshape(scale, shape), order) if order else xp.reshape(scale, shape)
        sizes = dict(zip(present, shape))
        return xp.reshape(moved, [sizes.get(c, 1) for c in spec])

    def flat_shape(self, kernel_shape):
        """``(rows, columns)`` of the kernel as an int4 matrix."""
        rows = int(np.prod([kernel_shape[i] for i in self.kernel_reduced]))
        return rows, int(np.prod(kernel_shape)) // max(rows, 1)

    def flatten(self, kernel, xp=knp):
        """The kernel as a ``(rows, columns)`` matrix: reduced axes first, in kernel order."""
        shape = _shape(kernel)
        return xp.reshape(xp.transpose(kernel, self._flat_order), self.flat_shape(shape))

    def unflatten(self, matrix, kernel_shape, xp=knp):
        """The inverse of `flatten`, back to `kernel_shape`."""
        moved = xp.reshape(matrix, [kernel_shape[i] for i in self._flat_order])
        inverse = [self._flat_order.index(i) for i in range(len(kernel_shape))]
        return xp.transpose(moved, inverse)

    def column_scale_to_output(self, scale, kernel_shape, xp=knp):
        """A per-column scale of the int4 matrix, output-aligned (for int8 inputs)."""
        keep = [d if c in self.output_spec else 1 for c, d in zip(self.kernel_spec, kernel_shape)]
        return self.to_output(xp.reshape(scale, keep), self.kernel_spec, xp)


def _shape(x):
    return tuple(x.shape) if hasattr(x, "shape") else np.shape(x)
