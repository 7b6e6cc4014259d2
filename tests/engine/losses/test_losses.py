"""Every loss class and function of kerasnb.losses against float64 NumPy references on
every backend, and their options, configs, signatures, lookup and errors."""

import os

import numpy as np
import pytest

import kerasnb.losses as losses
from kerasnb.engine.ops import core
from tests.engine.losses import references as ref
from tests.engine.losses.cases import BINARY, CASES, FUNCTIONS, LOGITS, Y_PRED, Y_TRUE, tolerance
from tests.engine.ops.checks import to_numpy


@pytest.mark.parametrize("name", sorted(CASES))
def test_per_sample_values_of_class_and_function(backend, name):
    cls, kwargs, y_true, y_pred, reference = CASES[name]
    expected = reference(y_true, y_pred)
    got = to_numpy(cls(reduction="none", **kwargs)(y_true, y_pred))
    np.testing.assert_allclose(got, expected, **tolerance(name))
    assert got.dtype == np.float32
    if name in FUNCTIONS:
        got = to_numpy(FUNCTIONS[name](y_true, y_pred, **kwargs))
        np.testing.assert_allclose(got, expected, **tolerance(name))


def test_whole_batch_overlap_losses(backend):
    np.testing.assert_allclose(to_numpy(losses.Dice()(BINARY, Y_PRED)),
                               ref.dice(BINARY, Y_PRED), rtol=1e-5)
    np.testing.assert_allclose(to_numpy(losses.tversky(BINARY, Y_PRED, 0.7, 0.3)),
                               ref.tversky(BINARY, Y_PRED, 0.7, 0.3), rtol=1e-5)


def test_labels_without_trailing_axis_are_aligned(backend):
    column = Y_PRED[:, :1]
    np.testing.assert_allclose(to_numpy(losses.MeanSquaredError(reduction="none")(
        Y_TRUE[:, 0], column)), ref.mse(Y_TRUE[:, :1], column), rtol=1e-6)
    np.testing.assert_allclose(to_numpy(losses.BinaryCrossentropy()(BINARY[:, :1], Y_PRED[:, 0])),
                               ref.bce(BINARY[:, :1], Y_PRED[:, :1]).mean(), rtol=1e-6)


def test_probabilities_are_clipped(backend):
    got = to_numpy(losses.binary_crossentropy([[1.0, 0.0]], [[0.0, 1.0]]))
    np.testing.assert_allclose(got, [-np.log(ref.EPS)], rtol=1e-3)
    assert np.isfinite(to_numpy(losses.categorical_crossentropy([[1.0, 0.0]], [[0.0, 1.0]]))).all()


def test_extreme_logits_stay_finite(backend):
    logits = np.array([[80.0, -80.0]], "float32")
    got = to_numpy(losses.binary_crossentropy([[0.0, 1.0]], logits, from_logits=True))
    np.testing.assert_allclose(got, [80.0], rtol=1e-5)
    got = to_numpy(losses.categorical_crossentropy([[0.0, 1.0]], logits, from_logits=True))
    np.testing.assert_allclose(got, [160.0], rtol=1e-5)


def test_dtype_argument(backend):
    loss = losses.MeanSquaredError(dtype="float64")
    got = loss(Y_TRUE, Y_PRED)
    assert core.dtype(got) == "float64"
    np.testing.assert_allclose(to_numpy(got), ref.mse(Y_TRUE, Y_PRED).mean(), rtol=1e-12)


def test_config_round_trip():
    from kerasnb.engine.saving.serialization import deserialize_keras_object
    for name, (cls, kwargs, *_rest) in CASES.items():
        loss = cls(reduction="sum", name=f"my_{name}", **kwargs)
        config = loss.get_config()
        assert config["name"] == f"my_{name}" and config["reduction"] == "sum"
        assert all(config[key] == value for key, value in kwargs.items())
        assert cls.from_config(config).get_config() == config
        serialized = losses.serialize(loss)
        assert serialized["module"] == "keras.losses" and serialized["class_name"] == cls.__name__
        revived = losses.deserialize(serialized)
        assert type(revived) is cls and revived.get_config() == config
        assert type(deserialize_keras_object(serialized)) is cls


def test_signatures_and_default_names_match_keras_inventory():
    import inspect
    path = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "shared", "api",
                        "keras.losses.txt")
    with open(os.environ.get("KERASNB_API_DIR", "") and os.path.join(
            os.environ["KERASNB_API_DIR"], "keras.losses.txt") or path) as f:
        rows = [line.rstrip("\n").split("\t") for line in f if not line.startswith("#")]
    for _kind, text in rows:
        name = text.split("(", 1)[0]
        signature = str(inspect.signature(getattr(losses, name)))
        assert signature == text[len(name):], (name, signature)


def test_get_by_name_alias_class_config_and_callable():
    assert losses.get("mse") is losses.mean_squared_error
    for alias, function in [("MSE", losses.mean_squared_error), ("mae", losses.mean_absolute_error),
                            ("MAPE", losses.mean_absolute_percentage_error),
                            ("msle", losses.mean_squared_logarithmic_error),
                            ("kld", losses.kl_divergence), ("KLD", losses.kl_divergence),
                            ("bce", losses.binary_crossentropy), ("huber", losses.huber),
                            ("log_cosh", losses.log_cosh)]:
        assert losses.get(alias) is function
    assert isinstance(losses.get("Huber"), losses.Huber)
    assert isinstance(losses.get(losses.Dice), losses.Dice)
    tversky = losses.get({"class_name": "Tversky", "config": {"alpha": 0.1, "beta": 0.9}})
    assert (tversky.get_config()["alpha"], tversky.get_config()["beta"]) == (0.1, 0.9)
    custom = losses.MeanAbsoluteError()
    assert losses.get(custom) is custom and losses.get(None) is None
    assert losses.deserialize(losses.serialize(losses.poisson)) is losses.poisson


def test_get_rejects_unknown_names():
    with pytest.raises(ValueError, match="Could not interpret loss identifier.*mean_squared_error"):
        losses.get("no_such_loss")
    with pytest.raises(ValueError, match="loss identifier"):
        losses.get(3)


def test_bad_arguments_are_rejected():
    with pytest.raises(ValueError, match="reduction"):
        losses.MeanSquaredError(reduction="average")
    with pytest.raises(ValueError, match="q"):
        losses.CategoricalGeneralizedCrossEntropy(q=1.0)
    with pytest.raises(ValueError, match="axis"):
        losses.CategoricalCrossentropy(axis=True)
    with pytest.raises(ValueError, match="y_true"):
        losses.ctc(np.zeros((2,)), np.zeros((2, 3, 4)))
    with pytest.raises(ValueError, match="y_pred"):
        losses.ctc(np.zeros((2, 3)), np.zeros((2, 3)))




def test_function_wrapper_round_trip_and_base_class(backend):
    from kerasnb.engine.losses.loss import Loss
    from kerasnb.engine.losses.wrapper import LossFunctionWrapper
    wrapped = LossFunctionWrapper(losses.huber, reduction="sum", name="wrapped", delta=0.5)
    np.testing.assert_allclose(to_numpy(wrapped(Y_TRUE, LOGITS)),
                               ref.huber(Y_TRUE, LOGITS, 0.5).sum(), rtol=1e-5)
    revived = losses.deserialize(losses.serialize(wrapped))
    assert revived.fn is losses.huber and revived.get_config() == wrapped.get_config()

    class Absolute(Loss):
        def call(self, y_true, y_pred):
            return core.convert_to_tensor(np.abs(to_numpy(y_true) - to_numpy(y_pred)).sum(-1))

    assert Absolute().name == "absolute"
    np.testing.assert_allclose(to_numpy(Absolute(reduction="sum")(Y_TRUE, Y_PRED)),
                               np.abs(Y_TRUE - Y_PRED).sum(), rtol=1e-5)
