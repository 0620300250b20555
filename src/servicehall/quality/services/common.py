"""What the quality services share: who may edit indicator systems and questionnaires, and who acts when
nobody does."""

from servicehall.core.actors import Actor
from servicehall.core.choices import Role

EDITORS = (Role.MANAGER, Role.EVALUATOR)

# The system itself (a worker sweep, a case opened by a bad rating): an actor with neither a user nor a
# device, as ``core.actors`` represents it. Its audit rows carry no actor id; sweeps name their job in
# ``after``.
WORKER = Actor()
