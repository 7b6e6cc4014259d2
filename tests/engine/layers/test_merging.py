"""Merging layers: element-wise merges, Concatenate, Dot, masks and the functional forms."""

import numpy as np
import pytest

from kerasnb import layers
from kerasnb.engine import backend as engine_backend
from kerasnb.engine.layers import merging
from kerasnb.engine.masks import get_mask, set_mask
from kerasnb.engine.saving import serialization
from kerasnb.engine.tensors import KerasTensor
from tests.engine.layers.harness import check_layer
from tests.engine.ops.checks import to_numpy

RNG = np.random.default_rng(11)


def rand(*shape):
    return RNG.standard_normal(shape).astype("float32")


def unit(x, axis):
    return x / np.sqrt(np.maximum(np.sum(x * x, axis=axis, keepdims=True), 1e-14))


A, B, C = rand(2, 3, 4), rand(2, 3, 4), rand(2, 4)
CASES = [
    ("add", layers.Add, {}, [A, B], (2, 3, 4), lambda x: x[0] + x[1]),
    ("add_broadcast_rank", layers.Add, {}, [A, B, C], (2, 3, 4), lambda x: x[0] + x[1] + x[2][:, None]),
    ("subtract", layers.Subtract, {}, [A, rand(2, 1, 4)], (2, 3, 4), lambda x: x[0] - x[1]),
    ("multiply", layers.Multiply, {}, [A, B, C], (2, 3, 4), lambda x: x[0] * x[1] * x[2][:, None]),
    ("average", layers.Average, {}, [A, B, rand(2, 3, 4)], (2, 3, 4), lambda x: (x[0] + x[1] + x[2]) / 3),
    ("maximum", layers.Maximum, {}, [A, C], (2, 3, 4), lambda x: np.maximum(x[0], x[1][:, None])),
    ("minimum", layers.Minimum, {}, [A, B], (2, 3, 4), lambda x: np.minimum(x[0], x[1])),
    ("concatenate", layers.Concatenate, {}, [A, rand(2, 3, 2)], (2, 3, 6), lambda x: np.concatenate(x, -1)),
    ("concatenate_axis1", layers.Concatenate, {"axis": 1}, [A, rand(2, 1, 4), rand(2, 2, 4)], (2, 6, 4),
     lambda x: np.concatenate(x, 1)),
    ("dot_vectors", layers.Dot, {"axes": 1}, [rand(2, 3), rand(2, 3)], (2, 1),
     lambda x: np.sum(x[0] * x[1], axis=1, keepdims=True)),
    ("dot_axes_pair", layers.Dot, {"axes": (1, 2)}, [rand(2, 3, 5), rand(2, 4, 3)], (2, 5, 4),
     lambda x: np.einsum("bkn,bmk->bnm", x[0], x[1])),
    ("dot_negative", layers.Dot, {"axes": -1}, [rand(2, 3, 4), rand(2, 5, 4)], (2, 3, 5),
     lambda x: np.einsum("bnk,bmk->bnm", x[0], x[1])),
    ("dot_matrix_vector", layers.Dot, {"axes": (2, 1)}, [rand(2, 3, 4), rand(2, 4)], (2, 3),
     lambda x: np.einsum("bnk,bk->bn", x[0], x[1])),
    ("dot_vector_matrix", layers.Dot, {"axes": (1, 1)}, [rand(2, 3), rand(2, 3, 4)], (2, 4),
     lambda x: np.einsum("bk,bkm->bm", x[0], x[1])),
    ("dot_rank4", layers.Dot, {"axes": (2, 3)}, [rand(2, 3, 4, 2), rand(2, 5, 6, 4)], (2, 3, 2, 5, 6),
     lambda x: np.einsum("bpkq,bmnk->bpqmn", x[0], x[1])),
    ("dot_normalize", layers.Dot, {"axes": (1, 1), "normalize": True}, [rand(2, 3), rand(2, 3, 4)], (2, 4),
     lambda x: np.einsum("bk,bkm->bm", unit(x[0], 1), unit(x[1], 1))),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_harness(backend, case):
    _, cls, kwargs, inputs, shape, ref = case
    check_layer(cls, kwargs, inputs, expected_shape=shape, trainable_weights=0, non_trainable_weights=0,
                reference=lambda x, w: ref(x))


M1 = np.array([[1, 1, 0], [1, 0, 0]], bool)
M2 = np.array([[0, 1, 1], [1, 1, 0]], bool)


def test_masked_multiply_in_harness(backend):
    def reference(x, w):
        a = np.where(M1[..., None], x[0], 1.0) * np.where(M2[..., None], x[1], 1.0)
        return np.where((M1 | M2)[..., None], a, 0.0)
    check_layer(layers.Multiply, {}, [A, B], expected_shape=(2, 3, 4), call_kwargs={"mask": [M1, M2]},
                reference=reference)


def masked_fold(fn, a, b, mask_a, mask_b):
    """Keras's rule: a masked value takes the other operand's value before `fn`."""
    b = b if mask_b is None else np.where(mask_b[..., None], b, a)
    a = a if mask_a is None else np.where(mask_a[..., None], a, b)
    return fn(a, b)


def test_masked_maximum_and_minimum(backend):
    np.testing.assert_allclose(to_numpy(layers.Maximum()([A, B], mask=[M1, M2])),
                               masked_fold(np.maximum, A, B, M1, M2), rtol=1e-6)
    np.testing.assert_allclose(to_numpy(layers.Minimum()([A, B], mask=[None, M2])),
                               masked_fold(np.minimum, A, B, None, M2), rtol=1e-6)
    check_layer(layers.Minimum, {}, [A, B], call_kwargs={"mask": [M1, M2]},
                reference=lambda x, w: masked_fold(np.minimum, x[0], x[1], M1, M2))


def test_output_masks(backend):
    inputs = [A, B]
    for cls in (layers.Add, layers.Subtract, layers.Multiply, layers.Average, layers.Maximum, layers.Minimum):
        layer = cls()
        np.testing.assert_array_equal(to_numpy(layer.compute_mask(inputs, [M1, M2])), M1 | M2)
        assert layer.compute_mask(inputs, [M1, None]) is None
        assert layer.compute_mask(inputs, None) is None
    assert layers.Dot(axes=2).compute_mask(inputs, [M1, M2]) is None


def test_concatenate_masks(backend):
    layer = layers.Concatenate(axis=1)
    np.testing.assert_array_equal(to_numpy(layer.compute_mask([A, B], [M1, M2])), np.concatenate([M1, M2], 1))
    np.testing.assert_array_equal(to_numpy(layer.compute_mask([A, B], [None, M2])),
                                  np.concatenate([np.ones_like(M2), M2], 1))
    last = layers.Concatenate()
    np.testing.assert_array_equal(to_numpy(last.compute_mask([A, rand(2, 3, 2)], [M1, None])), np.ones((2, 3), bool))
    assert last.compute_mask([A, B], [None, None]) is None


def test_masks_attach_to_outputs(backend):
    if engine_backend.current() in ("torch", "tensorflow"):   # their tensors carry `_keras_mask`
        a, b = (engine_backend.get().convert_to_tensor(v) for v in (A, B))
        set_mask(a, engine_backend.get().convert_to_tensor(M1))
        set_mask(b, engine_backend.get().convert_to_tensor(M2))
        out = layers.Concatenate(axis=1)([a, b])
        np.testing.assert_array_equal(to_numpy(get_mask(out)), np.concatenate([M1, M2], 1))
    x, y = KerasTensor((None, 3, 4)), KerasTensor((None, 3, 4))
    set_mask(x, KerasTensor((None, 3), "bool"))
    set_mask(y, KerasTensor((None, 3), "bool"))
    assert get_mask(layers.Add()([x, y])).shape == (None, 3)
    assert get_mask(layers.Concatenate(axis=1)([x, y])).shape == (None, 6)
    assert get_mask(layers.Dot(axes=2)([x, y])) is None


def test_functional_forms(backend):
    pairs = [(merging.add, layers.Add, {}), (merging.subtract, layers.Subtract, {}),
             (merging.multiply, layers.Multiply, {}), (merging.average, layers.Average, {}),
             (merging.maximum, layers.Maximum, {}), (merging.minimum, layers.Minimum, {}),
             (merging.concatenate, layers.Concatenate, {"axis": 1}), (merging.dot, layers.Dot, {"axes": 2})]
    for fn, cls, kwargs in pairs:
        np.testing.assert_allclose(to_numpy(fn([A, B], **kwargs)), to_numpy(cls(**kwargs)([A, B])), rtol=1e-6)
    np.testing.assert_allclose(to_numpy(merging.dot([A, B], axes=2, normalize=True)),
                               np.einsum("bnk,bmk->bnm", unit(A, 2), unit(B, 2)), rtol=1e-5, atol=1e-6)
    named = merging.concatenate([KerasTensor((None, 2)), KerasTensor((None, 3))], name="joined")
    assert named.shape == (None, 5) and named._keras_history[0].name == "joined"


def test_public_names_and_registration():
    assert sorted(merging.__all__) == sorted([
        "Add", "Average", "Concatenate", "Dot", "Maximum", "Minimum", "Multiply", "Subtract",
        "add", "average", "concatenate", "dot", "maximum", "minimum", "multiply", "subtract"])
    for name in merging.__all__:
        assert getattr(layers, name) is getattr(merging, name)
        if name[0].isupper():
            assert serialization.builtins_of("layers")[name] is getattr(merging, name)


def test_functional_model(backend):
    from kerasnb.engine.layers import Input
    from kerasnb.engine.models.functional import Functional
    x, y = Input((3, 4)), Input((4,))
    total = layers.Add()([x, y])
    joined = layers.Concatenate(axis=1)([total, layers.Multiply()([x, x])])
    out = layers.Dot(axes=(2, 2))([joined, x])
    model = Functional([x, y], out)
    assert model.output_shape == (None, 6, 3)
    a, c = rand(2, 3, 4), rand(2, 4)
    expected = np.einsum("bnk,bmk->bnm", np.concatenate([a + c[:, None], a * a], 1), a)
    np.testing.assert_allclose(to_numpy(model([a, c])), expected, rtol=1e-5, atol=1e-5)


def test_compute_output_shape():
    assert layers.Add().compute_output_shape([(None, 3, 4), (None, 4)]) == (None, 3, 4)
    assert layers.Add().compute_output_shape([(2, 1, 4), (None, 5, 1)]) == (2, 5, 4)
    assert layers.Maximum().compute_output_shape([(None, None, 4), (None, 3, 4)]) == (None, None, 4)
    assert layers.Concatenate().compute_output_shape([(None, 3, 2), (None, 3, None)]) == (None, 3, None)
    assert layers.Concatenate(axis=0).compute_output_shape([(2, 3), (5, 3)]) == (7, 3)
    assert layers.Dot(axes=(1, 2)).compute_output_shape([(None, 3, 5), (None, 4, 3)]) == (None, 5, 4)
    assert layers.Dot(axes=1).compute_output_shape([(None, 3), (None, 3)]) == (None, 1)


@pytest.mark.parametrize("make, message", [
    (lambda: layers.Dot(axes="last"), "axes"),
    (lambda: layers.Dot(axes=(1, 2, 3)), "axes"),
    (lambda: layers.Dot(axes=(1, 1.5)), "axes"),
    (lambda: layers.Concatenate(axis="last"), "axis"),
])
def test_bad_arguments(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_bad_inputs(backend):
    with pytest.raises(ValueError, match="list of tensors"):
        layers.Add()(A)
    with pytest.raises(ValueError, match="exactly 2 inputs"):
        layers.Subtract()([A, B, A])
    with pytest.raises(ValueError, match="incompatible shapes"):
        layers.Add()([A, rand(2, 3, 5)])
    with pytest.raises(ValueError, match="batch sizes"):
        layers.Multiply()([KerasTensor((2, 3)), KerasTensor((4, 3))])
    with pytest.raises(ValueError, match="match except on axis"):
        layers.Concatenate()([A, rand(2, 2, 4)])
    with pytest.raises(ValueError, match="match except on axis"):
        layers.Concatenate()([KerasTensor((None, 3, 4)), KerasTensor((None, 3))])
    with pytest.raises(ValueError, match="same size"):
        layers.Dot(axes=1)([rand(2, 3), rand(2, 4)])
    with pytest.raises(ValueError, match="non-batch axis"):
        layers.Dot(axes=0)([rand(2, 3), rand(2, 3)])
    with pytest.raises(ValueError, match="exactly 2 inputs"):
        layers.Dot(axes=1)([KerasTensor((None, 3))] * 3)
    with pytest.raises(ValueError, match="one entry per input"):
        layers.Add()([A, B], mask=[M1])


@pytest.mark.parametrize("make", [layers.Add, layers.Subtract, layers.Multiply, layers.Average, layers.Maximum,
                                  lambda: layers.Concatenate(axis=1), lambda: layers.Dot(axes=2, normalize=True)])
def test_gradients_reach_every_input(trainable_backend, make):
    from kerasnb.engine.ops import numpy as ops
    from tests.engine.layers.harness import compiled
    module = engine_backend.get()
    layer = make()
    a, b = rand(2, 3, 4), rand(2, 3, 4) + 5.0

    def loss(values):
        return ops.sum(ops.square(layer(list(values))))

    value, grads = module.value_and_grad(loss)([module.convert_to_tensor(a), module.convert_to_tensor(b)])
    grads = [to_numpy(g) for g in grads]
    assert all(g.shape == (2, 3, 4) and np.all(np.isfinite(g)) for g in grads)
    if isinstance(layer, layers.Maximum):   # b > a everywhere: only b receives gradient
        assert np.all(grads[0] == 0) and np.any(grads[1] != 0)
    else:
        assert all(np.any(g != 0) for g in grads)
    if isinstance(layer, layers.Add):
        np.testing.assert_allclose(grads[0], 2 * (a + b), rtol=1e-5)
    if trainable_backend != "torch":
        compiled_value, _ = compiled(module.value_and_grad(loss))([module.convert_to_tensor(a),
                                                                     module.convert_to_tensor(b)])
        np.testing.assert_allclose(to_numpy(compiled_value), to_numpy(value), rtol=1e-5)


def test_model_with_merges_survives_json(backend):
    import json
    from kerasnb.engine.layers import Input
    from kerasnb.engine.models.functional import Functional
    x, y = Input((3, 4)), Input((4,))
    out = merging.dot([merging.concatenate([merging.add([x, y]), merging.multiply([x, x])], axis=1), x],
                      axes=(2, 2), normalize=True)
    model = Functional([x, y], out)
    revived = serialization.deserialize_keras_object(json.loads(json.dumps(serialization.serialize_keras_object(model))))
    a, c = rand(2, 3, 4), rand(2, 4)
    assert revived.output_shape == (None, 6, 3)
    np.testing.assert_allclose(to_numpy(revived([a, c])), to_numpy(model([a, c])), rtol=1e-6)
    revived_dot = revived.layers[-1]
    assert isinstance(revived_dot, layers.Dot) and revived_dot.axes == (2, 2) and revived_dot.normalize
