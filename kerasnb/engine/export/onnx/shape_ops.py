"""ONNX translators of shape and indexing ops: reshape, transpose, slicing, padding,
concatenation, repetition and gathering."""

import numpy as np

from kerasnb.engine.export.onnx.graph import INT64_MAX, INT64_MIN
from kerasnb.engine.export.onnx.registry import translates
from kerasnb.engine.ops.rules import canonical_axes, canonical_axis, dtype_of, shape_of
from kerasnb.engine.tensors import KerasTensor


def _rank(x):
    return len(shape_of(x))


@translates("reshape")
def reshape(g, out, x, newshape):
    v = g.value(x, out.dtype)
    if isinstance(newshape, KerasTensor):
        return g.reshape(v, g.value(newshape, "int64"))
    newshape = (newshape,) if isinstance(newshape, int) or newshape is None else tuple(newshape)
    source = shape_of(x)
    unknown = [i for i, d in enumerate(newshape) if d is None]
    if len(unknown) == 1 and -1 not in newshape:
        return g.reshape(v, tuple(-1 if d is None else int(d) for d in newshape))
    parts = []
    for i, d in enumerate(newshape):
        if d is not None:
            parts.append(int(d))
        elif i < len(source) and source[i] is None:
            parts.append(g.dim(v, i))  # an unknown dim kept in place (the batch dim)
        else:
            raise NotImplementedError(f"`reshape` to {newshape}: unknown dims that do not come from "
                                      "the same position of the input")
    return g.reshape(v, g.shape_vector(parts))


@translates("ravel")
def ravel(g, out, x):
    return g.reshape(g.value(x), (-1,))


@translates("transpose")
def transpose(g, out, x, axes=None):
    n = _rank(x)
    perm = list(range(n))[::-1] if axes is None else [canonical_axis(a, n) for a in axes]
    return g.node("Transpose", [g.value(x)], out.dtype, perm=perm)


@translates("swapaxes")
def swapaxes(g, out, x, axis1, axis2):
    n = _rank(x)
    perm = list(range(n))
    a, b = canonical_axis(axis1, n), canonical_axis(axis2, n)
    perm[a], perm[b] = perm[b], perm[a]
    return g.node("Transpose", [g.value(x)], out.dtype, perm=perm)


@translates("moveaxis")
def moveaxis(g, out, x, source, destination):
    n = _rank(x)
    source = [canonical_axis(a, n) for a in ([source] if isinstance(source, int) else source)]
    destination = [canonical_axis(a, n) for a in ([destination] if isinstance(destination, int) else destination)]
    order = [a for a in range(n) if a not in source]
    for dest, src in sorted(zip(destination, source)):
        order.insert(dest, src)
    return g.node("Transpose", [g.value(x)], out.dtype, perm=order)


@translates("expand_dims")
def expand_dims(g, out, x, axis):
    n = len(shape_of(out))
    axes = sorted(canonical_axis(a, n) for a in ([axis] if isinstance(axis, int) else axis))
    return g.unsqueeze(g.value(x, out.dtype), axes)


@translates("squeeze")
def squeeze(g, out, x, axis=None):
    source = shape_of(x)
    if axis is None:
        axes = [i for i, d in enumerate(source) if d == 1]
    else:
        axes = list(canonical_axes(axis, len(source)))
    return g.squeeze(g.value(x, out.dtype), axes) if axes else g.value(x, out.dtype)


@translates("concatenate")
def concatenate(g, out, xs, axis=0):
    values = [g.value(x, out.dtype) for x in xs]
    return g.node("Concat", values, out.dtype, axis=canonical_axis(axis, len(shape_of(out))))


@translates("stack")
def stack(g, out, x, axis=0):
    axis = canonical_axis(axis, len(shape_of(out)))
    values = [g.unsqueeze(g.value(v, out.dtype), [axis]) for v in x]
    return g.node("Concat", values, out.dtype, axis=axis)


@translates("unstack")
def unstack(g, out, x, num=None, axis=0):
    n = _rank(x)
    axis = canonical_axis(axis, n)
    pieces = g.node("Split", [g.value(x)], out[0].dtype, outputs=len(out), axis=axis,
                    **({"num_outputs": len(out)} if g.opset >= 18 else {}))
    return [g.squeeze(p, [axis]) for p in (pieces if isinstance(pieces, list) else [pieces])]


@translates("split")
def split(g, out, x, indices_or_sections, axis=0):
    n = _rank(x)
    axis = canonical_axis(axis, n)
    sizes = [shape_of(o)[axis] for o in out]
    if any(s is None for s in sizes):
        raise NotImplementedError("`split` along an axis of unknown size")
    pieces = g.node("Split", [g.value(x), g.ints(sizes)], out[0].dtype, outputs=len(out), axis=axis)
    return pieces if isinstance(pieces, list) else [pieces]


@translates("flip")
def flip(g, out, x, axis=None):
    n = _rank(x)
    axes = list(canonical_axes(axis, n))
    return g.node("Slice", [g.value(x), g.ints([-1] * len(axes)), g.ints([INT64_MIN] * len(axes)),
                            g.ints(axes), g.ints([-1] * len(axes))], out.dtype)


@translates("tile")
def tile(g, out, x, repeats):
    n = len(shape_of(out))
    repeats = [repeats] if isinstance(repeats, int) else list(repeats)
    v = g.value(x)
    if _rank(x) < n:
        v = g.unsqueeze(v, list(range(n - _rank(x))))
    repeats = [1] * (n - len(repeats)) + repeats
    return g.node("Tile", [v, g.ints(repeats)], out.dtype)


@translates("broadcast_to")
def broadcast_to(g, out, x, shape):
    parts = [int(d) if d is not None else None for d in shape]
    v = g.value(x, out.dtype)
    if None in parts:
        raise NotImplementedError("`broadcast_to` a shape with unknown dims")
    return g.node("Expand", [v, g.ints(parts)], out.dtype)


@translates("repeat")
def repeat(g, out, x, repeats, axis=None):
    v = g.value(x, out.dtype)
    if axis is None:
        v, axis, source = g.reshape(v, (-1,)), 0, (None,)
    else:
        source = shape_of(x)
        axis = canonical_axis(axis, len(source))
    if not isinstance(repeats, (int, np.integer)):
        counts = np.asarray(g.constant(repeats)).reshape(-1)
        if counts.size != 1:
            raise NotImplementedError("`repeat` with one count per element")
        repeats = int(counts[0])
    expanded = g.unsqueeze(v, [axis + 1])
    tiles = [1] * (len(source) + 1)
    tiles[axis + 1] = int(repeats)
    tiled = g.node("Tile", [expanded, g.ints(tiles)], out.dtype)
    target = shape_of(out)
    parts = []
    for i, d in enumerate(target):
        if d is not None:
            parts.append(int(d))
        elif i == axis:
            parts.append(-1)
        else:
            parts.append(g.dim(v, i))
    return g.reshape(tiled, g.shape_vector(parts))


@translates("pad")
def pad(g, out, x, pad_width, mode="constant", constant_values=None):
    n = _rank(x)
    widths = np.asarray(pad_width, dtype=np.int64)
    if widths.ndim == 0:
        widths = np.full((n, 2), int(widths))
    elif widths.shape == (2,) or widths.shape == (1, 2):
        widths = np.tile(widths.reshape(1, 2), (n, 1))
    modes = {"constant": "constant", "reflect": "reflect", "edge": "edge", "wrap": "wrap"}
    if mode not in modes or (mode == "wrap" and g.opset < 19):
        raise NotImplementedError(f"`pad` with mode={mode!r}")
    inputs = [g.value(x, out.dtype), g.ints(list(widths[:, 0]) + list(widths[:, 1]))]
    if mode == "constant" and constant_values is not None:
        inputs.append(g.const(np.asarray(g.constant(constant_values, out.dtype))))
    return g.node("Pad", inputs, out.dtype, mode=modes[mode])


@translates("take")
def take(g, out, x, indices, axis=None):
    v = g.value(x, out.dtype)
    if axis is None:
        v, axis = g.reshape(v, (-1,)), 0
    return g.node("Gather", [v, g.value(indices, "int64")], out.dtype, axis=int(axis))


@translates("take_along_axis")
def take_along_axis(g, out, x, indices, axis=None):
    v, index = g.value(x, out.dtype), g.value(indices, "int64")
    if axis is None:
        v, axis = g.reshape(v, (-1,)), 0
    elif shape_of(indices) != shape_of(out):  # NumPy broadcasts the other axes of the indices
        axis = canonical_axis(axis, _rank(x))
        target = [d if d is not None and i != axis else (-1 if i == axis else None)
                  for i, d in enumerate(shape_of(out))]
        parts = [g.dim(v, i) if d is None else (shape_of(indices)[i] if d == -1 else d)
                 for i, d in enumerate(target)]
        index = g.node("Expand", [index, g.shape_vector(parts)], "int64")
    return g.node("GatherElements", [v, index], out.dtype, axis=int(axis))


def _normalize_key(key, ndim):
    """`key` as a list of int / slice / None / index-tensor entries, the ellipsis expanded."""
    key = list(key) if isinstance(key, tuple) else [key]
    used = sum(1 for k in key if k is not None and k is not Ellipsis)
    fill = [slice(None)] * (ndim - used)
    at = next((i for i, k in enumerate(key) if k is Ellipsis), None)
    if at is not None:
        return key[:at] + fill + key[at + 1:]
    return key + fill


@translates("get_item")
def get_item(g, out, x, key):
    v = g.value(x, out.dtype)
    entries = _normalize_key(key, _rank(x))
    starts, ends, axes, steps, dropped, gathers = [], [], [], [], [], []
    axis = 0
    for entry in entries:
        if entry is None:
            continue
        if isinstance(entry, slice):
            if entry != slice(None):
                step = 1 if entry.step is None else int(entry.step)
                start = entry.start if entry.start is not None else (0 if step > 0 else -1)
                stop = entry.stop if entry.stop is not None else (INT64_MAX if step > 0 else INT64_MIN)
                starts.append(int(start)), ends.append(int(stop)), axes.append(axis), steps.append(step)
        elif isinstance(entry, (int, np.integer)):
            index = int(entry)
            starts.append(index), ends.append(index + 1 if index != -1 else INT64_MAX)
            axes.append(axis), steps.append(1)
            dropped.append(axis)
        else:
            if dtype_of(entry) == "bool":
                raise NotImplementedError("boolean mask indexing (its result shape depends on the data)")
            gathers.append((axis, entry))
        axis += 1
    if len(gathers) > 1:
        raise NotImplementedError("`get_item` with several array indices")
    if starts:
        v = g.node("Slice", [v, g.ints(starts), g.ints(ends), g.ints(axes), g.ints(steps)], out.dtype)
    if gathers:  # the gathered axis becomes the index's dims; later axes move by rank - 1
        at, index = gathers[0]
        v = g.node("Gather", [v, g.value(index, "int64")], out.dtype, axis=at)
        dropped = [a if a < at else a + _rank(index) - 1 for a in dropped]
    if dropped:
        v = g.squeeze(v, dropped)
    inserted, position = [], 0
    for entry in entries:
        if entry is None:
            inserted.append(position)
            position += 1
        elif isinstance(entry, slice):
            position += 1
        elif not isinstance(entry, (int, np.integer)):
            position += _rank(entry)
    return g.unsqueeze(v, inserted) if inserted else v


@translates("slice")
def slice_op(g, out, inputs, start_indices, shape):
    starts = [int(s) for s in g.constant(start_indices, "int64").reshape(-1)]
    sizes = [int(s) for s in np.asarray(shape).reshape(-1)]
    ends = [s + n for s, n in zip(starts, sizes)]
    return g.node("Slice", [g.value(inputs), g.ints(starts), g.ints(ends), g.ints(range(len(starts)))],
                  out.dtype)
