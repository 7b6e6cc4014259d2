"""Global settings: floatx, epsilon, image data format, logging, epochs caps.

The backend itself lives in `kerasnb.engine.backend`; everything here is plain Python.
"""

import json
import os

_settings = {
    "floatx": "float32",
    "epsilon": 1e-7,
    "image_data_format": "channels_last",
    "interactive_logging": True,
    "traceback_filtering": True,
    "flash_attention": None,
    "unsafe_deserialization": False,
    "max_epochs": None,
    "max_steps_per_epoch": None,
}


def config_path():
    """Path of the user's config file, `~/.kerasnb/config.json` (or `$KERASNB_HOME`)."""
    home = os.environ.get("KERASNB_HOME") or os.path.join(os.path.expanduser("~"), ".kerasnb")
    return os.path.join(home, "config.json")


def read_user_config():
    """The user's config file as a dict; an unreadable file counts as empty."""
    try:
        with open(config_path()) as f:
            data = json.load(f)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _check_choice(arg, value, choices):
    if value not in choices:
        raise ValueError(f"`{arg}` must be one of {sorted(choices)}; received {value!r}.")


def floatx():
    """The default float dtype, e.g. ``'float32'``."""
    return _settings["floatx"]


def set_floatx(value):
    """Sets the default float dtype.

    Example:
        >>> set_floatx("float64"); set_floatx("float32")
    """
    _check_choice("value", value, {"bfloat16", "float16", "float32", "float64"})
    _settings["floatx"] = str(value)


def epsilon():
    """The fuzz factor used in numeric expressions, 1e-7 by default."""
    return _settings["epsilon"]


def set_epsilon(value):
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"`value` must be a positive number; received {value!r}.")
    _settings["epsilon"] = float(value)


def image_data_format():
    """``'channels_last'`` or ``'channels_first'``."""
    return _settings["image_data_format"]


def set_image_data_format(data_format):
    _check_choice("data_format", data_format, {"channels_last", "channels_first"})
    _settings["image_data_format"] = data_format


def standardize_data_format(data_format):
    if data_format is None:
        return image_data_format()
    _check_choice("data_format", data_format, {"channels_last", "channels_first"})
    return data_format


def enable_interactive_logging():
    _settings["interactive_logging"] = True


def disable_interactive_logging():
    _settings["interactive_logging"] = False


def is_interactive_logging_enabled():
    return _settings["interactive_logging"]


def enable_traceback_filtering():
    _settings["traceback_filtering"] = True


def disable_traceback_filtering():
    _settings["traceback_filtering"] = False


def is_traceback_filtering_enabled():
    return _settings["traceback_filtering"]


def enable_flash_attention():
    _settings["flash_attention"] = True


def disable_flash_attention():
    _settings["flash_attention"] = False


def is_flash_attention_enabled():
    return _settings["flash_attention"]


def enable_unsafe_deserialization():
    _settings["unsafe_deserialization"] = True


def is_nnx_enabled():
    """Flax NNX integration is not offered by kerasnb: always False."""
    return False


def max_epochs():
    return _settings["max_epochs"]


def set_max_epochs(max_epochs):
    _settings["max_epochs"] = max_epochs


def max_steps_per_epoch():
    return _settings["max_steps_per_epoch"]


def set_max_steps_per_epoch(max_steps_per_epoch):
    _settings["max_steps_per_epoch"] = max_steps_per_epoch


def _load_user_defaults():
    data = read_user_config()
    for key in ("floatx", "epsilon", "image_data_format"):
        if key in data:
            try:
                {"floatx": set_floatx, "epsilon": set_epsilon,
                 "image_data_format": set_image_data_format}[key](data[key])
            except ValueError:
                pass


_load_user_defaults()
