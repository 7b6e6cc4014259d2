"""A real JupyterLab server and a headless Chromium (Debian's, driven by Playwright)."""

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


@contextlib.contextmanager
def jupyterlab(root, timeout=90):
    """Runs `jupyter lab` on a free port serving `root`; yields its base URL."""
    port = _free_port()
    settings = os.path.join(root, ".lab-settings")
    _write_settings(settings)
    env = dict(os.environ, JUPYTER_CONFIG_DIR=os.path.join(root, ".jupyter-config"),
               JUPYTERLAB_SETTINGS_DIR=settings)
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}",
               "--ServerApp.ip=127.0.0.1", "--allow-root", f"--IdentityProvider.token={TOKEN}",
               f"--ServerApp.root_dir={root}", "--LabApp.news_url=",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    with open(os.path.join(root, "jupyterlab.log"), "w") as log:
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
                    raise RuntimeError("JupyterLab did not start; see "
                                       f"{os.path.join(root, 'jupyterlab.log')}") from None
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


_KERNEL_IDLE = "() => document.querySelector('.jp-StatusBar-TextItem') !== null && " \
    "[...document.querySelectorAll('.jp-StatusBar-TextItem')]" \
    ".some(e => e.textContent.includes('| Idle'))"
_ALL_RAN = "() => [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')]" \
    ".every(p => /\\[\\d+\\]/.test(p.textContent))"


def start_run_all(page, url, name, timeout_ms=300_000):
    """Opens notebook `name` in JupyterLab and starts "Run All Cells" once the kernel is idle."""
    page.goto(f"{url}/lab/tree/{name}?token={TOKEN}", wait_until="domcontentloaded")
    page.wait_for_selector(".jp-NotebookPanel .jp-CodeCell", timeout=timeout_ms)
    page.wait_for_function(_KERNEL_IDLE, timeout=timeout_ms)
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()


def open_and_run_all(page, url, name, timeout_ms=300_000):
    """Opens notebook `name` in JupyterLab, runs every cell and waits until all have run."""
    start_run_all(page, url, name, timeout_ms)
    page.wait_for_function(_ALL_RAN, timeout=timeout_ms)
    page.wait_for_function(_KERNEL_IDLE, timeout=timeout_ms)
