"""kerasnb.config: settings, validation, and the names of keras.config."""

import pytest

import kerasnb
from kerasnb.engine import config


def test_floatx_epsilon_image_data_format_round_trip():
    kerasnb.config.set_floatx("float16")
    kerasnb.config.set_epsilon(1e-5)
    kerasnb.config.set_image_data_format("channels_first")
    assert (kerasnb.config.floatx(), kerasnb.config.epsilon(), kerasnb.config.image_data_format()) == (
        "float16", 1e-5, "channels_first")


@pytest.mark.parametrize("setter, value, message", [
    ("set_floatx", "int32", r"`value` must be one of .*'float32'.*received 'int32'"),
    ("set_epsilon", -1.0, r"`value` must be a positive number; received -1.0"),
    ("set_image_data_format", "NHWC", r"`data_format` must be one of .*received 'NHWC'"),
])
def test_bad_settings_name_argument_expected_and_received(setter, value, message):
    before = dict(config._settings)
    with pytest.raises(ValueError, match=message):
        getattr(kerasnb.config, setter)(value)
    assert config._settings == before


def test_floatx_drives_python_float_conversion(backend):
    kerasnb.config.set_floatx("float64")
    assert kerasnb.ops.dtype(kerasnb.ops.convert_to_tensor(1.5)) == "float64"


def test_logging_and_flash_attention_toggles():
    kerasnb.config.disable_interactive_logging()
    assert not kerasnb.config.is_interactive_logging_enabled()
    kerasnb.config.enable_interactive_logging()
    assert kerasnb.config.is_interactive_logging_enabled()
    kerasnb.config.enable_flash_attention()
    assert kerasnb.config.is_flash_attention_enabled() is True
    kerasnb.config.disable_flash_attention()
    assert kerasnb.config.is_flash_attention_enabled() is False


def test_backend_config_names_exist():
    """The keras.config names of this foundation issue (dtype policies come with precision)."""
    for name in ("backend", "set_backend", "floatx", "set_floatx", "epsilon", "set_epsilon",
                 "image_data_format", "set_image_data_format", "enable_interactive_logging",
                 "disable_interactive_logging", "is_interactive_logging_enabled", "max_epochs",
                 "set_max_epochs", "max_steps_per_epoch", "set_max_steps_per_epoch",
                 "enable_traceback_filtering", "disable_traceback_filtering",
                 "is_traceback_filtering_enabled", "enable_unsafe_deserialization", "is_nnx_enabled"):
        assert callable(getattr(kerasnb.config, name)), name
