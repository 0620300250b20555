"""Every write of staff: skills (``skills``), the staff themselves and the hall's staff settings
(``people``), the rota (``rota``); shared helpers in ``common``. Counters, devices, opening hours and
service items are changed through their own apps' services (core, queueing, catalog)."""

from servicehall.staff.services.hall import item_settings_set
from servicehall.staff.services.people import (
    may_manage,
    settings_update,
    staff_create,
    staff_deactivate,
    staff_mobile_set,
    staff_password_reset,
    staff_photo_set,
    staff_reactivate,
    staff_roles_set,
    staff_token_create,
    staff_token_revoke,
    staff_update,
)
from servicehall.staff.services.rota import rota_week_replace
from servicehall.staff.services.skills import skill_set, skills_replace

__all__ = [
    "item_settings_set",
    "may_manage",
    "rota_week_replace",
    "settings_update",
    "skill_set",
    "skills_replace",
    "staff_create",
    "staff_deactivate",
    "staff_mobile_set",
    "staff_password_reset",
    "staff_photo_set",
    "staff_reactivate",
    "staff_roles_set",
    "staff_token_create",
    "staff_token_revoke",
    "staff_update",
]
