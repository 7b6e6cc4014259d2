"""SGD and Adam (and the shared pipeline: clipping, weight decay, EMA, accumulation,
constraints) against NumPy references of the published update rules and against Keras."""

import numpy as np
import pytest

import kerasnb.optimizers as optimizers
from kerasnb.engine.tensors import Variable
from tests.engine.optimizers.harness import assert_close, run_eager
from tests.engine.optimizers.cases import SGD_ADAM_CASES as ORACLE_CASES
from tests.engine.optimizers.oracle import problem, run_keras

NAMES, INITIAL, GRADS = problem()


def _clip(grads, kwargs):
    if kwargs.get("clipnorm"):
        c = kwargs["clipnorm"]
        return [g * c / max(np.sqrt((g ** 2).sum()), c) for g in grads]
    if kwargs.get("global_clipnorm"):
        c = kwargs["global_clipnorm"]
        norm = np.sqrt(sum((g ** 2).sum() for g in grads))
        return [g * c * min(1 / norm, 1 / c) for g in grads]
    if kwargs.get("clipvalue"):
        return [np.clip(g, -kwargs["clipvalue"], kwargs["clipvalue"]) for g in grads]
    return grads


def numpy_sgd(kwargs, initial, grads):
    lr, mu = kwargs.get("learning_rate", 0.01), kwargs.get("momentum", 0.0)
    w = [x.astype("float64") for x in initial]
    m = [np.zeros_like(x) for x in w]
    for step in grads:
        step = _clip([g.astype("float64") for g in step], kwargs)
        for i, g in enumerate(step):
            if kwargs.get("weight_decay"):
                w[i] = w[i] - w[i] * kwargs["weight_decay"] * lr
            m[i] = mu * m[i] - lr * g
            w[i] = w[i] + (mu * m[i] - lr * g if kwargs.get("nesterov") else m[i])
    return w


def numpy_adam(kwargs, initial, grads, accumulate=None):
    lr, b1, b2 = kwargs.get("learning_rate", 0.001), kwargs.get("beta_1", 0.9), kwargs.get("beta_2", 0.999)
    eps = kwargs.get("epsilon", 1e-7)
    w = [x.astype("float64") for x in initial]
    m, v, vmax = ([np.zeros_like(x) for x in w] for _ in range(3))
    if accumulate:
        grads = [[sum(grads[s + k][i] for k in range(accumulate)) / accumulate for i in range(2)]
                 for s in range(0, len(grads), accumulate)]
    for t, step in enumerate(grads, start=1):
        step = _clip([g.astype("float64") for g in step], kwargs)
        for i, g in enumerate(step):
            if kwargs.get("weight_decay"):
                w[i] = w[i] * (1 - kwargs["weight_decay"] * lr)
            m[i] = b1 * m[i] + (1 - b1) * g
            v[i] = b2 * v[i] + (1 - b2) * g * g
            vmax[i] = np.maximum(vmax[i], v[i])
            vhat = vmax[i] if kwargs.get("amsgrad") else v[i]
            w[i] = w[i] - lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t) * m[i] / (np.sqrt(vhat) + eps)
    return w


REFERENCE_CASES = [
    ("SGD", {}, numpy_sgd),
    ("SGD", {"learning_rate": 0.1, "momentum": 0.9}, numpy_sgd),
    ("SGD", {"learning_rate": 0.1, "momentum": 0.5, "nesterov": True, "clipnorm": 0.8}, numpy_sgd),
    ("SGD", {"learning_rate": 0.05, "weight_decay": 0.1, "global_clipnorm": 1.0}, numpy_sgd),
    ("SGD", {"clipvalue": 0.3, "momentum": 0.2}, numpy_sgd),
    ("Adam", {"learning_rate": 0.01}, numpy_adam),
    ("Adam", {"learning_rate": 0.02, "amsgrad": True, "beta_1": 0.8}, numpy_adam),
    ("AdamW", {"learning_rate": 0.03, "weight_decay": 0.05, "clipnorm": 1.0}, numpy_adam),
]


@pytest.mark.parametrize("class_name,kwargs,reference", REFERENCE_CASES,
                         ids=[f"{c}-{i}" for i, (c, _, _) in enumerate(REFERENCE_CASES)])
def test_matches_numpy_reference(backend, class_name, kwargs, reference):
    got, _, opt = run_eager(class_name, kwargs, {}, NAMES, INITIAL, GRADS)
    assert_close(got, reference(kwargs, INITIAL, GRADS), what=class_name)
    assert int(opt.iterations.numpy()) == len(GRADS)


def test_adam_gradient_accumulation_matches_reference(trainable_backend):
    kwargs = {"learning_rate": 0.01, "gradient_accumulation_steps": 2}
    got, _, opt = run_eager("Adam", kwargs, {}, NAMES, INITIAL, GRADS)
    assert_close(got, numpy_adam(kwargs, INITIAL, GRADS, accumulate=2), what="accumulation")
    assert int(opt._iterations.numpy()) == 4 and int(opt.iterations) == 2


def test_ema_reference(trainable_backend):
    kwargs = {"learning_rate": 0.1, "use_ema": True, "ema_momentum": 0.5}
    got, _, opt = run_eager("SGD", kwargs, {"finalize": True}, NAMES, INITIAL, GRADS)
    # The average starts at the first updated value, then mixes each new value in.
    w = [x.astype("float64") for x in INITIAL]
    average = None
    for step in GRADS:
        w = [wi - 0.1 * g for wi, g in zip(w, step)]
        average = w if average is None else [0.5 * a + 0.5 * wi for a, wi in zip(average, w)]
    assert_close(got, average, what="ema")




@pytest.fixture(scope="module")
def keras_results():
    return run_keras(ORACLE_CASES, NAMES, INITIAL, GRADS)


@pytest.mark.parametrize("index", range(len(ORACLE_CASES)))
def test_matches_keras(trainable_backend, keras_results, index):
    class_name, kwargs, setup = ORACLE_CASES[index]
    expected = keras_results[index]
    got, state, opt = run_eager(class_name, kwargs, setup, NAMES, INITIAL, GRADS)
    assert_close(got, expected["variables"], what=f"{class_name} variables")
    assert [p.split("/")[-1] for p in expected["paths"]] == [v.path.split("/")[-1] for v in opt.variables]
    assert_close(state, expected["optimizer"], what=f"{class_name} state")


def test_learning_rate_property_and_setter(backend):
    opt = optimizers.Adam(learning_rate=0.5)
    assert float(opt.learning_rate) == 0.5
    opt.learning_rate = 0.25
    assert float(opt.learning_rate.numpy()) == 0.25
    assert opt.get_config()["learning_rate"] == 0.25
    scheduled = optimizers.SGD(optimizers.schedules.ExponentialDecay(1.0, 1, 0.5))
    np.testing.assert_allclose(float(np.asarray(scheduled.learning_rate)), 1.0)
    with pytest.raises(TypeError, match="not settable"):
        scheduled.learning_rate = 0.1
    assert len(scheduled.variables) == 1  # only the iteration counter


def test_scale_loss(backend):
    assert optimizers.SGD(loss_scale_factor=8.0).scale_loss(2.0) == 16.0
    assert optimizers.SGD().scale_loss(2.0) == 2.0


def test_argument_errors():
    with pytest.raises(ValueError, match="only one of `clipnorm`"):
        optimizers.SGD(clipnorm=1.0, clipvalue=1.0)
    with pytest.raises(ValueError, match="gradient_accumulation_steps"):
        optimizers.Adam(gradient_accumulation_steps=1)
    with pytest.raises(ValueError, match="momentum"):
        optimizers.SGD(momentum=1.5)
    with pytest.raises(ValueError, match="not recognized"):
        optimizers.Adam(bogus=1)
    with pytest.raises(ValueError, match="learning_rate"):
        optimizers.Adam(learning_rate="fast")
    with pytest.raises(ValueError, match="weight_decay"):
        optimizers.AdamW(weight_decay=None)


def test_unknown_variable_and_unbuilt_errors(backend):
    opt = optimizers.SGD()
    with pytest.raises(ValueError, match="must already be built"):
        opt.apply([np.ones(2)])
    a, b = Variable(np.ones(2)), Variable(np.ones(2))
    opt.apply([np.ones(2)], [a])
    with pytest.raises(ValueError, match="Unknown variable"):
        opt.apply([np.ones(2)], [b])
    with pytest.raises(ValueError, match="No gradients"):
        opt.apply([None], [a])
    with pytest.raises(ValueError, match="must be built"):
        optimizers.Adam().stateless_apply([], [], [])


def test_missing_gradient_is_skipped(trainable_backend):
    a, b = Variable(np.ones(2)), Variable(np.ones(2))
    opt = optimizers.SGD(learning_rate=1.0)
    with pytest.warns(UserWarning, match="Gradients do not exist"):
        opt.apply_gradients([(np.ones(2), a), (None, b)])
    np.testing.assert_allclose(a.numpy(), [0.0, 0.0])
    np.testing.assert_allclose(b.numpy(), [1.0, 1.0])


def test_trainable_values_pass_through_apply_without_variables(trainable_backend):
    a = Variable(np.ones(2))
    opt = optimizers.SGD(learning_rate=1.0)
    opt.build([a])
    opt.apply([np.full(2, 0.5)])
    np.testing.assert_allclose(a.numpy(), [0.5, 0.5])


def test_config_round_trip():
    opt = optimizers.Adam(learning_rate=optimizers.schedules.CosineDecay(0.1, 10), amsgrad=True,
                          clipnorm=2.0, use_ema=True, name="my_adam")
    config = opt.get_config()
    assert config["learning_rate"]["class_name"] == "CosineDecay"
    again = optimizers.Adam.from_config(config)
    assert again.get_config() == config
    restored = optimizers.deserialize(optimizers.serialize(opt))
    assert type(restored) is optimizers.Adam and restored.get_config() == config


def test_frozen_variables_are_skipped(trainable_backend):
    a, b = Variable(np.ones(2)), Variable(np.ones(2))
    opt = optimizers.Adam(learning_rate=0.1)
    opt.build([a, b])
    b.trainable = False
    values, state = opt.stateless_apply([v.value for v in opt.variables], [np.ones(2), np.ones(2)],
                                        [a.value, b.value])
    np.testing.assert_allclose(np.asarray(values[0]), [0.9, 0.9], rtol=1e-5)
    np.testing.assert_allclose(np.asarray(values[1]), [1.0, 1.0])
    opt.apply([np.ones(2), np.ones(2)])
    np.testing.assert_allclose(b.numpy(), [1.0, 1.0])
    assert int(opt.iterations.numpy()) == 1


class _MomentumSign(optimizers.Optimizer):
    """A user-style subclass: its own slot and `update_step`, Keras's subclassing API."""

    def __init__(self, learning_rate=0.1, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)

    def build(self, variables):
        super().build(variables)
        self.traces = [self.add_variable_from_reference(v, "trace") for v in variables]

    def update_step(self, gradient, variable, learning_rate):
        import kerasnb.ops as ops
        trace = self.traces[self._get_variable_index(variable)]
        self.assign(trace, 0.5 * trace + gradient)
        self.assign_sub(variable, learning_rate * ops.sign(trace))


def test_custom_subclass_eager_and_compiled(trainable_backend):
    from tests.engine.layers.harness import compiled
    grads = [np.array([1.0, -2.0], "float32"), np.array([-3.0, 0.5], "float32")]
    v = Variable(np.zeros(2, "float32"))
    opt = _MomentumSign()
    for g in grads:
        opt.apply([g], [v])
    trace = 0.5 * grads[0] + grads[1]
    np.testing.assert_allclose(v.numpy(), -0.1 * np.sign(grads[0]) - 0.1 * np.sign(trace), rtol=1e-6)
    assert opt.variables[-1].path.endswith("trace")
    fresh = _MomentumSign()
    w = Variable(np.zeros(2, "float32"))
    fresh.build([w])
    step = compiled(fresh.stateless_apply)
    values, state = [w.value], [x.value for x in fresh.variables]
    for g in grads:
        values, state = step(state, [g], values)
    np.testing.assert_allclose(np.asarray(values[0]), v.numpy(), rtol=1e-6)


def test_state_save_load_and_backend_switch():
    from kerasnb.engine import backend as engine_backend
    engine_backend.set_backend("jax")
    v = Variable(np.ones(3, "float32"), name="w")
    opt = optimizers.Adam(learning_rate=0.1)
    opt.apply([np.ones(3, "float32")], [v])
    store, after_first = {}, v.numpy()
    opt.save_own_variables(store)
    engine_backend.set_backend("torch")  # the state follows the backend switch
    opt.apply([np.ones(3, "float32")], [v])
    twin_v = Variable(after_first, name="w")
    twin = optimizers.Adam(learning_rate=0.1)
    twin.build([twin_v])
    twin.load_own_variables(store)
    twin.apply([np.ones(3, "float32")], [twin_v])
    np.testing.assert_allclose(twin_v.numpy(), v.numpy(), rtol=1e-6)
    assert int(twin.iterations.numpy()) == 2
    twin.set_weights([np.array(0, "int64"), np.array(0.5, "float32")] + [np.zeros(3, "float32")] * 2)
    assert float(twin.learning_rate.numpy()) == 0.5 and int(twin.iterations.numpy()) == 0
