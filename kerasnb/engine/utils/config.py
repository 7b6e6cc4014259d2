"""`Config` (`keras.utils.Config`): a dict whose keys are also attributes, and can be frozen.

Example:
    >>> config = Config(learning_rate=0.1)
    >>> config.epochs = 3
    >>> config.as_dict()
    {'learning_rate': 0.1, 'epochs': 3}
"""

import difflib
import json

_OWN = frozenset({"_config", "_frozen"})


class Config:
    """A configuration: values readable and writable as ``config.key`` or ``config["key"]``.

    Once `freeze()` is called, every change raises `ValueError` until `unfreeze()`.

    Args:
        **kwargs: the initial entries.

    Example:
        >>> config = Config(units=8)
        >>> config.freeze()
        >>> config.units
        8
    """

    def __init__(self, **kwargs):
        object.__setattr__(self, "_config", dict(kwargs))
        object.__setattr__(self, "_frozen", False)

    @property
    def frozen(self):
        """Whether changes are refused."""
        return self._frozen

    def freeze(self):
        """Refuses every change from now on."""
        object.__setattr__(self, "_frozen", True)

    def unfreeze(self):
        """Accepts changes again."""
        object.__setattr__(self, "_frozen", False)

    def _check_mutable(self):
        if self._frozen:
            raise ValueError("This Config is frozen: call `unfreeze()` before changing it.")

    def as_dict(self):
        """A shallow copy of the entries as a plain dict."""
        return dict(self._config)

    def to_json(self):
        """The entries as a JSON string."""
        return json.dumps(self._config)

    def keys(self):
        return self._config.keys()

    def values(self):
        return self._config.values()

    def items(self):
        return self._config.items()

    def get(self, keyname, value=None):
        return self._config.get(keyname, value)

    def pop(self, *args):
        self._check_mutable()
        return self._config.pop(*args)

    def update(self, *args, **kwargs):
        self._check_mutable()
        self._config.update(*args, **kwargs)

    def __getattr__(self, name):  # only called when normal lookup fails
        if name.startswith("__") or name in _OWN:
            raise AttributeError(name)
        config = self._config
        if name in config:
            return config[name]
        close = difflib.get_close_matches(name, [str(k) for k in config], n=1, cutoff=0.7)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise AttributeError(f"This Config has no entry {name!r}.{hint}")

    def __setattr__(self, name, value):
        if hasattr(type(self), name) or name in _OWN:
            raise AttributeError(f"{name!r} is a method or property of Config; set it as "
                                 f"config[{name!r}] = ... instead.")
        self._check_mutable()
        self._config[name] = value

    def __delattr__(self, name):
        if name not in self._config:
            raise AttributeError(f"This Config has no entry {name!r}.")
        del self[name]

    def __getitem__(self, key):
        return self._config[key]

    def __setitem__(self, key, value):
        self._check_mutable()
        self._config[key] = value

    def __delitem__(self, key):
        self._check_mutable()
        del self._config[key]

    def __contains__(self, key):
        return key in self._config

    def __iter__(self):
        return iter(sorted(self._config))

    def __len__(self):
        return len(self._config)

    def __repr__(self):
        return f"<Config {self._config}>"
