"""Models of the proposals app, one module per area."""

from proposals.models.consultation import *  # noqa: F403
from proposals.models.scenarios import *  # noqa: F403
