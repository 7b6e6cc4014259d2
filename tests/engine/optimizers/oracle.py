"""Runs real Keras (numpy backend, in a subprocess) as a test oracle for optimizers.

`run_keras(cases)` takes ``[(class_name, kwargs, setup)]`` and the shared problem (initial
variables, gradients per step) and returns, per case, Keras's final variable values and
optimizer variable values after applying every step.
"""

import os
import pickle
import subprocess
import sys

import numpy as np

_cache = {}

_SCRIPT = r"""
import pickle, sys
import numpy as np
import keras
problem = pickle.load(sys.stdin.buffer)
results = []
for class_name, kwargs, setup in problem["cases"]:
    kwargs = dict(kwargs)
    if "schedule" in setup:
        name, args = setup["schedule"]
        kwargs["learning_rate"] = getattr(keras.optimizers.schedules, name)(**args)
    inner = setup.get("inner")
    if inner:
        opt = getattr(keras.optimizers, class_name)(getattr(keras.optimizers, inner[0])(**inner[1]), **kwargs)
    else:
        opt = getattr(keras.optimizers, class_name)(**kwargs)
    variables = [keras.Variable(v, name=n) for n, v in zip(problem["names"], problem["initial"])]
    if setup.get("constraint"):
        variables[0].constraint = keras.constraints.NonNeg()
    if setup.get("exclude"):
        opt.exclude_from_weight_decay(var_names=setup["exclude"])
    for grads in problem["grads"]:
        opt.apply([np.asarray(g) for g in grads], variables)
    if setup.get("finalize"):
        opt.finalize_variable_values(variables)
    results.append({"variables": [np.array(v.numpy()) for v in variables],
                    "optimizer": [np.array(v.numpy()) for v in opt.variables],
                    "paths": [v.path for v in opt.variables]})
pickle.dump(results, sys.stdout.buffer)
"""


def run_script(script, payload):
    """Runs `script` under real Keras (numpy backend) with `payload` pickled on stdin; returns
    what it pickles to stdout (cached per script and payload)."""
    key = pickle.dumps((script, payload))
    if key in _cache:
        return _cache[key]
    env = dict(os.environ, KERAS_BACKEND="numpy")
    env.pop("KERASNB_BACKEND", None)
    done = subprocess.run([sys.executable, "-c", script], input=pickle.dumps(payload),
                          capture_output=True, env=env, cwd="/tmp", check=False)
    if done.returncode:
        raise RuntimeError(done.stderr.decode()[-3000:])
    _cache[key] = pickle.loads(done.stdout)
    return _cache[key]


def run_keras(cases, names, initial, grads):
    """Keras's results for each case (see the module docstring); cached per problem."""
    return run_script(_SCRIPT, {"cases": cases, "names": names, "initial": initial, "grads": grads})


def problem(steps=4, seed=0):
    """A small shared problem: a (3, 4) kernel, a (4,) bias, and `steps` gradient pairs."""
    rng = np.random.default_rng(seed)
    initial = [rng.normal(size=(3, 4)).astype("float32"), rng.normal(size=(4,)).astype("float32")]
    grads = [[rng.normal(size=(3, 4)).astype("float32"), rng.normal(size=(4,)).astype("float32")]
             for _ in range(steps)]
    return ["kernel", "bias"], initial, grads
