"""ONNX translators of convolution, pooling, normalization and resizing ops."""
