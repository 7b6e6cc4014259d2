"""The serialization registry: custom objects, scopes, Keras-format configs, safe mode."""

import json

import numpy as np
import pytest

import kerasnb
from kerasnb import layers, saving


@saving.register_keras_serializable(package="tests")
class Doubler(kerasnb.Layer):
    def call(self, x):
        return x * 2.0


class Unregistered(kerasnb.Layer):
    def call(self, x):
        return x


def test_registered_layer_round_trips_inside_a_model(backend):
    model = kerasnb.Sequential([kerasnb.Input((3,)), Doubler(name="double"), layers.Dense(1)])
    config = json.loads(model.to_json())
    assert config["config"]["layers"][1]["registered_name"] == "tests>Doubler"
    clone = kerasnb.models.model_from_json(model.to_json())
    assert isinstance(clone.layers[0], Doubler)
    assert saving.get_registered_name(Doubler) == "tests>Doubler"
    assert saving.get_custom_objects()["tests>Doubler"] is Doubler


def test_unregistered_classes_need_custom_objects_or_a_scope():
    config = saving.serialize_keras_object(Unregistered(name="u"))
    with pytest.raises(ValueError, match="Unknown object 'Unregistered'.*register_keras_serializable"):
        saving.deserialize_keras_object(config)
    assert isinstance(saving.deserialize_keras_object(config, custom_objects={"Unregistered": Unregistered}), Unregistered)
    with saving.custom_object_scope({"Unregistered": Unregistered}):
        assert isinstance(saving.deserialize_keras_object(config), Unregistered)
    with pytest.raises(ValueError):
        saving.deserialize_keras_object(config)


def test_builtins_are_written_in_keras_format():
    config = saving.serialize_keras_object(layers.Dense(2, kernel_initializer="he_normal"))
    assert (config["module"], config["class_name"], config["registered_name"]) == ("keras.layers", "Dense", None)
    assert config["config"]["kernel_initializer"]["module"] == "keras.initializers"
    assert saving.serialize_keras_object(kerasnb.activations.relu)["config"] == "relu"
    revived = saving.deserialize_keras_object(config)
    assert isinstance(revived, layers.Dense) and revived.units == 2


def test_tensors_serialize_as_values(backend):
    config = saving.serialize_keras_object(np.array([1.5, 2.5], "float32"))
    assert config == {"class_name": "__tensor__", "config": {"value": [1.5, 2.5], "dtype": "float32"}}
    value = saving.deserialize_keras_object(config)
    assert kerasnb.ops.is_tensor(value) and kerasnb.ops.dtype(value) == "float32"


def test_lambdas_are_refused_in_safe_mode(backend):
    layer = layers.Lambda(lambda x: x + 1.0)
    config = saving.serialize_keras_object(layer)
    with pytest.raises(ValueError, match="safe mode"):
        saving.deserialize_keras_object(config)
    revived = saving.deserialize_keras_object(config, safe_mode=False)
    np.testing.assert_allclose(kerasnb.ops.convert_to_numpy(revived(np.zeros(2, "float32"))), [1.0, 1.0])


def test_bad_registrations_are_explained():
    with pytest.raises(ValueError, match="`package` must be a string without '>'"):
        saving.register_keras_serializable(package="a>b")
    with pytest.raises(ValueError, match="needs a `get_config` method"):
        saving.register_keras_serializable()(type("NoConfig", (), {}))
    with pytest.raises(TypeError, match="Cannot serialize"):
        saving.serialize_keras_object(object())
