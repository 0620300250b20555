"""Pages of the quality module: the rating pad at the window (好差评评价器) and the citizen's rating page
on the phone. The pad is paired once like a kiosk; neither page steers the rating: five buttons of one
size and one colour, none chosen in advance."""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from servicehall.catalog.selectors import item_list
from servicehall.core.actors import Actor, client_ip
from servicehall.core.choices import DeviceKind
from servicehall.core.devices import device_for_token, paired_device, remember_pairing
from servicehall.core.errors import DomainError
from servicehall.core.selectors import counter_list, hall_get
from servicehall.quality import selectors, services
from servicehall.quality.choices import (
    BAD_LEVELS,
    ITEM_KIND_LABELS,
    QUADRANT_LABELS,
    RatingChannel,
    RatingLevel,
)
from servicehall.queueing import selectors as queue_selectors


def _pad(request, hall):
    return paired_device(request, hall=hall, kind=DeviceKind.RATING_PAD)


def _levels(hall) -> list[dict]:
    tags = selectors.settings_get(hall=hall).reason_tags
    return [
        {"value": v, "label": label, "tags": tags.get(str(v), []), "bad": v in BAD_LEVELS}
        for v, label in RatingLevel.choices
    ]


def pad_pair(request, hall_code: str):
    hall = hall_get(code=hall_code)
    raw = request.GET.get("token") or ""
    if device_for_token(raw, hall=hall, kind=DeviceKind.RATING_PAD) is None:
        return render(
            request,
            "quality/pad.html",
            {"hall": hall, "unpaired": True, "error": _("This is not a rating-pad token of this hall.")},
            status=403,
        )
    response = redirect("quality:pad", hall_code=hall.code)
    return remember_pairing(request, response, kind=DeviceKind.RATING_PAD, raw=raw)


def pad(request, hall_code: str, *, errors=None, form=None, status=200, thanks=False):
    """The pad at a window: idle until a service there is completed, then the five levels."""
    hall = hall_get(code=hall_code)
    device = _pad(request, hall)
    if device is None:
        return render(request, "quality/pad.html", {"hall": hall, "unpaired": True}, status=403)
    ticket = None if thanks else selectors.pad_ticket(counter=device.counter, now=timezone.now())
    return render(
        request,
        "quality/pad.html",
        {
            "hall": hall,
            "device": device,
            "counter": device.counter,
            "ticket": ticket,
            "levels": _levels(hall),
            "errors": errors or {},
            "form": form or {},
            "thanks": thanks,
            "last_event_id": queue_selectors.board_state(hall=hall)["last_event_id"],
        },
        status=status,
    )


@require_POST
def pad_rate(request, hall_code: str):
    hall = hall_get(code=hall_code)
    device = _pad(request, hall)
    if device is None:
        return redirect("quality:pad", hall_code=hall.code)
    ticket = selectors.pad_ticket(counter=device.counter, now=timezone.now())
    form = _form(request)
    if ticket is None or ticket.public_id != request.POST.get("ticket"):
        return pad(
            request,
            hall.code,
            errors={"general": [_("This service can no longer be rated here.")]},
            status=409,
        )
    try:
        services.rating_submit(
            actor=Actor(device=device, ip=client_ip(request)),
            ticket=ticket,
            level=form["level"],
            tags=form["tags"],
            comment=form["comment"],
            channel=RatingChannel.PAD,
        )
    except DomainError as exc:
        return pad(request, hall.code, errors=exc.form_errors(), form=form, status=exc.status)
    return pad(request, hall.code, thanks=True)


def _form(request) -> dict:
    try:
        level = int(request.POST.get("level") or 0)
    except ValueError:
        level = 0
    return {
        "level": level,
        "tags": request.POST.getlist("tags")[:10],
        "comment": (request.POST.get("comment") or "")[:500],
    }


def phone_rate(request, public_id: str):
    """The citizen rates on the phone, from the link of the tracking page or the text message."""
    ticket = queue_selectors.ticket_get(public_id=public_id)
    hall = ticket.hall
    errors, form, done = {}, {}, None
    if request.method == "POST":
        form = _form(request)
        try:
            done = services.rating_submit(
                actor=Actor(ip=client_ip(request)),
                ticket=ticket,
                level=form["level"],
                tags=form["tags"],
                comment=form["comment"],
                channel=RatingChannel.PHONE,
            )
        except DomainError as exc:
            errors = exc.form_errors()
    existing = getattr(ticket, "rating", None) if done is None else done
    return render(
        request,
        "quality/rate.html",
        {
            "hall": hall,
            "ticket": ticket,
            "levels": _levels(hall),
            "errors": errors,
            "form": form,
            "rated": existing,
            "track_url": reverse("queueing:track", args=[ticket.public_id]),
            "questionnaire": selectors.questionnaire_current(hall=hall),
        },
        status=422 if errors and "general" not in errors else 409 if errors else 200,
    )


def kiosk_rate(request, hall_code: str):
    """Rate a service at a kiosk after it: scan the ticket's QR code or type its number, then the five
    levels (the same form as the pad, nothing pre-chosen). Only a paired kiosk of the hall rates here."""

    hall = hall_get(code=hall_code)
    device = paired_device(request, hall=hall, kind=DeviceKind.KIOSK)
    errors, form, ticket, thanks = {}, {}, None, False
    lookup = (request.POST.get("lookup") or request.GET.get("lookup") or "").strip()[:200]
    if request.method == "POST" and device is not None:
        ticket = selectors.kiosk_ticket(
            hall=hall, text=request.POST.get("ticket") or lookup, now=timezone.now()
        )
        if ticket is None:
            errors["lookup"] = [
                _(
                    "No service with this number was completed here today. Check the number on "
                    "your ticket, or scan its QR code."
                )
            ]
        elif request.POST.get("step") == "rate":
            form = _form(request)
            try:
                services.rating_submit(
                    actor=Actor(device=device, ip=client_ip(request)),
                    ticket=ticket,
                    level=form["level"],
                    tags=form["tags"],
                    comment=form["comment"],
                    channel=RatingChannel.KIOSK,
                )
                thanks, ticket = True, None
            except DomainError as exc:
                errors = exc.form_errors()
        elif getattr(ticket, "rating", None) is not None:
            errors["lookup"], ticket = [_("This service has already been rated. Thank you!")], None
    status = 200 if not errors else 409 if "general" in errors else 422
    return render(
        request,
        "quality/kiosk_rate.html",
        {
            "hall": hall,
            "paired": device is not None,
            "ticket": ticket,
            "lookup": lookup,
            "levels": _levels(hall),
            "errors": errors,
            "form": form,
            "thanks": thanks,
        },
        status=status if device is not None else 403,
    )


def questionnaire(request, questionnaire_id: int):
    """The citizen's questionnaire on the phone (from the rating page, the ticket's QR or a text). The
    page carries a signed start time, so the cleaning can tell a two-second click-through."""
    from django.core import signing
    from django.shortcuts import get_object_or_404

    from servicehall.quality.choices import SystemStatus
    from servicehall.quality.models import Questionnaire

    q = get_object_or_404(
        Questionnaire.objects.select_related("hall"), pk=questionnaire_id, status=SystemStatus.PUBLISHED
    )
    ticket = None
    if request.GET.get("t") or request.POST.get("t"):
        from servicehall.queueing.models import Ticket

        ticket = Ticket.objects.filter(
            public_id=request.GET.get("t") or request.POST.get("t"), hall=q.hall
        ).first()
    # Staff of the hall's quality office type in paper forms here (``?paper=1``): stored as entered, as
    # channel "paper", under their name; the cleaning flags what is wrong.
    paper = bool(request.GET.get("paper") or request.POST.get("paper")) and request.user.is_authenticated
    if paper:
        from servicehall.core.choices import Role

        _staff(request, q.hall, Role.MANAGER, Role.EVALUATOR)
    errors, done, answers = {}, None, {}
    if request.method == "POST":
        answers = {i["key"]: request.POST.get(i["key"], "") for i in q.items}
        try:
            started = signing.loads(request.POST.get("started", ""), salt="questionnaire", max_age=86400)
            started_at = timezone.datetime.fromisoformat(started)
        except (signing.BadSignature, ValueError, TypeError):
            started_at = None
        try:
            actor = Actor(user=request.user if paper else None, ip=client_ip(request))
            done = services.response_submit(
                actor=actor,
                questionnaire=q,
                answers=answers,
                channel=RatingChannel.PAPER if paper else RatingChannel.PHONE,
                ticket=ticket,
                started_at=None if paper else started_at,
            )
        except DomainError as exc:
            errors = exc.form_errors()
    english = get_language().startswith("en")
    groups: list[dict] = []
    for item in q.items:
        if not groups or groups[-1]["indicator"] != item["indicator"]:
            groups.append({"indicator": item["indicator"], "items": []})
        shown = item.get("text_en") if english and item.get("text_en") else item["text"]
        groups[-1]["items"].append(
            item
            | {
                "text": shown,
                "value": str(answers.get(item["key"], "")),
                "errors": errors.get(item["key"], []),
            }
        )
    return render(
        request,
        "quality/questionnaire.html",
        {
            "hall": q.hall,
            "q": q,
            "title": q.localized_title(get_language()),
            "groups": groups,
            "points": list(range(1, q.scale + 1)),
            "answers": answers,
            "errors": errors,
            "done": done,
            "ticket": ticket,
            "paper": paper,
            "started": signing.dumps(timezone.now().isoformat(), salt="questionnaire"),
        },
        status=422 if errors else 200,
    )


# ---------------------------------------------------------------- the quality office


SAATY = [
    (9, "9"),
    (7, "7"),
    (5, "5"),
    (3, "3"),
    (1, "1"),
    (1 / 3, "1/3"),
    (1 / 5, "1/5"),
    (1 / 7, "1/7"),
    (1 / 9, "1/9"),
]


def _staff(request, hall, *roles):
    from servicehall.core.actors import actor_from_request
    from servicehall.core.permissions import require_role

    actor = actor_from_request(request)
    require_role(actor, hall, *roles)
    return actor


def office(request, hall_code: str):
    """The quality office: 好差评 figures of the last 30 days, the rectification cases with their next
    steps, the indicator systems."""
    import datetime

    from django.contrib.auth.views import redirect_to_login

    from servicehall.core.choices import Role
    from servicehall.core.permissions import has_role

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    hall = hall_get(code=hall_code)
    actor = _staff(request, hall, Role.MANAGER, Role.CLERK, Role.EVALUATOR)
    errors, notice = {}, ""
    if request.method == "POST":
        try:
            notice = _office_post(request, actor, hall)
        except DomainError as exc:
            errors = exc.form_errors()
    today = timezone.now().astimezone(hall.tzinfo).date()
    manager = has_role(request.user, hall, Role.MANAGER)
    cases = selectors.rectification_list(hall=hall).exclude(status="closed")
    if not manager and not has_role(request.user, hall, Role.EVALUATOR):
        cases = cases.filter(assignee=request.user)
    from servicehall.quality.choices import TRANSITIONS, RectificationAction

    rows = []
    for c in cases[:200]:
        steps = [(a, RectificationAction(a).label) for (s, a) in TRANSITIONS if s == c.status]
        rows.append(
            {
                "case": c,
                "steps": steps,
                "overdue": (c.status == "open" and c.revisit_due < timezone.now())
                or c.rectify_due < timezone.now(),
            }
        )
    return render(
        request,
        "quality/office.html",
        {
            "rater_visible": selectors.may_see_rater(user=request.user, hall=hall),
            "hall": hall,
            "stats": selectors.rating_statistics(
                hall=hall, date_from=today - datetime.timedelta(days=30), date_to=today
            ),
            "cases": rows,
            "systems": selectors.system_list(hall=hall),
            "questionnaires": [
                (q, q.localized_title(get_language())) for q in selectors.questionnaire_list(hall=hall)
            ],
            "errors": errors,
            "notice": notice,
            "can_edit": has_role(request.user, hall, Role.MANAGER, Role.EVALUATOR),
            "templates": [
                ("article", _("The article's system")),
                ("servqual", "SERVQUAL"),
                ("haochaping", _("好差评 content")),
            ],
        },
        status=422 if errors else 200,
    )


def _office_post(request, actor, hall) -> str:
    if request.POST.get("generate"):
        system_id = request.POST.get("system", "")
        system = selectors.system_get(hall=hall, system_id=int(system_id) if system_id.isdigit() else 0)
        q = services.questionnaire_generate(
            actor=actor,
            system=system,
            scale=int(request.POST["scale"]) if request.POST.get("scale", "").isdigit() else 0,
            servqual=bool(request.POST.get("servqual")),
            importance=bool(request.POST.get("importance")),
        )
        return _("Draft questionnaire “%(title)s” version %(v)s created.") % {
            "title": q.title,
            "v": q.version,
        }
    if request.POST.get("template"):
        system = services.system_from_template(actor=actor, hall=hall, template=request.POST["template"])
        return _("Draft “%(name)s” version %(v)s created.") % {"name": system.name, "v": system.version}
    case = selectors.rectification_get(hall=hall, case_id=int(request.POST.get("case") or 0))
    if request.POST.get("contact"):
        phone = services.rater_contact(actor=actor, case=case)
        return (
            _("Case %(id)s: the rater's mobile number is %(phone)s (this reading is recorded).")
            % {"id": case.pk, "phone": phone}
            if phone
            else _("Case %(id)s: the rater left no mobile number.") % {"id": case.pk}
        )
    services.rectification_step(
        actor=actor, case=case, action=request.POST.get("action", ""), note=request.POST.get("note", "")
    )
    return _("Case %(id)s updated.") % {"id": case.pk}


def system_page(request, hall_code: str, system_id: int):
    """An indicator system: the tree with local and global weights, and for each node the AHP form
    (Saaty's scale for each pair) that sets its children's weights; publish; new version."""
    from django.contrib.auth.views import redirect_to_login

    from servicehall.core.choices import Role
    from servicehall.quality.models import Indicator

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    hall = hall_get(code=hall_code)
    actor = _staff(request, hall, Role.MANAGER, Role.EVALUATOR)
    system = selectors.system_get(hall=hall, system_id=system_id)
    errors, notice, result = {}, "", None
    if request.method == "POST":
        try:
            if request.POST.get("action") == "publish":
                services.system_publish(actor=actor, system=system)
                notice = _("Published: this version is now frozen.")
            elif request.POST.get("action") == "version":
                copy = services.system_new_version(actor=actor, system=system)
                return redirect("quality:system", hall_code=hall.code, system_id=copy.pk)
            else:
                code = request.POST.get("parent") or None
                parent = Indicator.objects.filter(system=system, code=code).first() if code else None
                kids = list(Indicator.objects.filter(system=system, parent=parent).order_by("position", "id"))
                matrix = [[1.0] * len(kids) for _k in kids]
                for i in range(len(kids)):
                    for j in range(i + 1, len(kids)):
                        value = float(request.POST.get(f"a_{i}_{j}") or 1)
                        matrix[i][j], matrix[j][i] = value, 1 / value
                result = services.judgement_submit(actor=actor, system=system, parent=parent, matrix=matrix)
                notice = _("Judgement accepted (CR = %(cr).3f); the weights are updated.") % {"cr": result.cr}
        except (DomainError, ValueError) as exc:
            errors = exc.form_errors() if isinstance(exc, DomainError) else {"general": [str(exc)]}
        system.refresh_from_db()
    nodes = [{"code": None, "name": _("Dimensions"), "children": selectors.tree(system=system)}]

    def walk(children):
        for n in children:
            if n["children"]:
                nodes.append(n)
                walk(n["children"])

    walk(nodes[0]["children"])
    for n in nodes:
        kids = n["children"]
        n["pairs"] = [
            {"i": i, "j": j, "a": kids[i]["name"], "b": kids[j]["name"]}
            for i in range(len(kids))
            for j in range(i + 1, len(kids))
        ]
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
            "errors": errors,
            "notice": notice,
            "draft": system.status == "draft",
        },
        status=422 if errors else 200,
    )


def questionnaire_edit(request, hall_code: str, questionnaire_id: int):
    """Edit a draft questionnaire in Chinese and English (titles, each item's text, which items stay),
    publish it, or start a new version of a published one."""
    from django.contrib.auth.views import redirect_to_login

    from servicehall.core.choices import Role

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    hall = hall_get(code=hall_code)
    actor = _staff(request, hall, Role.MANAGER, Role.EVALUATOR)
    q = selectors.questionnaire_get(hall=hall, questionnaire_id=questionnaire_id)
    errors, notice, posted = {}, "", {}
    if request.method == "POST":
        try:
            action = request.POST.get("action")
            if action == "publish":
                q = services.questionnaire_publish(actor=actor, questionnaire=q)
                notice = _("Published: the phone pages now offer this questionnaire, and it is frozen.")
            elif action == "version":
                copy = services.questionnaire_new_version(actor=actor, questionnaire=q)
                return redirect("quality:questionnaire_edit", hall_code=hall.code, questionnaire_id=copy.pk)
            else:
                posted = {
                    i["key"]: {
                        "text": request.POST.get(f"text:{i['key']}", ""),
                        "text_en": request.POST.get(f"en:{i['key']}", ""),
                    }
                    for i in q.items
                }
                q = services.questionnaire_update(
                    actor=actor,
                    questionnaire=q,
                    title=request.POST.get("title", ""),
                    title_en=request.POST.get("title_en", ""),
                    texts=posted,
                    remove=[k for k in request.POST.getlist("remove")],
                )
                notice, posted = _("Saved."), {}
        except DomainError as exc:
            errors = exc.form_errors()
    rows = [
        {
            "item": i,
            "kind": ITEM_KIND_LABELS.get(i["kind"], i["kind"]),
            "text": posted.get(i["key"], {}).get("text", i["text"]),
            "text_en": posted.get(i["key"], {}).get("text_en", i.get("text_en", "")),
            "errors": errors.get(f"{i['key']}.text", []) + errors.get(i["key"], []),
        }
        for i in q.items
    ]
    return render(
        request,
        "quality/questionnaire_edit.html",
        {
            "hall": hall,
            "q": q,
            "rows": rows,
            "errors": errors,
            "notice": notice,
            "draft": q.status == "draft",
            "title": request.POST.get("title", q.title) if errors else q.title,
            "title_en": request.POST.get("title_en", q.title_en) if errors else q.title_en,
            "heading": q.localized_title(get_language()),
            "responses": selectors.response_count(questionnaire=q),
        },
        status=422 if errors else 200,
    )


def report_page(request, hall_code: str):
    """The service-quality report for a scope and period: page, PDF (``?format=pdf``) or CSV
    (``?format=csv``)."""
    import datetime

    from django.contrib.auth.views import redirect_to_login
    from django.http import HttpResponse

    from servicehall.core.choices import Role
    from servicehall.quality import charts, report
    from servicehall.quality.fuzzy import OPERATORS

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    hall = hall_get(code=hall_code)
    _staff(request, hall, Role.MANAGER, Role.EVALUATOR)
    systems = list(selectors.system_list(hall=hall))
    published = [s for s in systems if s.status == "published"] or systems
    chosen = next(
        (s for s in systems if str(s.pk) == request.GET.get("system")), published[0] if published else None
    )
    today = timezone.now().astimezone(hall.tzinfo).date()

    def day(name, default):
        try:
            return datetime.date.fromisoformat(request.GET.get(name) or "")
        except ValueError:
            return default

    date_to = day("to", today)
    date_from = day("from", date_to - datetime.timedelta(days=29))
    errors = {}
    if date_from > date_to:
        errors["from"] = [_("The start is after the end.")]
        date_from = date_to
    # The scope: the whole hall, or one window, clerk or service item (ids the hall really has).
    units = {
        "counter": [(c.pk, f"{c.number} {c.name}") for c in counter_list(hall=hall)],
        "clerk": report.clerks_served(report.Scope(hall, date_from, date_to)),
        "service": [(i.pk, i.name) for i in item_list(hall=hall)],
    }
    chosen_unit = {}
    for kind, options in units.items():
        wanted = request.GET.get(kind) or ""
        if wanted:
            if wanted.isdigit() and int(wanted) in {pk for pk, _label in options}:
                chosen_unit[kind] = int(wanted)
            else:
                errors[kind] = [_("Choose one from the list.")]
    rank_by = (
        request.GET.get("rank") if request.GET.get("rank") in ("counter", "clerk", "service") else "counter"
    )
    scope = report.Scope(
        hall,
        date_from,
        date_to,
        counter_id=chosen_unit.get("counter"),
        clerk_id=chosen_unit.get("clerk"),
        service_id=chosen_unit.get("service"),
    )
    built = None
    if chosen is not None:
        operator = request.GET.get("fuzzy") if request.GET.get("fuzzy") in OPERATORS else None
        built = report.report_build(system=chosen, scope=scope, fuzzy_operator=operator)
        names = {"counter": _("Window"), "clerk": _("Clerk"), "service": _("Service item")}
        built["scope_label"] = " · ".join(
            f"{names[kind]} {dict(units[kind])[pk]}" for kind, pk in chosen_unit.items()
        )
    # An export is of what was asked: with a field refused, the page says why instead of a hall-wide file.
    fmt = request.GET.get("format") if not errors else None
    label = "-".join(f"{kind}{pk}" for kind, pk in chosen_unit.items())
    stem = f"quality-{hall.code}{'-' + label if label else ''}-{date_from}-{date_to}"
    if built is not None and fmt == "pdf":
        from servicehall.quality.pdf import report_pdf

        response = HttpResponse(report_pdf(built), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{stem}.pdf"'
        return response
    if built is not None and fmt == "csv":
        from servicehall.quality.pdf import report_csv

        response = HttpResponse(report_csv(built), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
        return response
    radar = bars = ipa = ""
    ranked = []
    if built is not None:
        radar = charts.radar_svg(
            [d["name"] for d in built["dimensions"]], [d["score"] for d in built["dimensions"]]
        )
        bars = charts.bars_svg([(f"{r['code']} {r['name']}", r["score"]) for r in built["indicators"]])
        ranked = report.ranking(system=chosen, scope=report.Scope(hall, date_from, date_to), by=rank_by)
        if built["ipa"]:
            scale = built["questionnaire"].scale if built["questionnaire"] else 5
            ipa = charts.ipa_svg(
                built["ipa"]["points"],
                built["ipa"]["performance_mean"],
                built["ipa"]["importance_mean"],
                scale=scale,
            )
            for point in built["ipa"]["points"]:
                point["quadrant_name"] = QUADRANT_LABELS[point["quadrant"]]
        for row in built["indicators"]:
            dist = row["evidence"].get("distribution") if row["kind"] == "subjective" else None
            row["dist_svg"] = charts.distribution_svg(dist) if dist else ""
    return render(
        request,
        "quality/report.html",
        {
            "hall": hall,
            "systems": systems,
            "chosen": chosen,
            "built": built,
            "date_from": date_from,
            "date_to": date_to,
            "radar": radar,
            "bars": bars,
            "ipa": ipa,
            "ranked": ranked,
            "errors": errors,
            "units": units,
            "chosen_unit": chosen_unit,
            "rank_by": rank_by,
            "operators": list(OPERATORS),
            "operator": request.GET.get("fuzzy", ""),
            "query": request.GET.urlencode(),
        },
        status=422 if errors else 200,
    )
