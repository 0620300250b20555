"""What the quality services share: who may edit indicator systems and questionnaires."""

from servicehall.core.choices import Role

EDITORS = (Role.MANAGER, Role.EVALUATOR)
