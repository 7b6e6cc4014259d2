"""ONNX export: onnxruntime runs each exported model and must agree with `model.predict`."""

import os

import numpy as np
import onnx
import onnxruntime as ort
import pytest

import kerasnb as keras
from kerasnb import layers, ops
from kerasnb.engine import backend
from kerasnb.engine.export.onnx import to_onnx
from tests.engine.export.onnx_zoo import ZOO

ATOL = 1e-5


@pytest.fixture(autouse=True)
def _numpy_backend():
    backend.set_backend("numpy")  # the reference; the cross-backend test switches itself


def run_onnx(proto, inputs):
    """Runs `proto` in onnxruntime; `inputs` is an array, a list (graph input order) or a dict."""
    session = ort.InferenceSession(proto.SerializeToString(), providers=["CPUExecutionProvider"])
    names = [i.name for i in session.get_inputs()]
    if not isinstance(inputs, dict):
        inputs = dict(zip(names, inputs if isinstance(inputs, (list, tuple)) else [inputs]))
    return session.run(None, inputs)


def as_list(outputs, names=None):
    if isinstance(outputs, dict):
        return [outputs[k] for k in names]
    return list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]


def assert_matches_predict(model, inputs, proto=None, atol=ATOL):
    proto = proto or to_onnx(model)
    got = run_onnx(proto, inputs)
    expected = as_list(model.predict(inputs, verbose=0), [o.name for o in proto.graph.output])
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        assert g.shape == np.shape(e)
        np.testing.assert_allclose(g, e, atol=atol, rtol=1e-5)
    return proto


def data(shape, seed=0, dtype="float32", high=None):
    rng = np.random.default_rng(seed)
    if high is not None:
        return rng.integers(0, high, shape).astype(dtype)
    return rng.normal(size=shape).astype(dtype)


# Every exportable layer, alone behind an Input: (layer factory, input shape without batch).
LAYERS = {
    # core
    "dense": (lambda: layers.Dense(5, activation="relu"), (4,)),
    "dense_3d_no_bias": (lambda: layers.Dense(3, use_bias=False), (2, 4)),
    "einsum_dense": (lambda: layers.EinsumDense("ab,bc->ac", output_shape=3, bias_axes="c"), (4,)),
    "einsum_dense_3d": (lambda: layers.EinsumDense("abc,cde->abde", output_shape=(None, 2, 3),
                                                   bias_axes="de", activation="tanh"), (5, 4)),
    "identity": (layers.Identity, (4,)),
    "masking_then_dense": (lambda: keras.Sequential([layers.Masking(0.0), layers.Dense(2)]), (3, 4)),
    "lambda": (lambda: layers.Lambda(lambda x: ops.square(x) - ops.mean(x, axis=-1, keepdims=True)), (4,)),
    # activations
    **{f"activation_{name}": ((lambda n=name: layers.Activation(n)), (6,)) for name in (
        "relu", "sigmoid", "tanh", "softmax", "log_softmax", "elu", "selu", "gelu", "silu", "softplus",
        "softsign", "hard_sigmoid", "hard_silu", "relu6", "leaky_relu", "mish", "exponential", "linear")},
    "elu_layer": (lambda: layers.ELU(alpha=0.7), (6,)),
    "leaky_relu_layer": (lambda: layers.LeakyReLU(negative_slope=0.1), (6,)),
    "prelu": (lambda: layers.PReLU(alpha_initializer="random_uniform"), (6,)),
    "relu_layer": (lambda: layers.ReLU(max_value=1.5, negative_slope=0.1, threshold=0.2), (6,)),
    "softmax_layer": (lambda: layers.Softmax(axis=1), (3, 4)),
    # convolution
    "conv1d": (lambda: layers.Conv1D(3, 3, strides=2, padding="same"), (9, 2)),
    "conv1d_causal": (lambda: layers.Conv1D(3, 3, padding="causal", dilation_rate=2), (9, 2)),
    "conv2d": (lambda: layers.Conv2D(4, 3, strides=2, padding="same", activation="relu"), (8, 8, 2)),
    "conv2d_groups_dilated": (lambda: layers.Conv2D(4, 3, groups=2, dilation_rate=2), (9, 9, 2)),
    "conv2d_channels_first": (lambda: layers.Conv2D(3, 2, data_format="channels_first"), (2, 6, 6)),
    "conv3d": (lambda: layers.Conv3D(3, 2), (5, 5, 5, 2)),
    "depthwise_conv1d": (lambda: layers.DepthwiseConv1D(3, depth_multiplier=2), (8, 2)),
    "depthwise_conv2d": (lambda: layers.DepthwiseConv2D(3, padding="same"), (8, 8, 2)),
    "separable_conv1d": (lambda: layers.SeparableConv1D(4, 3), (8, 2)),
    "separable_conv2d": (lambda: layers.SeparableConv2D(4, 3, padding="same", depth_multiplier=2), (8, 8, 2)),
    "conv1d_transpose": (lambda: layers.Conv1DTranspose(3, 3, strides=2, padding="same"), (5, 2)),
    "conv2d_transpose": (lambda: layers.Conv2DTranspose(3, 3, strides=2), (5, 5, 2)),
    "conv2d_transpose_output_padding": (
        lambda: layers.Conv2DTranspose(3, 3, strides=2, padding="same", output_padding=1), (4, 4, 2)),
    "conv2d_transpose_wide_stride": (lambda: layers.Conv2DTranspose(2, 2, strides=3), (3, 3, 2)),
    "conv3d_transpose": (lambda: layers.Conv3DTranspose(3, 2, strides=2), (3, 3, 3, 2)),
    # pooling
    "max_pooling1d": (lambda: layers.MaxPooling1D(2), (8, 2)),
    "max_pooling2d_same": (lambda: layers.MaxPooling2D(3, strides=2, padding="same"), (7, 7, 2)),
    "max_pooling3d": (lambda: layers.MaxPooling3D(2), (4, 4, 4, 2)),
    "average_pooling1d": (lambda: layers.AveragePooling1D(3, padding="same"), (7, 2)),
    "average_pooling2d_same": (lambda: layers.AveragePooling2D(2, padding="same"), (7, 7, 2)),
    "average_pooling3d": (lambda: layers.AveragePooling3D(2), (4, 4, 4, 2)),
    "global_average_pooling1d": (layers.GlobalAveragePooling1D, (5, 3)),
    "global_average_pooling2d": (lambda: layers.GlobalAveragePooling2D(keepdims=True), (4, 4, 3)),
    "global_average_pooling3d": (layers.GlobalAveragePooling3D, (3, 3, 3, 2)),
    "global_max_pooling1d": (layers.GlobalMaxPooling1D, (5, 3)),
    "global_max_pooling2d": (layers.GlobalMaxPooling2D, (4, 4, 3)),
    "global_max_pooling3d": (layers.GlobalMaxPooling3D, (3, 3, 3, 2)),
    "adaptive_average_pooling2d": (lambda: layers.AdaptiveAveragePooling2D((2, 3)), (5, 7, 2)),
    "adaptive_max_pooling1d": (lambda: layers.AdaptiveMaxPooling1D(3), (7, 2)),
    # normalization
    "batch_normalization": (lambda: layers.BatchNormalization(moving_mean_initializer="random_uniform",
                                                              moving_variance_initializer="ones"), (3, 4)),
    "batch_normalization_axis1": (lambda: layers.BatchNormalization(axis=1, scale=False), (3, 4)),
    "layer_normalization": (lambda: layers.LayerNormalization(beta_initializer="random_normal"), (3, 4)),
    "group_normalization": (lambda: layers.GroupNormalization(2), (3, 4)),
    "unit_normalization": (layers.UnitNormalization, (4,)),
    "rms_normalization": (layers.RMSNormalization, (3, 4)),
    "spectral_normalization": (lambda: layers.SpectralNormalization(layers.Dense(3)), (4,)),
    # reshaping
    "flatten": (layers.Flatten, (2, 3, 2)),
    "reshape": (lambda: layers.Reshape((-1, 2)), (6,)),
    "permute": (lambda: layers.Permute((2, 1)), (2, 3)),
    "repeat_vector": (lambda: layers.RepeatVector(3), (4,)),
    "cropping1d": (lambda: layers.Cropping1D((1, 2)), (6, 2)),
    "cropping2d": (lambda: layers.Cropping2D(((1, 0), (0, 2))), (5, 5, 2)),
    "cropping3d": (lambda: layers.Cropping3D(1), (4, 4, 4, 1)),
    "zero_padding1d": (lambda: layers.ZeroPadding1D(2), (3, 2)),
    "zero_padding2d": (lambda: layers.ZeroPadding2D(((1, 0), (2, 1))), (3, 3, 2)),
    "zero_padding3d": (lambda: layers.ZeroPadding3D(1), (2, 2, 2, 1)),
    "up_sampling1d": (lambda: layers.UpSampling1D(3), (3, 2)),
    "up_sampling2d": (lambda: layers.UpSampling2D((2, 3)), (3, 3, 2)),
    "up_sampling2d_bilinear": (lambda: layers.UpSampling2D(interpolation="bilinear"), (3, 4, 2)),
    "up_sampling3d": (lambda: layers.UpSampling3D(2), (2, 2, 2, 1)),
    # regularization (vanishes at inference)
    "dropouts": (lambda: keras.Sequential([layers.Dropout(0.5), layers.SpatialDropout1D(0.5),
                                           layers.GaussianNoise(1.0), layers.GaussianDropout(0.3),
                                           layers.AlphaDropout(0.2), layers.ActivityRegularization(0.1)]),
                 (3, 4)),
    # recurrent
    "simple_rnn": (lambda: layers.SimpleRNN(3, activation="relu"), (5, 2)),
    "lstm_sequences": (lambda: layers.LSTM(3, return_sequences=True), (5, 2)),
    "lstm_backwards_hard_sigmoid": (lambda: layers.LSTM(3, go_backwards=True, recurrent_activation="hard_sigmoid",
                                                        unit_forget_bias=False, bias_initializer="random_normal"),
                                    (5, 2)),
    "gru": (lambda: layers.GRU(3, bias_initializer="random_normal"), (5, 2)),
    "gru_reset_before": (lambda: layers.GRU(3, reset_after=False, return_sequences=True, go_backwards=True,
                                            bias_initializer="random_normal"), (5, 2)),
    "rnn_lstm_cell": (lambda: layers.RNN(layers.LSTMCell(3, use_bias=False)), (4, 2)),
    "bidirectional_concat": (lambda: layers.Bidirectional(layers.LSTM(3, return_sequences=True)), (5, 2)),
    "bidirectional_sum": (lambda: layers.Bidirectional(layers.GRU(3), merge_mode="sum"), (5, 2)),
    "time_distributed": (lambda: layers.TimeDistributed(layers.Dense(2)), (3, 4)),
}


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_layer_matches_predict(name):
    factory, shape = LAYERS[name]
    inputs = keras.Input(shape)
    model = keras.Model(inputs, factory()(inputs))
    assert_matches_predict(model, data((3,) + shape, seed=len(name)))


@pytest.mark.parametrize("name,dtype", [("embedding", "int32"), ("embedding_int64", "int64")])
def test_embedding_matches_predict(name, dtype):
    tokens = keras.Input((5,), dtype=dtype)
    model = keras.Model(tokens, layers.Embedding(10, 3)(tokens))
    proto = assert_matches_predict(model, data((4, 5), dtype=dtype, high=10))
    assert proto.graph.input[0].type.tensor_type.elem_type == onnx.helper.np_dtype_to_tensor_dtype(np.dtype(dtype))


MERGES = {
    "add": layers.Add, "subtract": layers.Subtract, "multiply": layers.Multiply, "average": layers.Average,
    "maximum": layers.Maximum, "minimum": layers.Minimum, "concatenate": lambda: layers.Concatenate(axis=-1),
    "dot": lambda: layers.Dot(axes=1), "dot_normalized": lambda: layers.Dot(axes=-1, normalize=True),
}


@pytest.mark.parametrize("name", sorted(MERGES))
def test_merging_layer_matches_predict(name):
    a, b = keras.Input((4,), name="a"), keras.Input((4,), name="b")
    model = keras.Model([a, b], MERGES[name]()([a, b]))
    proto = assert_matches_predict(model, [data((3, 4), 1), data((3, 4), 2)])
    assert [i.name for i in proto.graph.input] == ["a", "b"]


ATTENTION = {
    "multi_head_self": lambda q, v: layers.MultiHeadAttention(2, 4)(q, q),
    "multi_head_cross_causal": lambda q, v: layers.MultiHeadAttention(2, 3, value_dim=2, output_shape=5)(
        q, v, use_causal_mask=True),
    "grouped_query": lambda q, v: layers.GroupQueryAttention(4, 4, 2)(q, v),
    "attention_dot_scaled": lambda q, v: layers.Attention(use_scale=True, score_mode="dot")([q, v]),
    "attention_concat_causal": lambda q, v: layers.Attention(score_mode="concat")([q, v], use_causal_mask=True),
    "additive_attention": lambda q, v: layers.AdditiveAttention()([q, v, v]),
}


@pytest.mark.parametrize("name", sorted(ATTENTION))
def test_attention_layer_matches_predict(name):
    query, value = keras.Input((4, 6), name="query"), keras.Input((5, 6), name="value")
    model = keras.Model([query, value], ATTENTION[name](query, value))
    assert_matches_predict(model, [data((2, 4, 6), 1), data((2, 5, 6), 2)])


def test_attention_scores_are_a_second_output():
    query, value = keras.Input((4, 6)), keras.Input((5, 6))
    out, scores = layers.MultiHeadAttention(2, 3)(query, value, return_attention_scores=True)
    model = keras.Model([query, value], [out, scores])
    proto = assert_matches_predict(model, [data((2, 4, 6), 3), data((2, 5, 6), 4)])
    assert len(proto.graph.output) == 2


def test_recurrent_states_and_initial_state():
    seq, h0, c0 = keras.Input((5, 2)), keras.Input((3,)), keras.Input((3,))
    out, h, c = layers.LSTM(3, return_state=True)(seq, initial_state=[h0, c0])
    model = keras.Model([seq, h0, c0], [out, h, c])
    assert_matches_predict(model, [data((2, 5, 2), 1), data((2, 3), 2), data((2, 3), 3)])


@pytest.mark.parametrize("name", sorted(ZOO))
def test_zoo_model_with_two_batch_sizes(name):
    model, make_inputs = ZOO[name]()
    proto = to_onnx(model)
    onnx.checker.check_model(proto, full_check=True)
    assert proto.opset_import[0].version >= 17
    stored = sum(int(np.prod(i.dims)) for i in proto.graph.initializer)
    assert stored >= model.count_params()  # the weights travel inside the file
    batch_dims = {i.type.tensor_type.shape.dim[0].dim_param for i in proto.graph.input}
    assert batch_dims == {"batch"}
    for batch in (1, 5):  # one file, two batch sizes
        assert_matches_predict(model, make_inputs(batch), proto)


def test_names_come_from_the_model():
    model, make_inputs = ZOO["multi_input"]()
    proto = to_onnx(model)
    assert [i.name for i in proto.graph.input] == ["image", "meta"]
    assert [o.name for o in proto.graph.output] == ["label", "score"]
    mlp, _ = ZOO["mlp"]()
    proto = to_onnx(mlp)
    assert [i.name for i in proto.graph.input] == [mlp.inputs[0].name]
    assert [o.name for o in proto.graph.output] == [mlp.layers[-1].name]


@pytest.mark.parametrize("opset", [17, 18, 21])
def test_opset_versions(opset):
    model, make_inputs = ZOO["attention"]()
    proto = to_onnx(model, opset_version=opset)
    assert proto.opset_import[0].version == opset
    assert_matches_predict(model, make_inputs(2), proto)


def test_bad_opset_is_refused():
    model, _ = ZOO["mlp"]()
    with pytest.raises(ValueError, match="opset_version"):
        to_onnx(model, opset_version=11)


def test_same_file_from_every_backend():
    model, make_inputs = ZOO["cnn"]()
    files = {}
    for name in ("numpy", "jax", "torch", "tensorflow"):
        backend.set_backend(name)
        files[name] = to_onnx(model).SerializeToString()
    assert len(set(files.values())) == 1
    backend.set_backend("numpy")
    assert_matches_predict(model, make_inputs(3), onnx.load_from_string(files["torch"]))


def test_subclassed_model_needs_a_call_or_an_input_signature():
    model, make_inputs = ZOO["subclassed"]()
    fresh = type(model)()
    fresh.build((None, 6))  # built, but never called: no shapes to trace with
    with pytest.raises(ValueError, match="input_signature"):
        to_onnx(fresh)
    proto = to_onnx(fresh, input_signature=[keras.InputSpec(shape=(None, 6), dtype="float32")])
    assert_matches_predict(fresh, make_inputs(4), proto)


def test_input_signature_may_fix_dims():
    model, make_inputs = ZOO["mlp"]()
    proto = to_onnx(model, input_signature=[keras.InputSpec(shape=(2, 6), dtype="float32", name="x")])
    dims = proto.graph.input[0].type.tensor_type.shape.dim
    assert proto.graph.input[0].name == "x" and [d.dim_value for d in dims] == [2, 6]
    assert_matches_predict(model, make_inputs(2), proto)


def test_unbuilt_model_is_refused():
    model = keras.Sequential([layers.Dense(2)])
    with pytest.raises(ValueError, match="not built"):
        to_onnx(model)


def unsupported_model():
    inputs = keras.Input((3, 4, 4, 2))
    x = layers.ConvLSTM2D(2, 3)(inputs)
    x = layers.Lambda(lambda t: ops.cumprod(t, axis=-1))(layers.Flatten()(x))
    return keras.Model(inputs, layers.Dense(2)(x))


def test_unsupported_layers_and_ops_are_all_named():
    model = unsupported_model()
    with pytest.raises(NotImplementedError) as info:
        to_onnx(model)
    message = str(info.value)
    assert "conv_lstm2d" in message and "ConvLSTMCell" in message
    assert "`cumprod`" in message and "Lambda" in message


def test_masked_recurrent_layer_is_refused_clearly():
    tokens = keras.Input((5,), dtype="int32")
    x = layers.Embedding(10, 3, mask_zero=True)(tokens)
    model = keras.Model(tokens, layers.LSTM(2)(x))
    with pytest.raises(NotImplementedError, match="mask"):
        to_onnx(model)


def test_export_writes_a_file_onnxruntime_loads(tmp_path, capsys):
    model, make_inputs = ZOO["lstm_text"]()
    path = str(tmp_path / "model.onnx")
    assert model.export(path, format="onnx") == path
    assert "Saved artifact" in capsys.readouterr().out
    assert_matches_predict(model, make_inputs(3), onnx.load(path))


def test_failed_export_leaves_no_file(tmp_path):
    path = tmp_path / "model.onnx"
    with pytest.raises(NotImplementedError):
        unsupported_model().export(str(path), format="onnx", verbose=False)
    assert os.listdir(tmp_path) == []


def test_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    model, _ = ZOO["mlp"]()
    path = tmp_path / "model.onnx"
    path.write_bytes(b"old")

    def broken(self):
        raise OSError("disk full")
    monkeypatch.setattr(onnx.ModelProto, "SerializeToString", broken)
    with pytest.raises(OSError, match="disk full"):
        model.export(str(path), format="onnx", verbose=False)
    assert path.read_bytes() == b"old" and os.listdir(tmp_path) == ["model.onnx"]


def test_mixed_precision_layers_compute_in_their_dtype():
    inputs = keras.Input((4,))
    hidden = layers.Dense(8, activation="relu", dtype="mixed_float16")(inputs)
    hidden = layers.LayerNormalization(dtype="mixed_float16")(hidden)
    model = keras.Model(inputs, [hidden, layers.Dense(2, dtype="float32")(hidden)])
    proto = to_onnx(model)
    got = run_onnx(proto, data((3, 4)))
    assert [g.dtype for g in got] == [np.float16, np.float32]
    for g, e in zip(got, model.predict(data((3, 4)), verbose=0)):  # float16 math: ~1e-3 per unit
        np.testing.assert_allclose(g.astype("float32"), np.asarray(e, "float32"), atol=2e-3)


def test_nested_and_shared_layers():
    shared = layers.Dense(4, activation="tanh")
    block = keras.Sequential([layers.Dense(4), layers.LayerNormalization()])
    a, b = keras.Input((4,)), keras.Input((4,))
    merged = layers.Concatenate()([block(shared(a)), shared(b)])
    model = keras.Model([a, b], layers.Dense(1)(merged))
    assert_matches_predict(model, [data((3, 4), 1), data((3, 4), 2)])


def test_every_translator_takes_its_ops_arguments():
    import inspect

    from kerasnb.engine.export.onnx import registry
    from kerasnb.engine.ops import conv, core, image, linalg, math, nn, nn_stats
    from kerasnb.engine.ops import numpy as knp
    found = {}
    for module in (knp, nn, math, linalg, image, core, conv, nn_stats):
        found.update({v.__name__: v for v in vars(module).values() if callable(v) and hasattr(v, "rule")})
    assert set(registry.OPS) <= set(found)
    for name, translator in registry.OPS.items():
        accepted = inspect.signature(translator).parameters
        if any(p.kind is p.VAR_KEYWORD for p in accepted.values()):
            continue
        assert set(inspect.signature(found[name]).parameters) <= set(accepted), name


# Ops called directly (in a Lambda), for translators no layer above reaches: (fn, input shape).
OPS = {
    "floor_divide_mod": (lambda x: ops.floor_divide(x, 0.7) + ops.mod(x, 0.7), (5,)),
    "int_floor_divide_mod": (lambda x: ops.cast(ops.floor_divide(ops.cast(x * 10, "int32"), 3)
                                                + ops.mod(ops.cast(x * 10, "int32"), 3), "float32"), (5,)),
    "var_std": (lambda x: ops.var(x, axis=1) + ops.std(x, axis=-1, keepdims=True)[:, 0], (3, 4)),
    "argmax_argmin": (lambda x: ops.cast(ops.argmax(x, axis=-1) - ops.argmin(x, axis=1), "float32"), (6,)),
    "cumsum": (lambda x: ops.cumsum(x, axis=1), (5,)),
    "tensordot": (lambda x: ops.tensordot(x, ops.ones((4, 3)), axes=([2], [0])), (2, 4)),
    "outer_reshape": (lambda x: ops.reshape(ops.outer(x[0], x[1]), (1, -1)), (3,)),
    "split_stack": (lambda x: ops.stack(ops.split(x, 2, axis=-1)[::-1], axis=1), (6,)),
    "unstack_concat": (lambda x: ops.concatenate(ops.unstack(x, axis=1), axis=-1), (3, 2)),
    "tile_broadcast": (lambda x: ops.tile(x, (1, 2)) + ops.broadcast_to(ops.ones((1, 6)), (1, 6)), (3,)),
    "take_along_axis": (lambda x: ops.take_along_axis(x, ops.argsort(ops.ones((1, 4))) * 0 + 1, axis=1), (4,)),
    "take_flat": (lambda x: ops.take(x, [[0, 2], [1, 1]], axis=1), (3,)),
    "get_item_mixed": (lambda x: x[:, None, ::2, -1] + x[..., 1:2, 0][:, None], (4, 3)),
    "get_item_negative_step": (lambda x: x[:, ::-1, 1], (4, 3)),
    "get_item_array_index": (lambda x: x[..., np.array([2, 0]), 1:], (4, 3)),
    "moveaxis_flip_squeeze": (lambda x: ops.squeeze(ops.flip(ops.moveaxis(x, 1, 2), axis=1)[:, :, :1], -1), (2, 3)),
    "where_clip_isfinite": (lambda x: ops.where(ops.isfinite(x) & (x > 0), ops.clip(x, 0.1, 0.5), -x), (5,)),
    "logsumexp_prod_minmax": (lambda x: ops.logsumexp(x, axis=-1) + ops.prod(x, axis=-1)
                              + ops.max(x, axis=-1, initial=0.5) - ops.min(x, axis=1), (4,)),
    "any_all": (lambda x: ops.cast(ops.any(x > 1, axis=-1), "float32") + ops.cast(ops.all(x > -1), "float32"), (4,)),
    "one_hot": (lambda x: ops.one_hot(ops.cast(x * 2, "int32"), 4), (3,)),
    "normalize_l2": (lambda x: ops.normalize(x, axis=-1), (4,)),
    "celu_glu_shrinks": (lambda x: ops.celu(x, 0.5) + ops.tanh_shrink(x) + ops.soft_shrink(x) + ops.hard_shrink(x)
                         + ops.hard_tanh(x) + ops.log_sigmoid(x) + ops.sparse_plus(x) + ops.sparse_sigmoid(x)
                         + ops.squareplus(x) + ops.threshold(x, 0.1, -1.0) + ops.glu(ops.tile(x, (1, 2))), (4,)),
    "rounding": (lambda x: ops.round(x, 1) + ops.round(x) + ops.floor(x) + ops.ceil(x) + ops.sign(x), (6,)),
    "trigonometry": (lambda x: ops.sin(x) + ops.cos(x) + ops.arctan(x) + ops.sinh(x) + ops.log1p(ops.abs(x))
                     + ops.expm1(x) + ops.log2(ops.abs(x) + 1) + ops.log10(ops.abs(x) + 1), (5,)),
    "softmax_multi_axis": (lambda x: ops.softmax(x, axis=(1, 2)) + ops.log_softmax(x, axis=1), (2, 3)),
    "pad_reflect": (lambda x: ops.pad(x, ((0, 0), (2, 1)), mode="reflect"), (4,)),
    "pad_constant": (lambda x: ops.pad(x, ((0, 0), (1, 1)), constant_values=3.0), (4,)),
    "full_like_einsum": (lambda x: ops.einsum("bi,bj->bij", x, ops.full_like(x, 2.0) + ops.zeros_like(x)), (3,)),
    "resize_bicubic": (lambda x: ops.image.resize(x, (5, 3), interpolation="bicubic"), (3, 4, 2)),
    "repeat_middle_axis": (lambda x: ops.repeat(x, 2, axis=1), (3, 2)),
}


@pytest.mark.parametrize("name", sorted(OPS))
def test_op_matches_predict(name):
    fn, shape = OPS[name]
    inputs = keras.Input(shape)
    model = keras.Model(inputs, layers.Lambda(fn)(inputs))
    assert_matches_predict(model, data((2,) + shape, seed=len(name)))


def test_dynamic_sequence_length():
    tokens = keras.Input((None,), dtype="int32")
    x = layers.Conv1D(4, 3, padding="same")(layers.Embedding(10, 4)(tokens))
    x = layers.LSTM(3, return_sequences=True)(x)
    x = layers.MultiHeadAttention(2, 2)(x, x)
    model = keras.Model(tokens, layers.GlobalAveragePooling1D()(x))
    proto = to_onnx(model)
    for length in (3, 7):
        assert_matches_predict(model, data((2, length), dtype="int32", high=10), proto)


def test_padding_masks_flow_into_attention_and_pooling():
    tokens = keras.Input((6,), dtype="int32")
    x = layers.Embedding(10, 4, mask_zero=True)(tokens)
    x = layers.MultiHeadAttention(2, 2)(x, x)
    model = keras.Model(tokens, layers.GlobalAveragePooling1D()(x))
    proto = to_onnx(model)
    backend.set_backend("torch")  # torch tensors carry the implicit masks through predict
    padded = np.array([[1, 2, 3, 0, 0, 0], [4, 5, 6, 7, 8, 0]], "int32")
    assert_matches_predict(model, padded, proto)
