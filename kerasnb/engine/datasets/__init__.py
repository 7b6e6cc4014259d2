"""Datasets for `kerasnb.datasets`: those shipped by installed packages (scikit-learn), and
Keras's download-only names, which explain why they are not available."""
