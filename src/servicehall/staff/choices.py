"""Skill levels, what "learning" allows, rota half-days and rota entry kinds."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SkillLevel(models.TextChoices):
    """A clerk's proficiency in one service item. Only ``qualified`` and ``expert`` serve on their own;
    ``learning`` serves only as the hall's ``LearningRule`` says."""

    LEARNING = "learning", _("Learning")
    QUALIFIED = "qualified", _("Qualified")
    EXPERT = "expert", _("Expert")


SERVING_LEVELS = (SkillLevel.QUALIFIED, SkillLevel.EXPERT)


class LearningRule(models.TextChoices):
    NEVER = "never", _("Learners may not serve the item")
    WITH_MENTOR = "with_mentor", _("Learners may serve it while a qualified colleague is signed in")


class HalfDay(models.TextChoices):
    AM = "am", _("Morning")
    PM = "pm", _("Afternoon")


class RotaKind(models.TextChoices):
    """A rota entry: working at a counter, or on leave (no counter)."""

    WORK = "work", _("At a window")
    LEAVE = "leave", _("Leave")
