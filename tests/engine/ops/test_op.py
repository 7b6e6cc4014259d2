"""The op pattern's argument binding: the fast path agrees with `inspect.Signature.bind`."""

import inspect

import pytest

from kerasnb.engine.ops.op import has_symbolic, positional_binder


def reduce_like(x, axis=None, keepdims=False, *, dtype=None, initial=0):
    """Positional-or-keyword parameters with defaults, then keyword-only ones."""


def needs_two(x, y, scale=1.0, *, mode):
    """Required positional and keyword-only parameters."""


def with_var(x, *rest, flag=False):
    """A signature the fast path leaves to `Signature.bind`."""


def positional_only(x, /, axis=None):
    """Another one."""


CALLS = [
    (reduce_like, (1,), {}),
    (reduce_like, (1,), {"axis": 0}),
    (reduce_like, (1,), {"keepdims": True}),  # a gap: keepdims stays a keyword
    (reduce_like, (1,), {"axis": 0, "keepdims": True, "dtype": "int32"}),
    (reduce_like, (), {"x": 1, "axis": (0, 1)}),
    (reduce_like, (1, 2), {"initial": 5}),
    (needs_two, (1,), {"y": 2, "mode": "a"}),
    (needs_two, (1, 2, 3.0), {"mode": "b"}),
    (with_var, (1, 2, 3), {"flag": True}),
    (positional_only, (1,), {"axis": 2}),
]

BAD_CALLS = [
    (reduce_like, (1,), {"axes": 0}),                  # unknown name
    (reduce_like, (1, 0), {"axis": 1}),                # given twice
    (reduce_like, (1, 0, True, None), {}),             # too many positional
    (reduce_like, (), {"axis": 0}),                    # missing x
    (needs_two, (1,), {"y": 2}),                       # missing keyword-only
    (needs_two, (), {"y": 2, "mode": "a"}),            # missing x, y given
    (positional_only, (), {"x": 1}),                   # positional-only by name
]


def reference(fn, args, kwargs):
    bound = inspect.signature(fn).bind(*args, **kwargs)
    return bound.args, bound.kwargs


@pytest.mark.parametrize("fn, args, kwargs", CALLS)
def test_fast_binding_matches_signature_bind(fn, args, kwargs):
    bind = positional_binder(inspect.signature(fn))
    for _ in range(2):  # the second call reuses the plan the first one made
        assert bind(args, dict(kwargs)) == reference(fn, args, kwargs)
    reordered = dict(reversed(list(kwargs.items())))
    assert bind(args, reordered) == reference(fn, args, reordered)


@pytest.mark.parametrize("fn, args, kwargs", BAD_CALLS)
def test_bad_calls_raise_the_signature_error(fn, args, kwargs):
    with pytest.raises(TypeError) as expected:
        reference(fn, args, kwargs)
    with pytest.raises(TypeError) as received:
        positional_binder(inspect.signature(fn))(args, dict(kwargs))
    assert str(received.value) == str(expected.value)


def test_binding_leaves_the_callers_kwargs_alone():
    kwargs = {"axis": 0, "keepdims": True}
    positional_binder(inspect.signature(reduce_like))((1,), kwargs)
    assert kwargs == {"axis": 0, "keepdims": True}


def test_ops_called_with_keywords_compute_as_with_positions():
    import numpy as np
    import kerasnb.ops as ops
    x = np.arange(12.0).reshape(3, 4)
    np.testing.assert_allclose(ops.sum(x, axis=1, keepdims=True), ops.sum(x, 1, True))
    np.testing.assert_allclose(ops.sum(x, keepdims=True), np.sum(x, keepdims=True))
    with pytest.raises(TypeError):
        ops.sum(x, axes=1)


def test_dtype_names_take_the_fast_path_and_symbols_still_trace():
    import numpy as np
    import kerasnb.ops as ops
    from kerasnb.engine.tensors import KerasTensor
    assert ops.cast.__code__.co_filename == "<string>"  # the generated two-argument wrapper
    np.testing.assert_array_equal(ops.convert_to_numpy(ops.cast(np.array([1.7, -2.2]), "int32")), [1, -2])
    symbolic = ops.cast(KerasTensor((None, 3), "float32"), "int8")
    assert isinstance(symbolic, KerasTensor) and symbolic.dtype == "int8" and symbolic.shape == (None, 3)


def test_has_symbolic_finds_keras_tensors_anywhere_in_the_arguments():
    import numpy as np
    from kerasnb.engine.tensors import KerasTensor
    symbolic = KerasTensor((None, 3), "float32")
    plain = (np.ones(3), 1, 2.5, "float32", None, [np.ones(2), (3, {"k": 4})])
    assert not has_symbolic(plain, {"axis": 1, "name": "x", "values": [1.0]})
    assert has_symbolic((symbolic,))
    assert has_symbolic(plain + ([1, (symbolic,)],))
    assert has_symbolic((), {"values": {"a": symbolic}})
    assert has_symbolic((np.ones(2),), {"x": symbolic})
