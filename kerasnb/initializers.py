"""`kerasnb.initializers` (`keras.initializers`): weight initializers, by class or by name.

Example:
    >>> import kerasnb
    >>> kerasnb.initializers.get("he_normal")((3, 4)).shape
    (3, 4)
"""

from kerasnb.engine.initializers import (  # noqa: F401
    STFT, Constant, GlorotNormal, GlorotUniform, HeNormal, HeUniform, Identity, IdentityInitializer,
    Initializer, LecunNormal, LecunUniform, Ones, Orthogonal, OrthogonalInitializer, RandomNormal,
    RandomUniform, STFTInitializer, TruncatedNormal, VarianceScaling, Zeros, constant, deserialize,
    get, glorot_normal, glorot_uniform, he_normal, he_uniform, identity, lecun_normal,
    lecun_uniform, ones, orthogonal, random_normal, random_uniform, serialize, stft,
    truncated_normal, variance_scaling, zeros)
