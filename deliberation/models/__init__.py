"""Models of the deliberation app, one module per area."""

from deliberation.models.moderation import *  # noqa: F403
from deliberation.models.notifications import *  # noqa: F403
from deliberation.models.synthesis import *  # noqa: F403
from deliberation.models.threads import *  # noqa: F403
