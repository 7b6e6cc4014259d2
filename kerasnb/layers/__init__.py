"""`kerasnb.layers` (`keras.layers`): the Layer base and the layer catalogue.

Example:
    >>> import kerasnb as keras
    >>> keras.layers.Dense(4, activation="relu")
"""

from kerasnb.engine.layers import *  # noqa: F401,F403
from kerasnb.engine.layers import Input, InputLayer, InputSpec, Layer  # noqa: F401
from kerasnb.engine.layers.lookup import deserialize, serialize  # noqa: F401
from kerasnb.engine.layers.preprocessing.bounding_boxes import MaxNumBoundingBoxes  # noqa: F401
from kerasnb.engine.layers.preprocessing.color import (  # noqa: F401
    RandomBrightness, RandomColorDegeneration, RandomColorJitter, RandomContrast, RandomGaussianBlur,
    RandomGrayscale, RandomHue, RandomInvert, RandomPosterization, RandomSaturation, RandomSharpness,
    Solarization)
from kerasnb.engine.layers.preprocessing.geometric import (  # noqa: F401
    RandomCrop, RandomElasticTransform, RandomFlip, RandomPerspective, RandomRotation, RandomShear,
    RandomTranslation, RandomZoom)
from kerasnb.engine.layers.preprocessing.histogram import (  # noqa: F401
    AutoContrast, ContrastLimitedAdaptiveHistogramEqualization, Equalization)
from kerasnb.engine.layers.preprocessing.mixing import CutMix, MixUp, RandomErasing  # noqa: F401
from kerasnb.engine.layers.preprocessing.policies import AugMix, RandAugment  # noqa: F401
