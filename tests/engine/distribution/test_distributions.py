"""DataParallel, ModelParallel and the module functions, in this process: validation,
layouts, the active distribution, and what single-process backends refuse."""

import numpy as np
import pytest

import kerasnb as keras
from kerasnb import distribution as D
from kerasnb.engine import backend

CPUS = [f"cpu:{i}" for i in range(4)]


@pytest.fixture(autouse=True)
def no_distribution():
    D.set_distribution(None)
    yield
    D.set_distribution(None)


def variable(shape, path, layout=None):
    with backend.use_backend("numpy"):
        v = keras.Variable(np.zeros(shape, "float32"), layout=layout)
    v.path = path
    return v


def test_data_parallel_builds_a_batch_mesh_from_devices():
    dp = D.DataParallel(devices=CPUS)
    assert dp.device_mesh.shape == (4,) and dp.device_mesh.axis_names == ["batch"]
    assert dp.batch_dim_name == "batch" and dp.num_model_replicas == 4
    assert dp.auto_shard_dataset
    assert dp.get_data_layout((8, 3)).axes == ("batch", None)
    assert dp.get_variable_layout(variable((3, 2), "dense/kernel")).axes == (None, None)
    assert dp.get_tensor_layout("dense/output") is None
    own = D.TensorLayout((None, "batch"), dp.device_mesh)
    assert dp.get_variable_layout(variable((3, 4), "v", layout=own)) is own


def test_data_parallel_arguments():
    mesh = D.DeviceMesh((2, 2), ["data", "model"], devices=CPUS)
    with pytest.warns(UserWarning, match="1-D device mesh"):
        dp = D.DataParallel(device_mesh=mesh)
    assert dp.batch_dim_name == "data" and dp.num_model_replicas == 2
    with pytest.raises(ValueError, match="not both"):
        D.DataParallel(device_mesh=mesh, devices=CPUS)
    with pytest.raises(ValueError, match="must be a DeviceMesh"):
        D.DataParallel(device_mesh="mesh")
    with pytest.raises(ValueError, match="at least one device"):
        D.DataParallel(devices=[])
    assert not D.DataParallel(devices=CPUS, auto_shard_dataset=False).auto_shard_dataset


def test_model_parallel_layouts_come_from_its_map():
    mesh = D.DeviceMesh((2, 2), ["batch", "model"], devices=CPUS)
    layout_map = D.LayoutMap(mesh)
    layout_map[".*dense.*kernel"] = (None, "model")
    mp = D.ModelParallel(layout_map=layout_map, device_mesh=mesh)  # Keras ignores device_mesh too
    assert mp.batch_dim_name == "batch" and mp.device_mesh is mesh and mp.num_model_replicas == 2
    assert mp.get_variable_layout(variable((3, 4), "dense/kernel")).axes == (None, "model")
    assert mp.get_variable_layout(variable((4,), "dense/bias")).axes == (None,)
    assert mp.get_tensor_layout("dense/kernel").axes == (None, "model")
    assert D.ModelParallel(layout_map=layout_map, batch_dim_name="model").num_model_replicas == 2


def test_model_parallel_errors():
    mesh = D.DeviceMesh((2, 2), ["batch", "model"], devices=CPUS)
    layout_map = D.LayoutMap(mesh)
    layout_map["dense/kernel"] = (None, "model")
    with pytest.raises(ValueError, match="needs a `layout_map`"):
        D.ModelParallel()
    with pytest.raises(ValueError, match="must be a LayoutMap"):
        D.ModelParallel(layout_map={"dense/kernel": (None, "model")})
    with pytest.raises(ValueError, match="'rows' is not an axis"):
        D.ModelParallel(layout_map=layout_map, batch_dim_name="rows")
    with pytest.raises(TypeError, match="unexpected keyword arguments: \\['mesh'\\]"):
        D.ModelParallel(layout_map=layout_map, mesh=mesh)
    mp = D.ModelParallel(layout_map=layout_map)
    with pytest.raises(ValueError, match="'dense/kernel' .* 3 is not a multiple"):
        mp.get_variable_layout(variable((4, 3), "dense/kernel"))
    with pytest.raises(ValueError, match="needs one per dim"):
        mp.get_variable_layout(variable((4,), "dense/kernel"))


def test_the_active_distribution_is_set_scoped_and_checked():
    assert D.distribution() is None
    dp = D.DataParallel(devices=CPUS)
    with dp.scope() as active:
        assert active is dp and D.distribution() is dp
        with D.DataParallel(devices=CPUS[:2]).scope():
            assert D.distribution() is not dp
        assert D.distribution() is dp
    assert D.distribution() is None
    D.set_distribution(dp)
    assert D.distribution() is dp
    with pytest.raises(ValueError, match="must be a Distribution .* received str"):
        D.set_distribution("data_parallel")
    with backend.busy("fit()"):
        with pytest.raises(RuntimeError, match="while fit\\(\\) is running"):
            D.set_distribution(None)
    assert D.distribution() is dp


def test_distribute_tensor_passes_symbolic_tensors_and_needs_a_mesh():
    symbolic = keras.KerasTensor((None, 3))
    layout = D.TensorLayout(("batch", None), D.DeviceMesh((4,), ["batch"], devices=CPUS))
    assert D.distribute_tensor(symbolic, layout) is symbolic
    with backend.use_backend("numpy"):
        with pytest.raises(ValueError, match="no device mesh"):
            D.distribute_tensor(np.ones((4, 3)), D.TensorLayout(("batch", None)))
        with pytest.raises(NotImplementedError, match="Sharded tensor layouts"):
            D.distribute_tensor(np.ones((4, 3)), layout)
        replicated = D.TensorLayout((None, None), layout.device_mesh)
        value = np.ones((4, 3))
        assert D.distribute_tensor(value, replicated) is value


def test_device_listing_and_arguments_on_numpy():
    with backend.use_backend("numpy"):
        assert D.list_devices() == ["cpu:0"] and D.get_device_count() == 1
        assert D.list_devices("gpu") == [] and D.get_device_count("CPU") == 1
        with pytest.raises(ValueError, match="`device_type` must be one of cpu, gpu, tpu"):
            D.list_devices("npu")
        assert D.DataParallel().device_mesh.devices.tolist() == ["cpu:0"]


@pytest.mark.parametrize("kwargs, message", [
    (dict(num_processes=0), "`num_processes` must be an int >= 1; received 0"),
    (dict(num_processes="two"), "`num_processes` must be an int"),
    (dict(num_processes=2, process_id=2), "`process_id` must be below `num_processes`"),
    (dict(job_addresses="a:1,b:2,c:3", num_processes=2), "names 3 processes but `num_processes` is 2"),
    (dict(job_addresses="a:1,,b:2"), "comma-separated string"),
])
def test_initialize_validates_its_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        D.initialize(**kwargs)


def test_initialize_reads_keras_environment_variables(monkeypatch):
    monkeypatch.setenv("KERAS_DISTRIBUTION_NUM_PROCESSES", "2")
    monkeypatch.setenv("KERAS_DISTRIBUTION_PROCESS_ID", "5")
    with pytest.raises(ValueError, match="`process_id` must be below `num_processes` \\(2\\); received 5"):
        D.initialize()


def test_numpy_cannot_join_a_multi_process_run():
    with backend.use_backend("numpy"):
        with pytest.raises(NotImplementedError, match="Multi-process runs are not implemented on the numpy"):
            D.initialize("127.0.0.1:1234", num_processes=1, process_id=0)


def small_model():
    keras.utils.set_random_seed(3)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(6, activation="relu"), keras.layers.Dense(2)])
    model.compile("sgd", "mse", metrics=["mae"])
    return model


@pytest.mark.parametrize("name", ["torch", "tensorflow"])
def test_model_parallel_is_refused_on_torch_and_tensorflow(name):
    pytest.importorskip(name)
    backend.set_backend(name)
    layout_map = D.LayoutMap(D.DeviceMesh((1, 2), ["batch", "model"], devices=CPUS[:2]))
    layout_map[".*kernel"] = (None, "model")
    D.set_distribution(D.ModelParallel(layout_map=layout_map))
    x, y = np.ones((4, 4), "float32"), np.ones((4, 2), "float32")
    with pytest.raises(NotImplementedError, match=f"ModelParallel .* not implemented on the {name} backend"):
        small_model().fit(x, y, verbose=0)


@pytest.mark.parametrize("name", ["torch", "tensorflow"])
def test_one_device_data_parallel_matches_plain_training(name):
    pytest.importorskip(name)
    backend.set_backend(name)
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(12, 4)).astype("float32"), rng.normal(size=(12, 2)).astype("float32")
    plain = small_model()
    plain_logs = plain.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0).history
    D.set_distribution(D.DataParallel(devices=["cpu:0"]))
    spread = small_model()
    spread_logs = spread.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0).history
    for a, b in zip(plain.get_weights(), spread.get_weights()):
        np.testing.assert_allclose(a, b, atol=1e-6)
    assert spread_logs["loss"] == pytest.approx(plain_logs["loss"], abs=1e-6)


def test_torch_needs_one_process_per_device():
    pytest.importorskip("torch")
    backend.set_backend("torch")
    D.set_distribution(D.DataParallel(devices=CPUS[:2]))
    with pytest.raises(NotImplementedError, match="torchrun --nproc-per-node 2"):
        small_model().fit(np.ones((4, 4), "float32"), np.ones((4, 2), "float32"), verbose=0)


def test_the_step_cache_follows_the_active_distribution():
    pytest.importorskip("torch")
    backend.set_backend("torch")
    model = small_model()
    x, y = np.ones((4, 4), "float32"), np.ones((4, 2), "float32")
    model.fit(x, y, verbose=0)  # cached undistributed runner
    D.set_distribution(D.DataParallel(devices=CPUS[:2]))
    with pytest.raises(NotImplementedError, match="one process per device"):
        model.fit(x, y, verbose=0)
    D.set_distribution(None)
    model.fit(x, y, verbose=0)


def test_distribute_dataset_keeps_a_process_share_of_each_batch():
    tf = pytest.importorskip("tensorflow")
    from kerasnb.engine.distribution.runtime import backend_part
    dataset = tf.data.Dataset.range(16).batch(8)
    assert D.DataParallel(devices=CPUS).distribute_dataset(dataset) is dataset  # one process
    part = backend_part(backend.load("tensorflow"))
    second = [batch.numpy().tolist() for batch in part.shard_dataset(dataset, 2, 1)]
    assert second == [[4, 5, 6, 7], [12, 13, 14, 15]]
    with pytest.raises(ValueError, match="batch size splits into 3 processes; its batch size is 8"):
        part.shard_dataset(dataset, 3, 0)
