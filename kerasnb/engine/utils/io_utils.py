"""`print_msg`: messages that honour `keras.config.disable_interactive_logging()`.

Example:
    >>> print_msg("Found 3 files.")
    Found 3 files.
"""

import logging
import sys

from kerasnb.engine import config

logger = logging.getLogger("kerasnb")


def print_msg(message):
    """Prints `message` to stdout, or logs it at INFO level on the ``"kerasnb"`` logger when
    interactive logging is disabled."""
    if config.is_interactive_logging_enabled():
        sys.stdout.write(message + "\n")
        sys.stdout.flush()
    else:
        logger.info(message)
