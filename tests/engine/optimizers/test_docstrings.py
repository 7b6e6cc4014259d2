"""The Example sections of the optimizer and schedule modules run and print what they say."""

import doctest

import numpy as np
import pytest

import kerasnb
import kerasnb.engine.optimizers as engine_optimizers
from kerasnb.engine.optimizers import (
    adam, adaptive, lookup, loss_scale, multi, muon, optimizer, schedule_free, schedules, sgd)
from kerasnb.engine.tensors import Variable

MODULES = [adam, adaptive, lookup, loss_scale, multi, muon, optimizer, schedule_free, schedules, sgd]


@pytest.mark.parametrize("module", MODULES, ids=[m.__name__.rsplit(".", 1)[-1] for m in MODULES])
def test_examples(trainable_backend, module):
    names = dict(vars(module), np=np, kerasnb=kerasnb, Variable=Variable)
    names.update({k: getattr(engine_optimizers, k) for k in dir(engine_optimizers) if not k.startswith("_")})
    tried = 0
    for test in doctest.DocTestFinder().find(module, globs=names):
        runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
        report = []
        runner.run(test, out=report.append)
        assert not runner.failures, "".join(report)
        tried += runner.tries
    assert tried > 0
