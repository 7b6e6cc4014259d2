"""`kerasnb.random` (`keras.random`): random ops seeded by ints or `SeedGenerator`s.

Example:
    >>> import kerasnb
    >>> kerasnb.random.normal((2, 3), seed=kerasnb.random.SeedGenerator(42)).shape
    (2, 3)
"""

from kerasnb.engine.random import (  # noqa: F401
    SeedGenerator, beta, binomial, categorical, dropout, gamma, normal, randint, shuffle,
    truncated_normal, uniform)
