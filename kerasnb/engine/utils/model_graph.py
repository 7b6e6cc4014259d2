"""`plot_model` and `model_to_dot`: a model's layer graph, drawn without graphviz.

The drawing is a layered DAG layout written here: each layer gets the rank of its longest
path from an input (inputs that feed only later layers move down next to them), edges that
span several ranks pass through invisible waypoints, barycentre sweeps reorder each rank to
reduce crossings, and an isotonic fit centres each box over its neighbours without overlaps.
Nested models drawn with ``expand_nested=True`` are laid out first and placed as one big box.

The result renders as inline SVG in notebooks, and is written as ``.svg`` or ``.dot``/``.gv``
(graphviz source), or ``.png`` when Pillow is installed.

Example:
    >>> graph = plot_model(model, to_file="model.svg", show_shapes=True)  # doctest: +SKIP
    >>> graph  # in Jupyter, the drawing  # doctest: +SKIP
"""

import io
import os
from collections import namedtuple

from kerasnb.engine.models import summary
from kerasnb.engine.ops.op import flatten
from kerasnb.engine.tensors import KerasTensor
from kerasnb.engine.utils.html import escape

_FONT = 12  # px
_CHAR = 0.6 * _FONT  # the advance of a monospace character
_LINE = 16
_PAD_X, _PAD_Y = 10, 6
_RANK_GAP, _NODE_GAP, _WAYPOINT_GAP = 40, 24, 10
_CLUSTER_PAD, _MARGIN = 12, 8
_ARROW = 7
_SWEEPS = 12
_FONTS = "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace"

# kind -> (fill, stroke)
_COLORS = {"input": ("#e8f5e9", "#4c8c4a"), "layer": ("#e8f0fe", "#4a6fa5"),
           "op": ("#fff4e0", "#b7832f"), "model": ("#f1e8fd", "#7a4fa5"),
           "frozen": ("#eeeeee", "#8a8a8a"), "cluster": ("none", "#7a4fa5")}
_EDGE, _TEXT = "#888888", "#1a1a1a"

FORMATS = (".svg", ".png", ".dot", ".gv")


class _Box:
    """A drawn node: a layer, an op call, or (``inner`` set) an expanded nested model."""

    def __init__(self, name, title, lines, kind, inner=None):
        self.name, self.title, self.lines, self.kind, self.inner = name, title, lines, kind, inner
        if inner is None:
            longest = max(len(s) for s in [title] + lines)
            self.w = longest * _CHAR + 2 * _PAD_X
            self.h = (1 + len(lines)) * _LINE + 2 * _PAD_Y
        else:
            self.w = max(inner.width, len(title) * _CHAR + 2 * _PAD_X) + 2 * _CLUSTER_PAD
            self.h = inner.height + _LINE + _PAD_Y + 2 * _CLUSTER_PAD
        self.x = self.y = 0.0


class _Graph:
    """Boxes, edges (pairs of box indices) and, after `_layout`, positions and edge paths."""

    def __init__(self, name, boxes, edges):
        self.name, self.boxes, self.edges = name, boxes, edges
        self.paths = []  # per edge: [start, c1, c2, end, c1, c2, end, ...] (cubic segments)
        self.width = self.height = 0.0


# Collecting the graph -------------------------------------------------------------------

def _activation_name(layer):
    activation = getattr(layer, "activation", None)
    if activation is None or not callable(activation):
        return None
    return getattr(activation, "__name__", type(activation).__name__)


def _box(operation, node, options, expand_nested):
    """The box of `operation` (a layer, or an op whose call is `node`)."""
    from kerasnb.engine.layers.input_layer import InputLayer
    from kerasnb.engine.layers.layer import Layer
    is_layer = isinstance(operation, Layer)
    name = operation.name if is_layer else getattr(operation, "__name__", type(operation).__name__)
    kind_name = type(operation).__name__ if is_layer else "op"
    title = f"{name} ({kind_name})" if options["show_layer_names"] or not is_layer else kind_name
    lines = []
    if options["show_shapes"]:
        inputs = [t for t in flatten((node.args, node.kwargs)) if isinstance(t, KerasTensor)] if node else []
        if inputs:
            lines.append(f"input: {summary.shape_text(inputs)}")
        lines.append(f"output: {summary.shape_text(flatten(node.outputs)) if node else '?'}")
    if options["show_dtype"] and is_layer:
        lines.append(f"dtype: {summary.dtype_text(operation)}")
    if options["show_layer_activations"] and _activation_name(operation):
        lines.append(f"activation: {_activation_name(operation)}")
    if options["show_trainable"] and is_layer:
        lines.append(f"trainable: {'yes' if operation.trainable else 'no'}")
    if not is_layer:
        kind = "op"
    elif isinstance(operation, InputLayer):
        kind = "input"
    elif options["show_trainable"] and not operation.trainable:
        kind = "frozen"
    else:
        kind = "model" if _is_graph(operation) else "layer"
    inner = None
    if expand_nested and _is_graph(operation) and operation.built:
        inner = _layout(_collect(operation, options, True), options["rankdir"])
        kind = "cluster"
    return _Box(name, title, lines, kind, inner)


def _is_graph(layer):
    from kerasnb.engine.models.sequential import Sequential
    return summary.is_functional(layer) or isinstance(layer, Sequential)


def _collect(model, options, expand_nested):
    """The boxes and edges of `model`: one box per layer (or op call), one edge per connection."""
    from kerasnb.engine.layers.layer import Layer
    boxes, edges, index = [], {}, {}

    def box_of(operation, node):
        key = id(operation) if isinstance(operation, Layer) else id(node)
        if key not in index:
            index[key] = len(boxes)
            boxes.append(_box(operation, node, options, expand_nested))
        return index[key]

    if summary.is_functional(model):
        for tensor in model.inputs:
            if tensor.history is not None:
                box_of(tensor.history.operation, tensor.history)
        for node in model._nodes:
            target = box_of(node.operation, node)
            for t in flatten((node.args, node.kwargs)):
                if isinstance(t, KerasTensor) and t.history is not None:
                    edges[(box_of(t.history.operation, t.history), target)] = None
    elif _is_graph(model):
        chain = ([model._input_layer] if model._input_layer is not None else []) + model.layers
        for layer in chain:
            nodes = summary.calls(model, layer)
            box_of(layer, nodes[-1] if nodes else None)
        edges = {(i, i + 1): None for i in range(len(boxes) - 1)}
    else:  # a subclassed model is one box, as its graph is its Python code
        box_of(model, (model._inbound_nodes or [None])[0])
    return _Graph(model.name, boxes, list(edges))


# Layout ---------------------------------------------------------------------------------

def _ranks(count, edges):
    """Longest-path ranks; a source with successors moves down to just above the nearest one."""
    preds = [[] for _ in range(count)]
    succs = [[] for _ in range(count)]
    for u, v in edges:
        succs[u].append(v)
        preds[v].append(u)
    indegree = [len(p) for p in preds]
    order = [v for v in range(count) if not indegree[v]]
    for v in order:  # Kahn's algorithm; `order` grows while iterating
        for s in succs[v]:
            indegree[s] -= 1
            if not indegree[s]:
                order.append(s)
    rank = [0] * count
    for v in order:
        rank[v] = max((rank[p] + 1 for p in preds[v]), default=0)
    for v in order:
        if not preds[v] and succs[v]:
            rank[v] = min(rank[s] for s in succs[v]) - 1
    low = min(rank, default=0)
    return [r - low for r in rank]


def _crossings(layers, down, position):
    total = 0
    for layer in layers[:-1]:
        pairs = [(position[u], position[v]) for u in layer for v in down[u]]
        total += sum(1 for i, (a, b) in enumerate(pairs) for c, d in pairs[i + 1:] if (a - c) * (b - d) < 0)
    return total


def _barycentre(v, neighbours, position):
    near = neighbours[v]
    return sum(position[u] for u in near) / len(near) if near else position[v]


def _order(layers, up, down):
    """Barycentre sweeps (down, then up, ...); keeps the ordering with the fewest crossings."""
    position = {v: i for layer in layers for i, v in enumerate(layer)}
    best, fewest = [list(l) for l in layers], _crossings(layers, down, position)
    for sweep in range(_SWEEPS):
        ranks, neighbours = ((range(1, len(layers)), up) if sweep % 2 == 0
                             else (range(len(layers) - 2, -1, -1), down))
        for r in ranks:
            layers[r].sort(key=lambda v: _barycentre(v, neighbours, position))
            position.update({v: i for i, v in enumerate(layers[r])})
        count = _crossings(layers, down, position)
        if count < fewest:
            best, fewest = [list(l) for l in layers], count
    return best


def _isotonic(targets):
    """The non-decreasing sequence closest to `targets` (pool adjacent violators)."""
    blocks = []  # [sum, count]
    for t in targets:
        blocks.append([t, 1])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            total, count = blocks.pop()
            blocks[-1][0] += total
            blocks[-1][1] += count
    return [total / count for total, count in blocks for _ in range(count)]


def _place(layer, desired, breadth, real):
    """Centres for the ordered `layer`, closest to `desired` with no two boxes overlapping."""
    offsets = [0.0]
    for a, b in zip(layer, layer[1:]):
        gap = _NODE_GAP if a in real and b in real else _WAYPOINT_GAP
        offsets.append(offsets[-1] + (breadth[a] + breadth[b]) / 2 + gap)
    fitted = _isotonic([desired[v] - o for v, o in zip(layer, offsets)])
    return {v: y + o for v, y, o in zip(layer, fitted, offsets)}


def _centres(layers, up, down, breadth, real):
    """Across-axis centres: each box pulled towards the mean of its neighbours, sweeping down
    and up, with its rank kept in order and free of overlaps."""
    centre = {}
    for layer in layers:
        centre.update(_place(layer, {v: 0.0 for v in layer}, breadth, real))
    for sweep in range(2 * _SWEEPS):
        ranks, neighbours = ((range(1, len(layers)), up) if sweep % 2 == 0
                             else (range(len(layers) - 2, -1, -1), down))
        for r in ranks:
            desired = {v: (sum(centre[u] for u in neighbours[v]) / len(neighbours[v])
                           if neighbours[v] else centre[v]) for v in layers[r]}
            centre.update(_place(layers[r], desired, breadth, real))
    left = min((centre[v] - breadth[v] / 2 for v in centre), default=0.0)
    return {v: c - left + _MARGIN for v, c in centre.items()}


def _layout(graph, rankdir):
    """Positions every box of `graph` and routes its edges; returns `graph`."""
    across_x = rankdir == "TB"
    boxes, count = graph.boxes, len(graph.boxes)
    rank = _ranks(count, graph.edges)
    depth = [b.h if across_x else b.w for b in boxes]
    breadth = [b.w if across_x else b.h for b in boxes]
    up, down, chains = [[] for _ in range(count)], [[] for _ in range(count)], []
    for u, v in graph.edges:  # long edges pass through waypoints, one per rank crossed
        chain = [u]
        for r in range(rank[u] + 1, rank[v]):
            rank.append(r)
            depth.append(0.0)
            breadth.append(0.0)
            up.append([])
            down.append([])
            chain.append(len(rank) - 1)
        chain.append(v)
        for a, b in zip(chain, chain[1:]):
            down[a].append(b)
            up[b].append(a)
        chains.append(chain)
    layers = [[] for _ in range(max(rank, default=-1) + 1)]
    for v, r in enumerate(rank):
        layers[r].append(v)
    layers = _order(layers, up, down)
    centre = _centres(layers, up, down, breadth, set(range(count)))

    band_start, cursor = [], _MARGIN
    for layer in layers:
        band_start.append(cursor)
        cursor += max(depth[v] for v in layer) + _RANK_GAP
    band_depth = [max(depth[v] for v in layer) for layer in layers]
    along = {v: band_start[rank[v]] + (band_depth[rank[v]] - depth[v]) / 2 for v in range(len(rank))}
    for v, box in enumerate(boxes):
        if across_x:
            box.x, box.y = centre[v] - box.w / 2, along[v]
        else:
            box.x, box.y = along[v], centre[v] - box.h / 2
    extent_along = cursor - _RANK_GAP + _MARGIN if layers else 2 * _MARGIN
    extent_across = max((centre[v] + breadth[v] / 2 for v in centre), default=0.0) + _MARGIN
    graph.width, graph.height = (extent_across, extent_along) if across_x else (extent_along, extent_across)

    ports = _ports(chains, centre, breadth)
    graph.paths = []
    for index, chain in enumerate(chains):
        u, v = chain[0], chain[-1]
        points = [(along[u] + depth[u], ports[(index, "out")])]
        for w in chain[1:-1]:
            r = rank[w]
            points += [(band_start[r], centre[w]), (band_start[r] + band_depth[r], centre[w])]
        points.append((along[v] - _ARROW, ports[(index, "in")]))
        path = [points[0]]
        for (a0, c0), (a1, c1) in zip(points, points[1:]):
            middle = (a0 + a1) / 2
            path += [(middle, c0), (middle, c1), (a1, c1)]
        graph.paths.append([(c, a) if across_x else (a, c) for a, c in path])
    return graph


def _ports(chains, centre, breadth):
    """Where each edge leaves and enters its boxes: spread along the side, sorted by direction."""
    leaving, entering = {}, {}
    for index, chain in enumerate(chains):
        leaving.setdefault(chain[0], []).append((centre[chain[1]], index))
        entering.setdefault(chain[-1], []).append((centre[chain[-2]], index))
    ports = {}
    for side, groups in (("out", leaving), ("in", entering)):
        for v, items in groups.items():
            items.sort()
            step = min(14.0, breadth[v] / (len(items) + 1))
            for i, (_, index) in enumerate(items):
                ports[(index, side)] = centre[v] + (i - (len(items) - 1) / 2) * step
    return ports


# Rendering ------------------------------------------------------------------------------

_Frame = namedtuple("_Frame", "kind name x y w h texts style")  # a box or a cluster's frame
_Edge = namedtuple("_Edge", "source target path arrow")  # path: start, then 3 points per cubic


def _shapes(graph, dx=0.0, dy=0.0):
    """What to draw, in absolute coordinates and drawing order: frames, edges, then boxes."""
    clusters, edges, nodes = [], [], []
    for box in graph.boxes:
        x, y = box.x + dx, box.y + dy
        if box.inner is None:
            texts = [(x + box.w / 2, y + _PAD_Y + (i + 1) * _LINE - 4, line, i == 0)
                     for i, line in enumerate([box.title] + box.lines)]
            nodes.append(_Frame("node", box.name, x, y, box.w, box.h, texts, box.kind))
            continue
        label = (x + box.w / 2, y + _CLUSTER_PAD + _FONT, box.title, True)
        clusters.append(_Frame("cluster", box.name, x, y, box.w, box.h, [label], "cluster"))
        for shape in _shapes(box.inner, x + (box.w - box.inner.width) / 2, y + _CLUSTER_PAD + _LINE + _PAD_Y):
            (edges if isinstance(shape, _Edge) else nodes if shape.kind == "node" else clusters).append(shape)
    for (u, v), path in zip(graph.edges, graph.paths):
        path = [(px + dx, py + dy) for px, py in path]
        edges.append(_Edge(graph.boxes[u].name, graph.boxes[v].name, path, _arrowhead(path[-1], path[-2])))
    return clusters + edges + nodes


def _arrowhead(end, before):
    """The triangle continuing the edge that ends at `end` (its last control point is `before`)."""
    (x, y), (bx, by) = end, before
    if abs(x - bx) > abs(y - by):
        return [(x + _ARROW, y), (x, y - _ARROW / 2), (x, y + _ARROW / 2)]
    return [(x, y + _ARROW), (x - _ARROW / 2, y), (x + _ARROW / 2, y)]


def _polyline(path, steps=16):
    """The cubic segments of `path` sampled into a polyline."""
    line = [path[0]]
    for p1, p2, p3 in zip(path[1::3], path[2::3], path[3::3]):
        p0 = line[-1]
        for i in range(1, steps + 1):
            t = i / steps
            weights = ((1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t ** 2, t ** 3)
            line.append(tuple(sum(w * p[k] for w, p in zip(weights, (p0, p1, p2, p3))) for k in (0, 1)))
    return line


def _fmt(value):
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _points(points):
    return " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in points)


def _svg(graph):
    out = []
    for shape in _shapes(graph):
        if isinstance(shape, _Edge):
            path = shape.path
            d = f"M{_points(path[:1])}" + "".join(f" C{_points(path[i:i + 3])}"
                                                  for i in range(1, len(path), 3))
            out.append(f'<g class="edge" data-source="{escape(shape.source)}" '
                       f'data-target="{escape(shape.target)}">'
                       f'<path d="{d}" fill="none" stroke="{_EDGE}" stroke-width="1.4"/>'
                       f'<polygon points="{_points(shape.arrow)}" fill="{_EDGE}"/></g>')
            continue
        fill, stroke = _COLORS[shape.style]
        dash = ' stroke-dasharray="5,3"' if shape.kind == "cluster" else ""
        labels = "".join(f'<text x="{_fmt(x)}" y="{_fmt(y)}" text-anchor="middle" '
                         f'font-weight="{"bold" if bold else "normal"}">{escape(text)}</text>'
                         for x, y, text, bold in shape.texts)
        out.append(f'<g class="{shape.kind}" data-name="{escape(shape.name)}">'
                   f'<rect x="{_fmt(shape.x)}" y="{_fmt(shape.y)}" width="{_fmt(shape.w)}" '
                   f'height="{_fmt(shape.h)}" rx="5" fill="{fill}" stroke="{stroke}" '
                   f'stroke-width="1.2"{dash}/>'
                   f'{labels}</g>')
    width, height = _fmt(graph.width), _fmt(graph.height)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family="{_FONTS}" font-size="{_FONT}" '
            f'fill="{_TEXT}">' + "".join(out) + "</svg>")


def _png(graph, dpi):
    """PNG bytes of the drawing, rasterised with Pillow at `dpi` (96 dpi = 1 px per unit)."""
    try:
        from PIL import Image, ImageDraw, ImageFont
    except ImportError:
        raise ImportError("Writing a `.png` needs Pillow (`pip install pillow`); "
                          "or pass `to_file` ending in '.svg', '.dot' or '.gv'.") from None
    scale = dpi / 96.0
    size = (max(1, round(graph.width * scale)), max(1, round(graph.height * scale)))
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=_FONT * scale)

    def scaled(points):
        return [(x * scale, y * scale) for x, y in points]

    for shape in _shapes(graph):
        if isinstance(shape, _Edge):
            draw.line(scaled(_polyline(shape.path)), fill=_EDGE, width=max(1, round(1.4 * scale)))
            draw.polygon(scaled(shape.arrow), fill=_EDGE)
            continue
        fill, stroke = _COLORS[shape.style]
        corners = scaled([(shape.x, shape.y), (shape.x + shape.w, shape.y + shape.h)])
        draw.rounded_rectangle(corners, radius=5 * scale, fill=None if fill == "none" else fill,
                               outline=stroke, width=max(1, round(scale)))
        for x, y, text, _ in shape.texts:
            draw.text((x * scale, y * scale), text, fill=_TEXT, font=font, anchor="ms")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(dpi, dpi))
    return buffer.getvalue()


def _dot_text(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _dot_lines(graph, prefix, indent):
    """DOT statements for `graph`'s boxes and edges (box ids start with `prefix`), and per box
    the ids that edges enter and leave it by, with its cluster's name if it is one."""
    lines, ends = [], {}
    for i, box in enumerate(graph.boxes):
        ident = f"{prefix}{i}"
        label = "\\n".join(_dot_text(s)[1:-1] for s in [box.title] + box.lines)
        if box.inner is not None:
            cluster = f"cluster_{ident}"
            lines.append(f"{indent}subgraph {_dot_text(cluster)} {{")
            lines.append(f'{indent}  label="{label}"; style=dashed; color="{_COLORS["cluster"][1]}";')
            inner_lines, inner_ends = _dot_lines(box.inner, f"{ident}_", indent + "  ")
            lines += inner_lines + [f"{indent}}}"]
            ends[i] = (inner_ends[0][0], inner_ends[len(box.inner.boxes) - 1][1], cluster)
        else:
            fill, stroke = _COLORS[box.kind]
            lines.append(f'{indent}"{ident}" [label="{label}", fillcolor="{fill}", color="{stroke}"];')
            ends[i] = (ident, ident, None)
    for u, v in graph.edges:
        tail, head = ends[u][1], ends[v][0]
        extra = [f'ltail="{ends[u][2]}"'] if ends[u][2] else []
        extra += [f'lhead="{ends[v][2]}"'] if ends[v][2] else []
        attrs = f" [{', '.join(extra)}]" if extra else ""
        lines.append(f'{indent}"{tail}" -> "{head}"{attrs};')
    return lines, ends


# Public API -----------------------------------------------------------------------------

class ModelGraph:
    """A laid-out drawing of a model's layers: shows as SVG in notebooks, writes files.

    It stands in for the graphviz/pydot object of `keras.utils.model_to_dot`: `to_string`
    gives graphviz DOT source, `create` the bytes of a ``"svg"``, ``"png"`` (Pillow) or
    ``"dot"`` rendering, and `write` saves one atomically.

    Attributes:
        svg: the drawing as an SVG document (string).
        name: the model's name.
        node_count, edge_count: the boxes and connections of the top-level graph.
    """

    def __init__(self, graph, graph_attributes, subgraph=False):
        self._graph, self._attributes, self._subgraph = graph, graph_attributes, subgraph
        self.name = graph.name
        self.node_count, self.edge_count = len(graph.boxes), len(graph.edges)
        self.svg = _svg(graph)

    def __repr__(self):
        return f"<model graph: {self.node_count} layers>"

    def _repr_svg_(self):
        return self.svg

    def to_string(self):
        """The graph as graphviz DOT source (a ``digraph``, or a ``subgraph cluster_...``)."""
        head = (f"subgraph {_dot_text('cluster_' + self.name)}" if self._subgraph
                else f"digraph {_dot_text(self.name)}")
        attributes = ", ".join(f"{k}={_dot_text(str(v))}" for k, v in self._attributes.items())
        lines = [head + " {", f"  graph [{attributes}, compound=true];",
                 '  node [shape=box, style="rounded,filled", fontname="Helvetica"];']
        lines += _dot_lines(self._graph, "n", "  ")[0]
        return "\n".join(lines + ["}"]) + "\n"

    def create(self, prog=None, format="svg", encoding=None):
        """The rendering as bytes.

        Args:
            prog: ignored (no graphviz program is run).
            format: ``"svg"``, ``"png"`` (needs Pillow) or ``"dot"``.
            encoding: ignored; text formats are UTF-8.
        """
        if format == "svg":
            return self.svg.encode("utf-8")
        if format == "dot":
            return self.to_string().encode("utf-8")
        if format == "png":
            return _png(self._graph, float(self._attributes.get("dpi", 96)))
        raise ValueError(f"`format` must be 'svg', 'png' or 'dot'; received {format!r}.")

    def write(self, path, prog=None, format=None, encoding=None):
        """Writes the rendering to `path` atomically (temp file, then `os.replace`).

        Args:
            path: the file; its extension picks the format unless `format` is given.
            prog: ignored. encoding: ignored.
            format: ``"svg"``, ``"png"`` or ``"dot"``.
        """
        from kerasnb.engine.saving.weights_file import atomic_output
        data = self.create(format=format or _format_of(path, "path"))
        with atomic_output(os.fspath(path), overwrite=True) as temporary:
            with open(temporary, "wb") as file:
                file.write(data)


def _format_of(path, argument):
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"`{argument}` must be a path (str or os.PathLike); received {type(path).__name__}.")
    extension = os.path.splitext(os.fspath(path))[1].lower()
    if extension not in FORMATS:
        raise ValueError(f"`{argument}` must end with one of {', '.join(FORMATS)}; "
                         f"received {os.fspath(path)!r}.")
    return {".gv": "dot"}.get(extension, extension[1:])


def model_to_dot(model, show_shapes=False, show_dtype=False, show_layer_names=True, rankdir="TB",
                 expand_nested=False, dpi=200, subgraph=False, show_layer_activations=False,
                 show_trainable=False, splines="ortho", **kwargs):
    """The layer graph of `model`, laid out, as a `ModelGraph` (DOT via ``.to_string()``).

    Args:
        model: a built `Model` (functional, Sequential, or subclassed, which is one box).
        show_shapes: write each layer's input and output shapes.
        show_dtype: write each layer's dtype.
        show_layer_names: title boxes ``"name (Type)"`` instead of ``"Type"``.
        rankdir: ``"TB"`` (top to bottom) or ``"LR"`` (left to right).
        expand_nested: draw nested models as a dashed frame around their own graph.
        dpi: the resolution of PNG output (SVG is resolution-free).
        subgraph: `to_string` gives a ``subgraph cluster_<name>`` instead of a ``digraph``.
        show_layer_activations: write the activation of layers that have one.
        show_trainable: write whether each layer is trainable; frozen layers are grey.
        splines: recorded in the DOT source; the SVG draws curved edges.

    Returns:
        A `ModelGraph`.

    Raises:
        TypeError: `model` is not a Model.
        ValueError: `model` is not built, or `rankdir` is not ``"TB"``/``"LR"``.

    Example:
        >>> print(model_to_dot(model).to_string())  # doctest: +SKIP
    """
    from kerasnb.engine.models.model import Model
    if kwargs:
        raise TypeError(f"`model_to_dot` got unexpected keyword arguments: {sorted(kwargs)}.")
    if not isinstance(model, Model):
        raise TypeError(f"`model` must be a kerasnb Model; received {type(model).__name__}.")
    if not model.built:
        raise ValueError(f"`model` {model.name!r} is not built yet: call it on data or "
                         "`build(input_shape)` before drawing it.")
    if rankdir not in ("TB", "LR"):
        raise ValueError(f"`rankdir` must be 'TB' or 'LR'; received {rankdir!r}.")
    options = dict(show_shapes=show_shapes, show_dtype=show_dtype, show_layer_names=show_layer_names,
                   show_layer_activations=show_layer_activations, show_trainable=show_trainable,
                   rankdir=rankdir)
    graph = _layout(_collect(model, options, expand_nested), rankdir)
    return ModelGraph(graph, {"rankdir": rankdir, "dpi": dpi, "splines": splines}, subgraph=subgraph)


def plot_model(model, to_file="model.png", show_shapes=False, show_dtype=False,
               show_layer_names=False, rankdir="TB", expand_nested=False, dpi=200,
               show_layer_activations=False, show_trainable=False, splines="ortho", **kwargs):
    """Draws `model`'s layer graph, writes it to `to_file`, and returns it for display.

    No graphviz is needed: the layout is computed here and drawn as SVG.

    Args:
        model: a built `Model`.
        to_file: where to save the drawing, by extension: ``.svg``, ``.png`` (needs Pillow,
            at `dpi`), ``.dot``/``.gv`` (graphviz source); ``None`` writes nothing.
        show_shapes, show_dtype, show_layer_names, rankdir, expand_nested, dpi,
        show_layer_activations, show_trainable, splines: as in `model_to_dot`.

    Returns:
        A `ModelGraph`, which Jupyter shows as an inline SVG.

    Raises:
        ValueError: `to_file` has another extension, or `model` is not built.
        ImportError: `to_file` is a ``.png`` and Pillow is not installed.

    Example:
        >>> plot_model(model, to_file="model.svg", show_shapes=True)  # doctest: +SKIP
        <model graph: 3 layers>
    """
    if to_file is not None:
        _format_of(to_file, "to_file")
    graph = model_to_dot(model, show_shapes=show_shapes, show_dtype=show_dtype,
                         show_layer_names=show_layer_names, rankdir=rankdir, expand_nested=expand_nested,
                         dpi=dpi, show_layer_activations=show_layer_activations,
                         show_trainable=show_trainable, splines=splines, **kwargs)
    if to_file is not None:
        graph.write(to_file)
    return graph
