"""`kerasnb.callbacks` (`keras.callbacks`): hooks into training, evaluation and prediction.

Example:
    >>> import kerasnb
    >>> stop = kerasnb.callbacks.EarlyStopping(monitor="loss", patience=2)
"""

from kerasnb.engine.callbacks import (  # noqa: F401
    BackupAndRestore, Callback, CallbackList, CSVLogger, EarlyStopping, History, LambdaCallback,
    LearningRateScheduler, ModelCheckpoint, ProgbarLogger, ReduceLROnPlateau, RemoteMonitor,
    SwapEMAWeights, TensorBoard, TerminateOnNaN)
