"""E-form pages for citizens: fill a form on the phone or the web before coming (save a draft, resume it
by code + mobile, complete it), the same at the kiosk with its on-screen keyboard, print a blank form
(自助打印相关表格), and link a filled form to the ticket taken. Thin: read the post, one service or
selector, render; errors beside the fields. Staff pages are in ``staff_views``."""

from urllib.parse import quote

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from servicehall.catalog.selectors import item_get
from servicehall.core.actors import Actor, actor_from_request, client_ip
from servicehall.core.choices import DeviceKind
from servicehall.core.devices import paired_device
from servicehall.core.errors import DomainError
from servicehall.core.identity import is_valid_mobile
from servicehall.core.ratelimit import rate_limit
from servicehall.core.selectors import hall_get
from servicehall.eforms import selectors, services
from servicehall.eforms.choices import Channel
from servicehall.eforms.definition import fields_of
from servicehall.eforms.models import Form
from servicehall.eforms.pdf import form_pdf
from servicehall.eforms.rendering import field_rows, posted_answers


def _actor(request, hall, *, kiosk: bool) -> Actor:
    device = paired_device(request, hall=hall, kind=DeviceKind.KIOSK) if kiosk else None
    return Actor(device=device, ip=client_ip(request)) if device else actor_from_request(request)


def _mobile_answer(definition: dict, answers: dict) -> str:
    """The first mobile number among the answers: what resumes the draft when the citizen left the
    "to resume later" mobile blank (no need to type it twice)."""
    for field in fields_of(definition):
        value = answers.get(field["key"])
        if field["type"] == "phone" and isinstance(value, str) and is_valid_mobile(value):
            return value
    return ""


def _uploads(request, definition: dict) -> dict:
    """The files posted for the form's ``file`` fields (``file_<key>``), by field key."""
    return {
        f["key"]: request.FILES[f"file_{f['key']}"]
        for f in fields_of(definition)
        if f["type"] == "file" and f"file_{f['key']}" in request.FILES
    }


def _proof_step(post, actor, item, step: dict) -> dict:
    """ "Fill in from my record": ID number + mobile → a code texted to the record's mobile → the code;
    then the answers the item may take from the record (``customers.proof``). The proof's token rides in
    a hidden field, never in the session: a kiosk is shared, and the next citizen must not inherit it."""
    from servicehall.customers import proof

    hall = item.hall
    step.update(proof_stage="ask", proof_token="", proof_errors={})
    try:
        if post.get("action") == "proof-send":
            step["proof_values"] = {
                "id_number": post.get("id_number", "")[:40],
                "phone": post.get("phone", "")[:20],
            }
            started = proof.proof_start(actor=actor, hall=hall, **step["proof_values"])
            step.update(proof_stage="code", proof_token=started.token)
        else:
            token = (post.get("proof") or "")[:43]
            step.update(proof_stage="code", proof_token=token)
            proven = proof.proof_verify(actor=actor, hall=hall, token=token, otp=(post.get("otp") or "")[:10])
            values = proof.own_values(actor=actor, person=proven.person, purpose="prefill the form")
            step["values"] = selectors.prefill_answers(item=item, person_values=values)
            proof.proof_remember(proven, step["values"])
            step["proof_stage"] = "done"
    except DomainError as exc:
        step["proof_errors"] = exc.form_errors()
        if exc.status == 409:  # the code expired: ask again from the start
            step["proof_stage"] = "ask"
    return step


def _post_step(request, actor, item, *, kiosk: bool) -> dict:
    """Resume, save or complete from a posted page; what the page shows next."""
    post = request.POST
    code, phone = (post.get("code") or "")[:8].upper(), (post.get("mobile") or "")[:20]
    step = {"code": code, "phone": phone, "values": {}, "errors": {}, "saved": None, "filled": None}
    version = selectors.published_version(item=item)
    if post.get("action") in {"proof-send", "proof-verify"}:
        return {**_proof_step(post, actor, item, step), "version": version}
    try:
        if code:
            rate_limit(actor=actor, scope="eforms-resume", per_minute=20)
            found = selectors.filled_for_citizen(code=code, phone=phone)
            version, step["values"], step["filled"] = found.version, selectors.filled_answers(found), found
        if post.get("action") == "resume":
            return {**step, "version": version, "resumed": True}
        step["values"] = posted_answers(version.definition, post)
        phone = phone or _mobile_answer(version.definition, step["values"])
        token = "" if code else (post.get("proof") or "")[:43]
        step["proof_token"] = token  # a page sent back keeps the proof for the next try
        save = {
            "actor": actor,
            "item": item,
            "answers": step["values"],
            "mobile": phone,
            "code": code,
            "complete": post.get("action") == "complete",
            "channel": Channel.KIOSK if kiosk else Channel.WEB,
            "uploads": {} if kiosk else _uploads(request, version.definition),
        }
        step["saved"] = (
            services.filled_save_proven(token=token, **save) if token else services.filled_save(**save)
        )
        step["code"], step["filled"] = step["saved"].code, step["saved"]
    except DomainError as exc:
        step["errors"] = exc.form_errors()
    return {**step, "version": version}


def _fill(request, hall_code: str, item_code: str, *, kiosk: bool):
    hall = hall_get(code=hall_code)
    item = item_get(hall=hall, code=item_code[:64])
    actor = _actor(request, hall, kiosk=kiosk)
    if request.method == "POST":
        step = _post_step(request, actor, item, kiosk=kiosk)
    else:
        code = (request.GET.get("code") or "")[:8].upper()
        step = {
            "code": code,
            "phone": "",
            "values": {},
            "errors": {},
            "saved": None,
            "filled": None,
            "ask_resume": bool(code) or "resume" in request.GET,
            "proof_stage": "ask" if "record" in request.GET and not code else "",
        }
        step["version"] = selectors.published_version(item=item)
    saved = step["saved"]
    if saved is not None and saved.status == "complete":
        context = {
            "hall": hall,
            "item": item,
            "filled": saved,
            "kiosk": kiosk,
            "btn": "kbtn" if kiosk else "bbtn",
        }
        return render(request, "eforms/done.html", context)
    context = {
        **step,
        "hall": hall,
        "item": item,
        "kiosk": kiosk,
        "base": "eforms/_base_kiosk.html" if kiosk else "eforms/_base_phone.html",
        "btn": "kbtn" if kiosk else "bbtn",
        "sections": field_rows(
            step["version"].definition,
            step["values"],
            step["errors"],
            kiosk=kiosk,
            uploads=None if kiosk else selectors.filled_files(step["filled"]),
        ),
        "field_errors": any(k not in {"general", "mobile", "code"} for k in step["errors"]),
    }
    return render(request, "eforms/fill.html", context, status=422 if step["errors"] else 200)


@never_cache  # a page may hold the answers a record gave: not kept for the Back button of a kiosk
def fill(request, hall_code: str, item_code: str):
    """The citizen's form on a phone or the web (390×844 first)."""
    return _fill(request, hall_code, item_code, kiosk=False)


@never_cache
def kiosk_fill(request, hall_code: str, item_code: str):
    """The same form at the kiosk: large keys, the on-screen keyboard on every field."""
    return _fill(request, hall_code, item_code, kiosk=True)


def kiosk_forms(request, hall_code: str):
    """The kiosk's "forms" tile: every item with a published form, to fill here or print blank."""
    hall = hall_get(code=hall_code)
    forms = Form.objects.filter(hall=hall, versions__status="published", item__active=True).select_related(
        "item"
    )
    return render(request, "eforms/kiosk_forms.html", {"hall": hall, "forms": forms.order_by("item__code")})


def pdf_response(pdf: bytes, name: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f"inline; filename=\"form-{name}.pdf\"; filename*=UTF-8''{quote(name)}.pdf"
    )
    return response


def blank_pdf(request, hall_code: str, item_code: str):
    """The published form, blank, on the official layout: to print at the kiosk and fill by hand."""
    hall = hall_get(code=hall_code)
    version = selectors.published_version(item=item_get(hall=hall, code=item_code[:64]))
    printed = timezone.localtime(timezone.now(), hall.tzinfo)
    return pdf_response(form_pdf(version=version, answers=None, printed_at=printed), version.form.item.code)


@require_POST
def ticket_link(request, public_id: str):
    """The citizen's ticket page: "I filled the form before: code + mobile" links it to this ticket."""
    from servicehall.queueing.selectors import ticket_get

    ticket = ticket_get(public_id=public_id[:32])
    try:
        services.filled_link_ticket(
            actor=actor_from_request(request),
            ticket=ticket,
            code=(request.POST.get("code") or "")[:8],
            mobile=(request.POST.get("mobile") or "")[:20],
        )
    except DomainError as exc:
        message = " ".join(" ".join(v) for v in exc.form_errors().values())
        return redirect(
            reverse("queueing:track", args=[ticket.public_id]) + "?form_error=" + quote(message[:200])
        )
    return redirect(reverse("queueing:track", args=[ticket.public_id]) + "?form=linked")
