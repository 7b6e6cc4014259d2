"""A real JupyterLab or Jupyter Notebook 7 server and a headless Chromium (Debian's, driven
by Playwright)."""

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import nbformat

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TOKEN = "kerasnb-browser-test"


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def copy_without_outputs(source, folder):
    """Copies notebook `source` into `folder` with every output removed; returns its name."""
    notebook = nbformat.read(source, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    notebook.metadata.pop("widgets", None)
    name = os.path.basename(source)
    nbformat.write(notebook, os.path.join(folder, name))
    return name


def _write_settings(folder):
    """No news pop-up, and every cell rendered (no windowing) so the page can be checked."""
    for plugin, values in [("apputils-extension/notification", {"fetchNews": "false"}),
                           ("notebook-extension/tracker", {"windowingMode": "none"})]:
        path = os.path.join(folder, "@jupyterlab", plugin + ".jupyterlab-settings")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as file:
            json.dump(values, file)


# app -> (module run with -m, its own options, the page of a notebook)
APPS = {
    "lab": ("jupyterlab", ["--LabApp.news_url=",
                           "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
            "lab/tree"),
    "notebook": ("notebook", [], "notebooks"),
}


@contextlib.contextmanager
def jupyter(root, app="lab", timeout=90):
    """Runs JupyterLab (`app` "lab") or Notebook 7 ("notebook") on a free port serving `root`;
    yields its base URL."""
    module, options, _ = APPS[app]
    port = _free_port()
    settings = os.path.join(root, ".lab-settings")
    _write_settings(settings)
    env = dict(os.environ, JUPYTER_CONFIG_DIR=os.path.join(root, ".jupyter-config"),
               JUPYTERLAB_SETTINGS_DIR=settings)
    command = [sys.executable, "-m", module, "--no-browser", f"--port={port}",
               "--ServerApp.ip=127.0.0.1", "--allow-root", f"--IdentityProvider.token={TOKEN}",
               f"--ServerApp.root_dir={root}", "--expose-app-in-browser", *options]
    log_path = os.path.join(root, f"{module}.log")
    with open(log_path, "w") as log:
        server = subprocess.Popen(command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{module} did not start; see {log_path}") from None
                time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


@contextlib.contextmanager
def chromium_page(width=1280, height=1000):
    """A Playwright page in Debian's headless Chromium."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser.new_page(viewport={"width": width, "height": height})
        finally:
            browser.close()


# the open notebook's kernel, as the page sees it (`window.jupyterapp`: --expose-app-in-browser)
_KERNEL_IDLE = "() => { const kernel = window.jupyterapp?.shell.currentWidget?.sessionContext" \
    "?.session?.kernel; return kernel?.connectionStatus === 'connected' && " \
    "kernel.status === 'idle'; }"
_ALL_RAN = "() => [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')]" \
    ".every(p => /\\[\\d+\\]/.test(p.textContent))"


# Counts the kernel's execute requests and their replies from now on: a failed cell makes Lab
# reset the "[*]" of the cells queued after it, so the prompts cannot tell when a run ends.
_COUNT_EXECUTIONS = """() => {
    const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
    const run = window.kerasnbRun = {sent: new Set(), replied: new Set()};
    kernel.anyMessage.connect((_, {msg, direction}) => {
        if (direction === 'send' && msg.header.msg_type === 'execute_request')
            run.sent.add(msg.header.msg_id);
        if (direction === 'recv' && msg.header.msg_type === 'execute_reply')
            run.replied.add(msg.parent_header.msg_id);
    });
}"""
_RUN_ENDED = "() => window.kerasnbRun.sent.size > 0 && [...window.kerasnbRun.sent]" \
    ".every(id => window.kerasnbRun.replied.has(id)) && (" + _KERNEL_IDLE + ")()"


def start_run_all(page, url, name, app="lab", timeout_ms=300_000, workspace=None):
    """Opens notebook `name` in `app` ("lab" or "notebook") and starts "Run All Cells" once
    the kernel is idle. A Lab `workspace` name opens the notebook alone, without the tabs
    that earlier pages left open."""
    where = f"lab/workspaces/{workspace}/tree" if workspace else APPS[app][2]
    page.goto(f"{url}/{where}/{name}?token={TOKEN}", wait_until="domcontentloaded")
    page.wait_for_selector(".jp-NotebookPanel .jp-CodeCell", timeout=timeout_ms)
    page.wait_for_function(_KERNEL_IDLE, timeout=timeout_ms)
    page.evaluate(_COUNT_EXECUTIONS)
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()


def open_and_run_all(page, url, name, app="lab", timeout_ms=300_000):
    """Opens notebook `name` in `app`, runs every cell and waits until all have run."""
    start_run_all(page, url, name, app, timeout_ms)
    page.wait_for_function(_ALL_RAN, timeout=timeout_ms)
    page.wait_for_function(_KERNEL_IDLE, timeout=timeout_ms)


_PLOTLY_TRACES = """() => [...document.querySelectorAll('.jp-OutputArea .js-plotly-plot')].map(
    plot => [...plot.querySelectorAll('.scatterlayer .trace')].map(trace => ({
        vertices: (trace.querySelector('path.js-line')?.getAttribute('d') || '')
            .split(/[ML]/).filter(part => part.trim()).length,
        markers: trace.querySelectorAll('.points path.point').length})))"""


def plotly_traces(page):
    """What plotly drew in the notebook's outputs: per chart, per trace, the vertices of its
    line and its markers, as ``[[{"vertices": 12, "markers": 0}, ...], ...]``."""
    return page.evaluate(_PLOTLY_TRACES)


def run_all_until_done(page, url, name, workspace, timeout_ms=300_000):
    """Opens notebook `name` alone in JupyterLab `workspace`, runs every cell and waits until
    the kernel has answered each, whether it ran the cell or skipped it after a failure."""
    start_run_all(page, url, name, "lab", timeout_ms, workspace)
    page.wait_for_function(_RUN_ENDED, timeout=timeout_ms, polling=500)


def shut_down_kernels(url):
    """Ends every kernel session of the server at `url`."""
    def call(method, path):
        request = urllib.request.Request(f"{url}{path}?token={TOKEN}", method=method)
        with urllib.request.urlopen(request, timeout=30) as reply:
            return reply.read()
    for session in json.loads(call("GET", "/api/sessions")):
        call("DELETE", f"/api/sessions/{session['id']}")
