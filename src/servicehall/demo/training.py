"""The demo hall's training: five courses with exams in three languages, sessions with the clerk's
attendance, certificates (one expiring within the month, so the warning shows), social-insurance items
requiring their course, and the ladder 见习 → 初级 → 中级 → 高级 → 首席 with criteria. Loaded through the
training services; only the history (a pass eleven months ago) is dated back by hand."""

import datetime

from django.utils import timezone

from servicehall.catalog.models import ServiceItem
from servicehall.core.actors import Actor
from servicehall.core.models import Hall, HallMembership

# code, category, (name, English, traditional), hours, questions per exam, months valid
COURSES = [
    (
        "cs-etiquette",
        "customer_service",
        ("窗口服务礼仪与沟通", "Counter etiquette and communication", "窗口服務禮儀與溝通"),
        4,
        4,
        12,
    ),
    (
        "sb-knowledge",
        "item_knowledge",
        ("社保医保业务知识", "Social and medical insurance knowledge", "社保醫保業務知識"),
        8,
        4,
        12,
    ),
    (
        "it-security",
        "it",
        ("政务系统操作与网络安全", "Service systems and network security", "政務系統操作與網絡安全"),
        4,
        4,
        24,
    ),
    (
        "law-integrity",
        "law",
        ("依法行政与廉洁服务", "Rule of law and integrity", "依法行政與廉潔服務"),
        2,
        4,
        0,
    ),
    (
        "fire-safety",
        "safety",
        ("消防安全与应急疏散", "Fire safety and evacuation", "消防安全與應急疏散"),
        2,
        4,
        12,
    ),
]


def _q(kind, zh, en, hant, options=(), correct=(0,)):
    return {
        "kind": kind,
        "text": zh,
        "text_en": en,
        "text_zh_hant": hant,
        "options": list(options),
        "correct": list(correct),
    }


def _o(zh, en, hant):
    return {"text": zh, "text_en": en, "text_zh_hant": hant}


QUESTIONS = {
    "cs-etiquette": [
        _q(
            "single",
            "群众到窗口时，首先应当？",
            "When a citizen reaches the window, first you should?",
            "群眾到窗口時，首先應當？",
            [
                _o("起身或点头问候", "Greet them (stand or nod)", "起身或點頭問候"),
                _o("先处理手头文件", "Finish your paperwork first", "先處理手頭文件"),
                _o("让其自行等待", "Let them wait", "讓其自行等待"),
            ],
        ),
        _q(
            "true_false",
            "首问负责制要求第一位被询问的工作人员负责解答或引导。",
            "First-contact responsibility: the first member of staff asked answers or guides.",
            "首問負責制要求第一位被詢問的工作人員負責解答或引導。",
            correct=(0,),
        ),
        _q(
            "multiple",
            "一次性告知应包括哪些内容？",
            "A one-time notification includes?",
            "一次性告知應包括哪些內容？",
            [
                _o("全部所需材料", "Every material needed", "全部所需材料"),
                _o("办理时限", "The time limit", "辦理時限"),
                _o("工作人员的手机号", "The clerk's mobile", "工作人員的手機號"),
            ],
            (0, 1),
        ),
        _q(
            "true_false",
            "群众情绪激动时，应当提高音量压过对方。",
            "When a citizen is upset, raise your voice over theirs.",
            "群眾情緒激動時，應當提高音量壓過對方。",
            correct=(1,),
        ),
        _q(
            "single",
            "无法当场办结时应当？",
            "When it cannot be done on the spot?",
            "無法當場辦結時應當？",
            [
                _o("说明原因和下一步", "Explain why and the next step", "說明原因和下一步"),
                _o("请其改天再来", "Ask them to come another day", "請其改天再來"),
            ],
        ),
    ],
}
GENERIC = [
    _q(
        "true_false",
        "培训内容应在工作中落实。",
        "What training teaches is applied at work.",
        "培訓內容應在工作中落實。",
        correct=(0,),
    ),
    _q(
        "single",
        "发现安全隐患应当？",
        "On finding a hazard you should?",
        "發現安全隱患應當？",
        [
            _o("立即报告", "Report it at once", "立即報告"),
            _o("等下班再说", "Wait until after work", "等下班再說"),
        ],
    ),
    _q(
        "multiple",
        "哪些属于个人信息？",
        "Which are personal information?",
        "哪些屬於個人信息？",
        [
            _o("身份证号", "ID number", "身份證號"),
            _o("手机号", "Mobile number", "手機號"),
            _o("窗口编号", "Window number", "窗口編號"),
        ],
        (0, 1),
    ),
    _q(
        "true_false",
        "可以把群众的材料带回家处理。",
        "You may take a citizen's papers home.",
        "可以把群眾的材料帶回家處理。",
        correct=(1,),
    ),
    _q(
        "single",
        "遇到不清楚的业务问题应当？",
        "Unsure about a rule?",
        "遇到不清楚的業務問題應當？",
        [
            _o("查阅办事指南或请教同事", "Check the guide or ask a colleague", "查閱辦事指南或請教同事"),
            _o("凭经验回答", "Answer from memory", "憑經驗回答"),
        ],
    ),
]
LEVELS = [
    ("见习", "Trainee", "見習"),
    ("初级", "Junior", "初級"),
    ("中级", "Intermediate", "中級"),
    ("高级", "Senior", "高級"),
    ("首席", "Principal", "首席"),
]
CRITERIA = [
    {},
    {"months_at_level": 6, "training_hours": 20, "exam_average": 75, "attendance": 0.8},
    {
        "months_at_level": 12,
        "items_qualified": 3,
        "training_hours": 40,
        "exam_average": 85,
        "tickets_served": 1500,
        "within_standard": 0.85,
        "good_rate": 0.98,
        "quality_index": 80,
        "complaints_upheld": 0,
        "attendance": 0.9,
    },
    {
        "months_at_level": 24,
        "items_qualified": 8,
        "training_hours": 40,
        "exam_average": 90,
        "tickets_served": 4000,
        "within_standard": 0.9,
        "good_rate": 0.99,
        "quality_index": 85,
        "complaints_upheld": 0,
    },
    {
        "months_at_level": 36,
        "items_qualified": 15,
        "training_hours": 60,
        "good_rate": 0.995,
        "quality_index": 90,
        "complaints_upheld": 0,
    },
]


def demo_training(actor: Actor, hall: Hall) -> None:
    from servicehall.training import services
    from servicehall.training.models import Course

    if Course.objects.filter(hall=hall).exists():
        return
    courses = {}
    for code, category, (zh, en, hant), hours, questions, months in COURSES:
        course = services.course_save(
            actor=actor,
            hall=hall,
            code=code,
            category=category,
            name=zh,
            name_en=en,
            name_zh_hant=hant,
            hours=hours,
            exam_questions=questions,
            exam_minutes=15,
            pass_mark=80,
            certificate_months=months,
        )
        for q in QUESTIONS.get(code, GENERIC):
            services.question_save(actor=actor, course=course, **q)
        courses[code] = course
    insurance = ServiceItem.objects.filter(hall=hall, code__contains="-GG-").filter(name__contains="保")
    services.required_course_set(
        actor=actor, course=courses["sb-knowledge"], service_codes=[i.code for i in insurance]
    )
    _sessions(actor, hall, courses)
    _ladder(actor, hall)
    _certificates(hall, courses)


def _sessions(actor, hall, courses) -> None:
    from servicehall.training import services

    clerks = list(HallMembership.objects.filter(hall=hall, role="clerk").values_list("user_id", flat=True))
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    plan = [
        ("cs-etiquette", 40, "刘老师", "三楼培训室"),
        ("sb-knowledge", 25, "社保局 周科长", "三楼培训室"),
        ("it-security", 12, "信息中心 吴工", ""),
        ("fire-safety", 5, "消防大队 郑教官", "一楼大厅"),
        ("law-integrity", -7, "纪检组 孙老师", "三楼培训室"),
    ]
    for code, days_ago, trainer, place in plan:
        course = courses[code]
        session = services.session_create(
            actor=actor,
            course=course,
            starts_at=now - datetime.timedelta(days=days_ago),
            hours=course.hours,
            trainer=trainer,
            place=place,
            online=not place,
        )
        if days_ago > 0:
            for user_id in clerks:
                services.attendance_set(
                    actor=actor, session=session, user_id=user_id, present=code != "it-security"
                )


def _ladder(actor, hall) -> None:
    from servicehall.training import services

    levels = []
    for rank, (zh, en, hant) in enumerate(LEVELS):
        level = services.level_save(actor=actor, hall=hall, rank=rank, name=zh, name_en=en, name_zh_hant=hant)
        if CRITERIA[rank]:
            services.criteria_set(actor=actor, level=level, thresholds=CRITERIA[rank])
        levels.append(level)
    today = timezone.localdate(timezone.now(), hall.tzinfo)
    for membership in HallMembership.objects.filter(hall=hall, role="clerk").select_related("user"):
        services.clerk_level_set(
            actor=actor,
            hall=hall,
            user=membership.user,
            level=levels[1],
            since=today - datetime.timedelta(days=400),
        )


def _certificates(hall, courses) -> None:
    """The clerk passes three exams; the etiquette certificate dates from eleven months ago, so it
    expires within the month and the warning (and the manager's list) shows it."""
    from servicehall.training import services
    from servicehall.training.models import Certificate, ExamAttempt, Question
    from servicehall.training.services.certificates import add_months

    for membership in HallMembership.objects.filter(hall=hall, role="clerk").select_related("user"):
        clerk = Actor(user=membership.user, ip="127.0.0.1")
        for code in ("cs-etiquette", "sb-knowledge", "law-integrity"):
            attempt = services.exam_start(actor=clerk, course=courses[code])
            right = {str(q.pk): q.correct for q in Question.objects.filter(pk__in=attempt.question_ids)}
            services.exam_submit(actor=clerk, attempt_id=attempt.pk, answers=right)
        old = Certificate.objects.get(user=membership.user, course=courses["cs-etiquette"])
        past = old.issued_on - datetime.timedelta(days=340)
        Certificate.objects.filter(pk=old.pk).update(issued_on=past, expires_on=add_months(past, 12))
        ExamAttempt.objects.filter(pk=old.attempt_id).update(
            started_at=timezone.now() - datetime.timedelta(days=340)
        )
    services.certificates_sweep(hall=hall)
