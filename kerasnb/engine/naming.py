"""Unique default names (``dense``, ``dense_1``, ...), reset by `clear_session`."""

import collections
import re

from kerasnb.engine import session

_counts = collections.Counter()


def to_snake_case(name):
    """``"MultiHeadAttention"`` -> ``"multi_head_attention"``."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def unique_name(base):
    """`base` the first time, then ``base_1``, ``base_2``, ..."""
    count = _counts[base]
    _counts[base] += 1
    return base if count == 0 else f"{base}_{count}"


@session.on_clear_session
def reset():
    _counts.clear()
