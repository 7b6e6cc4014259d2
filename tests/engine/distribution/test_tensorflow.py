"""Distribution on tensorflow: MirroredStrategy over 2 logical CPU devices and
MultiWorkerMirroredStrategy over 2 worker processes, compared with single-device training;
a distribution set on jax carries over to tensorflow."""

import pytest

from tests.engine.distribution.launch import free_ports, run_scenario, shared_scenario

pytest.importorskip("tensorflow")
pytest.importorskip("jax")
TOL = 1e-5


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    env = {"XLA_FLAGS": "--xla_force_host_platform_device_count=2", "KERASNB_BACKEND": "tensorflow"}
    return shared_scenario("tensorflow", tmp_path_factory, [env])[0]


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


def test_two_workers_joined_by_a_multi_worker_strategy(tmp_path):
    addresses = ",".join(f"127.0.0.1:{port}" for port in free_ports(2))
    envs = [dict(KERASNB_BACKEND="tensorflow", KERAS_DISTRIBUTION_JOB_ADDRESSES=addresses,
                 KERAS_DISTRIBUTION_NUM_PROCESSES="2", KERAS_DISTRIBUTION_PROCESS_ID=str(i))
            for i in range(2)]
    first, second = run_scenario("tensorflow_multiworker", tmp_path, envs)
    assert first["devices"] == second["devices"] == ["cpu:0", "cpu:1"]
    assert first["seed_draw"] == second["seed_draw"]  # worker 0's seed is shared
    for result in (first, second):
        assert result["strategy"] == "CollectiveAllReduceStrategy"  # MultiWorkerMirroredStrategy
        assert result["diff"] < TOL  # each worker started from its own weights
        assert result["history"][1]["loss"] == pytest.approx(result["history"][0]["loss"], abs=TOL)
