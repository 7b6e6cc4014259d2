"""kerasnb.tree: nested lists, tuples, namedtuples, dicts and deques, in pure Python."""

import collections

import numpy as np
import pytest

import kerasnb.ops as ops
import kerasnb.tree as tree
from kerasnb.engine.tensors import KerasTensor, Variable

Point = collections.namedtuple("Point", ["y", "x"])
NESTED = {"b": [1, (2, None)], "a": Point(3, {"z": 4, "c": 5})}


def test_public_names():
    expected = {"MAP_TO_NONE", "assert_same_paths", "assert_same_structure", "flatten",
                "flatten_with_path", "is_nested", "lists_to_tuples", "map_shape_structure",
                "map_structure", "map_structure_up_to", "pack_sequence_as", "traverse"}
    assert expected <= set(dir(tree))


def test_is_nested():
    assert all(tree.is_nested(x) for x in ([], (), {}, Point(1, 2), collections.deque(),
                                           collections.OrderedDict()))
    assert not any(tree.is_nested(x) for x in (None, 1, "ab", {1, 2}, np.zeros(2), KerasTensor((2,))))


def test_flatten_orders_dict_keys():
    assert tree.flatten(NESTED) == [3, 5, 4, 1, 2, None]
    assert tree.flatten(collections.OrderedDict([("z", 1), ("a", 2)])) == [1, 2]
    assert tree.flatten(collections.defaultdict(int, {"z": 1, "a": 2})) == [2, 1]
    assert tree.flatten(collections.deque([1, [2]])) == [1, 2]
    assert tree.flatten([[], {}, ()]) == []
    assert tree.flatten(None) == [None] and tree.flatten("abc") == ["abc"]


def test_tensors_are_leaves(backend):
    tensor, symbolic, variable = ops.convert_to_tensor([1.0, 2.0]), KerasTensor((None, 2)), Variable(np.ones(2))
    leaves = tree.flatten([tensor, {"k": symbolic, "v": variable}])
    assert len(leaves) == 3 and leaves[0] is tensor and leaves[1] is symbolic and leaves[2] is variable
    doubled = tree.map_structure(lambda t: ops.add(t, t), {"t": tensor})
    np.testing.assert_allclose(ops.convert_to_numpy(doubled["t"]), [2.0, 4.0])


def test_flatten_with_path():
    assert tree.flatten_with_path(NESTED) == [
        (("a", 0), 3), (("a", 1, "c"), 5), (("a", 1, "z"), 4), (("b", 0), 1), (("b", 1, 0), 2),
        (("b", 1, 1), None)]
    assert tree.flatten_with_path(7) == [((), 7)]


def test_pack_sequence_as_restores_the_layout():
    packed = tree.pack_sequence_as(NESTED, list(range(6)))
    assert packed == {"b": [3, (4, 5)], "a": Point(0, {"z": 2, "c": 1})}
    assert list(packed) == ["b", "a"] and list(packed["a"].x) == ["z", "c"]
    counts = tree.pack_sequence_as(collections.defaultdict(list, {"z": 0, "a": 0}), [1, 2])
    assert counts == {"z": 2, "a": 1} and counts.default_factory is list
    assert tree.pack_sequence_as("leaf", [9]) == 9
    assert tree.pack_sequence_as(collections.deque([0, 0], maxlen=2), [1, 2]).maxlen == 2


def test_pack_sequence_as_errors():
    with pytest.raises(ValueError, match="`flat_sequence` has 1 items but `structure` has 2 leaves"):
        tree.pack_sequence_as([0, 0], [1])
    with pytest.raises(TypeError, match="`flat_sequence` must be an iterable; received 5"):
        tree.pack_sequence_as([0], 5)


def test_map_structure():
    assert tree.map_structure(lambda v: v * 2, Point(1, [2])) == Point(2, [4])
    assert tree.map_structure(lambda a, b: a + b, [1, (2, 3)], [10, (20, 30)]) == [11, (22, 33)]
    mixed = tree.map_structure(lambda a, b: a + b, {"a": 1, "b": 2}, collections.OrderedDict([("b", 3), ("a", 4)]))
    assert mixed == {"a": 5, "b": 5} and type(mixed) is dict
    assert tree.map_structure(lambda v: (v,), [1, None]) == [(1,), (None,)]
    assert tree.map_structure(lambda v: (v,), [1, None], none_is_leaf=False) == [(1,), None]
    assert tree.map_structure(str, 5) == "5"


def test_map_structure_errors():
    with pytest.raises(ValueError, match="expected a tuple, received list \\[20, 30\\]"):
        tree.map_structure(lambda a, b: a, [1, (2, 3)], [10, [20, 30]])
    with pytest.raises(ValueError, match="expected length 2, received list \\[1, 2, 3\\]"):
        tree.map_structure(lambda a, b: a, [1, 2], [1, 2, 3])
    with pytest.raises(ValueError, match="a leaf 2 matched against"):
        tree.map_structure(lambda a, b: a, [1, 2], [1, [2]])
    with pytest.raises(ValueError, match="expected keys \\['a'\\]"):
        tree.map_structure(lambda a, b: a, {"a": 1}, {"b": 1})
    with pytest.raises(ValueError, match="needs at least one structure"):
        tree.map_structure(str)
    with pytest.raises(TypeError, match="`func` must be callable; received 3"):
        tree.map_structure(3, [1])


def test_map_structure_up_to():
    assert tree.map_structure_up_to([None, None], len, [[1, 1], [2, 2, 2]]) == [2, 3]
    assert tree.map_structure_up_to([None, [None, None]], str, [[1, 1], [2, 2]]) == ["[1, 1]", ["2", "2"]]
    added = tree.map_structure_up_to({"a": None}, lambda x, y: x + y, {"a": [1]}, {"a": [2]})
    assert added == {"a": [1, 2]}
    with pytest.raises(ValueError, match="shallower than `shallow_structure`: expected a list, received int 2"):
        tree.map_structure_up_to([None, [None]], str, [1, 2])


def test_assert_same_structure_and_paths():
    tree.assert_same_structure([(0, 1), {"a": None}], [(2, 3), collections.OrderedDict(a=4)])
    tree.assert_same_structure(1, "leaf")
    with pytest.raises(ValueError, match="expected a tuple, received list"):
        tree.assert_same_structure([(0, 1)], [[0, 1]])
    with pytest.raises(ValueError, match="expected a Point, received tuple"):
        tree.assert_same_structure(Point(0, 1), (0, 1))
    with pytest.raises(ValueError, match="don't have the same nested structure"):
        tree.assert_same_structure([None], [[1]])
    tree.assert_same_paths([0, 1], (2, 3))
    tree.assert_same_paths(Point(0, 1), [2, 3])
    with pytest.raises(ValueError, match="only in `a`: \\[\\(0,\\), \\(1,\\)\\]; only in `b`: \\[\\('a',\\)\\]"):
        tree.assert_same_paths([0, 1], {"a": 1})


def test_traverse():
    seen = []
    assert tree.traverse(seen.append, [(1, 2), {"a": 3}]) == [(1, 2), {"a": 3}]
    assert seen == [[(1, 2), {"a": 3}], (1, 2), 1, 2, {"a": 3}, 3]
    seen = []
    tree.traverse(seen.append, [(1, 2), {"a": 3}], top_down=False)
    assert seen == [1, 2, (1, 2), 3, {"a": 3}, [(1, 2), {"a": 3}]]
    assert tree.traverse(lambda x: "T" if isinstance(x, tuple) else None, [(1, 2), [3]]) == ["T", [3]]
    assert tree.traverse(lambda x: tree.MAP_TO_NONE if x == 2 else None, [(1, 2)]) == [(1, None)]
    assert tree.traverse(lambda x: x * 10 if isinstance(x, int) else None, [(1, 2)], top_down=False) == [(10, 20)]
    with pytest.raises(TypeError, match="`func` must be callable"):
        tree.traverse(None, [1])


def test_lists_to_tuples_and_shapes():
    assert tree.lists_to_tuples([1, [2, {"a": [3]}], (4, [5])]) == (1, (2, {"a": (3,)}), (4, (5,)))
    shapes = tree.map_shape_structure(lambda s: ("shape", s), [(1, None), {"a": (2,)}, [3, [4]], ()])
    assert shapes == [("shape", (1, None)), {"a": ("shape", (2,))}, [("shape", 3), ("shape", [4])], ("shape", ())]
