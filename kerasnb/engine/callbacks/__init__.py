"""Callbacks: hooks into `fit`, `evaluate` and `predict`, and the terminal progress bar."""

from kerasnb.engine.callbacks.backup_and_restore import BackupAndRestore  # noqa: F401
from kerasnb.engine.callbacks.callback import (  # noqa: F401
    Callback, CallbackList, progress_display, set_progress_display)
from kerasnb.engine.callbacks.csv_logger import CSVLogger  # noqa: F401
from kerasnb.engine.callbacks.early_stopping import EarlyStopping  # noqa: F401
from kerasnb.engine.callbacks.history import History  # noqa: F401
from kerasnb.engine.callbacks.lambda_callback import LambdaCallback  # noqa: F401
from kerasnb.engine.callbacks.learning_rate import (  # noqa: F401
    LearningRateScheduler, ReduceLROnPlateau)
from kerasnb.engine.callbacks.model_checkpoint import ModelCheckpoint  # noqa: F401
from kerasnb.engine.callbacks.monitor import MonitorCallback  # noqa: F401
from kerasnb.engine.callbacks.progbar import Progbar, ProgbarLogger  # noqa: F401
from kerasnb.engine.callbacks.remote_monitor import RemoteMonitor  # noqa: F401
from kerasnb.engine.callbacks.swap_ema import SwapEMAWeights  # noqa: F401
from kerasnb.engine.callbacks.tensorboard import TensorBoard  # noqa: F401
from kerasnb.engine.callbacks.terminate_on_nan import TerminateOnNaN  # noqa: F401
