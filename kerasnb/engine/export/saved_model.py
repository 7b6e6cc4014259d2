"""TensorFlow SavedModel export from any backend, and `ExportArchive` (`keras.export`).

Endpoint functions are traced on the tensorflow backend without switching the user's
session: while TensorFlow traces, ops run on tensorflow (`backend.evaluating`) and every
tracked kerasnb `Variable` reads a `tf.Variable` mirror (a `StatelessScope`), so the graph
captures the mirrors and the user's backend and Variables stay exactly as they were.
Variables an endpoint reads but nobody tracked are embedded as constants.

Example:
    >>> model.export("served", format="tf_saved_model")
    >>> tf.saved_model.load("served").serve(x)
"""

import contextlib
import functools
import inspect
import os
import shutil
import uuid

from kerasnb.engine import backend
from kerasnb.engine.export.input_signature import model_input_specs, to_input_spec
from kerasnb.engine.layers.layer import Layer
from kerasnb.engine.scope import StatelessScope
from kerasnb.engine.tensors import Variable
from kerasnb.engine.utils import tree

DEFAULT_ENDPOINT = "serve"
# Keras's JAX-only options (jax2tf conversion); kerasnb traces on tensorflow directly.
_IGNORED_ENDPOINT_KWARGS = ("is_static", "jax2tf_kwargs")


def export(model, filepath, verbose=None, input_signature=None, **kwargs):
    """Writes `model`'s inference function as a SavedModel directory `filepath`.

    The function is the ``serve`` endpoint, also the ``serving_default`` signature, with one
    argument per model input named after it and a dynamic batch dimension by default.

    Args:
        model: a built model (or any layer with known inputs).
        filepath: the directory to write; an existing one is replaced whole.
        verbose: print the endpoints (default True).
        input_signature: input specs (see `input_signature.model_input_specs`).
        **kwargs: Keras's JAX-only ``is_static``/``jax2tf_kwargs``, accepted and unused.

    Example:
        >>> export(model, "served")
        >>> tf.saved_model.load("served").signatures["serving_default"](features=x)
    """
    specs, arrange = model_input_specs(model, input_signature)
    archive = ExportArchive()
    archive.track(model)
    archive.add_endpoint(DEFAULT_ENDPOINT, lambda *tensors: model(*arrange(tensors), training=False),
                         specs, **kwargs)
    archive.write_out(filepath, verbose=True if verbose is None else verbose)


@functools.cache
def _root_class():
    from kerasnb.engine.backend.tensorflow.core import tf

    class ArchiveRoot(tf.Module):
        """The saved object: endpoints as methods, tracked variables as lists."""
        variables = trainable_variables = non_trainable_variables = ()

    return ArchiveRoot


class ExportArchive:
    """Builds a SavedModel with chosen endpoints, from any backend.

    `track` the layers or models whose variables the endpoints use, add endpoints with
    `add_endpoint`, then `write_out`. The reloaded object (`tf.saved_model.load`) has each
    endpoint as a method, the first one also as the ``serving_default`` signature, and the
    tracked variables as `variables`, `trainable_variables` and `non_trainable_variables`.

    Args:
        format: ``"saved_model"`` (the only format kerasnb writes).

    Example:
        >>> archive = ExportArchive()
        >>> archive.track(model)
        >>> archive.add_endpoint("serve", lambda x: model(x, training=False),
        ...                      [keras.InputSpec(shape=(None, 4), dtype="float32")])
        >>> archive.write_out("served")
    """

    def __init__(self, format="saved_model", **kwargs):
        if format == "neptune_model":
            raise NotImplementedError("ExportArchive(format='neptune_model') is not supported by kerasnb.")
        if format != "saved_model":
            raise ValueError(f"`format` must be 'saved_model'; received format={format!r}.")
        if kwargs:
            raise TypeError(f"ExportArchive got unexpected keyword arguments: {sorted(kwargs)}.")
        self._root = _root_class()()
        self._root.resources = []
        self._mirrors = {}     # id(Variable) -> (Variable, tf.Variable)
        self._tracked = {}     # id(Variable) -> Variable of a tracked layer, in order
        self._endpoints = {}   # name -> tf.function

    def track(self, resource):
        """Tracks a built layer or model (its variables become `tf.Variable`s of the archive),
        or a TensorFlow trackable (`tf.Module`, `tf.Variable`, lookup table...).

        Raises:
            ValueError: an unbuilt layer, or a `resource` of another kind.
        """
        from kerasnb.engine.backend.tensorflow.core import tf

        if isinstance(resource, Layer):
            if not resource.built:
                raise ValueError(f"`track` needs a built layer; {resource.name!r} is not built yet "
                                 "(call it on data or `build` it first).")
            for variable in resource.variables:
                if id(variable) not in self._tracked:
                    self._mirror(variable)
                    self._tracked[id(variable)] = variable
            mirrors = [self._mirrors[key][1] for key in self._tracked]
            self._root.variables = mirrors
            self._root.trainable_variables = [m for m in mirrors if m.trainable]
            self._root.non_trainable_variables = [m for m in mirrors if not m.trainable]
        elif isinstance(resource, (tf.Module, tf.Variable, tf.saved_model.experimental.TrackableResource)):
            self._root.resources.append(resource)
        else:
            raise ValueError(
                "`resource` must be a kerasnb Layer or Model, or a TensorFlow trackable (tf.Module, "
                f"tf.Variable, lookup table); received {type(resource).__name__}.")

    def add_endpoint(self, name, fn, input_signature=None, **kwargs):
        """Adds `fn` as the endpoint `name` of the archive.

        `fn` is ordinary kerasnb code (e.g. ``model.call`` or a lambda calling the model); it
        is traced into a TensorFlow graph reading the tracked variables. A layer or a layer's
        method is tracked automatically.

        Args:
            name: the endpoint's name (a Python identifier, not yet used).
            fn: the callable to export.
            input_signature: one spec structure per positional argument of `fn`: `InputSpec`,
                `KerasTensor`, `tf.TensorSpec` or tensors. May be omitted when `fn` is a
                `tf.function` with its own input signature.
            **kwargs: Keras's JAX-only ``is_static``/``jax2tf_kwargs``, accepted and unused.

        Returns:
            The `tf.function` added to the archive.

        Example:
            >>> archive.add_endpoint("serve", model.call,
            ...                      [keras.InputSpec(shape=(None, 4), dtype="float32")])
        """
        from kerasnb.engine.backend.tensorflow.core import tf

        self._check_free(name)
        unexpected = sorted(set(kwargs) - set(_IGNORED_ENDPOINT_KWARGS))
        if unexpected:
            raise TypeError(f"`add_endpoint` got unexpected keyword arguments: {unexpected}.")
        if not callable(fn):
            raise TypeError(f"`fn` must be callable; received {type(fn).__name__}.")
        if input_signature is None:
            input_signature = getattr(fn, "input_signature", None)
            if input_signature is None:
                raise ValueError(
                    f"Endpoint {name!r} needs `input_signature` (one spec per argument of `fn`), "
                    "unless `fn` is a tf.function created with one.")
        owner = fn if isinstance(fn, Layer) else getattr(fn, "__self__", None)
        if isinstance(owner, Layer) and owner.built:
            self.track(owner)
        arguments = list(input_signature) if isinstance(input_signature, (list, tuple)) else [input_signature]
        specs = [_tf_specs(argument, name) for argument, name in zip(arguments, _argument_names(fn, len(arguments)))]

        def endpoint(*args):
            return self._run(fn, args)

        function = tf.function(endpoint, input_signature=specs, autograph=False)
        function.get_concrete_function()  # traces now: errors surface here, not at write_out
        self._endpoints[name] = function
        setattr(self._root, name, function)
        return function

    def track_and_add_endpoint(self, name, resource, input_signature, **kwargs):
        """Tracks `resource` (a layer or model) and adds its call as the endpoint `name`.

        Example:
            >>> archive.track_and_add_endpoint(
            ...     "serve", model, [keras.InputSpec(shape=(None, 4), dtype="float32")])
        """
        self.track(resource)
        return self.add_endpoint(name, resource, input_signature, **kwargs)

    def add_variable_collection(self, name, variables):
        """Saves `variables` (kerasnb Variables or `tf.Variable`s) as the list attribute `name`
        of the reloaded object.

        Example:
            >>> archive.add_variable_collection("optimizer_variables", optimizer.variables)
        """
        from kerasnb.engine.backend.tensorflow.core import tf

        self._check_free(name)
        if not isinstance(variables, (list, tuple, set)):
            raise ValueError(f"`variables` must be a list, tuple or set of Variables; "
                             f"received {type(variables).__name__}.")
        collection = []
        for variable in variables:
            if isinstance(variable, Variable):
                collection.append(self._mirror(variable))
            elif isinstance(variable, tf.Variable):
                collection.append(variable)
            else:
                raise ValueError(f"`variables` must hold Variables; received {type(variable).__name__}.")
        setattr(self._root, name, collection)

    def write_out(self, filepath, options=None, verbose=True):
        """Writes the SavedModel directory `filepath` (atomically: a failed write leaves
        nothing, and an existing directory is replaced only when the new one is complete).

        Every endpoint is also a signature; the first is also ``serving_default`` unless an
        endpoint has that name.

        Args:
            filepath: the directory to write.
            options: a `tf.saved_model.SaveOptions`.
            verbose: print each endpoint's inputs and outputs.

        Raises:
            ValueError: no endpoint was added.
            FileExistsError: `filepath` is an existing file.
        """
        from kerasnb.engine.backend.tensorflow.core import quiet, tf

        if not self._endpoints:
            raise ValueError("The archive has no endpoints: call `add_endpoint()` before `write_out()`.")
        if not isinstance(filepath, (str, os.PathLike)):
            raise TypeError(f"`filepath` must be a str or os.PathLike; received {type(filepath).__name__}.")
        filepath = os.fspath(filepath)
        signatures = {name: fn.get_concrete_function() for name, fn in self._endpoints.items()}
        signatures.setdefault("serving_default", next(iter(signatures.values())))
        with _staged_directory(filepath) as staging, quiet():
            tf.saved_model.save(self._root, staging, signatures=signatures, options=options)
        if verbose:
            lines = [f"Saved artifact at '{filepath}'. Endpoints:"]
            lines += [f"  {_describe(name, fn.get_concrete_function())}" for name, fn in self._endpoints.items()]
            print("\n".join(lines))

    # Internals -------------------------------------------------------------------------

    def _mirror(self, variable):
        """The `tf.Variable` holding `variable`'s value in the archive (made once)."""
        from kerasnb.engine.backend.tensorflow.core import tf

        entry = self._mirrors.get(id(variable))
        if entry is None:
            with tf.init_scope():
                mirror = tf.Variable(variable.numpy(), trainable=variable.trainable,
                                     name=variable.path.replace(":", "_"))
            entry = self._mirrors[id(variable)] = (variable, mirror)
        return entry[1]

    def _run(self, fn, args):
        """Calls `fn` on tensorflow with each mirrored Variable reading its mirror; values the
        call assigns to mirrored Variables are assigned to the mirrors."""
        with backend.evaluating("tensorflow"), StatelessScope(list(self._mirrors.values())) as scope:
            outputs = fn(*args)
            for variable, value in scope.updated_variables():
                entry = self._mirrors.get(id(variable))
                if entry is not None:
                    entry[1].assign(value)
        return outputs

    def _check_free(self, name):
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(f"`name` must be a Python identifier; received {name!r}.")
        if name in self._endpoints or hasattr(self._root, name):
            raise ValueError(f"The name {name!r} is already taken in this archive.")


def _argument_names(fn, count):
    """Names for `count` positional arguments of `fn`: its parameters' (``args_i`` beyond)."""
    try:
        parameters = inspect.signature(fn.call if isinstance(fn, Layer) else fn).parameters.values()
    except (TypeError, ValueError):
        parameters = ()
    names = [p.name for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return [names[i] if i < len(names) else f"args_{i}" for i in range(count)]


def _tf_specs(structure, name):
    """`structure` with `tf.TensorSpec` leaves; unnamed leaves are named after the argument
    (and their position in it: ``inputs_0``, ``inputs_ids``)."""
    from kerasnb.engine.backend.tensorflow.core import tf

    leaves = []
    for path, spec in tree.flatten_with_path(structure):
        spec = to_input_spec(spec, name="_".join([name, *map(str, path)]))
        leaves.append(tf.TensorSpec(spec.shape, tf.as_dtype(spec.dtype), name=spec.name))
    return tree.pack_sequence_as(structure, leaves)


def _describe(name, concrete):
    """``serve(features: float32[?, 4]) -> float32[?, 3]`` for a concrete function."""
    def text(t):
        dims = ", ".join("?" if d is None else str(d) for d in t.shape.as_list())
        return f"{t.dtype.name}[{dims}]"

    args, kwargs = concrete.structured_input_signature
    inputs = [f"{s.name}: {text(s)}" if s.name else text(s) for s in tree.flatten([list(args), kwargs])]
    outputs = [text(t) for t in tree.flatten(concrete.structured_outputs)]
    result = outputs[0] if len(outputs) == 1 else "(" + ", ".join(outputs) + ")"
    return f"{name}({', '.join(inputs)}) -> {result}"


@contextlib.contextmanager
def _staged_directory(filepath):
    """Yields an empty staging directory next to `filepath`; when the block succeeds it
    takes `filepath`'s place (an existing directory is swapped out, then removed)."""
    if os.path.isfile(filepath):
        raise FileExistsError(f"`filepath` {filepath!r} is an existing file; a SavedModel is a directory.")
    parent, name = os.path.split(os.path.abspath(filepath))
    os.makedirs(parent, exist_ok=True)
    staging = os.path.join(parent, f".{name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    retired = f"{staging}.old"
    os.makedirs(staging)
    try:
        yield staging
        if os.path.exists(filepath):
            os.replace(filepath, retired)
        os.replace(staging, filepath)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if os.path.exists(retired) and not os.path.exists(filepath):
            os.replace(retired, filepath)
        raise
    shutil.rmtree(retired, ignore_errors=True)
