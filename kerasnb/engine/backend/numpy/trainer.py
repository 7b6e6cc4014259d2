"""The NumPy backend runs steps eagerly (inference only: it has no autodiff)."""


def compile_step(fn, jit_compile=False, donate_state=True):
    """`fn` unchanged: NumPy has no compiler."""
    return fn

