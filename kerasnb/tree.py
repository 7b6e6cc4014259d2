"""`kerasnb.tree` (`keras.tree`): nested lists, tuples, namedtuples and dicts, in pure Python.

Example:
    >>> import kerasnb
    >>> kerasnb.tree.flatten({"b": [1, 2], "a": 3})
    [3, 1, 2]
"""

from kerasnb.engine.utils.tree import (  # noqa: F401
    MAP_TO_NONE, assert_same_paths, assert_same_structure, flatten, flatten_with_path, is_nested,
    lists_to_tuples, map_shape_structure, map_structure, map_structure_up_to, pack_sequence_as,
    traverse)
