"""`DataLayer`: the base of preprocessing and augmentation layers.

A data layer runs in three places with one `call`, written against `kerasnb.ops`:

* eagerly on arrays or tensors, and inside a model, on the active backend;
* inside a ``tf.data`` pipeline (``dataset.map(layer)``) whatever the active backend is.
  There the inputs are symbolic TensorFlow tensors, so the call runs its ops on TensorFlow
  through `backend.evaluating("tensorflow")`: a thread-local dispatch override. The
  session's backend is not switched (no Variable moves, other threads are unaffected);
  the layer's Variables are read as TensorFlow constants for the traced graph.

Weights are created outside the traced graph (`backend.outside_tf_graph`), so a layer first
called inside ``tf.data`` still holds concrete state afterwards. State that the call updates
(the seed generators of random layers) is held for the graph in TensorFlow variables, read
and assigned on every run of the pipeline, so each element draws new random numbers; the
layer's own Variables are left as they were.

Example:
    >>> class AddOne(DataLayer):
    ...     def call(self, inputs):
    ...         return ops.add(inputs, 1.0)
    >>> dataset = tf.data.Dataset.from_tensor_slices(np.zeros((4, 2), "float32"))
    >>> dataset = dataset.map(AddOne())  # runs on TensorFlow, even under the jax backend
"""

import contextlib

from kerasnb.engine import backend, scope
from kerasnb.engine.layers.layer import Layer
from kerasnb.engine.ops.op import has_symbolic


class DataLayer(Layer):
    """A layer usable in models on every backend and inside ``tf.data`` pipelines.

    Subclasses write `call` with `kerasnb.ops` as usual.

    TensorFlow's AutoGraph would rewrite the Python of a layer passed to ``dataset.map``;
    it calls objects that carry an ``autograph_info__`` attribute as they are instead, so
    data layers carry one: their call runs once, at trace time, as plain Python.

    Example:
        >>> class Double(DataLayer):
        ...     def call(self, inputs):
        ...         return ops.multiply(inputs, 2)
        >>> Double()(np.ones((2, 2))).shape
        (2, 2)
    """

    autograph_info__ = None

    def __call__(self, *args, **kwargs):
        if not args or has_symbolic(args, kwargs) or not backend.in_tf_graph():
            return super().__call__(*args, **kwargs)
        if not self.built:
            with backend.outside_tf_graph():
                self._maybe_build(args, kwargs)
        if scope.current() is not None:  # a compiled step that maps all state itself
            return super().__call__(*args, **kwargs)
        on_tf = contextlib.nullcontext() if backend.current() == "tensorflow" else \
            backend.evaluating("tensorflow")
        with on_tf:
            return self._call_with_graph_state(args, kwargs)

    def _call_with_graph_state(self, args, kwargs):
        """The call inside a TensorFlow graph, with the non-weight state (seed generators)
        read from and written back to `GraphState` holders instead of the Variables."""
        state = self._collect(lambda layer: layer._own_state())
        if not state:
            return super().__call__(*args, **kwargs)
        trainer = backend.get().trainer
        holders = self.__dict__.setdefault("_graph_state", {})
        for variable in state:
            if id(variable) not in holders:
                holders[id(variable)] = trainer.GraphState(variable.numpy())
        mapping = [(variable, holders[id(variable)].read()) for variable in state]
        with scope.StatelessScope(mapping) as call_scope:
            outputs = super().__call__(*args, **kwargs)
        for variable, value in call_scope.updated_variables():
            if id(variable) in holders:
                holders[id(variable)].write(value)
        return outputs

