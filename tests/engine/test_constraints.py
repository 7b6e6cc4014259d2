"""kerasnb.constraints: projections vs NumPy on every backend, configs, lookup, errors."""

import numpy as np
import pytest

import kerasnb.ops as ops
from kerasnb import constraints
from kerasnb.engine.tensors import Variable

W = np.array([[0.5, -3.0, 0.1], [1.0, 4.0, -0.2], [-2.0, 0.0, 0.1]], np.float32)
EPSILON = 1e-7


def _norms(w, axis):
    return np.sqrt(np.sum(w ** 2, axis=axis, keepdims=True))


CASES = {
    "max_norm": (constraints.MaxNorm(2.0),
                 lambda w: w * np.minimum(_norms(w, 0), 2.0) / (_norms(w, 0) + EPSILON)),
    "max_norm_axis1": (constraints.MaxNorm(1.0, axis=1),
                       lambda w: w * np.minimum(_norms(w, 1), 1.0) / (_norms(w, 1) + EPSILON)),
    "unit_norm": (constraints.UnitNorm(), lambda w: w / (_norms(w, 0) + EPSILON)),
    "unit_norm_all": (constraints.UnitNorm(axis=[0, 1]), lambda w: w / (_norms(w, (0, 1)) + EPSILON)),
    "min_max_norm": (constraints.MinMaxNorm(0.5, 1.5, rate=0.5),
                     lambda w: w * (0.5 * np.clip(_norms(w, 0), 0.5, 1.5) + 0.5 * _norms(w, 0))
                     / (_norms(w, 0) + EPSILON)),
    "non_neg": (constraints.NonNeg(), lambda w: np.maximum(w, 0)),
    "identity": (constraints.Constraint(), lambda w: w),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_values_match_numpy(backend, name):
    constraint, reference = CASES[name]
    result = ops.convert_to_numpy(constraint(ops.convert_to_tensor(W)))
    assert result.dtype == np.float32
    np.testing.assert_allclose(result, reference(W.astype(np.float64)), rtol=1e-5, atol=1e-6)


def test_projected_norms_are_within_bounds(backend):
    projected = ops.convert_to_numpy(constraints.MinMaxNorm(1.0, 2.0)(Variable(W, name="kernel")))
    norms = np.linalg.norm(projected, axis=0)
    assert np.all(norms >= 1.0 - 1e-5) and np.all(norms <= 2.0 + 1e-5)
    unit = ops.convert_to_numpy(constraints.UnitNorm(axis=1)(W))
    np.testing.assert_allclose(np.linalg.norm(unit, axis=1), 1.0, rtol=1e-5)
    assert ops.convert_to_numpy(constraints.NonNeg()(np.array([-1, 2], np.int32))).dtype == np.int32


def test_configs_round_trip_in_keras_format():
    assert constraints.serialize(constraints.MaxNorm()) == {
        "module": "keras.constraints", "class_name": "MaxNorm", "config": {"max_value": 2, "axis": 0},
        "registered_name": None}
    for constraint in (constraints.MaxNorm(3.0, axis=[0, 1]), constraints.MinMaxNorm(0.1, 0.9, 0.5, 1),
                       constraints.UnitNorm(axis=1), constraints.NonNeg(), constraints.Constraint()):
        clone = constraints.deserialize(constraints.serialize(constraint))
        assert type(clone) is type(constraint) and clone.get_config() == constraint.get_config()
        assert type(constraint).from_config(constraint.get_config()).get_config() == constraint.get_config()


def test_get_names_aliases_and_callables():
    assert constraints.get(None) is None
    for name, cls in [("max_norm", constraints.MaxNorm), ("MaxNorm", constraints.MaxNorm),
                      ("min_max_norm", constraints.MinMaxNorm), ("non_neg", constraints.NonNeg),
                      ("unit_norm", constraints.UnitNorm)]:
        assert type(constraints.get(name)) is cls
    assert constraints.max_norm is constraints.MaxNorm and constraints.non_neg is constraints.NonNeg
    assert constraints.get({"class_name": "UnitNorm", "config": {"axis": 1}}).axis == 1
    assert isinstance(constraints.get(constraints.NonNeg), constraints.NonNeg)
    clip = lambda w: ops.clip(w, -1.0, 1.0)  # noqa: E731
    assert constraints.get(clip) is clip
    assert repr(constraints.deserialize("unit_norm")) == "UnitNorm(axis=0)"


def test_errors_name_the_argument():
    with pytest.raises(ValueError, match="`identifier` must be .*'max_norm'.*received 'maxnorm'"):
        constraints.get("maxnorm")
    with pytest.raises(ValueError, match="MaxNorm: `max_value` must be a number >= 0; received -1"):
        constraints.MaxNorm(-1)
    with pytest.raises(ValueError, match="MinMaxNorm: `min_value` must be <= `max_value`"):
        constraints.MinMaxNorm(2.0, 1.0)
    with pytest.raises(ValueError, match="`rate` must be a number in \\[0, 1\\]; received 1.5"):
        constraints.MinMaxNorm(rate=1.5)
    with pytest.raises(ValueError, match="UnitNorm: `axis` must be an int or a list of ints; received"):
        constraints.UnitNorm(axis="rows")
