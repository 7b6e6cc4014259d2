"""Models: `Model`, functional graphs, `Sequential`, summaries and cloning."""

from kerasnb.engine.models.cloning import clone_model  # noqa: F401
from kerasnb.engine.models.functional import Functional  # noqa: F401
from kerasnb.engine.models.model import Model, model_from_json  # noqa: F401
from kerasnb.engine.models.sequential import Sequential  # noqa: F401
