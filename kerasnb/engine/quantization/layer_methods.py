"""The quantization part of every `Layer`: the mode it runs in, and the hooks that quantizable
layers (Dense, EinsumDense, Embedding) fill.

A layer is quantized when its dtype policy is (``int8_from_float32``...): `Layer.__call__`
then runs `quantized_call`, which dispatches to ``_int8_call``, ``_int4_call`` or
``_float8_call``. A quantizable layer's `quantize` rewrites its weights and sets that policy;
its `build` creates the quantized variables directly when the policy is already quantized
(e.g. when a saved model is loaded).

Example:
    >>> layer = Dense(4); layer.build((None, 8))
    >>> layer.quantize("int8"); layer.quantization_mode
    'int8'
"""

import numpy as np

from kerasnb.engine import dtypes
from kerasnb.engine.dtype_policies import DTypePolicyMap
from kerasnb.engine.quantization import configs


class QuantizationMethods:
    """Mixed into `Layer`; everything here reads the layer's dtype policy."""

    @property
    def quantization_mode(self):
        """``"int8"``, ``"int4"``, ``"float8"``... when the layer is quantized, else None."""
        return self._own_policy().quantization_mode

    def _own_policy(self):
        """The layer's policy; for a DTypePolicyMap, the entry of the layer's path."""
        policy = self._dtype_policy
        return policy[self.path] if type(policy) is DTypePolicyMap else policy

    def quantize(self, mode=None, type_check=True, config=None):
        """Quantizes the layer's weights in place (layers that support it override this).

        Args:
            mode: ``"int8"``, ``"int4"`` or ``"float8"`` (optional when `config` is given).
            type_check: refuse subclasses of the quantizable layer, whose `call` may differ.
            config: a `kerasnb.quantizers.QuantizationConfig`.
        """
        raise self._not_implemented_error(self.quantize)

    def quantized_build(self, input_shape, mode):
        raise self._not_implemented_error(self.quantized_build)

    def _resolve_quantize(self, mode, config, type_check, own_class):
        """Checks a `quantize` call and returns its resolved config.

        Raises:
            NotImplementedError: `type_check` and the layer is a subclass of `own_class`.
            ValueError: the layer is unbuilt or already quantized, or the arguments are invalid.
        """
        if type_check and type(self) is not own_class:
            raise self._not_implemented_error(self.quantize)
        config = configs.resolve(mode, config)
        mode = config.mode
        if not self.built:
            raise ValueError(f"Cannot quantize layer {self.name!r} ({type(self).__name__}): it is not built "
                             "yet. Call it on data or `build(input_shape)` first.")
        if getattr(self, "_is_quantized", False):
            raise ValueError(f"Layer {self.name!r} is already quantized with dtype policy "
                             f"{self.dtype_policy.name!r}; received mode={mode!r}.")
        if mode == "int8" and self.compute_dtype == "float16":
            raise ValueError(f"Layer {self.name!r}: int8 quantization does not work with compute dtype "
                             "float16 (the de-scaled products overflow); use 'mixed_bfloat16' or float32.")
        if mode in ("gptq", "awq"):
            raise NotImplementedError(
                f"{mode.upper()} quantization is not implemented in kerasnb (it needs a calibration pass "
                f"over {type(config).__name__}.dataset); use 'int8' or 'int4'. Layer: {self.name!r}.")
        return config

    def _set_quantized_policy(self, mode, block_size=None):
        """Gives the layer the policy ``<mode>_from_<its float policy>``."""
        from kerasnb.engine.dtype_policies import get
        if self.quantization_mode is not None:
            return
        name = f"int4/{-1 if block_size is None else block_size}" if mode == "int4" else mode
        self._dtype_policy = get(f"{name}_from_{self.dtype_policy.name}")

    def _drop_weight(self, variable):
        """Forgets a weight that quantization replaces (e.g. the float kernel)."""
        self._own_variables = [v for v in self._own_variables if v is not variable]
        self._regularized = [(v, r) for v, r in self._regularized if v is not variable]

    def _float_weight_bytes(self):
        """Bytes the layer's weights took before quantization (None if not quantizable):
        the shapes of `_float_weight_shapes` in the variable dtype."""
        shapes = getattr(self, "_float_weight_shapes", None)
        if shapes is None or not self.built:
            return None
        return sum(int(np.prod(s)) for s in shapes()) * dtypes.itemsize(self.variable_dtype)

    def quantized_call(self, *args, **kwargs):
        """The call of a quantized layer: ``_<mode>_call``."""
        mode = self.quantization_mode
        method = {"int8": self._int8_call, "int4": self._int4_call, "float8": self._float8_call,
                  "gptq": self._gptq_call, "awq": self._awq_call}.get(mode)
        if method is None:
            raise self._quantization_mode_error(mode)
        return method(*args, **kwargs)

    def _int8_call(self, *args, **kwargs):
        raise self._not_implemented_error(self._int8_call)

    def _int4_call(self, *args, **kwargs):
        raise self._not_implemented_error(self._int4_call)

    def _float8_call(self, *args, **kwargs):
        raise self._not_implemented_error(self._float8_call)

    def _gptq_call(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} {self.name!r}: GPTQ-quantized layers cannot run in "
                                  "kerasnb (GPTQ is not implemented).")

    def _awq_call(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} {self.name!r}: AWQ-quantized layers cannot run in "
                                  "kerasnb (AWQ is not implemented).")

    def _not_implemented_error(self, method):
        return NotImplementedError(f"Layer {type(self).__name__} does not implement `{method.__name__}` "
                                   "(quantization supports Dense, EinsumDense and Embedding).")

    def _quantization_mode_error(self, mode):
        return NotImplementedError(f"{type(self).__name__} {self.name!r} cannot run quantization mode {mode!r}; "
                                   f"expected one of {configs.MODES}.")
