"""The indicator-system page (staff): the tree with local and global weights, and per node the AHP form
(Saaty's scale for each pair) that sets its children's weights; publish; new version.

The form opens with the judgements stored for the node (the viewer's own, else the latest anyone made),
and a judgement refused as inconsistent comes back as typed, with the refusal and its CR beside that
node's matrix and the pair to reconsider marked, so the expert changes one answer instead of all of them.
"""

import math

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from servicehall.core.choices import Role
from servicehall.core.errors import DomainError, Invalid
from servicehall.core.selectors import hall_get
from servicehall.quality import ahp, selectors, services
from servicehall.quality.choices import SystemStatus
from servicehall.quality.forms import AhpJudgementForm
from servicehall.quality.views.office import staff_actor

# Saaty's scale with its intermediate values: a stored 2 must open as 2, not as the nearest odd value.
SAATY = [(float(v), str(v)) for v in range(9, 0, -1)] + [(1 / v, f"1/{v}") for v in range(2, 10)]


def saaty_label(value) -> str:
    """The scale's label nearest to ``value`` (a stored 0.333… reads "1/3"; a combined 2.4 reads "3")."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "1"
    if not number > 0:
        return "1"
    return min(SAATY, key=lambda option: abs(math.log(option[0] / number)))[1]


@login_required
def system_page(request, hall_code: str, system_id: int):
    """An indicator system with its AHP forms; POST publishes, makes a new version or submits one
    node's judgement (a refused one is shown again as typed, 422)."""
    hall = hall_get(code=hall_code)
    actor = staff_actor(request, hall, Role.MANAGER, Role.EVALUATOR)
    system = selectors.system_get(hall=hall, system_id=system_id)
    errors, notice, posted = {}, "", None
    if request.method == "POST":
        try:
            if request.POST.get("action") == "publish":
                services.system_publish(actor=actor, system=system)
                notice = _("Published: this version is now frozen.")
            elif request.POST.get("action") == "version":
                copy = services.system_new_version(actor=actor, system=system)
                return redirect("quality:system", hall_code=hall.code, system_id=copy.pk)
            else:
                posted = request.POST.get("parent") or ""
                notice = _judgement_post(request, actor, system)
        except DomainError as exc:
            errors = exc.form_errors()
        system.refresh_from_db()
    nodes = _nodes(request, system, errors=errors if posted is not None else {}, posted=posted)
    return render(
        request,
        "quality/system.html",
        {
            "hall": hall,
            "system": system,
            "tree": nodes[0]["children"],
            "nodes": nodes,
            "scale": SAATY,
            "problems": selectors.weight_problems(system=system),
            # A refused judgement's errors stand beside its own form; the rest at the top.
            "errors": errors if posted is None else {},
            "notice": notice,
            "draft": system.status == SystemStatus.DRAFT,
        },
        status=422 if errors else 200,
    )


def _nodes(request, system, *, errors: dict, posted: str | None) -> list[dict]:
    """Every node with children, each with its pairs and the answer each pair's select shows: what was
    typed when this node's judgement was just refused, otherwise the stored judgement."""
    nodes = [{"code": None, "name": _("Dimensions"), "children": selectors.tree(system=system)}]

    def walk(children):
        for n in children:
            if n["children"]:
                nodes.append(n)
                walk(n["children"])

    walk(nodes[0]["children"])
    stored = selectors.judgements_of(system=system, expert=request.user)
    for n in nodes:
        kids = n["children"]
        refused = bool(errors) and posted == (n["code"] or "")
        judged = stored.get(n["code"], {})
        n["pairs"] = []
        for i in range(len(kids)):
            for j in range(i + 1, len(kids)):
                typed = request.POST.get(f"a_{i}_{j}") if refused else None
                value = typed if typed is not None else judged.get((kids[i]["code"], kids[j]["code"]), 1)
                n["pairs"].append(
                    {"i": i, "j": j, "a": kids[i]["name"], "b": kids[j]["name"], "chosen": saaty_label(value)}
                )
        n["errors"] = [m for messages in errors.values() for m in messages] if refused else []
        if refused:
            _mark_worst(n, system.ri_table)
    return nodes


def _mark_worst(node: dict, ri_table: str) -> None:
    """Mark the pair the refused judgement departs from most (the one to reconsider first)."""
    size = len(node["children"])
    values = {(p["i"], p["j"]): dict((label, v) for v, label in SAATY)[p["chosen"]] for p in node["pairs"]}
    matrix = [[1.0] * size for _k in range(size)]
    for (i, j), v in values.items():
        matrix[i][j], matrix[j][i] = v, 1 / v
    try:
        result = ahp.ahp_weights(matrix, ri_table=ri_table)
    except ValueError:
        return
    for p in node["pairs"]:
        p["worst"] = (p["i"], p["j"]) == result.worst


def _judgement_post(request, actor, system) -> str:
    """One node's AHP form: its children compared pair by pair, the judgement submitted."""
    code = request.POST.get("parent") or None
    parent = selectors.indicator_get(system=system, code=code) if code else None
    kids = selectors.indicator_children(system=system, parent=parent)
    form = AhpJudgementForm(request.POST, size=len(kids))
    if not form.is_valid():
        raise Invalid(fields={k: [str(m) for m in v] for k, v in form.errors.items()})
    result = services.judgement_submit(actor=actor, system=system, parent=parent, matrix=form.matrix())
    return _("Judgement accepted (CR = %(cr).3f); the weights are updated.") % {"cr": result.cr}
