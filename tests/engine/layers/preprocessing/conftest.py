"""The Keras oracle, shared by the preprocessing tests (see `oracle.py`)."""

import pytest

from tests.engine.layers.preprocessing.oracle import run_scripts


@pytest.fixture(scope="session")
def _oracle_results(request):
    modules = {item.module for item in request.session.items}
    scripts = {m.__name__.rsplit(".", 1)[-1]: m.KERAS_ORACLE for m in modules
               if m.__name__.startswith(__package__ + ".") and hasattr(m, "KERAS_ORACLE")}
    return run_scripts(scripts)


@pytest.fixture
def keras_oracle(request, _oracle_results):
    """The arrays that this test module's ``KERAS_ORACLE`` script kept."""
    return _oracle_results[request.module.__name__.rsplit(".", 1)[-1]]
