"""Starts the scenarios of `workers.py` in fresh processes and reads their results."""

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
        procs.append(subprocess.Popen([sys.executable, WORKERS, scenario, str(tmp_path)], env=env,
                                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
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
