"""Runs kerasnb optimizers on the shared problem, eagerly or through compiled `stateless_apply`."""

import numpy as np

import kerasnb.optimizers as optimizers
from kerasnb.engine.constraints import NonNeg
from kerasnb.engine.tensors import Variable
from tests.engine.layers.harness import compiled
from tests.engine.ops.checks import to_numpy


def make(class_name, kwargs, setup):
    kwargs = dict(kwargs)
    if "schedule" in setup:
        name, args = setup["schedule"]
        kwargs["learning_rate"] = getattr(optimizers.schedules, name)(**args)
    inner = setup.get("inner")
    if inner:
        return getattr(optimizers, class_name)(getattr(optimizers, inner[0])(**inner[1]), **kwargs)
    return getattr(optimizers, class_name)(**kwargs)


def variables_for(names, initial, setup):
    variables = [Variable(np.array(v), name=n) for n, v in zip(names, initial)]
    if setup.get("constraint"):
        variables[0].constraint = NonNeg()
    return variables


def run_eager(class_name, kwargs, setup, names, initial, grads):
    """Final (variables, optimizer variables) as NumPy after eager `apply` of every step."""
    opt = make(class_name, kwargs, setup)
    variables = variables_for(names, initial, setup)
    if setup.get("exclude"):
        opt.exclude_from_weight_decay(var_names=setup["exclude"])
    for step in grads:
        opt.apply([np.asarray(g) for g in step], variables)
    if setup.get("finalize"):
        opt.finalize_variable_values(variables)
    return [v.numpy() for v in variables], [v.numpy() for v in opt.variables], opt


def run_stateless(class_name, kwargs, setup, names, initial, grads):
    """Same as `run_eager`, through `stateless_apply` compiled the backend's way."""
    opt = make(class_name, kwargs, setup)
    variables = variables_for(names, initial, setup)
    if setup.get("exclude"):
        opt.exclude_from_weight_decay(var_names=setup["exclude"])
    opt.build(variables)
    step_fn = compiled(lambda opt_values, g, values: opt.stateless_apply(opt_values, g, values))
    values = [v.value for v in variables]
    opt_values = [v.value for v in opt.variables]
    for step in grads:
        values, opt_values = step_fn(opt_values, [np.asarray(g) for g in step], values)
        values, opt_values = list(values), list(opt_values)
    return [to_numpy(v) for v in values], [to_numpy(v) for v in opt_values], opt


def assert_close(got, expected, rtol=2e-5, atol=2e-6, what=""):
    assert len(got) == len(expected), f"{what}: {len(got)} values vs {len(expected)}"
    for i, (g, e) in enumerate(zip(got, expected)):
        np.testing.assert_allclose(np.asarray(g, dtype="float64"), np.asarray(e, dtype="float64"),
                                   rtol=rtol, atol=atol, err_msg=f"{what} [{i}]")
