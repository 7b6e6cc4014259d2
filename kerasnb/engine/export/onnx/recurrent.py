"""ONNX translators of whole recurrent layers."""
