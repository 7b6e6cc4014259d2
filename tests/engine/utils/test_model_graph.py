"""`plot_model` / `model_to_dot`: the layer graph as SVG (own layout), DOT and PNG files."""

import itertools
import os
import struct
import sys
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import kerasnb
from kerasnb import Input, Model, Sequential, layers, ops
from kerasnb.utils import model_to_dot, plot_model

SVG = "{http://www.w3.org/2000/svg}"


def diamond():
    """Two inputs, a shared trunk, two branches that merge again, and an op call."""
    a, b = Input((4,), name="a"), Input((4,), name="b")
    trunk = layers.Dense(8, activation="relu", name="trunk")(layers.Concatenate(name="join")([a, b]))
    left = layers.Dense(8, activation="tanh", name="left")(trunk)
    right = layers.Dense(8, name="right", trainable=False)(trunk)
    merged = ops.add(left, right)
    return Model([a, b], layers.Dense(1, name="head")(merged), name="diamond")


DIAMOND_EDGES = {("a", "join"), ("b", "join"), ("join", "trunk"), ("trunk", "left"), ("trunk", "right"),
                 ("left", "add"), ("right", "add"), ("add", "head")}


def groups(svg, kind):
    return [g for g in ET.fromstring(svg).iter(f"{SVG}g") if g.get("class") == kind]


def rect(group):
    r = group.find(f"{SVG}rect")
    return tuple(float(r.get(k)) for k in ("x", "y", "width", "height"))


def boxes(svg):
    return {g.get("data-name"): rect(g) for g in groups(svg, "node")}


def edges(svg):
    return [(g.get("data-source"), g.get("data-target")) for g in groups(svg, "edge")]


def overlap(r, s):
    return r[0] < s[0] + s[2] and s[0] < r[0] + r[2] and r[1] < s[1] + s[3] and s[1] < r[1] + r[3]


def inside(r, outer):
    return (outer[0] <= r[0] and r[0] + r[2] <= outer[0] + outer[2]
            and outer[1] <= r[1] and r[1] + r[3] <= outer[1] + outer[3])


def test_one_box_per_layer_one_edge_per_connection_and_no_overlaps(backend):
    graph = plot_model(diamond(), to_file=None)
    found = boxes(graph.svg)
    assert set(found) == {"a", "b", "join", "trunk", "left", "right", "add", "head"}
    assert len(groups(graph.svg, "node")) == 8 and graph.node_count == 8
    assert sorted(edges(graph.svg)) == sorted(DIAMOND_EDGES) and graph.edge_count == 8
    for (_, r), (_, s) in itertools.combinations(found.items(), 2):
        assert not overlap(r, s)
    root = ET.fromstring(graph.svg)
    width, height = float(root.get("width")), float(root.get("height"))
    assert all(x >= 0 and y >= 0 and x + w <= width and y + h <= height for x, y, w, h in found.values())
    assert repr(graph) == "<model graph: 8 layers>" and graph._repr_svg_() == graph.svg


@pytest.mark.parametrize("rankdir", ["TB", "LR"])
def test_edges_flow_down_or_right_and_arrows_touch_their_target(rankdir):
    svg = plot_model(diamond(), to_file=None, rankdir=rankdir).svg
    found = boxes(svg)
    for group in groups(svg, "edge"):
        (sx, sy, sw, sh), (tx, ty, tw, th) = found[group.get("data-source")], found[group.get("data-target")]
        points = [tuple(map(float, p.split(","))) for p in group.find(f"{SVG}polygon").get("points").split()]
        tip = points[0]
        if rankdir == "TB":
            assert sy + sh < ty and tip[1] == pytest.approx(ty) and tx <= tip[0] <= tx + tw
        else:
            assert sx + sw < tx and tip[0] == pytest.approx(tx) and ty <= tip[1] <= ty + th
    root = ET.fromstring(svg)
    width, height = float(root.get("width")), float(root.get("height"))
    assert (height > width) == (rankdir == "TB")


def test_crossing_edges_are_untangled():
    a, b = Input((2,), name="a"), Input((2,), name="b")
    from_b = layers.Dense(1, name="from_b")(b)  # created first, so it starts on the left
    from_a = layers.Dense(1, name="from_a")(a)
    found = boxes(plot_model(Model([a, b], [from_b, from_a]), to_file=None).svg)
    centre = {name: x + w / 2 for name, (x, _, w, _) in found.items()}
    assert (centre["a"] < centre["b"]) == (centre["from_a"] < centre["from_b"])


def test_long_edges_go_around_boxes_and_late_inputs_sit_near_their_use():
    x, late = Input((4,), name="x"), Input((4,), name="late")
    h = x
    for i in range(4):
        h = layers.Dense(4, name=f"d{i}")(h)
    skip = layers.Add(name="skip")([h, x, late])
    svg = plot_model(Model([x, late], skip), to_file=None).svg
    found = boxes(svg)
    assert found["late"][1] > found["d2"][1]  # placed one rank above `skip`, not at the top
    path = next(g for g in groups(svg, "edge") if g.get("data-source") == "x").find(f"{SVG}path").get("d")
    numbers = [float(v) for v in path.replace("M", " ").replace("C", " ").replace(",", " ").split()]
    xs = numbers[0::2]
    for name in ("d0", "d1", "d2", "d3"):
        left, top, width, height = found[name]
        on_path = [px for px, py in zip(xs, numbers[1::2]) if top <= py <= top + height]
        assert all(px < left or px > left + width for px in on_path)


def test_labels_follow_the_show_options():
    model = diamond()
    plain = " ".join(ET.fromstring(plot_model(model, to_file=None).svg).itertext())
    assert "Dense" in plain and "trunk" not in plain and "output:" not in plain
    svg = plot_model(model, to_file=None, show_shapes=True, show_dtype=True, show_layer_names=True,
                     show_layer_activations=True, show_trainable=True).svg
    trunk = " | ".join(groups_named(svg, "trunk").itertext())
    assert trunk == ("trunk (Dense) | input: (None, 8) | output: (None, 8) | dtype: float32 | "
                     "activation: relu | trainable: yes")
    right = groups_named(svg, "right")
    assert "trainable: no" in list(right.itertext()) and right.find(f"{SVG}rect").get("fill") == "#eeeeee"
    join = list(groups_named(svg, "join").itertext())
    assert "input: [(None, 4), (None, 4)]" in join and "add (op)" in " ".join(ET.fromstring(svg).itertext())


def groups_named(svg, name):
    return next(g for g in groups(svg, "node") if g.get("data-name") == name)


def test_shared_layer_is_one_box_with_an_edge_per_caller():
    shared = layers.Dense(3, name="shared")
    a, b = Input((3,), name="a"), Input((3,), name="b")
    model = Model([a, b], layers.Add(name="sum")([shared(a), shared(b)]))
    svg = plot_model(model, to_file=None).svg
    assert sorted(boxes(svg)) == ["a", "b", "shared", "sum"]
    assert sorted(edges(svg)) == [("a", "shared"), ("b", "shared"), ("shared", "sum")]


def test_sequential_subclassed_and_nested_models():
    seq = Sequential([layers.Dense(4, name="one"), layers.Dense(2, name="two")], name="seq")
    seq.build((None, 3))
    svg = plot_model(seq, to_file=None).svg
    assert len(boxes(svg)) == 3 and edges(svg)[1:] == [("one", "two")]

    class Custom(Model):
        def __init__(self):
            super().__init__(name="custom")
            self.dense = layers.Dense(2)

        def call(self, x):
            return self.dense(x)

    custom = Custom()
    custom(np.zeros((1, 3), "float32"))
    assert list(boxes(plot_model(custom, to_file=None).svg)) == ["custom"]

    x = Input((3,), name="x")
    outer = Model(x, layers.Dense(1, name="head")(seq(x)), name="outer")
    folded = plot_model(outer, to_file=None).svg
    assert sorted(boxes(folded)) == ["head", "seq", "x"] and not groups(folded, "cluster")
    expanded = plot_model(outer, to_file=None, expand_nested=True, show_layer_names=True).svg
    cluster = groups(expanded, "cluster")
    assert len(cluster) == 1 and cluster[0].get("data-name") == "seq"
    frame, found = rect(cluster[0]), boxes(expanded)
    assert {"one", "two", "head", "x"} <= set(found)
    assert inside(found["one"], frame) and inside(found["two"], frame)
    assert not overlap(found["x"], frame) and not overlap(found["head"], frame)
    assert ("one", "two") in edges(expanded) and ("x", "seq") in edges(expanded)
    dot = model_to_dot(outer, expand_nested=True).to_string()
    assert 'subgraph "cluster_n1" {' in dot and '"n0" -> "n1_0" [lhead="cluster_n1"];' in dot


@pytest.mark.parametrize("rankdir", ["TB", "LR"])
def test_doubly_nested_models_expand_inside_each_other(rankdir):
    core = Sequential([Input((4,)), layers.Dense(4, name="c1")], name="core")
    mid = Sequential([Input((4,)), core, layers.Dense(4, name="m1")], name="mid")
    x = Input((4,), name="x")
    svg = plot_model(Model(x, layers.Dense(1, name="h")(mid(x))), to_file=None, expand_nested=True,
                     rankdir=rankdir).svg
    found = boxes(svg)
    frames = {g.get("data-name"): rect(g) for g in groups(svg, "cluster")}
    assert sorted(frames) == ["core", "mid"] and len(found) == 6
    assert inside(found["c1"], frames["core"]) and inside(frames["core"], frames["mid"])
    assert inside(found["m1"], frames["mid"]) and not overlap(found["m1"], frames["core"])
    assert not any(overlap(found[n], frames["mid"]) for n in ("x", "h"))
    for (_, r), (_, q) in itertools.combinations(found.items(), 2):
        assert not overlap(r, q)


def test_layout_is_deterministic():
    assert plot_model(diamond(), to_file=None).svg == plot_model(diamond(), to_file=None).svg


def test_dot_source():
    dot = model_to_dot(diamond(), rankdir="LR", show_shapes=True)
    text = dot.to_string()
    assert text.startswith('digraph "diamond" {') and 'rankdir="LR"' in text and text.rstrip().endswith("}")
    assert text.count(" -> ") == len(DIAMOND_EDGES) and text.count("[label=") == 8
    assert '"trunk (Dense)\\ninput: (None, 8)\\noutput: (None, 8)"' in text
    assert dot.create(format="dot") == text.encode() and dot.create().startswith(b"<svg")
    assert model_to_dot(diamond(), subgraph=True).to_string().startswith('subgraph "cluster_diamond"')
    with pytest.raises(ValueError, match="`format`"):
        dot.create(format="pdf")


def test_files_are_written_by_extension(tmp_path):
    model = diamond()
    graph = plot_model(model, to_file=str(tmp_path / "m.svg"))
    assert (tmp_path / "m.svg").read_text() == graph.svg
    plot_model(model, to_file=tmp_path / "m.gv", show_shapes=True)
    expected = model_to_dot(model, show_layer_names=False, show_shapes=True).to_string()
    assert (tmp_path / "m.gv").read_text() == expected
    plot_model(model, to_file=str(tmp_path / "small.png"), dpi=96)
    plot_model(model, to_file=str(tmp_path / "big.png"), dpi=192)

    def png_size(path):
        data = path.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        return struct.unpack(">II", data[16:24])

    small, big = png_size(tmp_path / "small.png"), png_size(tmp_path / "big.png")
    root = ET.fromstring(graph.svg)
    assert small == (round(float(root.get("width"))), round(float(root.get("height"))))
    assert abs(big[0] - 2 * small[0]) <= 1 and abs(big[1] - 2 * small[1]) <= 1


def test_writes_are_atomic(tmp_path, monkeypatch):
    target = tmp_path / "m.svg"
    target.write_text("previous")

    def fail(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        plot_model(diamond(), to_file=str(target))
    assert target.read_text() == "previous" and os.listdir(tmp_path) == ["m.svg"]


def test_png_without_pillow_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "PIL", None)
    with pytest.raises(ImportError, match="Pillow.*'.svg'"):
        plot_model(diamond(), to_file=str(tmp_path / "m.png"))
    assert os.listdir(tmp_path) == []


def test_errors_name_the_argument(tmp_path):
    model = diamond()
    extensions = r"`to_file` must end with one of \.svg, \.png, \.dot, \.gv; received '.*m\.pdf'"
    with pytest.raises(ValueError, match=extensions):
        plot_model(model, to_file=str(tmp_path / "m.pdf"))
    with pytest.raises(ValueError, match="`model` 'lazy' is not built"):
        plot_model(Sequential([layers.Dense(2)], name="lazy"), to_file=None)
    with pytest.raises(TypeError, match="`model` must be a kerasnb Model; received Dense"):
        plot_model(layers.Dense(2), to_file=None)
    with pytest.raises(ValueError, match="`rankdir` must be 'TB' or 'LR'; received 'BT'"):
        model_to_dot(model, rankdir="BT")
    with pytest.raises(TypeError, match="unexpected keyword arguments: \\['bogus'\\]"):
        model_to_dot(model, bogus=1)
    assert os.listdir(tmp_path) == []


def test_public_names():
    assert kerasnb.utils.plot_model is plot_model and kerasnb.utils.model_to_dot is model_to_dot
