"""MelSpectrogram and STFTSpectrogram vs real Keras, on every backend, in models and tf.data."""

import numpy as np
import pytest

from kerasnb.engine.layers.preprocessing import MelSpectrogram, STFTSpectrogram
from kerasnb.engine.layers.preprocessing.spectrogram import mel_weight_matrix
from tests.engine.layers.harness import check_layer
from tests.engine.layers.preprocessing.helpers import through_model, through_tf_data
from tests.engine.ops.checks import to_numpy

RNG = np.random.default_rng(6)
AUDIO = RNG.normal(size=(2, 3000)).astype("float32")
SIGNALS = RNG.normal(size=(2, 100, 2)).astype("float32")
MEL_CASES = [
    {"fft_length": 256, "sequence_stride": 128, "num_mel_bins": 20},
    {"fft_length": 512, "sequence_stride": 100, "sequence_length": 300, "window": "hamming",
     "num_mel_bins": 40, "power_to_db": False, "mag_exp": 1.0},
    {"fft_length": 256, "sequence_stride": 64, "num_mel_bins": 16, "sampling_rate": 8000, "min_freq": 100.0,
     "max_freq": 3000.0, "top_db": 30.0, "ref_power": 2.0},
]
STFT_CASES = [{"mode": m, "frame_length": 16, "frame_step": 5}
              for m in ("log", "magnitude", "psd", "real", "imag", "angle", "stft")] + [
    {"frame_length": 20, "padding": "same", "expand_dims": True, "periodic": True, "scaling": "spectrum"},
    {"frame_length": 12, "fft_length": 32, "window": None, "scaling": None},
    {"frame_length": 16, "data_format": "channels_first", "expand_dims": True},
]

KERAS_ORACLE = (f"""
for i, kwargs in enumerate({MEL_CASES!r}):
    keep(f"mel{{i}}", keras.layers.MelSpectrogram(**kwargs)(audio))
for i, kwargs in enumerate({STFT_CASES!r}):
    x = np.transpose(signals, (0, 2, 1)) if kwargs.get("data_format") == "channels_first" else signals
    keep(f"stft{{i}}", keras.layers.STFTSpectrogram(**kwargs)(x))
keep("mel_matrix", keras.layers.MelSpectrogram().linear_to_mel_weight_matrix(10, 65, 8000, 100.0, 3500.0))
""", {"audio": AUDIO, "signals": SIGNALS})


@pytest.mark.parametrize("index", range(len(MEL_CASES)))
def test_mel_spectrogram_matches_keras(backend, keras_oracle, index):
    expected = keras_oracle[f"mel{index}"]
    check_layer(MelSpectrogram, MEL_CASES[index], AUDIO, expected_shape=expected.shape,
                trainable_weights=0, reference=lambda x, w: expected, rtol=1e-4, atol=1e-3)


def test_mel_weight_matrix_matches_keras(keras_oracle):
    np.testing.assert_allclose(mel_weight_matrix(10, 65, 8000, 100.0, 3500.0), keras_oracle["mel_matrix"],
                               rtol=1e-5, atol=1e-6)


def test_stft_spectrogram_matches_keras(backend, keras_oracle):
    for index, kwargs in enumerate(STFT_CASES):
        x = np.transpose(SIGNALS, (0, 2, 1)) if kwargs.get("data_format") == "channels_first" else SIGNALS
        layer = STFTSpectrogram(**kwargs)
        got, expected = to_numpy(layer(x)), keras_oracle[f"stft{index}"]
        assert got.shape == expected.shape, kwargs
        if kwargs.get("mode") == "angle":  # +-pi are the same angle (signed zeros of the DC bin)
            got, expected = np.cos(got), np.cos(expected)
        np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4, err_msg=str(kwargs))
        assert len(layer.trainable_weights) == (1 if kwargs.get("mode") in ("real", "imag") else 2)


def test_stft_spectrogram_layer_contract(backend, keras_oracle):
    expected = keras_oracle["stft0"]
    check_layer(STFTSpectrogram, STFT_CASES[0], SIGNALS, expected_shape=expected.shape, trainable_weights=2,
                reference=lambda x, w: expected, rtol=1e-4, atol=1e-4)


def test_in_tf_data_and_in_models(backend):
    layer = MelSpectrogram(fft_length=128, sequence_stride=64, num_mel_bins=8, power_to_db=False)
    expected = to_numpy(layer(AUDIO))
    np.testing.assert_allclose(through_tf_data(layer, AUDIO, batch_size=1), expected, rtol=1e-4, atol=1e-4)
    got, model = through_model(layer, AUDIO)
    np.testing.assert_allclose(got, expected, rtol=1e-5)
    assert model.outputs[0].shape == (None, 8, 47)


@pytest.mark.parametrize("kwargs, match", [
    ({"fft_length": 128, "sequence_length": 256}, "must be >= `sequence_length`"),
    ({"sequence_stride": 0}, "`sequence_stride` must be a positive int"),
    ({"window": "blackman"}, "`window`"),
])
def test_mel_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        MelSpectrogram(**kwargs)


@pytest.mark.parametrize("kwargs, match", [
    ({"frame_length": 8, "frame_step": 9}, "`frame_step`"),
    ({"frame_length": 16, "fft_length": 8}, "`fft_length`"),
    ({"mode": "power"}, "`mode`"),
    ({"scaling": "energy"}, "`scaling`"),
    ({"padding": "causal"}, "`padding`"),
    ({"window": "kaiser"}, "`window`"),
])
def test_stft_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        STFTSpectrogram(**kwargs)
    with pytest.raises(TypeError, match="expects float16, float32 or float64"):
        STFTSpectrogram(frame_length=4)(np.zeros((1, 8, 1), "int32"))
