"""keras.utils.get_source_inputs and is_keras_tensor."""

import numpy as np

import kerasnb
from kerasnb.utils import get_source_inputs, is_keras_tensor


def test_source_inputs_in_first_use_order_without_repeats():
    a, b = kerasnb.Input((2,)), kerasnb.Input((2,))
    y = kerasnb.layers.Add()([kerasnb.layers.Dense(2)(b), a])
    z = kerasnb.layers.Concatenate()([y, b])
    sources = get_source_inputs(z)
    assert len(sources) == 2 and sources[0] is b and sources[1] is a


def test_source_inputs_through_a_nested_model():
    a, b = kerasnb.Input((2,)), kerasnb.Input((2,))
    inner = kerasnb.Model([a, b], kerasnb.layers.Add()([a, b]))
    c, d = kerasnb.Input((2,)), kerasnb.Input((2,))
    sources = get_source_inputs(inner([d, c]))
    assert [s is t for s, t in zip(sources, [d, c])] == [True, True]


def test_source_of_an_input_is_itself_and_non_tensors_pass_through():
    a = kerasnb.Input((3,))
    assert get_source_inputs(a)[0] is a
    assert get_source_inputs(3) == 3


def test_is_keras_tensor():
    assert is_keras_tensor(kerasnb.Input((1,)))
    assert not is_keras_tensor(np.zeros(1))
    assert not is_keras_tensor(kerasnb.ops.ones((1,)))
