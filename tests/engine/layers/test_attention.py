"""Attention layers: Attention, AdditiveAttention, MultiHeadAttention, GroupQueryAttention."""

import numpy as np
import pytest

from kerasnb.engine import initializers
from kerasnb.engine.layers import AdditiveAttention, Attention, GroupQueryAttention, MultiHeadAttention
from kerasnb.engine.saving import serialization
from kerasnb.engine.tensors import KerasTensor
from tests.engine.layers.harness import check_layer
from tests.engine.ops.checks import to_numpy

RNG = np.random.default_rng(0)
Q = RNG.standard_normal((2, 3, 4)).astype("float32")
V = RNG.standard_normal((2, 5, 4)).astype("float32")
K = RNG.standard_normal((2, 5, 4)).astype("float32")
Q_MASK = np.array([[1, 1, 0], [1, 1, 1]], bool)
V_MASK = np.array([[1, 1, 1, 0, 0], [1, 0, 1, 1, 1]], bool)


def softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def masked_softmax(scores, keep):
    return softmax(np.where(keep, scores, scores - 1e9))


def causal(t, s):
    return np.arange(t)[:, None] >= np.arange(s)[None, :]


# Attention ----------------------------------------------------------------------------

def test_attention_dot(backend):
    check_layer(Attention, {}, [Q, V], expected_shape=(2, 3, 4), trainable_weights=0,
                reference=lambda x, w: softmax(x[0] @ x[1].transpose(0, 2, 1)) @ x[1])


def test_attention_scaled_with_key_and_scores(backend):
    def reference(x, w):
        scores = softmax(w[0] * x[0] @ x[2].transpose(0, 2, 1))
        return [scores @ x[1], scores]

    check_layer(Attention, {"use_scale": True}, [Q, V, K], expected_shape=[(2, 3, 4), (2, 3, 5)],
                trainable_weights=1, call_kwargs={"return_attention_scores": True}, reference=reference)


def test_attention_concat_with_masks(backend):
    def reference(x, w):
        scale, weight = w
        scores = weight * np.tanh(scale * (x[0][:, :, None, :] + x[2][:, None, :, :])).sum(-1)
        attn = masked_softmax(scores, V_MASK[:, None, :])
        return [np.where(Q_MASK[..., None], attn @ x[1], 0.0), attn]

    check_layer(Attention, {"score_mode": "concat", "use_scale": True}, [Q, V, K],
                expected_shape=[(2, 3, 4), (2, 3, 5)], trainable_weights=2,
                call_kwargs={"mask": [Q_MASK, V_MASK], "return_attention_scores": True}, reference=reference)


def test_attention_causal_mask(backend):
    def reference(x, w):
        keep = np.logical_and(V_MASK[:, None, :], causal(3, 5)[None])
        return masked_softmax(x[0] @ x[1].transpose(0, 2, 1), keep) @ x[1]

    check_layer(Attention, {}, [Q, V], expected_shape=(2, 3, 4), reference=reference,
                call_kwargs={"use_causal_mask": True, "mask": [np.ones((2, 3), bool), V_MASK]})


def test_attention_output_mask_and_dropout(backend):
    layer = Attention()
    q = KerasTensor((None, 3, 4))
    q._keras_mask = KerasTensor((None, 3), "bool")
    out = layer([q, KerasTensor((None, 5, 4))])
    assert out.shape == (None, 3, 4) and getattr(out, "_keras_mask", None) is not None
    dropping = Attention(dropout=0.5, seed=3)
    inference = to_numpy(dropping([Q, V]))
    np.testing.assert_allclose(inference, softmax(Q @ V.transpose(0, 2, 1)) @ V, rtol=1e-5, atol=1e-5)
    _, scores = dropping([Q, V], training=True, return_attention_scores=True)
    scores = to_numpy(scores)  # the returned scores are taken before dropout
    np.testing.assert_allclose(scores.sum(-1), np.ones((2, 3)), rtol=1e-5)
    trained = to_numpy(dropping([Q, V], training=True))
    assert not np.allclose(trained, inference)


def test_attention_errors():
    with pytest.raises(ValueError, match=r"`score_mode` must be one of 'dot', 'concat'; received 'add'"):
        Attention(score_mode="add")
    with pytest.raises(ValueError, match=r"`dropout` must be a float in \[0, 1\); received 1.0"):
        Attention(dropout=1.0)
    with pytest.raises(ValueError, match=r"must be called on a list \[query, value\] or \[query, value, key\]; "
                                         r"received a single input of shape \(2, 3, 4\)"):
        Attention()(Q)
    with pytest.raises(ValueError, match=r"received a list of length 1"):
        Attention()([Q])
    with pytest.raises(ValueError, match=r"`mask` must be a list \[query_mask, value_mask\]"):
        Attention()([Q, V], mask=V_MASK)


# AdditiveAttention --------------------------------------------------------------------

def test_additive_attention(backend):
    def reference(x, w):
        scores = (w[0] * np.tanh(x[0][:, :, None, :] + x[2][:, None, :, :])).sum(-1)
        attn = masked_softmax(scores, V_MASK[:, None, :])
        return [np.where(Q_MASK[..., None], attn @ x[1], 0.0), attn]

    layer = check_layer(AdditiveAttention, {}, [Q, V, K], expected_shape=[(2, 3, 4), (2, 3, 5)],
                        trainable_weights=1, reference=reference,
                        call_kwargs={"mask": [Q_MASK, V_MASK], "return_attention_scores": True})
    assert layer.weights[0].shape == (4,)


def test_additive_attention_without_scale(backend):
    check_layer(AdditiveAttention, {"use_scale": False}, [Q, V], expected_shape=(2, 3, 4), trainable_weights=0,
                reference=lambda x, w: softmax(np.tanh(x[0][:, :, None] + x[1][:, None]).sum(-1)) @ x[1])
    assert "score_mode" not in AdditiveAttention().get_config()


# MultiHeadAttention -------------------------------------------------------------------

def _project(x, kernel, bias=None):
    y = np.tensordot(x, kernel, axes=1)
    return y if bias is None else y + bias


def _mha(q, v, w, key=None, key_dim=3, keep=None, gate=False, bias=True):
    """Numpy multi-head attention with default attention axes; weights in Keras order."""
    key = v if key is None else key
    w = list(w)
    take = (lambda: (w.pop(0), w.pop(0))) if bias else (lambda: (w.pop(0), None))
    qk, qb = take()
    kk, kb = take()
    if gate:
        gk, gb = take()
    vk, vb = take()
    ok, ob = take()
    qp, kp, vp = _project(q, qk, qb), _project(key, kk, kb), _project(v, vk, vb)
    scores = np.einsum("bsnh,btnh->bnts", kp, qp / np.sqrt(key_dim))
    if keep is not None:
        keep = np.broadcast_to(keep[:, None] if keep.ndim == 3 else keep, scores.shape)
        attn = np.where(keep, softmax(np.where(keep, scores, -1e9)), 0.0)
    else:
        attn = softmax(scores)
    out = np.einsum("bnts,bsnh->btnh", attn, vp)
    if gate:
        out = out * (1 / (1 + np.exp(-_project(q, gk, gb))))
    out = np.tensordot(out, ok, axes=2)
    return (out if ob is None else out + ob), attn


def test_multi_head_attention_cross(backend):
    layer = check_layer(MultiHeadAttention, {"num_heads": 2, "key_dim": 3, "bias_initializer": "random_normal"},
                        Q, call_kwargs={"value": V, "return_attention_scores": True},
                        expected_shape=[(2, 3, 4), (2, 2, 3, 5)], trainable_weights=8, non_trainable_weights=0,
                        reference=lambda x, w: list(_mha(x, V, w)), rtol=1e-4, atol=1e-5)
    assert [(v.path, v.shape) for v in layer.weights] == [
        ("query/kernel", (4, 2, 3)), ("query/bias", (2, 3)), ("key/kernel", (4, 2, 3)), ("key/bias", (2, 3)),
        ("value/kernel", (4, 2, 3)), ("value/bias", (2, 3)), ("attention_output/kernel", (2, 3, 4)),
        ("attention_output/bias", (4,))]


def test_multi_head_attention_key_value_dim_and_output_shape(backend):
    def reference(x, w):
        out, _ = _mha(x, V, [w[0], w[1], w[2], w[3], w[4], w[5], w[6].reshape(2, 2, 6), w[7].reshape(6)], key=K)
        return out.reshape(2, 3, 2, 3)

    layer = check_layer(MultiHeadAttention, {"num_heads": 2, "key_dim": 3, "value_dim": 2, "output_shape": (2, 3)},
                        Q, call_kwargs={"value": V, "key": K}, expected_shape=(2, 3, 2, 3),
                        reference=reference, rtol=1e-4, atol=1e-5)
    assert layer.weights[4].shape == (4, 2, 2) and layer.weights[6].shape == (2, 2, 2, 3)


def test_multi_head_attention_masks_and_gate(backend):
    attention_mask = RNG.random((2, 3, 5)) > 0.3
    attention_mask[..., 0] = True

    def reference(x, w):
        keep = attention_mask & V_MASK[:, None, :]
        return _mha(x, V, w, keep=keep, gate=True, bias=False)[0]

    check_layer(MultiHeadAttention, {"num_heads": 2, "key_dim": 3, "use_gate": True, "use_bias": False}, Q,
                call_kwargs={"value": V, "attention_mask": attention_mask, "value_mask": V_MASK},
                expected_shape=(2, 3, 4), trainable_weights=5, reference=reference, rtol=1e-4, atol=1e-5)


def test_multi_head_attention_causal_and_sliding_window(backend):
    keep = causal(3, 3) & (np.abs(np.arange(3)[:, None] - np.arange(3)[None]) < 2)
    check_layer(MultiHeadAttention, {"num_heads": 2, "key_dim": 3, "sliding_window": 2}, Q,
                call_kwargs={"value": Q, "use_causal_mask": True}, expected_shape=(2, 3, 4),
                reference=lambda x, w: _mha(x, x, w, keep=keep[None])[0], rtol=1e-4, atol=1e-5)


def test_multi_head_attention_over_two_axes(backend):
    x4 = RNG.standard_normal((2, 3, 2, 4)).astype("float32")

    def reference(x, w):
        qp, kp, vp = (_project(x, w[i], w[i + 1]) for i in (0, 2, 4))
        scores = np.einsum("bxynh,buvnh->bnxyuv", qp / np.sqrt(3), kp)
        attn = softmax(scores.reshape(2, 2, 3, 2, 6), -1).reshape(scores.shape)
        out = np.einsum("bnxyuv,buvnh->bxynh", attn, vp)
        return [np.tensordot(out, w[6], axes=2) + w[7], attn]

    check_layer(MultiHeadAttention, {"num_heads": 2, "key_dim": 3, "attention_axes": (1, 2)}, x4,
                call_kwargs={"value": x4, "return_attention_scores": True},
                expected_shape=[(2, 3, 2, 4), (2, 2, 3, 2, 3, 2)], reference=reference, rtol=1e-4, atol=1e-5)


def test_multi_head_attention_dropout_and_query_mask(backend):
    layer = MultiHeadAttention(num_heads=2, key_dim=3, dropout=0.5, seed=1)
    inference = to_numpy(layer(Q, V))
    np.testing.assert_allclose(to_numpy(layer(Q, V, training=False)), inference)
    assert not np.allclose(to_numpy(layer(Q, V, training=True)), inference)
    masked = MultiHeadAttention(num_heads=2, key_dim=3)
    out, scores = masked(Q, V, query_mask=Q_MASK, return_attention_scores=True)
    np.testing.assert_array_equal(to_numpy(scores)[0, :, 2], 0.0)  # a padded query row attends nowhere
    symbolic = MultiHeadAttention(num_heads=2, key_dim=3)
    q = KerasTensor((None, 3, 4))
    q._keras_mask = KerasTensor((None, 3), "bool")
    assert getattr(symbolic(q, KerasTensor((None, 5, 4))), "_keras_mask", None) is not None


def test_multi_head_attention_config_and_errors():
    layer = MultiHeadAttention(num_heads=2, key_dim=3, output_shape=5, attention_axes=1,
                               kernel_initializer=initializers.RandomNormal(seed=1))
    config = layer.get_config()
    assert config["output_shape"] == (5,) and config["attention_axes"] == (1,) and config["value_dim"] == 3
    revived = serialization.deserialize_keras_object(serialization.serialize_keras_object(layer))
    assert revived.get_config() == config
    with pytest.raises(ValueError, match=r"`num_heads` must be a positive int; received 0"):
        MultiHeadAttention(num_heads=0, key_dim=2)
    with pytest.raises(ValueError, match=r"`key_dim` must be a positive int; received 2.5"):
        MultiHeadAttention(num_heads=2, key_dim=2.5)
    with pytest.raises(ValueError, match=r"`sliding_window` must be a positive int or None; received -1"):
        MultiHeadAttention(num_heads=2, key_dim=2, sliding_window=-1)
    with pytest.raises(ValueError, match=r"Dropout is not supported with flash attention"):
        MultiHeadAttention(num_heads=2, key_dim=2, dropout=0.1, flash_attention=True)
    with pytest.raises(ValueError, match=r"`output_shape` must be a positive int or a tuple of positive ints"):
        MultiHeadAttention(num_heads=2, key_dim=2, output_shape="wide")
    with pytest.raises(ValueError, match=r"`key` and `value` must agree on every axis but the last; "
                                         r"received value shape \(2, 5, 4\) and key shape \(2, 4, 4\)"):
        MultiHeadAttention(num_heads=2, key_dim=2)(Q, V, key=K[:, :4])


# GroupQueryAttention ------------------------------------------------------------------

def _gqa(q, v, w, key=None, heads=4, kv_heads=2, head_dim=3, keep=None, gate=False, bias=True):
    key = v if key is None else key
    w = list(w)
    take = (lambda: (w.pop(0), w.pop(0))) if bias else (lambda: (w.pop(0), None))
    (qk, qb), (kk, kb) = take(), take()
    if gate:
        gk, gb = take()
    (vk, vb), (ok, ob) = take(), take()
    repeat = heads // kv_heads
    qp = _project(q, qk, qb)
    kp = np.repeat(_project(key, kk, kb), repeat, axis=2)
    vp = np.repeat(_project(v, vk, vb), repeat, axis=2)
    scores = np.einsum("btnh,bsnh->bnts", qp / np.sqrt(head_dim), kp)
    if keep is not None:
        keep = np.broadcast_to(keep[:, None], scores.shape)
        attn = np.where(keep, softmax(np.where(keep, scores, -1e9)), 0.0)
    else:
        attn = softmax(scores)
    out = np.einsum("bnts,bsnh->btnh", attn, vp)
    if gate:
        out = out * (1 / (1 + np.exp(-_project(q, gk, gb))))
    out = np.tensordot(out, ok, axes=2)
    return (out if ob is None else out + ob), attn


def test_group_query_attention(backend):
    layer = check_layer(GroupQueryAttention, {"head_dim": 3, "num_query_heads": 4, "num_key_value_heads": 2,
                                              "bias_initializer": "random_normal"}, Q,
                        call_kwargs={"value": V, "key": K, "return_attention_scores": True},
                        expected_shape=[(2, 3, 4), (2, 4, 3, 5)], trainable_weights=8,
                        reference=lambda x, w: list(_gqa(x, V, w, key=K)), rtol=1e-4, atol=1e-5)
    assert [v.shape for v in layer.weights] == [(4, 4, 3), (4, 3), (4, 2, 3), (2, 3), (4, 2, 3), (2, 3),
                                               (4, 3, 4), (4,)]


def test_group_query_attention_gate_causal_and_masks(backend):
    keep = causal(3, 3)[None] & Q_MASK[:, :, None]
    check_layer(GroupQueryAttention, {"head_dim": 3, "num_query_heads": 4, "num_key_value_heads": 1,
                                      "use_gate": True, "use_bias": False}, Q,
                call_kwargs={"value": Q, "use_causal_mask": True, "query_mask": Q_MASK},
                expected_shape=(2, 3, 4), trainable_weights=5, rtol=1e-4, atol=1e-5,
                reference=lambda x, w: _gqa(x, x, w, kv_heads=1, keep=keep, gate=True, bias=False)[0])


def test_group_query_attention_sliding_window_and_attention_mask(backend):
    attention_mask = RNG.random((2, 3, 5)) > 0.3
    attention_mask[..., 1] = True
    band = np.abs(np.arange(3)[:, None] - np.arange(5)[None]) < 2
    check_layer(GroupQueryAttention, {"head_dim": 3, "num_query_heads": 2, "num_key_value_heads": 1,
                                      "sliding_window": 2}, Q,
                call_kwargs={"value": V, "attention_mask": attention_mask}, expected_shape=(2, 3, 4),
                rtol=1e-4, atol=1e-5,
                reference=lambda x, w: _gqa(x, V, w, heads=2, kv_heads=1, keep=attention_mask & band[None])[0])


def test_group_query_attention_config_and_errors():
    layer = GroupQueryAttention(head_dim=2, num_query_heads=4, num_key_value_heads=2, dropout=0.25, seed=3)
    config = layer.get_config()
    assert (config["head_dim"], config["num_query_heads"], config["num_key_value_heads"], config["dropout"]) == \
        (2, 4, 2, 0.25)
    assert GroupQueryAttention.from_config(config).get_config() == config
    with pytest.raises(ValueError, match=r"`num_query_heads` must be a multiple of `num_key_value_heads`; "
                                         r"received num_query_heads=3, num_key_value_heads=2"):
        GroupQueryAttention(head_dim=2, num_query_heads=3, num_key_value_heads=2)
    with pytest.raises(ValueError, match=r"`head_dim` must be a positive int; received None"):
        GroupQueryAttention(head_dim=None, num_query_heads=2, num_key_value_heads=2)
    with pytest.raises(ValueError, match=r"`query` must have rank 3 \(batch, length, features\); "
                                         r"received shape \(2, 3\)"):
        GroupQueryAttention(head_dim=2, num_query_heads=2, num_key_value_heads=1)(Q[:, :, 0], V)
    with pytest.raises(ValueError, match=r"attention scores cannot be returned with flash attention"):
        GroupQueryAttention(head_dim=2, num_query_heads=2, num_key_value_heads=1, flash_attention=True)(
            Q, V, return_attention_scores=True)


def test_attention_layers_under_mixed_precision(backend):
    from kerasnb.engine.ops.rules import dtype_of
    for layer, args in ((Attention(dtype="mixed_float16"), ([Q, V],)),
                        (AdditiveAttention(dtype="mixed_float16"), ([Q, V],)),
                        (MultiHeadAttention(2, 3, dtype="mixed_float16"), (Q, V)),
                        (GroupQueryAttention(2, 2, 1, dtype="mixed_float16"), (Q, V))):
        out = layer(*args, use_causal_mask=True)
        assert dtype_of(out) == "float16" and all(v.dtype == "float32" for v in layer.weights)
        assert np.all(np.isfinite(to_numpy(out).astype("float32")))
