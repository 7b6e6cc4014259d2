"""Where we are running (a Jupyter kernel or not) and handling widget clicks mid-cell.

While a cell runs, the kernel's main thread is busy, so the messages a frontend sends when a
button is clicked or a slider moved wait in the kernel's queue until the cell ends. For a
Stop button that is too late. `process_comm_messages` handles them from inside the running
cell: it takes every message waiting for the main shell, hands ``comm_*`` messages to the
kernel's comm handlers right away, and gives every other message (the next cell's
``execute_request``, ``kernel_info_request``, ...) back to the kernel, in order, to be run
after the current cell as if it had never been looked at.

ipykernel >= 7 receives shell messages on a separate thread and forwards those for the main
shell over an in-process ZMQ pair socket; ipykernel 6 reads the shell socket directly from
the main thread. Both are handled (the tests run ipykernel 7); with anything else the
function does nothing, and clicks take effect once the cell ends.

Example:
    >>> process_comm_messages()  # outside a kernel: nothing to do
    0
"""

import sys
import threading

_COMM_TYPES = ("comm_open", "comm_msg", "comm_close")


def kernel_shell():
    """The running IPython shell when it belongs to a Jupyter kernel, else `None`.

    Never imports IPython: if it is not imported yet, no shell is running.
    """
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return None
    shell = ipython.get_ipython()
    if shell is None or getattr(shell, "kernel", None) is None:
        return None
    return shell


def process_comm_messages(limit=100):
    """Handles the comm messages waiting for the kernel's main shell, now.

    Only acts on the main thread of a Jupyter kernel (elsewhere it returns 0). Messages
    that are not comm messages are re-queued, in order, to run after the current cell.

    Args:
        limit: the most messages taken in one call.

    Returns:
        The number of comm messages handled.
    """
    shell = kernel_shell()
    if shell is None or threading.current_thread() is not threading.main_thread():
        return 0
    kernel = shell.kernel
    channel = _main_channel(kernel)
    if channel is None:
        return 0
    socket, reply_stream = channel
    import zmq

    handled, deferred = 0, []
    for _ in range(limit):
        try:
            frames = socket.recv_multipart(zmq.NOBLOCK, copy=False)
        except zmq.Again:
            break
        idents, parts = kernel.session.feed_identities(frames, copy=False)
        try:  # a peek (content=False) leaves the message replayable for the kernel
            msg_type = kernel.session.deserialize(parts, content=False, copy=False)["msg_type"]
        except Exception:  # not ours to judge: let the kernel report it as usual
            deferred.append(frames)
            continue
        handler = kernel.shell_handlers.get(msg_type)
        if msg_type not in _COMM_TYPES or handler is None:
            deferred.append(frames)
            continue
        msg = kernel.session.deserialize(parts, content=True, copy=False)
        _run_handler(kernel, handler, reply_stream, idents, msg)
        handled += 1
    for frames in deferred:
        _requeue(kernel, frames)
    return handled


def _main_channel(kernel):
    """(socket the main shell reads, stream its replies go to), or None if unknown."""
    thread = getattr(kernel, "shell_channel_thread", None)
    try:
        if thread is not None:  # ipykernel >= 7: forwarded by the shell channel thread
            manager = thread.manager
            pair = manager.get_shell_channel_to_subshell_pair(None)
            return pair.to_socket, manager.get_subshell_to_shell_channel_socket(None)
        stream = kernel.shell_stream
        return stream.socket, stream
    except AttributeError:
        return None


def _requeue(kernel, frames):
    """Hands a message back to the kernel's own entry point, as its stream would have."""
    if hasattr(kernel, "shell_main"):  # ipykernel >= 7
        kernel.io_loop.add_callback(kernel.shell_main, None, frames)
    else:  # ipykernel 6: the dispatch queue
        kernel.schedule_dispatch(kernel.dispatch_shell, frames)


def _run_handler(kernel, handler, stream, idents, msg):
    """Runs a comm handler with `msg` as the parent (as the kernel would), then restores
    the running cell as the parent so its later output stays in its cell."""
    parent = kernel.get_parent("shell")
    parent_ident = kernel._parent_ident["shell"]
    kernel.set_parent(idents, msg, channel="shell")
    try:
        handler(stream, idents, msg)
    except Exception:
        kernel.log.error("Exception in comm handler during a running cell:", exc_info=True)
    finally:
        kernel.set_parent(parent_ident, parent, channel="shell")
