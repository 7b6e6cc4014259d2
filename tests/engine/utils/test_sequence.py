"""keras.utils.pad_sequences against a loop-based reference."""

import numpy as np
import pytest

from kerasnb.utils import pad_sequences


def reference(sequences, maxlen, padding, truncating, value):
    rows = []
    for seq in sequences:
        seq = list(seq)
        if len(seq) > maxlen:
            seq = seq[len(seq) - maxlen:] if truncating == "pre" else seq[:maxlen]
        kept = seq
        fill = [value] * (maxlen - len(kept))
        rows.append(fill + kept if padding == "pre" else kept + fill)
    return np.array(rows)


@pytest.mark.parametrize("padding", ["pre", "post"])
@pytest.mark.parametrize("truncating", ["pre", "post"])
@pytest.mark.parametrize("maxlen", [None, 2, 4, 7])
def test_pad_sequences_matches_reference(padding, truncating, maxlen):
    sequences = [[1, 2, 3, 4, 5], [6], [], [7, 8, 9]]
    out = pad_sequences(sequences, maxlen=maxlen, padding=padding, truncating=truncating,
                        value=-1)
    expected = reference(sequences, maxlen or 5, padding, truncating, -1)
    np.testing.assert_array_equal(out, expected)
    assert out.dtype == np.int32


def test_pad_sequences_keeps_item_shape_and_dtype():
    sequences = [np.ones((2, 3)), np.full((1, 3), 2.0)]
    out = pad_sequences(sequences, dtype="float32", padding="post")
    assert out.shape == (2, 2, 3) and out.dtype == np.float32
    np.testing.assert_array_equal(out[1], [[2.0] * 3, [0.0] * 3])


def test_pad_sequences_of_strings_needs_an_object_dtype():
    out = pad_sequences([["a"], ["b", "c"]], dtype=object, value="")
    assert out.tolist() == [["", "a"], ["b", "c"]]
    with pytest.raises(ValueError, match="dtype=object"):
        pad_sequences([["a"]], value="")


def test_pad_sequences_rejects_bad_arguments():
    with pytest.raises(ValueError, match="`padding`"):
        pad_sequences([[1]], padding="middle")
    with pytest.raises(ValueError, match="`truncating`"):
        pad_sequences([[1]], truncating="both")
    with pytest.raises(ValueError, match="list of sequences"):
        pad_sequences([[1], 2])
    with pytest.raises(ValueError, match="shape"):
        pad_sequences([np.ones((1, 2)), np.ones((1, 3))])
