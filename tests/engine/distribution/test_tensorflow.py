"""Distribution on tensorflow: MirroredStrategy over 2 logical CPU devices, compared with
single-device training; a distribution set on jax carries over to tensorflow."""

import pytest

from tests.engine.distribution.launch import run_scenario

pytest.importorskip("tensorflow")
pytest.importorskip("jax")
TOL = 1e-5


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    env = {"XLA_FLAGS": "--xla_force_host_platform_device_count=2", "KERASNB_BACKEND": "tensorflow"}
    return run_scenario("tensorflow", tmp_path_factory.mktemp("tensorflow"), [env])[0]


def test_devices_are_the_logical_cpus(result):
    assert result["devices"] == ["cpu:0", "cpu:1"]


def test_data_parallel_runs_under_a_mirrored_strategy(result):
    dp = result["dp"]
    assert dp["strategy"] == "MirroredStrategy" and dp["replicas"] == 2
    assert dp["rows"] == [[8], [4]]  # single device traces batches of 8, each replica 4


def test_data_parallel_matches_single_device_training(result):
    dp = result["dp"]
    assert dp["diff"] < TOL  # 25 samples: the last single-row batch runs on both replicas
    ref, dist = dp["history"]
    for key in ref:
        assert dist[key] == pytest.approx(ref[key], abs=TOL)  # metric increments counted once
    assert dp["evaluate"][1] == pytest.approx(dp["evaluate"][0], abs=TOL)
    assert dp["predict_diff"] < TOL


def test_batch_norm_and_dropout_train(result):
    assert result["batchnorm"]["finite"] and len(result["batchnorm"]["loss"]) == 2


def test_eager_steps_are_refused(result):
    assert result["eager_error"].startswith("NotImplementedError")
    assert "run_eagerly=True" in result["eager_error"] and "tensorflow backend" in result["eager_error"]


def test_switching_backends_keeps_the_distribution(result):
    switch = result["switch"]
    assert switch["jax_devices"] == ["cpu:0", "cpu:1"]
    assert switch["jax_diff"] < TOL
    assert switch["kept"]  # then tensorflow trained with it (test above)
    error = switch["torch_error"]
    assert error.startswith("NotImplementedError") and "torch backend" in error
    assert "torchrun --nproc-per-node 2" in error
