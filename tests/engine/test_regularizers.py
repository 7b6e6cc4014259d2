"""kerasnb.regularizers: penalties vs NumPy on every backend, gradients, configs, lookup, errors."""

import numpy as np
import pytest

import kerasnb.ops as ops
from kerasnb import regularizers
from kerasnb.engine import backend as engine_backend
from kerasnb.engine.tensors import Variable

W = np.array([[0.5, -1.5, 2.0], [1.0, 0.25, -0.75], [-2.0, 1.0, 0.5], [0.0, 3.0, 1.0]], np.float32)


def _orthogonal_penalty(w, factor, mode):
    """Independent reference: factor times the mean |cosine| over distinct pairs of rows (or columns)."""
    units = w if mode == "rows" else w.T
    units = units / np.linalg.norm(units, axis=1, keepdims=True)
    pairs = [abs(units[i] @ units[j]) for i in range(len(units)) for j in range(i + 1, len(units))]
    return factor * np.mean(pairs)


CASES = {
    "L1": (regularizers.L1(0.3), lambda w: 0.3 * np.abs(w).sum()),
    "L2": (regularizers.L2(0.2), lambda w: 0.2 * np.square(w).sum()),
    "L1L2": (regularizers.L1L2(l1=0.1, l2=0.05), lambda w: 0.1 * np.abs(w).sum() + 0.05 * np.square(w).sum()),
    "L1L2_l2_only": (regularizers.L1L2(l2=0.4), lambda w: 0.4 * np.square(w).sum()),
    "rows": (regularizers.OrthogonalRegularizer(0.5), lambda w: _orthogonal_penalty(w, 0.5, "rows")),
    "columns": (regularizers.OrthogonalRegularizer(2.0, mode="columns"),
                lambda w: _orthogonal_penalty(w, 2.0, "columns")),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_penalties_match_numpy(backend, name):
    regularizer, reference = CASES[name]
    penalty = ops.convert_to_numpy(regularizer(ops.convert_to_tensor(W)))
    assert penalty.shape == () and penalty.dtype == np.float32
    np.testing.assert_allclose(penalty, reference(W.astype(np.float64)), rtol=1e-5)
    in_float64 = ops.convert_to_numpy(regularizer(W.astype(np.float64)))
    assert in_float64.dtype == np.float64


def test_variables_and_edge_cases(backend):
    variable = Variable(W, name="kernel")
    penalty = ops.convert_to_numpy(regularizers.L2(1.0)(variable))
    np.testing.assert_allclose(penalty, np.square(W).sum(), rtol=1e-6)
    assert float(ops.convert_to_numpy(regularizers.L1L2()(W))) == 0.0
    assert float(ops.convert_to_numpy(regularizers.Regularizer()(W))) == 0.0
    single_row = regularizers.OrthogonalRegularizer(1.0)(np.ones((1, 3), np.float32))
    assert float(ops.convert_to_numpy(single_row)) == 0.0
    orthogonal = regularizers.OrthogonalRegularizer(1.0)(np.eye(3, dtype=np.float32))
    assert abs(float(ops.convert_to_numpy(orthogonal))) < 1e-7


def test_l1l2_gradient(trainable_backend):
    module = engine_backend.get()
    w = W.astype(np.float64) + 0.1  # no zero entries: abs has no derivative there
    regularizer = regularizers.L1L2(l1=0.1, l2=0.05)
    value, grad = module.value_and_grad(regularizer)(module.convert_to_tensor(w))
    expected = 0.1 * np.abs(w).sum() + 0.05 * np.square(w).sum()
    np.testing.assert_allclose(ops.convert_to_numpy(value), expected, rtol=1e-12)
    np.testing.assert_allclose(ops.convert_to_numpy(grad), 0.1 * np.sign(w) + 0.1 * w, rtol=1e-12)


def test_configs_round_trip_in_keras_format():
    assert regularizers.serialize(regularizers.L1L2(0.1, 0.2)) == {
        "module": "keras.regularizers", "class_name": "L1L2", "config": {"l1": 0.1, "l2": 0.2},
        "registered_name": None}
    for regularizer in (regularizers.L1(0.3), regularizers.L2(0.2), regularizers.L1L2(l1=None, l2=0.5),
                        regularizers.OrthogonalRegularizer(0.1, "columns")):
        clone = regularizers.deserialize(regularizers.serialize(regularizer))
        assert type(clone) is type(regularizer) and clone.get_config() == regularizer.get_config()
        rebuilt = type(regularizer).from_config(regularizer.get_config())
        assert rebuilt.get_config() == regularizer.get_config()
    assert regularizers.OrthogonalRegularizer(0.1).get_config() == {"factor": 0.1, "mode": "rows"}
    with pytest.raises(NotImplementedError, match="get_config"):
        regularizers.Regularizer().get_config()


def test_get_names_aliases_and_callables():
    assert regularizers.get(None) is None
    for name, cls in [("l1", regularizers.L1), ("L1", regularizers.L1), ("l2", regularizers.L2),
                      ("l1_l2", regularizers.L1L2), ("l1l2", regularizers.L1L2),
                      ("orthogonal_regularizer", regularizers.OrthogonalRegularizer)]:
        assert type(regularizers.get(name)) is cls
    assert regularizers.l1_l2 is regularizers.L1L2 and regularizers.l2 is regularizers.L2
    assert regularizers.get("l2").l2 == 0.01
    assert isinstance(regularizers.get(regularizers.L1), regularizers.L1)
    instance = regularizers.L2(0.5)
    assert regularizers.get(instance) is instance
    assert regularizers.get({"class_name": "L1", "config": {"l1": 0.2}}).l1 == 0.2
    assert regularizers.deserialize("l1").l1 == 0.01


def test_errors_name_the_argument():
    with pytest.raises(ValueError, match="`identifier` must be .*'l2'.*received 'l3'"):
        regularizers.get("l3")
    with pytest.raises(ValueError, match="L1: `l1` must be a finite number >= 0; received -0.1"):
        regularizers.L1(-0.1)
    with pytest.raises(ValueError, match="`l2` must be a finite number >= 0; received nan"):
        regularizers.L1L2(l2=float("nan"))
    with pytest.raises(ValueError, match="`factor` must be a finite number >= 0; received '1'"):
        regularizers.OrthogonalRegularizer("1")
    with pytest.raises(ValueError, match="`mode` must be 'rows' or 'columns'; received 'diag'"):
        regularizers.OrthogonalRegularizer(mode="diag")
    with pytest.raises(ValueError, match="must be 2-D; received shape \\(2, 2, 2\\)"):
        regularizers.OrthogonalRegularizer()(np.ones((2, 2, 2), np.float32))
