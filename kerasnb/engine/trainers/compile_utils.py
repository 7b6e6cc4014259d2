"""What `compile` builds: the loss and metric containers matched to the model's outputs.

`CompileLoss` turns the `loss`/`loss_weights` arguments into one weighted total (and a
tracked loss per output when there are several); `CompileMetrics` turns
`metrics`/`weighted_metrics` into metric objects named as Keras names them in the logs
(``accuracy``, ``<output>_accuracy``, ``weighted_accuracy``).
"""

from kerasnb.engine.metrics.metric import Metric
from kerasnb.engine.metrics.reduction import Mean
from kerasnb.engine.ops import core
from kerasnb.engine.ops.op import flatten


def output_structure(y_pred, output_names):
    """``(names, flat)``: a name for each flat output of `y_pred` and the flat outputs."""
    if isinstance(y_pred, dict):
        names = sorted(y_pred)
        return names, [y_pred[k] for k in names]
    flat = flatten(y_pred)
    if output_names and len(output_names) == len(flat):
        return list(output_names), flat
    return [f"output_{i}" for i in range(len(flat))] if len(flat) > 1 else ["output"], flat


def match_targets(y_true, names):
    """`y_true` flattened in the order of the flat outputs named `names`."""
    if isinstance(y_true, dict):
        missing = [n for n in names if n not in y_true]
        if missing and len(names) > 1:
            raise ValueError(
                f"`y` is a dict without targets for outputs {missing}; the model's outputs are {names}.")
        return [y_true.get(n) for n in names] if not missing else list(y_true.values())
    flat = flatten(y_true) if isinstance(y_true, (list, tuple)) else [y_true]
    if len(flat) != len(names):
        raise ValueError(
            f"The model has {len(names)} outputs ({names}) but `y` has {len(flat)} targets.")
    return flat


def match_weights(sample_weight, names):
    """`sample_weight` per flat output: one array for all, or a list/dict per output."""
    if isinstance(sample_weight, (list, tuple, dict)):
        return match_targets(sample_weight, names)
    return [sample_weight] * len(names)


def _per_output(spec, names, argument):
    """`spec` (one item, a list aligned with the outputs, or a dict by output name) as a list."""
    if isinstance(spec, dict):
        unknown = sorted(set(spec) - set(names))
        if unknown:
            raise ValueError(
                f"`{argument}` has keys {unknown} that are not outputs of the model; "
                f"the outputs are {names}.")
        return [spec.get(n) for n in names]
    if isinstance(spec, (list, tuple)) and len(names) > 1:
        if len(spec) != len(names):
            raise ValueError(
                f"`{argument}` has {len(spec)} entries but the model has {len(names)} outputs {names}.")
        return list(spec)
    return [spec] * len(names)


class CompileLoss:
    """The compiled loss: one loss per output, weighted and summed.

    Args:
        loss: a loss (name, function, `Loss`), or a list/dict of them per output.
        loss_weights: a scalar per output (list or dict), or None for 1.0 each.
        reduction: the reduction of each per-output loss.
    """

    def __init__(self, loss, loss_weights=None, reduction="sum_over_batch_size"):
        self.spec, self.weights_spec, self.reduction = loss, loss_weights, reduction
        self.built = False

    def build(self, y_true, y_pred, output_names=None):
        from kerasnb.engine.losses import lookup
        from kerasnb.engine.losses.loss import Loss
        from kerasnb.engine.losses.wrapper import LossFunctionWrapper
        self.names, flat_pred = output_structure(y_pred, output_names)
        losses = _per_output(self.spec, self.names, "loss")
        weights = _per_output(self.weights_spec, self.names, "loss_weights") if (
            self.weights_spec is not None) else [None] * len(self.names)
        self.losses = []
        for name, loss, weight in zip(self.names, losses, weights):
            if loss is None:
                self.losses.append(None)
                continue
            loss = lookup.get(loss)
            if not isinstance(loss, Loss):
                loss = LossFunctionWrapper(loss, reduction=self.reduction)
            self.losses.append((loss, 1.0 if weight is None else float(weight)))
        active = [n for n, l in zip(self.names, self.losses) if l is not None]
        self.trackers = [Mean(name=f"{n}_loss") for n in active] if len(active) > 1 else []
        self.built = True

    def __call__(self, y_true, y_pred, sample_weight=None):
        names, flat_pred = output_structure(y_pred, self.names)
        flat_true = match_targets(y_true, names)
        flat_weight = match_weights(sample_weight, names)
        total, trackers = None, iter(self.trackers)
        for entry, yt, yp, sw in zip(self.losses, flat_true, flat_pred, flat_weight):
            if entry is None:
                continue
            loss, weight = entry
            value = loss(yt, yp, sw)
            tracker = next(trackers, None)
            if tracker is not None:
                tracker.update_state(value, sample_weight=core.shape(yp)[0])
            value = value * weight if weight != 1.0 else value
            total = value if total is None else total + value
        return total

    @property
    def metrics(self):
        return self.trackers


class CompileMetrics(Metric):
    """The compiled metrics of every output, as one container metric.

    Its `result()` is a dict ``{log name: value}``; its variables are those of all
    the metrics it holds.
    """

    def __init__(self, metrics, weighted_metrics, name="compile_metrics"):
        super().__init__(name=name)
        self.spec, self.weighted_spec = metrics, weighted_metrics
        self.built = False
        self._groups = []  # per output: [(metric, weighted)]

    def build(self, y_true, y_pred, output_names=None):
        self.names, flat_pred = output_structure(y_pred, output_names)
        flat_true = match_targets(y_true, self.names)
        metrics = self._per_output(self.spec, "metrics")
        weighted = self._per_output(self.weighted_spec, "weighted_metrics")
        prefix = len(self.names) > 1
        self._groups = []
        for i, name in enumerate(self.names):
            group, plain = [], {m for m in metrics[i] if isinstance(m, str)}
            for items, is_weighted in ((metrics[i], False), (weighted[i], True)):
                for item in items or ():
                    metric = _resolve_metric(item, flat_true[i], flat_pred[i],
                                             is_weighted and item in plain)
                    if prefix:
                        metric.name = f"{name}_{metric.name}"
                    group.append((metric, is_weighted))
            self._groups.append(group)
        self.built = True

    def _per_output(self, spec, argument):
        """`spec` as a list (per output) of lists of metric identifiers. A flat list applies
        to every output; a list of lists or a dict gives each output its own."""
        if spec is None:
            return [[] for _ in self.names]
        if isinstance(spec, dict):
            spec = {k: v if isinstance(v, (list, tuple)) else [v] for k, v in spec.items()}
            return [v or [] for v in _per_output(spec, self.names, argument)]
        if isinstance(spec, (list, tuple)):
            if spec and all(isinstance(s, (list, tuple)) or s is None for s in spec):
                return [list(s or []) for s in _per_output(list(spec), self.names, argument)]
            return [list(spec) for _ in self.names]
        return [[spec] for _ in self.names]

    @property
    def metrics(self):
        return [m for group in self._groups for m, _ in group]

    @property
    def variables(self):
        return [v for m in self.metrics for v in m.variables]

    def update_state(self, y_true, y_pred, sample_weight=None):
        names, flat_pred = output_structure(y_pred, self.names)
        flat_true = match_targets(y_true, names)
        flat_weight = match_weights(sample_weight, names)
        for group, yt, yp, sw in zip(self._groups, flat_true, flat_pred, flat_weight):
            for metric, weighted in group:
                metric.update_state(yt, yp, sample_weight=sw if weighted else None)

    def result(self):
        return {m.name: m.result() for m in self.metrics}

    def reset_state(self):
        for metric in self.metrics:
            metric.reset_state()


def _resolve_metric(identifier, y_true, y_pred, weighted):
    """The metric object of `identifier` for one output, named as Keras names it in the
    logs; `weighted` (a weighted metric also listed unweighted) prefixes ``weighted_``."""
    from kerasnb.engine.metrics import lookup
    from kerasnb.engine.metrics import probabilistic
    if isinstance(identifier, str) and identifier in ("crossentropy", "ce"):
        kind = lookup.accuracy_kind(y_true, y_pred)
        metric = {"binary": probabilistic.BinaryCrossentropy,
                  "sparse_categorical": probabilistic.SparseCategoricalCrossentropy,
                  "categorical": probabilistic.CategoricalCrossentropy}[kind](name=identifier)
    else:
        metric = lookup.compile_metric(identifier, y_true, y_pred)
    if weighted:
        metric.name = f"weighted_{metric.name}"
    return metric
