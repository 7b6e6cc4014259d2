"""Masks ride on every backend's tensors, including NumPy arrays and jax tracers."""

import gc

import numpy as np

import kerasnb
from kerasnb import layers
from kerasnb.engine.masks import _side_table, get_mask, set_mask
from tests.engine.ops.checks import to_numpy


def test_numpy_arrays_keep_their_mask_and_release_it():
    x, mask = np.ones((2, 3)), np.array([True, False])
    assert set_mask(x, mask) is x and get_mask(x) is mask
    assert get_mask(np.ones((2, 3))) is None
    key = id(x)
    del x
    gc.collect()
    assert key not in _side_table


def test_a_new_object_with_a_reused_id_has_no_mask():
    x = np.ones(3)
    set_mask(x, np.ones(3, bool))
    entry = _side_table[id(x)]
    _side_table[id(x) + 1] = entry  # as if another object took a freed id
    assert get_mask(x) is not None and entry[0]() is x
    stranger = object()
    _side_table[id(stranger)] = entry
    assert get_mask(stranger) is None
    del _side_table[id(stranger)], _side_table[id(x) + 1]


def test_scalars_and_none_masks_are_ignored():
    assert set_mask(1.5, np.ones(1)) == 1.5 and get_mask(1.5) is None
    x = set_mask(np.ones(2), np.ones(2, bool))
    set_mask(x, None)
    assert get_mask(x) is None


def test_implicit_attention_mask_in_predict_matches_an_explicit_one(backend):
    """Embedding(mask_zero) → MultiHeadAttention: the padding mask reaches the attention on
    every backend, also inside jax's compiled predict step (tracers take no attributes)."""
    tokens = np.array([[1, 2, 3, 0, 0], [4, 5, 0, 0, 0]])
    kerasnb.utils.set_random_seed(0)
    inputs = kerasnb.Input((5,), dtype="int32")
    embedded = layers.Embedding(10, 4, mask_zero=True)(inputs)
    implicit = kerasnb.Model(inputs, layers.MultiHeadAttention(2, 2)(embedded, embedded))
    valid = to_numpy(tokens) != 0
    explicit_mask = valid[:, None, :] & valid[:, :, None]
    attention = implicit.layers[-1]
    expected = attention(implicit.layers[1](tokens), implicit.layers[1](tokens),
                         attention_mask=explicit_mask)
    np.testing.assert_allclose(implicit.predict(tokens, verbose=0), to_numpy(expected), atol=1e-6)
    np.testing.assert_allclose(to_numpy(implicit(tokens)), to_numpy(expected), atol=1e-6)
