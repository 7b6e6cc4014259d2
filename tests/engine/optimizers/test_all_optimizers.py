"""Every optimizer of `keras.optimizers` against real Keras (several steps, variants and the
shared options), compiled `stateless_apply` against eager `apply`, and NumPy references."""

import re

import numpy as np
import pytest

import kerasnb.optimizers as optimizers
from tests.engine.optimizers.cases import OTHER_CASES as CASES
from tests.engine.optimizers.harness import assert_close, run_eager
from tests.engine.optimizers.oracle import problem, run_keras, run_script

NAMES, INITIAL, GRADS = problem(steps=4, seed=1)

IDS = [f"{i}-{c}" for i, (c, _, _) in enumerate(CASES)]


@pytest.fixture(scope="module")
def keras_results():
    return run_keras(CASES, NAMES, INITIAL, GRADS)


@pytest.mark.parametrize("index", range(len(CASES)), ids=IDS)
def test_matches_keras(trainable_backend, keras_results, index):
    class_name, kwargs, setup = CASES[index]
    expected = keras_results[index]
    got, state, opt = run_eager(class_name, kwargs, setup, NAMES, INITIAL, GRADS)
    assert_close(got, expected["variables"], rtol=1e-4, atol=1e-5, what=f"{class_name} variables")
    # Keras leaves Nadam's running momentum product unnamed ("variable"); ours says what it is.
    keras_names = [re.sub(r"^variable(_\d+)?$", "u_product", p.split("/")[-1])
                   for p in expected["paths"]]
    assert keras_names == [v.path.split("/")[-1] for v in opt.variables]
    assert_close(state, expected["optimizer"], rtol=1e-4, atol=1e-5, what=f"{class_name} state")


def numpy_rmsprop(lr, rho, momentum, eps, centered, initial, grads):
    w = [x.astype("float64") for x in initial]
    v, avg, m = ([np.zeros_like(x) for x in w] for _ in range(3))
    for step in grads:
        for i, g in enumerate(step):
            v[i] = rho * v[i] + (1 - rho) * g * g
            avg[i] = rho * avg[i] + (1 - rho) * g
            denominator = v[i] - avg[i] ** 2 + eps if centered else v[i] + eps
            m[i] = momentum * m[i] + lr * g / np.sqrt(denominator)
            w[i] = w[i] - m[i]
    return w


def numpy_lion(lr, b1, b2, initial, grads):
    w = [x.astype("float64") for x in initial]
    m = [np.zeros_like(x) for x in w]
    for step in grads:
        for i, g in enumerate(step):
            w[i] = w[i] - lr * np.sign(b1 * m[i] + (1 - b1) * g)
            m[i] = b2 * m[i] + (1 - b2) * g
    return w


def numpy_adagrad(lr, initial_value, eps, initial, grads):
    w = [x.astype("float64") for x in initial]
    a = [np.full_like(x, initial_value) for x in w]
    for step in grads:
        for i, g in enumerate(step):
            a[i] = a[i] + g * g
            w[i] = w[i] - lr * g / np.sqrt(a[i] + eps)
    return w


def test_numpy_references(backend):
    got, _, _ = run_eager("RMSprop", {"learning_rate": 0.01, "momentum": 0.3, "centered": True},
                          {}, NAMES, INITIAL, GRADS)
    assert_close(got, numpy_rmsprop(0.01, 0.9, 0.3, 1e-7, True, INITIAL, GRADS))
    got, _, _ = run_eager("Lion", {"learning_rate": 0.05}, {}, NAMES, INITIAL, GRADS)
    assert_close(got, numpy_lion(0.05, 0.9, 0.99, INITIAL, GRADS))
    got, _, _ = run_eager("Adagrad", {"learning_rate": 0.1}, {}, NAMES, INITIAL, GRADS)
    assert_close(got, numpy_adagrad(0.1, 0.1, 1e-7, INITIAL, GRADS))


def test_muon_orthogonalizes_2d_updates(trainable_backend):
    # With rms_rate=None and many Newton-Schulz steps, the kernel's first update is close to
    # -lr * U V^T of the (Nesterov) direction; singular values of the step approach ~1.
    kernel = INITIAL[0]
    got, _, _ = run_eager("Muon", {"learning_rate": 1.0, "rms_rate": None, "weight_decay": None,
                                   "ns_steps": 10}, {}, NAMES, INITIAL, GRADS[:1])
    step = kernel.astype("float64") - got[0]
    singular = np.linalg.svd(step, compute_uv=False)
    assert np.all((singular > 0.6) & (singular < 1.3)), singular


def test_loss_scale_skips_non_finite_steps(trainable_backend):
    from kerasnb.engine.tensors import Variable
    v = Variable(np.ones(3, "float32"))
    opt = optimizers.LossScaleOptimizer(optimizers.SGD(learning_rate=1.0), initial_scale=8.0,
                                        dynamic_growth_steps=2)
    opt.apply([np.array([8.0, np.inf, 0.0], "float32")], [v])
    np.testing.assert_allclose(v.numpy(), [1.0, 1.0, 1.0])
    assert float(opt.dynamic_scale.numpy()) == 4.0 and int(opt.iterations.numpy()) == 0
    opt.apply([np.array([4.0, 4.0, 4.0], "float32")], [v])
    np.testing.assert_allclose(v.numpy(), [0.0, 0.0, 0.0])
    assert float(opt.dynamic_scale.numpy()) == 4.0 and int(opt.step_counter.numpy()) == 1
    opt.apply([np.array([4.0, 4.0, 4.0], "float32")], [v])
    assert float(opt.dynamic_scale.numpy()) == 8.0 and int(opt.step_counter.numpy()) == 0
    assert float(opt.scale_loss(2.0)) == 16.0
    assert int(opt.iterations.numpy()) == 2


def test_loss_scale_arguments_and_config():
    inner = optimizers.Adam(learning_rate=0.01)
    opt = optimizers.LossScaleOptimizer(inner, initial_scale=2.0)
    assert float(opt.scale_loss(3.0)) == 6.0
    config = opt.get_config()
    assert "learning_rate" not in config and config["inner_optimizer"]["class_name"] == "Adam"
    again = optimizers.LossScaleOptimizer.from_config(config)
    assert again.get_config() == config
    with pytest.raises(ValueError, match="does not support `clipnorm`"):
        optimizers.LossScaleOptimizer(optimizers.SGD(), clipnorm=1.0)
    with pytest.raises(TypeError, match="inner_optimizer"):
        optimizers.LossScaleOptimizer("sgd")
    opt.learning_rate = 0.5
    assert float(inner.learning_rate.numpy()) == 0.5


MULTI_CASES = [("MultiOptimizer", {}, {})]


_MULTI_SCRIPT = r"""
import pickle, sys
import numpy as np
import keras
names, initial, grads = pickle.load(sys.stdin.buffer)
opt = keras.optimizers.MultiOptimizer(keras.optimizers.OptimizerMap(
    keras.optimizers.SGD(learning_rate=0.1, momentum=0.9), {"b.*": keras.optimizers.Adam(0.05)}))
variables = [keras.Variable(v, name=n) for n, v in zip(names, initial)]
for step in grads:
    opt.apply([np.asarray(g) for g in step], variables)
pickle.dump(([v.numpy() for v in variables], [v.numpy() for v in opt.variables],
             [v.path for v in opt.variables]), sys.stdout.buffer)
"""


def test_multi_optimizer_matches_keras(trainable_backend):
    expected_vars, expected_state, expected_paths = run_script(_MULTI_SCRIPT, (NAMES, INITIAL, GRADS))
    from kerasnb.engine.tensors import Variable

    def make():
        return optimizers.MultiOptimizer(optimizers.OptimizerMap(
            optimizers.SGD(learning_rate=0.1, momentum=0.9), {"b.*": optimizers.Adam(0.05)}))

    opt = make()
    variables = [Variable(np.array(v), name=n) for n, v in zip(NAMES, INITIAL)]
    for step in GRADS:
        opt.apply(step, variables)
    assert_close([v.numpy() for v in variables], expected_vars)
    assert_close([v.numpy() for v in opt.variables], expected_state)
    assert [p.split("/")[-1] for p in expected_paths] == [v.path.split("/")[-1] for v in opt.variables]
    # the same through compiled stateless_apply
    from tests.engine.layers.harness import compiled
    fresh = make()
    variables = [Variable(np.array(v), name=n) for n, v in zip(NAMES, INITIAL)]
    fresh.build(variables)
    step_fn = compiled(fresh.stateless_apply)
    values, state = [v.value for v in variables], [v.value for v in fresh.variables]
    for step in GRADS:
        values, state = step_fn(state, step, values)
    assert_close([np.asarray(v) for v in values], expected_vars)


def test_multi_optimizer_rules():
    sgd, adam = optimizers.SGD(), optimizers.Adam()
    mapping = optimizers.OptimizerMap(sgd)
    mapping["encoder/.*"] = adam
    assert mapping["encoder/dense/kernel"] is adam and mapping["decoder/x"] is sgd
    with pytest.raises(ValueError, match="already exists"):
        mapping["encoder/.*"] = sgd
    with pytest.raises(ValueError, match="cannot hold"):
        mapping["x"] = optimizers.LossScaleOptimizer(optimizers.SGD())
    with pytest.raises(TypeError, match="default_optimizer"):
        optimizers.OptimizerMap("sgd")
    multi = optimizers.MultiOptimizer(mapping, loss_scale_factor=2.0)
    assert sgd.loss_scale_factor == 2.0 and adam.loss_scale_factor == 2.0
    with pytest.raises(AttributeError, match="learning rate"):
        multi.learning_rate
    again = optimizers.deserialize(optimizers.serialize(multi))
    assert [type(o).__name__ for o in again.optimizers] == ["Adam", "SGD"]


@pytest.mark.parametrize("name,cls", [
    ("adam", "Adam"), ("SGD", "SGD"), ("rmsprop", "RMSprop"), ("adamw", "AdamW"),
    ("nadam", "Nadam"), ("adagrad", "Adagrad"), ("adadelta", "Adadelta"), ("adamax", "Adamax"),
    ("ftrl", "Ftrl"), ("lion", "Lion"), ("lamb", "Lamb"), ("adafactor", "Adafactor"),
    ("muon", "Muon"), ("schedulefreeadamw", "ScheduleFreeAdamW")])
def test_get_by_name(name, cls):
    assert type(optimizers.get(name)).__name__ == cls


def test_get_other_identifiers():
    opt = optimizers.RMSprop()
    assert optimizers.get(opt) is opt
    assert optimizers.get(None) is None
    restored = optimizers.get({"class_name": "SGD", "config": {"learning_rate": 0.3, "momentum": 0.5}})
    assert restored.momentum == 0.5 and float(restored.learning_rate.numpy()) == pytest.approx(0.3)
    with pytest.raises(ValueError, match="'adam'"):
        optimizers.get("nope")
    with pytest.raises(ValueError, match="Could not interpret"):
        optimizers.get(3)


@pytest.mark.parametrize("cls", [
    optimizers.Adadelta, optimizers.Adafactor, optimizers.Adagrad, optimizers.Adamax,
    optimizers.Ftrl, optimizers.Lamb, optimizers.Lion, optimizers.Muon, optimizers.Nadam,
    optimizers.RMSprop, optimizers.ScheduleFreeAdamW])
def test_config_round_trip_and_keras_keys(cls):
    opt = cls(learning_rate=0.02, clipvalue=0.5)
    config = opt.get_config()
    assert cls.from_config(config).get_config() == config
    restored = optimizers.deserialize(optimizers.serialize(opt))
    assert type(restored) is cls and restored.get_config() == config


def test_config_keys_match_keras():
    names = ["Adadelta", "Adafactor", "Adagrad", "Adam", "AdamW", "Adamax", "Ftrl", "Lamb", "Lion",
             "Muon", "Nadam", "RMSprop", "SGD", "ScheduleFreeAdamW"]
    script = ("import pickle, sys, keras\n"
              "names = pickle.load(sys.stdin.buffer)\n"
              "import json\n"
              "pickle.dump({n: json.loads(json.dumps(getattr(keras.optimizers, n)(name='x').get_config())) for n in names},"
              " sys.stdout.buffer)\n")
    expected = run_script(script, names)
    for name in names:
        ours = getattr(optimizers, name)(name="x").get_config()
        assert ours.keys() == expected[name].keys(), name
        for key, value in expected[name].items():
            if isinstance(value, float):
                assert ours[key] == pytest.approx(value), (name, key)
            else:
                assert ours[key] == value, (name, key)


ALL_CLASSES = ["Adadelta", "Adafactor", "Adagrad", "Adam", "AdamW", "Adamax", "Ftrl", "Lamb",
               "Lion", "Muon", "Nadam", "RMSprop", "SGD", "ScheduleFreeAdamW"]


def test_mixed_dtypes_follow_each_variable(trainable_backend):
    # A float16 kernel next to a float32 bias: the update runs in each variable's own dtype
    # and agrees with the all-float32 run to float16 precision.
    from kerasnb.engine.tensors import Variable
    kernel = INITIAL[0] + 2.0
    for name in ALL_CLASSES:
        results = []
        for dtype in ("float16", "float32"):
            opt = getattr(optimizers, name)(learning_rate=0.05, weight_decay=0.01, use_ema=True)
            variables = [Variable(kernel, dtype=dtype, name="kernel"), Variable(INITIAL[1], name="bias")]
            for step in GRADS[:2]:
                opt.apply([step[0].astype(dtype), step[1]], variables)
            assert [v.dtype for v in variables] == [dtype, "float32"], name
            results.append([v.numpy().astype("float64") for v in variables])
        np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-2, atol=1e-2, err_msg=name)
        np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-5, atol=1e-5, err_msg=name)


_KERAS_CONFIGS = r"""
import json, pickle, sys
import keras
o = keras.optimizers
made = [
    o.Adam(learning_rate=o.schedules.CosineDecay(0.1, 10, warmup_target=0.2, warmup_steps=3),
           amsgrad=True),
    o.LossScaleOptimizer(o.SGD(0.2, momentum=0.5), initial_scale=64.0),
    o.RMSprop(learning_rate=o.schedules.PiecewiseConstantDecay([2, 4], [0.1, 0.05, 0.01])),
]
pickle.dump([json.loads(json.dumps(o.serialize(x))) for x in made], sys.stdout.buffer)
"""


def test_deserializes_keras_configs():
    configs = run_script(_KERAS_CONFIGS, None)
    adam, scaled, rmsprop = (optimizers.deserialize(c) for c in configs)
    assert type(adam) is optimizers.Adam and adam.amsgrad
    assert type(adam._learning_rate) is optimizers.schedules.CosineDecay
    assert adam._learning_rate.warmup_target == 0.2
    assert type(scaled) is optimizers.LossScaleOptimizer and scaled.initial_scale == 64.0
    assert type(scaled.inner_optimizer) is optimizers.SGD and scaled.inner_optimizer.momentum == 0.5
    assert type(rmsprop._learning_rate) is optimizers.schedules.PiecewiseConstantDecay
    for ours, theirs in zip((adam, scaled, rmsprop), configs):
        assert optimizers.serialize(ours)["config"].keys() == theirs["config"].keys()
