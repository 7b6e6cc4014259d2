"""`InputLayer` and `Input`: where a functional graph starts."""

from kerasnb.engine import dtypes
from kerasnb.engine.layers.layer import Layer
from kerasnb.engine.saving.serialization import builtin
from kerasnb.engine.tensors import KerasTensor, Node


@builtin("layers")
class InputLayer(Layer):
    """The layer behind `Input`: it owns the symbolic input tensor of a functional model.

    Args:
        shape: shape without the batch dim. batch_size: optional fixed batch size.
        batch_shape: full shape (instead of `shape`/`batch_size`).
        dtype, sparse, name: as in `Input`.
    """

    def __init__(self, shape=None, batch_size=None, dtype=None, sparse=None, ragged=None,
                 batch_shape=None, input_tensor=None, optional=False, name=None, **kwargs):
        if "input_shape" in kwargs:
            shape = kwargs.pop("input_shape")
        if "batch_input_shape" in kwargs:
            batch_shape = kwargs.pop("batch_input_shape")
        super().__init__(name=name, **kwargs)
        if batch_shape is None:
            if shape is None and input_tensor is None:
                raise ValueError("InputLayer needs `shape` or `batch_shape`; received neither.")
            if shape is not None:
                if isinstance(shape, int):
                    shape = (shape,)
                batch_shape = (batch_size,) + tuple(shape)
        if input_tensor is not None:
            batch_shape = input_tensor.shape
        self._batch_shape = tuple(batch_shape)
        self._dtype = dtypes.standardize_dtype(dtype) if dtype is not None else self.compute_dtype
        self.sparse, self.ragged, self.optional = bool(sparse), bool(ragged), optional
        self.built = True
        output = KerasTensor(self._batch_shape, self._dtype, sparse=self.sparse, name=self.name)
        node = Node(self, (), {}, output)
        self._inbound_nodes.append(node)
        output.history = node
        output._keras_history = (self, 0, 0)
        self.output_tensor = output

    @property
    def batch_shape(self):
        return self._batch_shape

    @property
    def dtype(self):
        return self._dtype

    def call(self):
        return self.output_tensor

    def get_config(self):
        return {"batch_shape": self._batch_shape, "dtype": self._dtype, "sparse": self.sparse,
                "ragged": self.ragged, "name": self.name, "optional": self.optional}


def Input(shape=None, batch_size=None, dtype=None, sparse=None, ragged=None, batch_shape=None,
          name=None, tensor=None, optional=False):
    """A symbolic input tensor: the start of a functional model.

    Args:
        shape: shape without the batch dim (None for unknown sizes).
        batch_size: optional fixed batch size. batch_shape: the full shape instead.
        dtype: defaults to floatx. name: the input's name.

    Example:
        >>> x = Input(shape=(28, 28))
        >>> x.shape
        (None, 28, 28)
    """
    layer = InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, sparse=sparse, ragged=ragged,
                       batch_shape=batch_shape, input_tensor=tensor, optional=optional, name=name)
    return layer.output_tensor
