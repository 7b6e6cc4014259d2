"""binder/ agrees with pyproject.toml: the Python version, the torch pin, the extras
requirements.txt installs, and those extras cover every library the tour's notebooks import."""

import glob
import importlib.metadata
import os
import re
import stat
import subprocess
import sys
import tomllib

import nbformat
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINDER = os.path.join(ROOT, "binder")
# requirements.txt's line installing the repository itself, e.g. `.[all,notebook]`
INSTALL_SELF = re.compile(r"^(?:-e )?\.\[([\w,-]+)\]$", re.M)


def _read(*parts):
    with open(os.path.join(ROOT, *parts)) as file:
        return file.read()


def _project():
    return tomllib.loads(_read("pyproject.toml"))["project"]


def _commands(text):
    """The lines of a script or requirements file that are neither blank nor comments."""
    return [line.strip() for line in text.splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


def _extras_installed():
    (match,) = INSTALL_SELF.findall("\n".join(_commands(_read("binder", "requirements.txt"))))
    return match.split(",")


def _requirements(extras):
    """The distributions kerasnb with `extras` installs directly (its own extras expanded)."""
    optional = _project()["optional-dependencies"]
    names, todo = set(), [Requirement(line) for line in _project()["dependencies"]]
    todo += [Requirement(line) for extra in extras for line in optional[extra]]
    while todo:
        requirement = todo.pop()
        if canonicalize_name(requirement.name) == "kerasnb":
            todo += [Requirement(line) for extra in requirement.extras for line in optional[extra]]
        else:
            names.add(canonicalize_name(requirement.name))
    return names


def test_runtime_is_the_oldest_python_the_project_supports():
    (runtime,) = _commands(_read("binder", "runtime.txt"))
    assert re.fullmatch(r"python-3\.\d+", runtime), runtime
    version = Version(runtime.removeprefix("python-"))
    supported = SpecifierSet(_project()["requires-python"])
    assert version in supported and Version(f"3.{version.minor - 1}") not in supported, \
        f"binder/runtime.txt names {runtime}, not the oldest Python of requires-python {supported}"


def test_post_build_is_an_executable_bash_script_that_stops_at_the_first_failure():
    path = os.path.join(BINDER, "postBuild")
    assert os.stat(path).st_mode & stat.S_IXUSR, "binder/postBuild must be executable"
    text = _read("binder", "postBuild")
    assert text.startswith(("#!/bin/bash\n", "#!/usr/bin/env bash\n")), text.splitlines()[0]
    first = _commands(text)[0]
    assert re.match(r"set -[a-z]*e", first), f"postBuild must start with `set -e`: {first!r}"
    subprocess.run(["bash", "-n", path], check=True)  # syntax only, nothing runs


def test_requirements_install_the_package_with_extras_pyproject_defines():
    extras = _extras_installed()
    assert "notebook" in extras and "all" in extras, extras
    unknown = set(extras) - set(_project()["optional-dependencies"])
    assert not unknown, f"requirements.txt names extras missing from pyproject.toml: {unknown}"


def test_torch_pin_is_the_same_everywhere():
    (pin,) = [line for line in _project()["optional-dependencies"]["torch"]
              if Requirement(line).name == "torch"]
    binder = _commands(_read("binder", "requirements.txt"))
    assert [line for line in binder if line.startswith("torch")] == [pin]


def test_the_only_local_path_is_the_repository_root():
    # pip resolves it from its working directory, the repository root under repo2docker
    binder = _commands(_read("binder", "requirements.txt"))
    local = [line for line in binder if line.startswith(("-e", ".", "/", "-r"))]
    assert len(local) == 1 and INSTALL_SELF.match(local[0]), binder


def test_extras_cover_every_library_the_notebooks_import():
    installed = _requirements(_extras_installed())
    providers = importlib.metadata.packages_distributions()
    missing = {}
    for path in glob.glob(os.path.join(ROOT, "notebooks", "*.ipynb")):
        code = "\n".join(cell.source for cell in nbformat.read(path, as_version=4).cells
                         if cell.cell_type == "code")
        for module in set(re.findall(r"^\s*(?:import|from) (\w+)", code, re.M)):
            if module in sys.stdlib_module_names or module == "kerasnb":
                continue
            dists = {canonicalize_name(name) for name in providers.get(module, [module])}
            if not dists & installed:
                missing.setdefault(module, []).append(os.path.basename(path))
    assert not missing, f"binder's extras lack what these notebooks import: {missing}"
