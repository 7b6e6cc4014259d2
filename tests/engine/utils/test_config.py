"""keras.utils.Config: attribute and item access, freezing."""

import copy
import json
import pickle

import pytest

from kerasnb.utils import Config


def test_config_attributes_and_items_share_one_dict():
    config = Config(learning_rate=0.1)
    config.epochs = 3
    config["batch_size"] = 8
    assert config.batch_size == 8 and config["epochs"] == 3
    assert config.as_dict() == {"learning_rate": 0.1, "epochs": 3, "batch_size": 8}
    assert json.loads(config.to_json()) == config.as_dict()
    assert list(config) == ["batch_size", "epochs", "learning_rate"]  # sorted
    assert len(config) == 3 and "epochs" in config and config.get("missing", 5) == 5
    assert config.pop("epochs") == 3 and "epochs" not in config
    config.update(units=4)
    del config["units"]
    assert dict(config.items()) == {"learning_rate": 0.1, "batch_size": 8}


def test_config_unknown_attribute_suggests_a_close_name():
    config = Config(learning_rate=0.1)
    with pytest.raises(AttributeError, match="learning_rate"):
        config.learning_rat


def test_frozen_config_refuses_every_change():
    config = Config(a=1)
    config.freeze()
    assert config.frozen
    for change in (lambda: setattr(config, "b", 2), lambda: config.__setitem__("a", 2),
                   lambda: config.update(a=3), lambda: config.pop("a"),
                   lambda: config.__delitem__("a")):
        with pytest.raises(ValueError, match="frozen"):
            change()
    assert config.as_dict() == {"a": 1}
    config.unfreeze()
    config.a = 5
    assert config.a == 5


def test_config_copies_and_pickles():
    config = Config(a=[1])
    clone = copy.deepcopy(config)
    clone.a.append(2)
    assert config.a == [1]
    assert pickle.loads(pickle.dumps(config)).as_dict() == {"a": [1]}


def test_config_methods_cannot_be_overwritten():
    with pytest.raises(AttributeError, match="method or property"):
        Config().keys = 1
