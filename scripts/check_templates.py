"""Fail when a Django template line is longer than 110 characters (``make lint``).

Long template lines are wrapped only where the break cannot change what a page renders: inside an HTML
start tag between two attributes, or between two block-level elements (``</li>`` and ``<li``, ``</td>`` and
``<td``, ...). Never inside a Django tag, an attribute value, a ``{% blocktranslate %}`` body or a
``<script>``/``<style>``/``<pre>``/``<textarea>``.

ALLOWED lists the lines holding one Django tag that cannot be split (a long ``{% translate %}`` or
``{% blocktranslate %}`` sentence, a long ``{% if %}`` chain, inline text where a newline would render as a
space), as (template path under ``src/servicehall``, a unique substring of the line). An entry that no
longer matches an over-long line is reported too, so the list shrinks with the templates.

Usage: ``python scripts/check_templates.py``
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DIR = ROOT / "src" / "servicehall"
LIMIT = 110

# Lines holding one Django tag that cannot be split: (template path under src/servicehall, unique substring).
ALLOWED = [
    ("appointments/templates/appointments/_base.html", '<header class="book-head"><a class="book-hall" hre'),
    (
        "appointments/templates/appointments/calendar.html",
        '{% if missing_years %}<p class="cal-warn" role="al',
    ),
    (
        "appointments/templates/appointments/calendar.html",
        '<form class="cal-pick" method="get"><label>{% tran',
    ),
    (
        "appointments/templates/appointments/calendar.html",
        '<a class="btn" href="?service={{ item.code }}&amp;date={{ pr',
    ),
    (
        "appointments/templates/appointments/calendar.html",
        '<a class="btn" href="?service={{ item.code }}&amp;date={{ ne',
    ),
    (
        "appointments/templates/appointments/calendar.html",
        '<p class="cal-stats">{% blocktranslate with b=stat',
    ),
    (
        "appointments/templates/appointments/calendar.html",
        "<thead><tr><th></th>{% for d in week_days %}<th cl",
    ),
    (
        "appointments/templates/appointments/calendar.html",
        '<tbody>{% for row in week %}<tr><th class="num">{{',
    ),
    (
        "appointments/templates/appointments/calendar.html",
        '<section class="card"><header class="card-head"><h',
    ),
    (
        "appointments/templates/appointments/calendar.html",
        '{% if day_slots %}<label>{% translate "or only the',
    ),
    (
        "appointments/templates/appointments/calendar.html",
        '<p class="muted">{% translate "Seats held on the p',
    ),
    (
        "appointments/templates/appointments/calendar.html",
        '<p class="muted">{% blocktranslate %}Public holida',
    ),
    (
        "appointments/templates/appointments/details.html",
        '<p class="book-hold" id="hold" data-seconds="{{ se',
    ),
    (
        "appointments/templates/appointments/details.html",
        '{% translate "Name of the person who will come" as',
    ),
    (
        "appointments/templates/appointments/details.html",
        '{% translate "Mobile number (for the confirmation ',
    ),
    (
        "appointments/templates/appointments/details.html",
        '{% if plan.real_name %}{% translate "Resident ID n',
    ),
    (
        "appointments/templates/appointments/details.html",
        '{% elif errors.id_number %}{% include "appointment',
    ),
    ("appointments/templates/appointments/find.html", '{% translate "Booking code" as l_code %}{% include'),
    ("appointments/templates/appointments/find.html", '{% translate "Mobile number used to book" as l_pho'),
    (
        "appointments/templates/appointments/kiosk_check_in.html",
        '<p class="kiosk-sub">{% translate "Type your booki',
    ),
    ("appointments/templates/appointments/manage.html", '{% if moved and appt.status == "booked" %}<p class'),
    ("appointments/templates/appointments/manage.html", '<p class="card-status">{{ appt.get_status_display '),
    ("appointments/templates/appointments/manage.html", '{% if appt.status == "booked" %}<p class="card-how'),
    ("appointments/templates/appointments/manage.html", '<p class="book-note">{% blocktranslate with t=appt'),
    ("appointments/templates/appointments/manage.html", '<ol class="book-materials-list">{% for m in materi'),
    (
        "appointments/templates/appointments/manage.html",
        '<a class="bbtn" href="{% url \'appointments:slots\' ',
    ),
    (
        "appointments/templates/appointments/manage.html",
        '<form method="post" action="{% url \'appointments:c',
    ),
    ("appointments/templates/appointments/portal.html", '<p class="book-lead">{% translate "Choose a servic'),
    ("appointments/templates/appointments/portal.html", '<ul class="book-list">{% for item in items %}<li><'),
    ("appointments/templates/appointments/slots.html", '{% if move %}<p class="book-note">{% blocktranslat'),
    ("appointments/templates/appointments/slots.html", '{% if missing_years %}<p class="book-note">{% bloc'),
    ("appointments/templates/appointments/slots.html", '<details class="book-materials"><summary>{% blockt'),
    ("appointments/templates/appointments/slots.html", "<ol>{% for m in materials %}<li>{{ m.name_local }}"),
    ("appointments/templates/appointments/slots.html", '<a class="day{% if d.date == chosen %} is-chosen{%'),
    ("appointments/templates/appointments/slots.html", '<span class="day-left">{% if not d.info.open and'),
    ("appointments/templates/appointments/slots.html", '<h2 class="book-h2">{{ chosen|date:"Y-m-d l" }}{% '),
    ("appointments/templates/appointments/slots.html", "{% if chosen_info and not chosen_info.open %}<p cl"),
    ("appointments/templates/appointments/slots.html", '{% if any_bookable %}<form method="post" class="bo'),
    ("appointments/templates/appointments/slots.html", '{% if ask_challenge %}<input type="hidden" name="c'),
    ("appointments/templates/appointments/slots.html", '{% if s.bookable %}<button class="slot is-open" ty'),
    ("appointments/templates/appointments/slots.html", '{% else %}<span class="slot is-off"><span class="s'),
    ("appointments/templates/appointments/slots.html", '</li>{% empty %}<li class="book-empty">{% translat'),
    ("appointments/templates/appointments/slots.html", '<p class="book-links"><a class="bbtn bbtn-quiet" h'),
    (
        "appointments/templates/appointments/waitlist.html",
        '{% if entry %}<p class="book-ok" role="status">{% ',
    ),
    (
        "appointments/templates/appointments/waitlist.html",
        '{% translate "Name of the person who will come" as',
    ),
    (
        "appointments/templates/appointments/waitlist.html",
        '{% translate "Mobile number" as l_phone %}{% inclu',
    ),
    (
        "appointments/templates/appointments/waitlist.html",
        '{% if plan.real_name %}{% translate "Resident ID n',
    ),
    (
        "appointments/templates/appointments/waitlist.html",
        '{% if ask_challenge %}<input type="hidden" name="c',
    ),
    ("catalog/templates/catalog/_materials.html", '<td data-label="{% translate "Requirement" %}">{% '),
    ("catalog/templates/catalog/checklist.html", '<tr><th>{% translate "Promised time limit" %}</th>'),
    ("catalog/templates/catalog/checklist.html", '<tr><th>{% translate "Visits required" %}</th><td>'),
    ("catalog/templates/catalog/checklist.html", '<p class="sheet-note">{% translate "Bring every re'),
    ("catalog/templates/catalog/checklist.html", '<p class="sheet-foot">{% blocktranslate with time='),
    ("catalog/templates/catalog/detail.html", '<nav class="crumbs"><a href="{% url \'catalog:index'),
    ("catalog/templates/catalog/detail.html", '<div><h1>{{ item.name_local }}</h1><p class="muted'),
    ("catalog/templates/catalog/detail.html", '<div><dt>{% translate "Promised time limit" %}</dt'),
    ("catalog/templates/catalog/detail.html", '<div><dt>{% translate "Legal time limit" %}</dt><d'),
    ("catalog/templates/catalog/detail.html", '<div><dt>{% translate "Fee" %}</dt><dd>{% if item.'),
    ("catalog/templates/catalog/index.html", '<ul class="facet-list"><li><a href="?{% if query %'),
    ("catalog/templates/catalog/index.html", '<p class="muted result-count">{% blocktranslate co'),
    ("catalog/templates/catalog/index.html", "<span>{% if item.promised_limit_days %}{% blocktra"),
    ("core/templates/base_kiosk.html", '<footer class="kiosk-foot">{% block footer %}{% tr'),
    ("core/templates/base_staff.html", '<nav class="topnav">{% block nav %}{% if user.is_a'),
    ("core/templates/base_staff.html", '<footer class="footer">{% block footer %}ServiceHa'),
    ("core/templates/core/audit.html", "<span>{% blocktranslate with n=page.number total=p"),
    ("core/templates/core/landing.html", '{% empty %}<p>{% translate "No hall is set up yet.'),
    ("core/templates/core/server_error.html", '{% extends "base.html" %}{% load static i18n %}{# '),
    ("core/templates/core/server_error.html", "{% block head %}{{ block.super }}{% if refresh_sec"),
    ("core/templates/core/server_error.html", '<main class="page"><section class="card narrow"><h'),
    ("kiosk/templates/kiosk/home.html", '<p class="kiosk-checkin"><a class="kbtn kbtn-prima'),
    ("kiosk/templates/kiosk/home.html", '<ul class="kiosk-grid">{% for c in categories %}<l'),
    ("kiosk/templates/kiosk/home.html", '<h1 class="kiosk-title">{% if current %}{{ current'),
    ("kiosk/templates/kiosk/home.html", '{% empty %}<li class="kiosk-empty">{% translate "N'),
    ("kiosk/templates/kiosk/item.html", '<p class="kiosk-sub">{{ item.department.name_local'),
    ("kiosk/templates/kiosk/item.html", '<ol class="kiosk-materials">{% for m in item.mater'),
    ("kiosk/templates/kiosk/item.html", '<fieldset class="take-classes{% if errors.priority'),
    ("kiosk/templates/kiosk/item.html", '{% for c in classes %}<label class="kchoice"><inpu'),
    ("kiosk/templates/kiosk/item.html", '<p class="kiosk-error">{% translate "This screen i'),
    ("kiosk/templates/kiosk/ticket.html", '<div><dt>{% translate "Estimated wait" %}</dt><dd>'),
    ("kiosk/templates/kiosk/ticket.html", '<div class="slip-qr">{{ qr_svg|safe }}<p>{% transl'),
    ("kiosk/templates/kiosk/ticket.html", '<p class="slip-note">{% translate "Please listen f'),
    ("quality/templates/quality/_levels.html", '{% load i18n %}<fieldset class="rate-levels{% if e'),
    ("quality/templates/quality/_levels.html", '{% for l in levels %}<fieldset class="rate-tags" d'),
    ("quality/templates/quality/_levels.html", '{% for t in l.tags %}<label class="rate-tag"><inpu'),
    ("quality/templates/quality/kiosk_rate.html", '{% if not paired %}<p class="kiosk-error" role="al'),
    ("quality/templates/quality/kiosk_rate.html", '<p class="kiosk-sub">{% translate "Scan the QR cod'),
    ("quality/templates/quality/office.html", '{% if errors %}<p class="q-error" role="alert">{% '),
    ("quality/templates/quality/office.html", '<div><dt>{% translate "Participation" %}</dt><dd>{'),
    ("quality/templates/quality/office.html", '<div><dt>{% translate "Rectified" %}</dt><dd>{% if'),
    ("quality/templates/quality/office.html", '<div><dt>{% translate "On time" %}</dt><dd>{% if s'),
    ("quality/templates/quality/office.html", '<td class="num">{% if rater_visible %}{{ c.rating.'),
    ("quality/templates/quality/office.html", '<form method="post" class="q-inline">{% csrf_token'),
    ("quality/templates/quality/office.html", "<td>{{ c.rating.get_level_display }}<br><small>{{ "),
    ("quality/templates/quality/office.html", '<ul class="link-list">{% for q, title in questionn'),
    ("quality/templates/quality/pad.html", '{% if unpaired %}<p class="pad-idle">{% if error %'),
    ("quality/templates/quality/questionnaire.html", '{% if paper %}<p class="q-paper" role="note">{% tr'),
    ("quality/templates/quality/questionnaire.html", '<p class="muted">{% blocktranslate with n=q.scale '),
    ("quality/templates/quality/questionnaire.html", '<div class="q-scale">{% for p in points %}<label c'),
    (
        "quality/templates/quality/questionnaire_edit.html",
        '<p class="muted">{% blocktranslate with s=q.system',
    ),
    (
        "quality/templates/quality/questionnaire_edit.html",
        '<p class="muted">{% translate "Published questionn',
    ),
    ("quality/templates/quality/rate.html", '{% if questionnaire %}<p><a class="rate-submit rat'),
    ("quality/templates/quality/report.html", '<label>{% translate "Window" %} <select name="coun'),
    ("quality/templates/quality/report.html", '<label>{% translate "Clerk" %} <select name="clerk'),
    ("quality/templates/quality/report.html", '<label>{% translate "Service item" %} <select name'),
    ("quality/templates/quality/report.html", '<label>{% translate "Rank by" %} <select name="ran'),
    ("quality/templates/quality/report.html", '{% if not built %}<p class="muted">{% translate "C'),
    ("quality/templates/quality/report.html", '<section class="card q-summary"><div><p class="mut'),
    ("quality/templates/quality/report.html", '{% if built.change is not None %}<p class="{% if b'),
    ("quality/templates/quality/report.html", '<td>{% if r.kind == "objective" %}{{ r.evidence.me'),
    ("quality/templates/quality/report.html", '{% if built.missing %}<p class="muted">{% translat'),
    ("quality/templates/quality/report.html", '<td class="num">{% if r.evidence.ci_low is not Non'),
    ("quality/templates/quality/report.html", '<p class="muted">{% blocktranslate with i=built.ip'),
    ("quality/templates/quality/report.html", '<p>{% translate "Overall gap" %}: <b>{{ built.serv'),
    ("quality/templates/quality/report.html", '<div><dt>{% translate "Participation" %}</dt><dd>{'),
    ("quality/templates/quality/report.html", '<div><dt>{% translate "Good" %}</dt><dd>{% if buil'),
    ("quality/templates/quality/report.html", '<div><dt>{% translate "Bad" %}</dt><dd>{% if built'),
    ("quality/templates/quality/report.html", '<div><dt>{% translate "Rectified" %}</dt><dd>{% if'),
    ("quality/templates/quality/report.html", '<div><dt>{% translate "On time" %}</dt><dd>{% if b'),
    ("quality/templates/quality/report.html", '<div><dt>{% translate "Real-name bad ratings revis'),
    ("quality/templates/quality/report.html", '<p class="muted">{% blocktranslate with g=built.fu'),
    ("quality/templates/quality/report.html", '<section class="card"><header class="card-head"><h2>{% if ra'),
    ("quality/templates/quality/report.html", '<table class="table"><thead><tr><th>#</th><th>{% i'),
    ("quality/templates/quality/report.html", "<ul>{% for r in built.reliability %}<li>{% if r.di"),
    ("quality/templates/quality/report.html", "<p>{% blocktranslate with t=built.methods.ri_table"),
    ("quality/templates/quality/report.html", "{% if built.methods.cleaning %}<p>{% blocktranslat"),
    ("quality/templates/quality/report.html", '<p>{% translate "Composite: weighted average of th'),
    ("quality/templates/quality/system.html", '{% if errors %}<p class="q-error" role="alert">{% '),
    ("quality/templates/quality/system.html", '{% for i in d.children %}<tr><td class="q-ind">{{ '),
    ("quality/templates/quality/system.html", '<p class="muted">{% translate "For each pair: 9 = '),
    ("queueing/templates/queueing/board.html", '<p class="call-text" id="call-text">{% if state.re'),
    ("queueing/templates/queueing/console.html", '<p class="muted">{% translate "Choose your window '),
    ("queueing/templates/queueing/console.html", "<h1>{% blocktranslate with n=session.counter.numbe"),
    ("queueing/templates/queueing/track.html", '  {% translate "Keep this page open: it updates by itself.'),
    ("queueing/templates/queueing/track.html", '<template id="track-labels"><span data-k="waiting"'),
    # Issue 16 (cases): sentences in one {% blocktranslate %} / {% translate %} tag.
    ("cases/templates/cases/_progress.html", "{% blocktranslate with n=view.collect.window name="),
    ("cases/templates/cases/_progress.html", "{% blocktranslate count n=view.visits %}"),
    ("cases/templates/cases/kiosk.html", '<p class="kiosk-sub">{% translate "Type the case number'),
    ("cases/templates/cases/ledger.html", "{% blocktranslate with ok=rates.hall.on_time"),
    ("cases/templates/cases/track.html", '<p class="book-lead">{% translate "Enter the case number'),
]


def main() -> int:
    allowed: dict[str, list[str]] = {}
    for path, substring in ALLOWED:
        allowed.setdefault(path, []).append(substring)
    used: set[tuple[str, str]] = set()
    problems = []
    for template in sorted(PACKAGE_DIR.glob("**/templates/**/*.html")):
        rel = template.relative_to(PACKAGE_DIR).as_posix()
        lines = template.read_text(encoding="utf-8").split("\n")
        for number, line in enumerate(lines, start=1):
            if len(line) <= LIMIT:
                continue
            match = [s for s in allowed.get(rel, []) if s in line]
            if match:
                used.update((rel, s) for s in match)
            else:
                problems.append(f"src/servicehall/{rel}:{number}: {len(line)} > {LIMIT} characters")
    for path, substring in ALLOWED:
        if (path, substring) not in used:
            problems.append(
                f"src/servicehall/{path}: allow-list entry matches no over-long line: {substring!r}"
            )
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
