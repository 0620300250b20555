"""What the quality services share: who may edit indicator systems and questionnaires, and who acts when
nobody does."""

from servicehall.core.audit import SystemActor
from servicehall.core.choices import Role

EDITORS = (Role.MANAGER, Role.EVALUATOR)

# The system itself (a worker sweep, a case opened by a bad rating): the audit trail reads
# ``system:quality`` (not "anonymous"); sweeps also name their job in ``after``.
WORKER = SystemActor(job="quality")
