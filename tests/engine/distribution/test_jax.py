"""Distribution on jax: 4 forced host devices (one process), and 2 processes x 2 devices
joined by `jax.distributed.initialize`; compared with single-device training."""

import pytest

from tests.engine.distribution.launch import free_ports, run_scenario, shared_scenario

pytest.importorskip("jax")
TOL = 1e-5
FOUR_DEVICES = {"XLA_FLAGS": "--xla_force_host_platform_device_count=4", "KERASNB_BACKEND": "jax"}


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    return shared_scenario("jax", tmp_path_factory, [FOUR_DEVICES])[0]


def test_devices_are_the_forced_host_devices(result):
    assert result["devices"] == ["cpu:0", "cpu:1", "cpu:2", "cpu:3"]
    assert result["count"] == result["cpu_count"] == 4


def test_data_parallel_matches_single_device_training(result):
    dp = result["dp"]
    assert dp["diff"] < TOL  # 26 samples: the short last batch (2 rows) runs replicated
    ref, dist = dp["history"]
    assert ref.keys() == dist.keys()
    for key in ref:
        assert ref[key] == pytest.approx(dist[key], abs=TOL)
    assert dp["evaluate"][0] == pytest.approx(dp["evaluate"][1], abs=TOL)
    assert dp["predict_diff"] < TOL


def test_data_parallel_replicates_variables_on_every_device(result):
    assert result["dp"]["kernel_devices"] == 4
    assert result["dp"]["kernel_replicated"]


def test_eager_steps_and_batch_norm_with_dropout_also_match(result):
    assert result["dp_eager_diff"] < TOL
    assert result["dp_batchnorm_diff"] < TOL  # one SPMD program: global batch statistics


def test_model_parallel_shards_kernels_and_matches_single_device(result):
    mp = result["mp"]
    assert mp["diff"] < TOL and mp["predict_diff"] < TOL
    assert mp["kernel_shape"] == [5, 8]
    assert mp["kernel_shard_shape"] == [5, 4]  # split over the 2 devices of the "model" axis
    assert mp["history"][0]["loss"] == pytest.approx(mp["history"][1]["loss"], abs=TOL)


def test_distribute_tensor_places_and_constrains(result):
    placed = result["distribute_tensor"]
    assert placed["eager_shard"] == [2, 2]  # 8 rows over 4 devices
    assert placed["traced_shard"] == [2, 2]  # with_sharding_constraint inside jax.jit
    assert placed["keras_tensor"] == 2  # symbolic tensors pass through


def test_a_mesh_of_unknown_devices_fails_clearly(result):
    assert result["bad_mesh"].startswith("ValueError")
    assert "['cpu:9']" in result["bad_mesh"] and "xla_force_host_platform_device_count" in result["bad_mesh"]


def test_two_processes_joined_by_jax_distributed(tmp_path):
    address = f"127.0.0.1:{free_ports()[0]}"
    envs = [dict(XLA_FLAGS="--xla_force_host_platform_device_count=2", KERASNB_BACKEND="jax",
                 KERAS_DISTRIBUTION_JOB_ADDRESSES=address, KERAS_DISTRIBUTION_NUM_PROCESSES="2",
                 KERAS_DISTRIBUTION_PROCESS_ID=str(i)) for i in range(2)]
    first, second = run_scenario("jax_multiprocess", tmp_path, envs)
    assert first["num_processes"] == second["num_processes"] == 2
    assert first["devices"] == second["devices"] and len(first["devices"]) == 4
    assert first["seed_draw"] == second["seed_draw"]  # initialize() shares process 0's seed
    for result in (first, second):
        assert result["diff"] < TOL  # each process started from its own weights
        assert result["predict_diff"] < TOL
        assert result["history"][0]["loss"] == pytest.approx(result["history"][1]["loss"], abs=TOL)
