"""`kerasnb.utils` (`keras.utils`): data, file, image, serialization and session utilities.

The dataset functions (`image_dataset_from_directory`, `text_dataset_from_directory`,
`audio_dataset_from_directory`, `timeseries_dataset_from_array`, `split_dataset`) return
a `tf.data.Dataset`, as Keras does, when TensorFlow is installed (`fit` reads it on every
backend); without TensorFlow they return a kerasnb `PyDataset` of NumPy batches.

Example:
    >>> import kerasnb
    >>> kerasnb.utils.set_random_seed(0)
    >>> kerasnb.utils.to_categorical([0, 1]).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
"""

from kerasnb.engine.callbacks.progbar import Progbar  # noqa: F401
from kerasnb.engine.config import (  # noqa: F401
    disable_interactive_logging, enable_interactive_logging, is_interactive_logging_enabled)
from kerasnb.engine.dtypes import standardize_dtype  # noqa: F401
from kerasnb.engine.random import set_random_seed  # noqa: F401
from kerasnb.engine.saving.serialization import (  # noqa: F401
    CustomObjectScope, custom_object_scope, deserialize_keras_object, get_custom_objects,
    get_registered_name, get_registered_object, register_keras_serializable,
    serialize_keras_object)
from kerasnb.engine.session import clear_session  # noqa: F401
from kerasnb.engine.tensors import is_keras_tensor  # noqa: F401
from kerasnb.engine.trainers.data_adapters import (  # noqa: F401
    PyDataset, pack_x_y_sample_weight, unpack_x_y_sample_weight)
from kerasnb.engine.utils.audio_dataset import audio_dataset_from_directory  # noqa: F401
from kerasnb.engine.utils.config import Config  # noqa: F401
from kerasnb.engine.utils.dataset_utils import split_dataset  # noqa: F401
from kerasnb.engine.utils.feature_space import FeatureSpace  # noqa: F401
from kerasnb.engine.utils.files import get_file  # noqa: F401
from kerasnb.engine.utils.image_dataset import image_dataset_from_directory  # noqa: F401
from kerasnb.engine.utils.image_utils import (  # noqa: F401
    array_to_img, img_to_array, load_img, save_img)
from kerasnb.engine.utils.model_graph import model_to_dot, plot_model  # noqa: F401
from kerasnb.engine.utils.numerical import normalize, to_categorical  # noqa: F401
from kerasnb.engine.utils.sequence import pad_sequences  # noqa: F401
from kerasnb.engine.utils.symbolic import get_source_inputs  # noqa: F401
from kerasnb.engine.utils.text_dataset import text_dataset_from_directory  # noqa: F401
from kerasnb.engine.utils.timeseries_dataset import timeseries_dataset_from_array  # noqa: F401

Sequence = PyDataset  # Keras 3 keeps `Sequence` as another name of `PyDataset`
