"""Indicator systems and their weights: a system from a shipped template, edited as a draft (indicators,
AHP judgements that must pass the consistency check), published and then frozen; a new version is a draft
copy. Status changes go through ``choices.SYSTEM_TRANSITIONS``."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.core.actors import Actor
from servicehall.core.audit import audit_record
from servicehall.core.errors import Conflict, Invalid
from servicehall.core.models import Hall
from servicehall.core.permissions import require_role
from servicehall.core.services import validated
from servicehall.core.transitions import transition
from servicehall.quality import ahp, selectors
from servicehall.quality.choices import SYSTEM_TRANSITIONS, IndicatorKind, SystemAction, SystemStatus
from servicehall.quality.models import Indicator, IndicatorSystem, Judgement
from servicehall.quality.presets import TEMPLATES
from servicehall.quality.services.common import EDITORS


def _require_draft(system: IndicatorSystem) -> None:
    """Refuse changes to a published version (read from the database: the caller's copy may be stale)."""
    status = IndicatorSystem.objects.filter(pk=system.pk).values_list("status", flat=True).get()
    if status != SystemStatus.DRAFT:
        raise Conflict(
            _("Version %(v)s of “%(name)s” is published and frozen: make a new version to change it.")
            % {"v": system.version, "name": system.name},
            code="frozen",
        )


@transaction.atomic
def system_from_template(*, actor: Actor, hall: Hall, template: str) -> IndicatorSystem:
    """A new draft from a shipped template, with equal local weights among siblings to start from."""
    require_role(actor, hall, *EDITORS)
    if template not in TEMPLATES:
        raise Invalid(fields={"template": [_("Choose one of: %(names)s.") % {"names": ", ".join(TEMPLATES)}]})
    name, nodes = TEMPLATES[template]
    version = (
        IndicatorSystem.objects.filter(hall=hall, name=name)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
        or 0
    ) + 1
    system = IndicatorSystem.objects.create(
        hall=hall, name=name, version=version, template=template, created_at=timezone.now()
    )

    def add(parent, rows):
        for position, (code, label, en, kind, extra, children) in enumerate(rows):
            node = Indicator.objects.create(
                system=system,
                parent=parent,
                code=code,
                name=label,
                name_en=en,
                kind=kind,
                position=position,
                weight=round(1 / len(rows), 6),
                **extra,
            )
            add(node, children)

    add(None, nodes)
    _even_out(system)
    audit_record(
        actor=actor,
        action="quality.system_create",
        hall=hall,
        obj=system,
        after={"template": template, "version": version},
    )
    return system


def _even_out(system: IndicatorSystem) -> None:
    """Make each sibling group's rounded equal weights sum to exactly 1 (the last one takes the rest)."""
    groups: dict[int | None, list[Indicator]] = {}
    for r in Indicator.objects.filter(system=system).order_by("position", "id"):
        groups.setdefault(r.parent_id, []).append(r)
    for rows in groups.values():
        rows[-1].weight = round(1 - sum(r.weight for r in rows[:-1]), 6)
        rows[-1].save(update_fields=["weight"])


@transaction.atomic
def system_new_version(*, actor: Actor, system: IndicatorSystem) -> IndicatorSystem:
    """A draft copy of a (published) version, to change without touching what reports were made with."""
    require_role(actor, system.hall, *EDITORS)
    version = (
        IndicatorSystem.objects.filter(hall=system.hall, name=system.name)
        .order_by("-version")
        .first()
        .version
    )
    copy = IndicatorSystem.objects.create(
        hall=system.hall,
        name=system.name,
        version=version + 1,
        template=system.template,
        ri_table=system.ri_table,
        created_at=timezone.now(),
        based_on=system,
    )
    rows = list(Indicator.objects.filter(system=system).order_by("position", "id"))
    mapping: dict[int | None, Indicator | None] = {None: None}
    pending = rows
    while pending:  # parents before their children, level by level (NULLs sort differently per database)
        ready = [r for r in pending if r.parent_id in mapping]
        pending = [r for r in pending if r.parent_id not in mapping]
        if not ready:
            raise Conflict(_("The indicator tree is broken: some indicators have no parent in this version."))
        for r in ready:
            old_pk, parent = r.pk, mapping[r.parent_id]
            r.pk, r.id, r.system, r.parent = None, None, copy, parent
            r.save(force_insert=True)
            mapping[old_pk] = r
    audit_record(
        actor=actor,
        action="quality.system_version",
        hall=system.hall,
        obj=copy,
        after={"based_on": system.pk, "version": copy.version},
    )
    return copy


@transaction.atomic
def indicator_update(*, actor: Actor, indicator: Indicator, **fields) -> Indicator:
    system = indicator.system
    require_role(actor, system.hall, *EDITORS)
    _require_draft(system)
    before = {k: getattr(indicator, k) for k in fields}
    for k, v in fields.items():
        setattr(indicator, k, v)
    if indicator.kind == IndicatorKind.OBJECTIVE and not indicator.metric:
        raise Invalid(
            fields={"metric": [_("An objective indicator needs the operational metric it is computed from.")]}
        )
    validated(indicator, exclude=["system", "parent"])
    indicator.save()
    audit_record(
        actor=actor,
        action="quality.indicator_update",
        hall=system.hall,
        obj=indicator,
        before={k: str(v) for k, v in before.items()},
        after={k: str(v) for k, v in fields.items()},
    )
    return indicator


@transaction.atomic
def system_publish(*, actor: Actor, system: IndicatorSystem) -> IndicatorSystem:
    """Freeze a draft. Refused while a sibling group's weights do not sum to 1. The published version of
    the same name it replaces is retired. Locks the draft's row, then the published versions' rows."""
    require_role(actor, system.hall, *EDITORS)
    row = IndicatorSystem.objects.select_for_update().get(pk=system.pk)
    _require_draft(row)
    problems = selectors.weight_problems(system=system)
    if problems:
        raise Invalid(
            _("Weights must sum to 1 among siblings: %(groups)s") % {"groups": "; ".join(problems)},
            fields={"weights": problems},
            code="weights",
        )
    system.status = transition(SYSTEM_TRANSITIONS, row, SystemAction.PUBLISH)
    system.published_at = timezone.now()
    system.save(update_fields=["status", "published_at"])
    older = (
        IndicatorSystem.objects.select_for_update()
        .filter(hall=system.hall, name=system.name, status=SystemStatus.PUBLISHED)
        .exclude(pk=system.pk)
    )
    for old in older:
        before = old.status
        old.status = transition(SYSTEM_TRANSITIONS, old, SystemAction.RETIRE)
        old.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="quality.system_retire",
            hall=system.hall,
            obj=old,
            before={"status": before},
            after={"status": old.status, "replaced_by": system.pk},
        )
    audit_record(
        actor=actor,
        action="quality.system_publish",
        hall=system.hall,
        obj=system,
        after={"version": system.version},
    )
    return system


@transaction.atomic
def judgement_submit(
    *, actor: Actor, system: IndicatorSystem, parent: Indicator | None, matrix: list[list[float]]
) -> Judgement:
    """Record one expert's pairwise comparisons of a node's children (Saaty's 1-9 scale). A judgement
    with CR ≥ 0.10 is refused with the comparison to reconsider; a consistent one is stored and the
    children's local weights become the AHP weights of every expert's judgements combined (geometric mean
    of the judgements, then the principal eigenvector)."""
    require_role(actor, system.hall, *EDITORS)
    _require_draft(system)
    children = list(Indicator.objects.filter(system=system, parent=parent).order_by("position", "id"))
    labels = [f"{c.code} {c.name}" for c in children]
    if len(matrix) != len(children) or any(len(row) != len(children) for row in matrix):
        raise Invalid(
            fields={
                "matrix": [
                    _("Give a %(n)s × %(n)s matrix: one row and column per indicator (%(names)s).")
                    % {"n": len(children), "names": "、".join(labels)}
                ]
            }
        )
    try:
        result = ahp.ahp_weights(matrix, ri_table=system.ri_table)
    except ValueError as exc:
        raise Invalid(fields={"matrix": [str(exc)]}) from exc
    if not result.consistent:
        i, j = result.worst
        raise Invalid(
            _(
                "These judgements are not consistent enough (CR = %(cr).3f, must be below 0.10). "
                "Reconsider first the comparison of “%(a)s” with “%(b)s”."
            )
            % {"cr": result.cr, "a": labels[i], "b": labels[j]},
            fields={
                "matrix": [
                    _("CR = %(cr).3f ≥ 0.10: reconsider “%(a)s” against “%(b)s”.")
                    % {"cr": result.cr, "a": labels[i], "b": labels[j]}
                ]
            },
            code="inconsistent",
        )
    judgement, _created = Judgement.objects.update_or_create(
        system=system,
        parent=parent,
        expert=actor.user,
        defaults={
            "codes": [c.code for c in children],
            "matrix": matrix,
            "weights": list(result.weights),
            "lambda_max": result.lambda_max,
            "ci": result.ci,
            "cr": result.cr,
            "ri_table": system.ri_table,
            "created_at": timezone.now(),
        },
    )
    matrices = [j.matrix for j in Judgement.objects.filter(system=system, parent=parent)]
    combined = (
        ahp.ahp_weights(ahp.combine_experts(matrices), ri_table=system.ri_table)
        if len(matrices) > 1
        else result
    )
    for child, weight in zip(children, combined.weights, strict=True):
        child.weight = round(float(weight), 6)
        child.save(update_fields=["weight"])
    _even_out(system)
    audit_record(
        actor=actor,
        action="quality.ahp_judgement",
        hall=system.hall,
        obj=judgement,
        after={
            "parent": parent.code if parent else None,
            "cr": round(result.cr, 4),
            "experts": len(matrices),
        },
    )
    return judgement
