"""How the JAX backend compiles a pure train/test/predict step: one `jax.jit`, state donated."""

import jax


def compile_step(fn, jit_compile=True, donate_state=True):
    """`fn(state, data) -> (outputs, new_state)` compiled with XLA.

    The incoming state buffers are donated, so XLA updates weights in place; the jitted
    function returns the new state first, so that each donated buffer goes to the new value
    of the same variable rather than to a log value of the same shape.
    """
    if not jit_compile:
        return fn

    def state_first(state, data):  # donated buffers go to the outputs in order: state first
        outputs, new_state = fn(state, data)
        return new_state, outputs

    jitted = jax.jit(state_first, donate_argnums=(0,) if donate_state else ())

    def run(state, data):
        new_state, outputs = jitted(state, data)
        return outputs, new_state

    return run


def stack_batches(batches):
    """Stacks equally shaped batches on a new leading axis (for fused multi-step execution)."""
    return jax.tree_util.tree_map(lambda *leaves: jax.numpy.stack(leaves), *batches)


def accepts_numpy(jit_compile):
    """A jitted step takes NumPy batches directly (one copy fewer); an eager one does not."""
    return bool(jit_compile)


def take_rows(array, index):
    """The rows `index` (valid int indices) of `array`: a plain clamped gather, cheaper
    than `jnp.take`'s default out-of-bounds filling."""
    return array[index]
