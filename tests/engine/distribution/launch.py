"""Starts the scenarios of `workers.py` in fresh processes and reads their results."""

import fcntl
import json
import os
import socket
import subprocess
import sys

WORKERS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "workers.py")
TIMEOUT = 600


def free_ports(count=1):
    """`count` distinct free loopback ports."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def run_scenario(scenario, tmp_path, envs):
    """Runs `scenario` in one process per entry of `envs` (extra environment variables);
    returns their results, ordered by process id."""
    procs = []
    for extra in envs:
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", **extra)
        command = [sys.executable, WORKERS, scenario, str(tmp_path), str(len(envs))]
        procs.append(subprocess.Popen(command, env=env, stdout=subprocess.PIPE,
                                      stderr=subprocess.STDOUT, text=True))
    logs = []
    try:
        for proc in procs:
            logs.append(proc.communicate(timeout=TIMEOUT)[0])
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
    results = []
    for index in range(len(envs)):
        path = os.path.join(tmp_path, f"{index}.json")
        assert os.path.exists(path), f"scenario {scenario!r} wrote no result:\n" + "\n".join(
            log[-3000:] for log in logs)
        with open(path) as f:
            result = json.load(f)
        assert "crash" not in result, result.get("crash")
        results.append(result)
    return results


def shared_scenario(scenario, tmp_path_factory, envs):
    """`run_scenario` once per test session: under pytest-xdist the workers share one run
    (the first to arrive runs it, the others wait for its results)."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return run_scenario(scenario, tmp_path_factory.mktemp(scenario), envs)
    folder = tmp_path_factory.getbasetemp().parent / f"distribution-{scenario}"  # the session's
    folder.mkdir(exist_ok=True)
    with open(folder / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            done = folder / "results.json"
            if done.exists():
                with open(done) as f:
                    return json.load(f)
            results = run_scenario(scenario, folder, envs)
            with open(done, "w") as f:
                json.dump(results, f)
            return results
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
