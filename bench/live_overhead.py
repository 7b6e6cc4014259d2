"""Cost of the live training panel: `fit` with a `LivePlot` vs `fit(verbose=0)`.

The workload is the MLP of `bench/fit_throughput.py` (Dense 784-256-256-10, batch 128,
Adam(1e-3), synthetic data from its `make_data`). Each measurement trains a fresh model
for two epochs and times the second one; the plain and the live run alternate, in swapped
order each round, and the table shows the medians and the ratio live/plain (target <= 1.05).
On a busy machine that ratio is noisy, so the table also shows the time spent inside the
panel's own hooks during the timed epoch and its share of the epoch: the overhead with the
noise taken out.

Outside a kernel the panel is headless: its widgets and charts are still built and updated
at the same throttle, only nothing is displayed. ``--kernel`` runs the same measurement
inside a real Jupyter kernel, where every redraw is also sent to the (absent) frontend and
pending widget messages are polled. Always exits 0: this is a benchmark, not a test.

    python bench/live_overhead.py [--backends jax,torch,tensorflow] [--rounds 3]
                                  [--samples 60000] [--threads N] [--kernel]
"""

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from fit_throughput import (  # noqa: E402
    BATCH, SAMPLES, apply_thread_pin, epoch_timer, kerasnb_model, make_data, pin_threads)

TARGET = 1.05


def timed_live_plot():
    """A `LivePlot` that adds up the seconds spent in its hooks since the last epoch began."""
    from kerasnb.widgets.live import LivePlot

    class TimedLivePlot(LivePlot):
        seconds = 0.0

        def on_epoch_begin(self, epoch, logs=None):
            self.seconds = 0.0
            self._timed(super().on_epoch_begin, epoch, logs)

        def on_train_batch_end(self, batch, logs=None):
            self._timed(super().on_train_batch_end, batch, logs)

        def on_epoch_end(self, epoch, logs=None):
            self._timed(super().on_epoch_end, epoch, logs)

        def _timed(self, hook, *args):
            start = time.perf_counter()
            hook(*args)
            self.seconds += time.perf_counter() - start

    return TimedLivePlot(batch_size=BATCH)


def second_epoch_seconds(x, y, live):
    """(wall time of the second epoch of `fit` on a fresh MLP, seconds inside the panel's
    hooks during it), with or without a LivePlot."""
    model, timer = kerasnb_model("mlp"), epoch_timer()
    panel = timed_live_plot() if live else None
    callbacks = [timer, panel] if live else [timer]
    model.fit(x, y, batch_size=BATCH, epochs=2, verbose=0, shuffle=True, callbacks=callbacks)
    return timer.seconds, panel.seconds if live else 0.0


def measure(backend, rounds, samples):
    """Median seconds of the plain and the live second epoch over `rounds` rounds, and the
    median seconds spent inside the panel's hooks."""
    import numpy as np

    import kerasnb

    kerasnb.config.set_backend(backend)
    x, y = make_data("mlp", samples)
    plain, live, hooks = [], [], []
    for r in range(rounds):
        for with_live in ((False, True) if r % 2 == 0 else (True, False)):
            np.random.seed(r)
            seconds, inside = second_epoch_seconds(x, y, with_live)
            (live if with_live else plain).append(seconds)
            if with_live:
                hooks.append(inside)
    return statistics.median(plain), statistics.median(live), statistics.median(hooks)


def run_in_kernel(argv):
    """Runs this script (without --kernel) inside a fresh Jupyter kernel, echoing its output."""
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3")
    try:
        args = " ".join(a for a in argv if a != "--kernel")
        code = f"%run {os.path.abspath(__file__)} {args}"

        def echo(msg):
            if msg["msg_type"] == "stream":
                sys.stdout.write(msg["content"]["text"])
                sys.stdout.flush()
            elif msg["msg_type"] == "error":
                print("\n".join(msg["content"]["traceback"]))

        client.execute_interactive(code, timeout=3600, output_hook=echo)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="jax,torch,tensorflow")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--samples", type=int, default=SAMPLES["mlp"])
    parser.add_argument("--threads", type=int, default=None,
                        help="intra-op threads for every framework (default: their own)")
    parser.add_argument("--kernel", action="store_true",
                        help="measure inside a Jupyter kernel (the panel is really shown)")
    args = parser.parse_args()
    backends = [b for b in args.backends.split(",") if b]
    unknown = [b for b in backends if b not in ("jax", "torch", "tensorflow")]
    if unknown:
        parser.error(f"--backends: expected some of jax, torch, tensorflow; received {unknown}")
    if args.rounds < 1 or args.samples < BATCH:
        parser.error(f"--rounds must be >= 1 and --samples >= {BATCH}; "
                     f"received {args.rounds} and {args.samples}")
    if args.kernel:
        run_in_kernel(sys.argv[1:])
        return
    if args.threads is not None:
        pin_threads(args.threads)
    from kerasnb.widgets.kernel_comms import kernel_shell

    where = "in a Jupyter kernel" if kernel_shell() is not None else "headless"
    print(f"MLP, {args.samples} samples, batch {BATCH}, {args.rounds} rounds, {where}")
    print(f"{'backend':<12}{'plain s':>9}{'live s':>9}{'ratio':>7}{'target':>8}"
          f"{'hooks ms':>10}{'share':>7}")
    for backend in backends:
        apply_thread_pin(backend, args.threads)
        try:
            plain, live, hooks = measure(backend, args.rounds, args.samples)
        except Exception as error:  # report and go on: one broken row must not hide the rest
            print(f"{backend:<12}failed: {type(error).__name__}: "
                  f"{str(error).splitlines()[0][:100]}", flush=True)
            continue
        ratio = live / plain
        mark = "ok" if ratio <= TARGET else "above"
        print(f"{backend:<12}{plain:>9.3f}{live:>9.3f}{ratio:>7.3f}{TARGET:>6.2f} {mark:<5}"
              f"{hooks * 1e3:>6.1f}{hooks / plain:>7.1%}", flush=True)


if __name__ == "__main__":
    main()
