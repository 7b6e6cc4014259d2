"""Random numbers: the `keras.random` ops, `SeedGenerator`, and global seeding."""

from kerasnb.engine.random.seed_generator import (  # noqa: F401
    SeedGenerator, draw_seed, global_seed_generator, set_random_seed)
from kerasnb.engine.random.random import *  # noqa: F401,F403
