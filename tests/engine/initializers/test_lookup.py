"""initializers.get / serialize / deserialize: names, aliases, dicts, callables, tensors, errors."""

import numpy as np
import pytest

import kerasnb.ops as ops
from kerasnb import initializers
from kerasnb.saving import custom_object_scope, get_custom_objects, register_keras_serializable

ALIASES = {
    "glorot_uniform": "GlorotUniform", "glorot_normal": "GlorotNormal", "he_uniform": "HeUniform",
    "he_normal": "HeNormal", "lecun_uniform": "LecunUniform", "lecun_normal": "LecunNormal",
    "zeros": "Zeros", "zero": "Zeros", "ones": "Ones", "one": "Ones", "constant": "Constant",
    "identity": "Identity", "IdentityInitializer": "Identity", "orthogonal": "Orthogonal",
    "OrthogonalInitializer": "Orthogonal", "stft": "STFT", "STFTInitializer": "STFT",
    "random_normal": "RandomNormal", "normal": "RandomNormal", "random_uniform": "RandomUniform",
    "uniform": "RandomUniform", "truncated_normal": "TruncatedNormal",
    "variance_scaling": "VarianceScaling",
}


@pytest.mark.parametrize("name", sorted(ALIASES))
def test_get_by_name_returns_a_default_instance(name):
    init = initializers.get(name)
    assert type(init).__name__ == ALIASES[name]
    assert type(initializers.get(ALIASES[name])) is type(init)
    assert type(initializers.deserialize(name)) is type(init)


def test_get_accepts_none_dicts_instances_classes_and_callables():
    assert initializers.get(None) is None
    init = initializers.HeNormal(seed=1)
    assert initializers.get(init) is init
    assert isinstance(initializers.get(initializers.Ones), initializers.Ones)
    from_dict = initializers.get({"class_name": "RandomUniform", "config": {"minval": 0.0, "maxval": 1.0}})
    assert isinstance(from_dict, initializers.RandomUniform) and from_dict.minval == 0.0

    def halves(shape, dtype=None):
        return ops.full(shape, 0.5, dtype=dtype)

    assert initializers.get(halves) is halves


def test_get_accepts_a_tensor_as_the_value(backend):
    init = initializers.get(np.arange(4.0))
    np.testing.assert_array_equal(ops.convert_to_numpy(init((4,), dtype="int32")), [0, 1, 2, 3])
    with pytest.raises(ValueError, match="`shape` must be \\(4,\\); received \\(2, 2\\)"):
        init((2, 2))


def test_custom_initializers_by_registration_and_scope():
    class Twos(initializers.Initializer):
        def __call__(self, shape, dtype=None):
            return ops.full(shape, 2.0, dtype=dtype)

    try:
        register_keras_serializable(package="tests")(Twos)
        config = initializers.serialize(Twos())
        assert config["registered_name"] == "tests>Twos"
        assert isinstance(initializers.deserialize(config), Twos)
        assert isinstance(initializers.get("tests>Twos"), Twos)
    finally:
        get_custom_objects().pop("tests>Twos")
    with custom_object_scope({"Twos": Twos}):
        assert isinstance(initializers.get("Twos"), Twos)
    assert isinstance(initializers.deserialize({"class_name": "Twos", "config": {}},
                                               custom_objects={"Twos": Twos}), Twos)


def test_base_class_and_clone():
    with pytest.raises(NotImplementedError, match="__call__"):
        initializers.Initializer()((2,))
    init = initializers.RandomNormal(stddev=3.0, seed=2)
    clone = init.clone()
    assert clone is not init and clone.get_config() == init.get_config()
    assert repr(initializers.Constant(1.0)) == "Constant(value=1.0)"


def test_unknown_identifiers_raise_a_clear_value_error():
    with pytest.raises(ValueError, match="`identifier` must be .*'glorot_uniform'.*received 'glorot'"):
        initializers.get("glorot")
    with pytest.raises(ValueError, match="received 3"):
        initializers.get(3)
    with pytest.raises(ValueError, match="received 'relu'"):
        initializers.get("relu")
    with pytest.raises(ValueError, match="Unknown object 'Nope'"):
        initializers.deserialize({"class_name": "Nope", "config": {}})
