"""Distribution on torch: two gloo processes on loopback, started as torchrun starts them
(RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT), compared with single-device training."""

import numpy as np
import pytest

from tests.engine.distribution.launch import free_ports, shared_scenario

pytest.importorskip("torch")
TOL = 1e-5


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    port = str(free_ports()[0])
    envs = [dict(RANK=str(r), LOCAL_RANK=str(r), WORLD_SIZE="2", MASTER_ADDR="127.0.0.1",
                 MASTER_PORT=port, KERASNB_BACKEND="torch") for r in range(2)]
    return shared_scenario("torch", tmp_path_factory, envs)


def max_diff(a, b):
    return max(float(np.max(np.abs(np.asarray(x) - np.asarray(y)))) for x, y in zip(a, b))


def test_one_device_per_process_and_a_shared_seed(results):
    assert [r["rank"] for r in results] == [0, 1]
    assert results[0]["devices"] == results[1]["devices"] == ["cpu:0", "cpu:1"]
    assert results[0]["seed_draw"] == results[1]["seed_draw"]


def test_data_parallel_matches_single_device_training(results):
    reference = results[0]
    for result in results:  # each process started from its own weights: rank 0's won
        assert max_diff(result["weights"], reference["ref_weights"]) < TOL
        for key, values in reference["ref_history"].items():
            assert result["history"][key] == pytest.approx(values, abs=TOL)  # metrics combined
        assert result["evaluate"] == pytest.approx(reference["ref_evaluate"], abs=TOL)


def test_each_process_runs_its_half_of_each_batch(results):
    for result in results:
        trained = [r for r in result["rows"] if r is not None]
        # 25 samples, batch 8: three batches split 4 + 4, the last single row run whole
        assert trained[:8] == [4, 4, 4, 1, 4, 4, 4, 1]


def test_shuffled_training_with_batch_norm_and_dropout_stays_in_sync(results):
    assert max_diff(results[0]["shuffled_weights"], results[1]["shuffled_weights"]) == 0.0


def test_torch_compile_under_a_distribution_is_refused(results):
    for result in results:
        assert result["jit_error"].startswith("NotImplementedError")
        assert "jit_compile=True" in result["jit_error"] and "torch backend" in result["jit_error"]
