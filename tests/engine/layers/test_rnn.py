"""Recurrent layers: cells, RNN, SimpleRNN/LSTM/GRU, StackedRNNCells, ConvLSTMs, Bidirectional,
TimeDistributed, each against a NumPy reference computed from the layer's weights."""

import itertools

import numpy as np
import pytest

from kerasnb.engine.layers import Dense, Input
from kerasnb.engine.layers.rnn import (
    GRU, LSTM, RNN, Bidirectional, ConvLSTM1D, ConvLSTM2D, ConvLSTM3D, GRUCell, LSTMCell, SimpleRNN,
    SimpleRNNCell, StackedRNNCells, TimeDistributed)
from kerasnb.engine.masks import get_mask
from kerasnb.engine.saving import serialization
from tests.engine.layers.harness import check_layer, compiled
from tests.engine.ops.checks import to_numpy

RNG = np.random.default_rng(7)
X = RNG.normal(size=(2, 5, 3)).astype("float32")
MASK = np.array([[1, 1, 1, 0, 0], [0, 1, 1, 1, 1]], bool)


# NumPy references ------------------------------------------------------------------------

def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def simple_step(w, x, states):
    kernel, rec, bias = (w + [0])[:3]
    h = np.tanh(x @ kernel + states[0] @ rec + bias)
    return h, [h]


def lstm_step(w, x, states, act=np.tanh):
    kernel, rec, bias = w
    h, c = states
    i, f, g, o = np.split(x @ kernel + h @ rec + bias, 4, axis=-1)
    c = sigmoid(f) * c + sigmoid(i) * act(g)
    h = sigmoid(o) * act(c)
    return h, [h, c]


def gru_step(w, x, states, reset_after=True):
    kernel, rec, bias = w
    h = states[0]
    u = h.shape[-1]
    xb = x @ kernel + (bias[0] if reset_after else bias)
    x_z, x_r, x_h = np.split(xb, 3, axis=-1)
    if reset_after:
        r_z, r_r, r_h = np.split(h @ rec + bias[1], 3, axis=-1)
        z, r = sigmoid(x_z + r_z), sigmoid(x_r + r_r)
        cand = np.tanh(x_h + r * r_h)
    else:
        z = sigmoid(x_z + h @ rec[:, :u])
        r = sigmoid(x_r + h @ rec[:, u:2 * u])
        cand = np.tanh(x_h + (r * h) @ rec[:, 2 * u:])
    h = z * h + (1 - z) * cand
    return h, [h]


def run(step, x, states, mask=None, go_backwards=False, zero_output=False):
    """Reference loop: returns (outputs in processing order (batch, time, ...), last, states)."""
    steps = list(range(x.shape[1]))
    if go_backwards:
        steps = steps[::-1]
    out_prev = np.zeros_like(step(x[:, 0], states)[0])
    outs = []
    for t in steps:
        out, new = step(x[:, t], states)
        if mask is not None:
            m = mask[:, t].reshape((-1,) + (1,) * (out.ndim - 1))
            new = [np.where(m, n, s) for n, s in zip(new, states)]
            out = np.where(m, out, 0 if zero_output else out_prev)
        states, out_prev = new, out
        outs.append(out)
    return np.stack(outs, 1), outs[-1], states


def zeros_states(n, batch, units):
    return [np.zeros((batch, units), "float32") for _ in range(n)]


def conv_nd(x, kernel, strides, padding, dilation):
    """channels_last N-D cross-correlation, ``x`` (batch, *spatial, in), kernel (*k, in, out)."""
    rank = x.ndim - 2
    ks = kernel.shape[:rank]
    if padding == "same":
        pads = []
        for n, k, s, d in zip(x.shape[1:-1], ks, strides, dilation):
            out = -(-n // s)
            total = max((out - 1) * s + (k - 1) * d + 1 - n, 0)
            pads.append((total // 2, total - total // 2))
        x = np.pad(x, [(0, 0)] + pads + [(0, 0)])
    sizes = [(n - (k - 1) * d - 1) // s + 1 for n, k, s, d in zip(x.shape[1:-1], ks, strides, dilation)]
    out = np.zeros((x.shape[0],) + tuple(sizes) + (kernel.shape[-1],), "float64")
    for offs in itertools.product(*[range(k) for k in ks]):
        index = tuple(slice(o * d, o * d + (n - 1) * s + 1, s) for o, d, n, s in zip(offs, dilation, sizes, strides))
        out += np.einsum("b...i,io->b...o", x[(slice(None),) + index], kernel[offs])
    return out


def conv_lstm_step(w, strides, padding, dilation):
    kernel, rec, bias = w

    def step(x, states):
        h, c = states
        rank = x.ndim - 2
        z = conv_nd(x, kernel, strides, padding, dilation) + bias
        z = z + conv_nd(h, rec, (1,) * rank, "same", (1,) * rank)
        i, f, g, o = np.split(z, 4, axis=-1)
        c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
        h = sigmoid(o) * np.tanh(c)
        return h, [h, c]
    return step


# The harness on every class --------------------------------------------------------------

@pytest.mark.parametrize("sequences", [False, True])
def test_simple_rnn(backend, sequences):
    def ref(x, w):
        outs, last, _ = run(lambda xt, s: simple_step(w, xt, s), x, zeros_states(1, 2, 4))
        return outs if sequences else last
    check_layer(SimpleRNN, {"units": 4, "return_sequences": sequences}, X,
                expected_shape=(2, 5, 4) if sequences else (2, 4), trainable_weights=3, reference=ref)


def test_lstm_return_state(backend):
    def ref(x, w):
        _, last, states = run(lambda xt, s: lstm_step(w, xt, s), x, zeros_states(2, 2, 4))
        return [last] + states
    check_layer(LSTM, {"units": 4, "return_state": True}, X, expected_shape=[(2, 4)] * 3,
                trainable_weights=3, reference=ref)


@pytest.mark.parametrize("reset_after", [True, False])
def test_gru(backend, reset_after):
    def ref(x, w):
        return run(lambda xt, s: gru_step(w, xt, s, reset_after), x, zeros_states(1, 2, 4),
                   go_backwards=True)[0]
    layer = check_layer(GRU, {"units": 4, "reset_after": reset_after, "return_sequences": True,
                              "go_backwards": True}, X, expected_shape=(2, 5, 4), reference=ref)
    assert layer.cell.bias.shape == ((2, 12) if reset_after else (12,))


@pytest.mark.parametrize("cell_cls,step,n_states", [
    (SimpleRNNCell, simple_step, 1), (LSTMCell, lstm_step, 2), (GRUCell, gru_step, 1)])
def test_rnn_over_cells_with_mask(backend, cell_cls, step, n_states):
    def ref(x, w):
        return run(lambda xt, s: step(w, xt, s), x, zeros_states(n_states, 2, 3), mask=MASK)[0]
    check_layer(RNN, {"cell": cell_cls(3), "return_sequences": True}, X, expected_shape=(2, 5, 3),
                reference=ref, call_kwargs={"mask": MASK})


@pytest.mark.parametrize("cell_cls,step,n_states", [
    (SimpleRNNCell, simple_step, 1), (LSTMCell, lstm_step, 2), (GRUCell, gru_step, 1)])
def test_cells_one_step(backend, cell_cls, step, n_states):
    states = [RNG.normal(size=(2, 4)).astype("float32") for _ in range(n_states)]

    def ref(x, w):
        out, new = step(w, x, states)
        return [out] + new
    check_layer(cell_cls, {"units": 4}, X[:, 0], expected_shape=[(2, 4)] * (n_states + 1),
                trainable_weights=3, reference=ref, call_kwargs={"states": states})


def test_stacked_cells(backend):
    def ref(x, w):
        def step(xt, s):
            h1, s1 = lstm_step(w[:3], xt, s[:2])
            h2, s2 = gru_step(w[3:], h1, s[2:])
            return h2, s1 + s2
        _, last, states = run(step, x, zeros_states(2, 2, 3) + zeros_states(1, 2, 2))
        return [last] + states
    check_layer(RNN, {"cell": StackedRNNCells([LSTMCell(3), GRUCell(2)]), "return_state": True}, X,
                expected_shape=[(2, 2), (2, 3), (2, 3), (2, 2)], trainable_weights=6, reference=ref)


def test_stacked_cells_direct(backend):
    states = [[np.zeros((2, 3), "float32")], [np.ones((2, 2), "float32")]]

    def ref(x, w):
        h1, _ = simple_step(w[:3], x, states[0])
        h2, _ = simple_step(w[3:], h1, states[1])
        return [h2, h1, h2]
    check_layer(StackedRNNCells, {"cells": [SimpleRNNCell(3), SimpleRNNCell(2)]}, X[:, 0],
                expected_shape=[(2, 2), (2, 3), (2, 2)], reference=ref, call_kwargs={"states": states})


@pytest.mark.parametrize("merge_mode", ["concat", "sum", "mul", "ave", None])
def test_bidirectional_merge_modes(backend, merge_mode):
    def ref(x, w):
        fwd = run(lambda xt, s: lstm_step(w[:3], xt, s), x, zeros_states(2, 2, 3))[0]
        bwd = run(lambda xt, s: lstm_step(w[3:], xt, s), x, zeros_states(2, 2, 3), go_backwards=True)[0][:, ::-1]
        return {"concat": lambda: np.concatenate([fwd, bwd], -1), "sum": lambda: fwd + bwd,
                "mul": lambda: fwd * bwd, "ave": lambda: (fwd + bwd) / 2, None: lambda: [fwd, bwd]}[merge_mode]()
    shape = (2, 5, 6) if merge_mode == "concat" else (2, 5, 3)
    check_layer(Bidirectional, {"layer": LSTM(3, return_sequences=True), "merge_mode": merge_mode}, X,
                expected_shape=[shape, shape] if merge_mode is None else shape, trainable_weights=6,
                reference=ref)


def test_bidirectional_states_and_mask(backend):
    def ref(x, w):
        _, f_last, f_states = run(lambda xt, s: gru_step(w[:3], xt, s), x, zeros_states(1, 2, 3), mask=MASK)
        _, b_last, b_states = run(lambda xt, s: gru_step(w[3:], xt, s), x, zeros_states(1, 2, 3), mask=MASK,
                                  go_backwards=True)
        return [np.concatenate([f_last, b_last], -1)] + f_states + b_states
    check_layer(Bidirectional, {"layer": GRU(3, return_state=True)}, X, call_kwargs={"mask": MASK},
                expected_shape=[(2, 6), (2, 3), (2, 3)], reference=ref)


def test_time_distributed(backend):
    check_layer(TimeDistributed, {"layer": Dense(2, activation="relu")}, X, expected_shape=(2, 5, 2),
                trainable_weights=2, reference=lambda x, w: np.maximum(x @ w[0] + w[1], 0))


@pytest.mark.parametrize("cls,spatial,kwargs", [
    (ConvLSTM1D, (6,), {"kernel_size": 3, "padding": "valid"}),
    (ConvLSTM2D, (5, 5), {"kernel_size": 3, "strides": 2, "padding": "same"}),
    (ConvLSTM3D, (4, 4, 4), {"kernel_size": 2, "dilation_rate": 2}),
    (ConvLSTM3D, (5, 4, 3), {"kernel_size": 3, "strides": 2, "padding": "same"}),
])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_conv_lstm(backend, cls, spatial, kwargs, data_format):
    rank = len(spatial)
    x = RNG.normal(size=(2, 3) + spatial + (2,)).astype("float32")
    strides = (kwargs.get("strides", 1),) * rank
    dilation = (kwargs.get("dilation_rate", 1),) * rank
    padding = kwargs["padding"] if "padding" in kwargs else "valid"
    out_sp = tuple(-(-n // s) if padding == "same" else (n - (kwargs["kernel_size"] - 1) * d - 1) // s + 1
                   for n, s, d in zip(spatial, strides, dilation))

    def to_first(a):  # (batch, [time,] *spatial, ch) -> channels_first
        lead = a.ndim - rank - 1
        return np.moveaxis(a, -1, lead)

    def ref(inp, w):
        xl = np.moveaxis(inp, 2, -1) if data_format == "channels_first" else inp
        init = [np.zeros((2,) + out_sp + (3,))] * 2
        outs = run(conv_lstm_step(w, strides, padding, dilation), xl, init)[0]
        return to_first(outs) if data_format == "channels_first" else outs
    inputs = np.moveaxis(x, -1, 2).copy() if data_format == "channels_first" else x
    shape = (2, 3) + ((3,) + out_sp if data_format == "channels_first" else out_sp + (3,))
    layer = check_layer(cls, {"filters": 3, "data_format": data_format, "return_sequences": True, **kwargs},
                        inputs, expected_shape=shape, trainable_weights=3, reference=ref, rtol=1e-4, atol=1e-5)
    assert layer.cell.kernel.shape == (kwargs["kernel_size"],) * rank + (2, 12)
    assert layer.cell.recurrent_kernel.shape == (kwargs["kernel_size"],) * rank + (3, 12)


# Keras behaviours ---------------------------------------------------------------------------

def test_weight_names_order_and_forget_bias(backend):
    layer = LSTM(4, name="enc")
    layer(X)
    assert [v.name for v in layer.weights] == ["kernel", "recurrent_kernel", "bias"]
    assert [v.shape for v in layer.weights] == [(3, 16), (4, 16), (16,)]
    np.testing.assert_array_equal(layer.get_weights()[2], np.r_[np.zeros(4), np.ones(4), np.zeros(8)])
    no_forget = LSTM(4, unit_forget_bias=False)
    no_forget(X)
    np.testing.assert_array_equal(no_forget.get_weights()[2], np.zeros(16))


def test_mask_skips_steps_and_masks_output(backend):
    layer = LSTM(3, return_sequences=True)
    padded = X.copy()
    padded[0, 3:] = 99.0  # masked steps must not matter
    out = to_numpy(layer(padded, mask=MASK))
    np.testing.assert_allclose(out[0, 3], out[0, 2], rtol=1e-6)
    np.testing.assert_allclose(out[1, 0], 0.0)
    short = to_numpy(layer(X[:1, :3]))
    np.testing.assert_allclose(out[0, :3], short[0], rtol=1e-5, atol=1e-6)
    last = to_numpy(LSTM.from_config(layer.get_config())(X[:1, :3]))
    assert last.shape == (1, 3, 3)


def test_zero_output_for_mask(backend):
    layer = RNN(SimpleRNNCell(2), return_sequences=True, zero_output_for_mask=True)
    out = to_numpy(layer(X, mask=MASK))
    np.testing.assert_array_equal(out[0, 3:], 0.0)
    np.testing.assert_array_equal(out[1, 0], 0.0)
    assert np.all(out[0, :3] != 0)


def test_output_mask_propagation(backend):
    x = Input(shape=(5, 3))
    x._keras_mask = Input(shape=(5,), dtype="bool")
    seq = LSTM(2, return_sequences=True)(x)
    assert get_mask(seq) is not None
    last = LSTM(2)(x)
    assert get_mask(last) is None
    out, h, c = LSTM(2, return_state=True)(x)
    assert out.shape == (None, 2) and h.shape == (None, 2) and c.shape == (None, 2)


def test_initial_state(backend):
    layer = GRU(3, return_sequences=True)
    h0 = RNG.normal(size=(2, 3)).astype("float32")
    out = to_numpy(layer(X, initial_state=[h0]))
    w = layer.get_weights()
    np.testing.assert_allclose(out, run(lambda xt, s: gru_step(w, xt, s), X, [h0])[0], rtol=1e-5, atol=1e-5)


def test_unroll_matches_scan(backend):
    scan = LSTM(3, return_sequences=True, go_backwards=True)
    unrolled = LSTM(3, return_sequences=True, go_backwards=True, unroll=True)
    scan(X)
    unrolled(X)
    unrolled.set_weights(scan.get_weights())
    np.testing.assert_allclose(to_numpy(unrolled(X, mask=MASK)), to_numpy(scan(X, mask=MASK)), rtol=1e-5, atol=1e-6)


def test_stateful_carries_and_resets(backend):
    layer = SimpleRNN(3, stateful=True, return_sequences=True)
    first = to_numpy(layer(X))
    second = to_numpy(layer(X))
    w = layer.get_weights()
    assert len(w) == 3 and len(layer.states) == 1  # states are not weights, as in Keras
    ref1, _, states = run(lambda xt, s: simple_step(w, xt, s), X, zeros_states(1, 2, 3))
    ref2 = run(lambda xt, s: simple_step(w, xt, s), X, states)[0]
    np.testing.assert_allclose(first, ref1, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(second, ref2, rtol=1e-5, atol=1e-6)
    layer.reset_states()
    np.testing.assert_array_equal(to_numpy(layer.states[0]), 0.0)
    np.testing.assert_allclose(to_numpy(layer(X)), first, rtol=1e-6)
    with pytest.raises(ValueError, match="batch size 2"):
        layer(X[:1])


def test_stateful_needs_batch_size(backend):
    with pytest.raises(ValueError, match="stateful"):
        LSTM(2, stateful=True)(Input(shape=(5, 3)))


def test_bidirectional_stateful_reset(backend):
    layer = Bidirectional(GRU(2, stateful=True))
    layer(X)
    assert len(layer.states) == 2
    layer.reset_states()
    assert all(np.all(to_numpy(s) == 0) for s in layer.states)
    with pytest.raises(AttributeError, match="not stateful"):
        Bidirectional(GRU(2)).reset_states()


def test_dropout_only_in_training(backend):
    layer = LSTM(4, dropout=0.5, recurrent_dropout=0.5, seed=3)
    a, b = to_numpy(layer(X)), to_numpy(layer(X))
    np.testing.assert_array_equal(a, b)
    w = layer.get_weights()
    np.testing.assert_allclose(a, run(lambda xt, s: lstm_step(w, xt, s), X, zeros_states(2, 2, 4))[1],
                               rtol=1e-5, atol=1e-6)
    trained = to_numpy(layer(X, training=True))
    assert not np.allclose(trained, a)
    assert layer.cell._dropout_mask is None  # masks do not outlive the call


def test_dropout_training_under_compiled_function(trainable_backend):
    layer = GRU(3, dropout=0.3, recurrent_dropout=0.3, seed=1)
    layer(X)
    trainable = [v.value for v in layer.trainable_variables]
    others = [v.value for v in layer.non_trainable_variables]

    def fn(t, o):
        out, new = layer.stateless_call(t, o, X, training=True)
        return out, new

    out, new = compiled(fn)(trainable, others)
    assert to_numpy(out).shape == (2, 3)
    assert not np.array_equal(to_numpy(new[0]), to_numpy(others[0]))  # the seed state advanced


def test_time_distributed_passes_training_and_symbolic_shape(backend):
    layer = TimeDistributed(Dense(4))
    out = layer(Input(shape=(7, 3)))
    assert out.shape == (None, 7, 4)
    assert layer.compute_output_shape((None, 7, 3)) == (None, 7, 4)


def test_layers_serialize_with_cells(backend):
    layer = RNN([LSTMCell(3), GRUCell(2, reset_after=False)], return_sequences=True)
    layer(X)
    revived = serialization.deserialize_keras_object(serialization.serialize_keras_object(layer))
    assert isinstance(revived.cell, StackedRNNCells) and revived.cell.cells[1].reset_after is False
    revived(X)
    revived.set_weights(layer.get_weights())
    np.testing.assert_allclose(to_numpy(revived(X)), to_numpy(layer(X)), rtol=1e-6)
    bi = Bidirectional(LSTM(2), merge_mode="sum", name="bi")
    assert bi.forward_layer.name.startswith("forward_") and bi.backward_layer.go_backwards
    clone = Bidirectional.from_config(bi.get_config())
    assert clone.merge_mode == "sum" and clone.backward_layer.go_backwards


def test_attributes_read_through_cell():
    layer = GRU(5, activation="relu", dropout=0.25, reset_after=False)
    assert layer.units == 5 and layer.dropout == 0.25 and layer.reset_after is False
    conv = ConvLSTM2D(4, (3, 2), padding="same")
    assert conv.filters == 4 and conv.kernel_size == (3, 2) and conv.padding == "same"
    assert ConvLSTM1D(2, 3).get_config()["kernel_size"] == (3,)


def test_backward_layer_argument(backend):
    forward, backward = LSTM(2, return_sequences=True), GRU(2, return_sequences=True, go_backwards=True)
    layer = Bidirectional(forward, backward_layer=backward)
    assert to_numpy(layer(X)).shape == (2, 5, 4)
    with pytest.raises(ValueError, match="go_backwards"):
        Bidirectional(LSTM(2), backward_layer=LSTM(2))
    with pytest.raises(ValueError, match="return_sequences"):
        Bidirectional(LSTM(2), backward_layer=LSTM(2, go_backwards=True, return_sequences=True))


def test_bidirectional_initial_state(backend):
    layer = Bidirectional(SimpleRNN(2))
    h = [RNG.normal(size=(2, 2)).astype("float32") for _ in range(2)]
    out = to_numpy(layer(X, initial_state=h))
    w = layer.get_weights()
    f = run(lambda xt, s: simple_step(w[:3], xt, s), X, [h[0]])[1]
    b = run(lambda xt, s: simple_step(w[3:], xt, s), X, [h[1]], go_backwards=True)[1]
    np.testing.assert_allclose(out, np.concatenate([f, b], -1), rtol=1e-5, atol=1e-6)


# Argument errors ------------------------------------------------------------------------------

@pytest.mark.parametrize("make,match", [
    (lambda: SimpleRNN(0), "`units` must be a positive int; received 0"),
    (lambda: LSTM(3.5), "`units`"),
    (lambda: GRU(2, dropout=1.5), "`dropout` must be a float in \\[0, 1\\); received 1.5"),
    (lambda: LSTMCell(2, recurrent_dropout=-0.1), "`recurrent_dropout`"),
    (lambda: LSTM(2, use_cudnn="yes"), "`use_cudnn`"),
    (lambda: RNN("lstm"), "`cell` must have"),
    (lambda: StackedRNNCells([]), "`cells` must be a non-empty list"),
    (lambda: Bidirectional(LSTM(2), merge_mode="max"), "`merge_mode` must be one of"),
    (lambda: Bidirectional("lstm"), "`layer` must be a Layer"),
    (lambda: Bidirectional(Dense(2)), "recurrent layer"),
    (lambda: TimeDistributed(Dense), "`layer` must be a Layer"),
    (lambda: ConvLSTM2D(2, (3, 3, 3)), "`kernel_size` must be"),
    (lambda: ConvLSTM2D(2, 3, padding="full"), "`padding` must be 'valid' or 'same'; received 'full'"),
    (lambda: ConvLSTM1D(2, 3, data_format="nhwc"), "`data_format`"),
    (lambda: ConvLSTM1D(2, 3, strides=2, dilation_rate=2), "strides"),
    (lambda: ConvLSTM2D(0, 3), "`filters`"),
])
def test_bad_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_bad_inputs(backend):
    with pytest.raises(ValueError, match="unroll"):
        LSTM(2, unroll=True)(Input(shape=(None, 3)))
    with pytest.raises(ValueError, match="rank 5"):
        ConvLSTM2D(2, 3)(np.ones((2, 3, 4, 4), "float32"))
    with pytest.raises(ValueError, match="rank >= 3"):
        TimeDistributed(Dense(2))(np.ones((2, 3), "float32"))


def test_functional_model_with_mask_and_wrappers(backend):
    from kerasnb.engine.models.functional import Functional
    from kerasnb.engine.models.sequential import Sequential
    inputs = Input(shape=(5, 3))
    seq = Bidirectional(LSTM(2, return_sequences=True))(inputs)
    out = TimeDistributed(Dense(1))(GRU(3, return_sequences=True)(seq))
    model = Functional(inputs, out)
    assert to_numpy(model(X)).shape == (2, 5, 1)
    stacked = Sequential([Input(shape=(5, 3)), SimpleRNN(4, return_sequences=True), LSTM(2)])
    assert to_numpy(stacked(X)).shape == (2, 2)


def test_stateful_state_is_mapped_by_stateless_call(trainable_backend):
    layer = GRU(2, stateful=True)
    layer(X)
    layer.reset_states()
    trainable = [v.value for v in layer.trainable_variables]
    others = [v.value for v in layer.non_trainable_variables]
    assert len(others) == 2  # the seed state and the one GRU state

    def fn(t, o):
        return layer.stateless_call(t, o, X)

    out, new = compiled(fn)(trainable, others)
    state = next(to_numpy(v) for v, var in zip(new, layer.non_trainable_variables) if var is layer.states[0])
    np.testing.assert_allclose(state, to_numpy(out), rtol=1e-6)
    np.testing.assert_array_equal(to_numpy(layer.states[0]), 0.0)  # the layer's own state untouched


def test_bidirectional_initial_weights(backend):
    source = Bidirectional(SimpleRNN(2))
    expected = to_numpy(source(X))
    layer = Bidirectional(SimpleRNN(2), weights=source.get_weights())
    np.testing.assert_allclose(to_numpy(layer(X)), expected, rtol=1e-6)


def test_public_names():
    import kerasnb
    from kerasnb.engine.layers import rnn
    assert sorted(rnn.__all__) == sorted([
        "RNN", "SimpleRNNCell", "SimpleRNN", "LSTMCell", "LSTM", "GRUCell", "GRU", "StackedRNNCells",
        "Bidirectional", "TimeDistributed", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D"])
    for name in rnn.__all__:
        assert getattr(kerasnb.layers, name) is getattr(rnn, name)
        assert serialization.builtins_of("layers")[name] is getattr(rnn, name)


def test_conv_lstm_mask_and_state(backend):
    x = RNG.normal(size=(2, 5, 6, 2)).astype("float32")
    layer = ConvLSTM1D(2, 3, padding="same", return_sequences=True, return_state=True)
    out, h, c = layer(x, mask=MASK)
    w = layer.get_weights()
    init = [np.zeros((2, 6, 2))] * 2
    outs, _, states = run(conv_lstm_step(w, (1,), "same", (1,)), x, init, mask=MASK)
    np.testing.assert_allclose(to_numpy(out), outs, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(to_numpy(h), states[0], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(to_numpy(c), states[1], rtol=1e-4, atol=1e-5)


def test_models_see_the_state_of_stateful_rnns(backend):
    from kerasnb.engine.layers import Input
    from kerasnb.engine.models import Sequential
    model = Sequential([Input(batch_shape=(2, 3, 4)), LSTM(2, stateful=True, name="memory")])
    assert all(any(v is s for v in model.non_trainable_variables) for s in model.layers[0].states)
