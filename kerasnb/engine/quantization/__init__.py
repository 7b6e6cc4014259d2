"""Quantization: quantizers, int4 packing, float8 scaling, configs, and the layer and model
support behind ``layer.quantize(...)`` / ``model.quantize(...)``.

The public names are in `kerasnb.quantizers` (`keras.quantizers`); the dtype policies that
mark quantized layers are in `kerasnb.engine.dtype_policies`.
"""
