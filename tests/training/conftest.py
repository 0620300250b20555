"""Training fixtures: hall A's catalogue (from the queue's fixtures), a course with a bank of five known
questions, and a clock frozen on a fixed weekday morning (Asia/Shanghai)."""

import pytest

from servicehall.core.actors import Actor
from servicehall.training import services
from tests.queueing.conftest import actors, clerk_a2, clock, items_a, kiosk_a  # noqa: F401  (fixtures)

# (kind, text, options, correct)
BANK = [
    ("single", "社保参保登记需要哪种证件？", ["居民身份证", "驾驶证", "学生证"], [0]),
    ("multiple", "哪些属于办事群众的隐私信息？", ["身份证号", "手机号", "窗口号"], [0, 1]),
    ("true_false", "窗口人员可以拒绝一次性告知。", [], [1]),
    ("single", "首问负责制是指？", ["谁首问谁负责", "谁领导谁负责"], [0]),
    ("true_false", "差评必须整改。", [], [0]),
]


@pytest.fixture
def manager(staff):
    return Actor(user=staff["manager_a"])


@pytest.fixture
def clerk(staff):
    return Actor(user=staff["clerk_a"])


@pytest.fixture
def course(manager, hall_a, clock):  # noqa: F811
    course = services.course_save(
        actor=manager,
        hall=hall_a,
        code="sb-knowledge",
        category="item_knowledge",
        name="社保业务知识",
        name_en="Social insurance knowledge",
        hours=4,
        exam_questions=5,
        exam_minutes=20,
        pass_mark=80,
        certificate_months=12,
    )
    for kind, text, options, correct in BANK:
        services.question_save(
            actor=manager, course=course, kind=kind, text=text, options=options, correct=correct
        )
    return course


def right_answers(attempt) -> dict[str, list[int]]:
    from servicehall.training.models import Question

    return {str(q.pk): q.correct for q in Question.objects.filter(pk__in=attempt.question_ids)}
