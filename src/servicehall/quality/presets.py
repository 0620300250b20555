"""Shipped indicator-system templates. A hall starts from one and edits its draft.

- ``article``: exactly the article's three dimensions and nine indicators, named as the article names them
  (服务态度: 礼仪, 服务态度, 沟通技巧; 服务效率: 办事时间, 现场排队状况, 办理流程;
  服务质量: 服务文化, 服务环境, 服务绩效): nine measured indicators, each with its questionnaire
  statements. Where the queue measures an indicator too, that one metric feeds that one indicator (its score
  is the mean of the survey's and the metric's): the services within the item's standard time feed
  办事时间, the mean wait feeds 现场排队状况, the share of good ratings feeds 服务绩效. No metric is counted
  twice, and nothing the citizens do (a no-show) is scored as the hall's quality.
- ``article_extended``: the same nine statements' indicators plus the queue's measures as indicators of
  their own under the dimension they measure (12 leaves): for a hall that wants each operational figure
  weighted by AHP on its own.
- ``servqual``: Parasuraman, Zeithaml & Berry's five dimensions (1988), four statements each, adapted to
  a hall.
- ``haochaping``: the content of 好差评 (GB/T 39734-2020 / 39735-2020): the service item, the channel and the
  service itself, rated on the five levels.

Each node: (code, name, English name, kind, extra fields, children). ``NAMES_HANT`` gives the traditional
Chinese names (the article's own), which pages show in zh-hant.
"""

from django.utils.translation import gettext_lazy as _

from servicehall.quality.choices import Direction, IndicatorKind, Metric

D, S, OBJ = IndicatorKind.DIMENSION, IndicatorKind.SUBJECTIVE, IndicatorKind.OBJECTIVE


def _s(code, name, en, *items, measured=None):
    """A questionnaire indicator; ``measured``: the one queue metric that feeds it too (``_m(...)``)."""
    return (code, name, en, S, {"items": list(items), **(measured or {})}, [])


def _m(metric, direction, best, worst):
    return {"metric": metric, "direction": direction, "best": best, "worst": worst}


def _o(code, name, en, metric, direction, best, worst):
    return (code, name, en, OBJ, _m(metric, direction, best, worst), [])


LOWER, HIGHER = Direction.LOWER_BETTER, Direction.HIGHER_BETTER

# What each queue metric scores between (the value scoring 100, the value scoring 0).
SERVICE_TIME = _m(Metric.SERVICE_VS_STANDARD, HIGHER, 100, 70)
WAIT = _m(Metric.WAIT_MEAN, LOWER, 5, 60)
GOOD_RATINGS = _m(Metric.GOOD_RATING_RATE, HIGHER, 100, 80)

ATTITUDE = (
    "A",
    "服务态度",
    "Service attitude",
    D,
    {},
    [
        _s("A1", "礼仪", "Etiquette", "工作人员仪容整洁、举止得体", "工作人员主动问候、使用文明用语"),
        _s("A2", "服务态度", "Attitude", "工作人员热情耐心", "工作人员认真对待我的诉求"),
        _s(
            "A3",
            "沟通技巧",
            "Communication skills",
            "工作人员讲解清楚、易于理解",
            "工作人员能准确理解我要办的事",
        ),
    ],
)


def _efficiency(measured: bool):
    return [
        _s(
            "B1",
            "办事时间",
            "Time to get it done",
            "办理所用时间合理",
            "一次就办成了，不用再跑",
            measured=SERVICE_TIME if measured else None,
        ),
        _s(
            "B2",
            "现场排队状况",
            "Queueing on site",
            "排队等候的时间可以接受",
            "现场叫号有序、秩序良好",
            measured=WAIT if measured else None,
        ),
        _s("B3", "办理流程", "Procedure", "办理流程简便清晰", "所需材料事先告知清楚"),
    ]


def _quality(measured: bool):
    return [
        _s(
            "C1",
            "服务文化",
            "Service culture",
            "大厅体现“以人民为中心”的服务理念",
            "有老年人、残疾人等便利措施",
        ),
        _s("C2", "服务环境", "Environment", "大厅整洁舒适、标识清楚", "等候区座位、饮水等设施充足"),
        _s(
            "C3",
            "服务绩效",
            "Performance",
            "办理结果准确无误",
            "总体上我对本次服务满意",
            measured=GOOD_RATINGS if measured else None,
        ),
    ]


TEMPLATES = {
    "article": (
        "政务服务质量评估指标体系",
        [
            ATTITUDE,
            ("B", "服务效率", "Service efficiency", D, {}, _efficiency(True)),
            ("C", "服务质量", "Service quality", D, {}, _quality(True)),
        ],
    ),
    "article_extended": (
        "政务服务质量评估指标体系（含运行数据分项）",
        [
            ATTITUDE,
            (
                "B",
                "服务效率",
                "Service efficiency",
                D,
                {},
                [
                    *_efficiency(False),
                    _o("B4", "平均等候时长", "Mean waiting time", *WAIT.values()),
                    _o("B5", "服务时长达标率", "Service within the standard time", *SERVICE_TIME.values()),
                    _o("B6", "弃号率", "Tickets abandoned", Metric.ABANDON_RATE, LOWER, 0, 20),
                ],
            ),
            (
                "C",
                "服务质量",
                "Service quality",
                D,
                {},
                [*_quality(False), _o("C4", "好评率", "Good ratings", *GOOD_RATINGS.values())],
            ),
        ],
    ),
    "servqual": (
        "SERVQUAL 服务质量量表",
        [
            (
                "T",
                "有形性",
                "Tangibles",
                D,
                {},
                [
                    _s("T1", "设施设备", "Equipment", "大厅设施设备现代化"),
                    _s("T2", "环境", "Facilities", "大厅环境整洁、有吸引力"),
                    _s("T3", "人员仪表", "Appearance", "工作人员着装整洁"),
                    _s("T4", "资料", "Materials", "办事指南等资料清楚易懂"),
                ],
            ),
            (
                "R",
                "可靠性",
                "Reliability",
                D,
                {},
                [
                    _s("R1", "兑现承诺", "Keeps promises", "承诺的办结时限能够兑现"),
                    _s("R2", "解决问题", "Solves problems", "遇到问题时工作人员真心帮助解决"),
                    _s("R3", "一次做对", "Right first time", "第一次就把事情办对"),
                    _s("R4", "准确记录", "Accurate records", "办理记录准确无误"),
                ],
            ),
            (
                "P",
                "响应性",
                "Responsiveness",
                D,
                {},
                [
                    _s("P1", "告知时间", "Tells when", "工作人员告知办理需要多长时间"),
                    _s("P2", "及时服务", "Prompt service", "能够及时为我办理"),
                    _s("P3", "乐于帮助", "Willing to help", "工作人员总是乐于帮助"),
                    _o("P4", "平均等候时长", "Mean waiting time", Metric.WAIT_MEAN, LOWER, 5, 60),
                ],
            ),
            (
                "S",
                "保证性",
                "Assurance",
                D,
                {},
                [
                    _s("S1", "值得信赖", "Trustworthy", "工作人员值得信赖"),
                    _s("S2", "安心", "Feels safe", "在这里办事让我放心"),
                    _s("S3", "专业", "Knowledgeable", "工作人员业务熟练、专业"),
                ],
            ),
            (
                "E",
                "移情性",
                "Empathy",
                D,
                {},
                [
                    _s("E1", "个别关注", "Individual attention", "工作人员关注我的具体情况"),
                    _s("E2", "方便时间", "Convenient hours", "办公时间方便群众"),
                    _s("E3", "理解需求", "Understands needs", "工作人员理解我的需求"),
                ],
            ),
        ],
    ),
    "haochaping": (
        "政务服务“好差评”指标",
        [
            (
                "H1",
                "服务事项",
                "The service item",
                D,
                {},
                [
                    _s("H11", "办事指南", "Guide", "办事指南准确、易懂"),
                    _s("H12", "办理材料", "Materials", "要求的材料合理、不重复提交"),
                    _s("H13", "办理时限", "Time limit", "在承诺时限内办结"),
                ],
            ),
            (
                "H2",
                "服务渠道",
                "The channel",
                D,
                {},
                [
                    _s("H21", "线下窗口", "Counter", "窗口服务便捷"),
                    _s("H22", "自助与网上", "Self-service and online", "自助终端、网上办理好用"),
                ],
            ),
            (
                "H3",
                "服务过程",
                "The service",
                D,
                {},
                [
                    _s("H31", "服务态度", "Attitude", "服务人员态度好"),
                    _s("H32", "跑动次数", "Visits", "最多跑一次"),
                    _o("H33", "好评率", "Good ratings", Metric.GOOD_RATING_RATE, HIGHER, 100, 80),
                ],
            ),
        ],
    ),
}

# The templates as the office's "new draft from" list names them.
TEMPLATE_LABELS = {
    "article": _("The article's system (3 dimensions, 9 indicators)"),
    "article_extended": _("The article's system with the queue's measures as indicators"),
    "servqual": "SERVQUAL",
    "haochaping": _("好差评 content"),
}

# The traditional Chinese names of the shipped indicators (the article's own words), by simplified name.
NAMES_HANT = {
    "服务态度": "服務態度",
    "礼仪": "禮儀",
    "沟通技巧": "溝通技巧",
    "服务效率": "服務效率",
    "办事时间": "辦事時間",
    "现场排队状况": "現場排隊狀況",
    "办理流程": "辦理流程",
    "服务质量": "服務質量",
    "服务文化": "服務文化",
    "服务环境": "服務環境",
    "服务绩效": "服務績效",
    "平均等候时长": "平均等候時長",
    "服务时长达标率": "服務時長達標率",
    "弃号率": "棄號率",
    "好评率": "好評率",
}

# English versions of the shipped statements: a generated questionnaire starts bilingual, and the evaluator
# edits either language in the questionnaire editor. Statements a hall writes itself start Chinese only.
STATEMENTS_EN = {
    "工作人员仪容整洁、举止得体": "Staff are neatly dressed and behave properly.",
    "工作人员主动问候、使用文明用语": "Staff greet me first and speak courteously.",
    "工作人员热情耐心": "Staff are warm and patient.",
    "工作人员认真对待我的诉求": "Staff take my request seriously.",
    "工作人员讲解清楚、易于理解": "Staff explain clearly and in a way I understand.",
    "工作人员能准确理解我要办的事": "Staff understand exactly what I came to do.",
    "办理所用时间合理": "The time it took to get it done was reasonable.",
    "一次就办成了，不用再跑": "It was done in one visit; I do not need to come back.",
    "排队等候的时间可以接受": "The time I waited in the queue was acceptable.",
    "现场叫号有序、秩序良好": "Numbers were called in order and the hall was orderly.",
    "办理流程简便清晰": "The procedure is simple and clear.",
    "所需材料事先告知清楚": "I was told clearly in advance which documents to bring.",
    "大厅体现“以人民为中心”的服务理念": "The hall puts the people it serves first.",
    "有老年人、残疾人等便利措施": "There is help for older and disabled people.",
    "大厅整洁舒适、标识清楚": "The hall is clean and comfortable, with clear signs.",
    "等候区座位、饮水等设施充足": "The waiting area has enough seats, drinking water and other facilities.",
    "办理结果准确无误": "The result was correct.",
    "总体上我对本次服务满意": "Overall, I am satisfied with this service.",
    "大厅设施设备现代化": "The hall has up-to-date equipment.",
    "大厅环境整洁、有吸引力": "The hall is clean and pleasant.",
    "工作人员着装整洁": "Staff are neatly dressed.",
    "办事指南等资料清楚易懂": "Service guides and other materials are clear and easy to understand.",
    "承诺的办结时限能够兑现": "Promised completion times are kept.",
    "遇到问题时工作人员真心帮助解决": "When I have a problem, staff sincerely help to solve it.",
    "第一次就把事情办对": "It is done right the first time.",
    "办理记录准确无误": "Records of my case are accurate.",
    "工作人员告知办理需要多长时间": "Staff tell me how long it will take.",
    "能够及时为我办理": "I am served promptly.",
    "工作人员总是乐于帮助": "Staff are always willing to help.",
    "工作人员值得信赖": "Staff can be trusted.",
    "在这里办事让我放心": "I feel safe doing my business here.",
    "工作人员业务熟练、专业": "Staff know their work well.",
    "工作人员关注我的具体情况": "Staff pay attention to my particular situation.",
    "办公时间方便群众": "Opening hours are convenient for the public.",
    "工作人员理解我的需求": "Staff understand my needs.",
    "办事指南准确、易懂": "The service guide is accurate and easy to understand.",
    "要求的材料合理、不重复提交": "The documents asked for are reasonable and not asked for twice.",
    "在承诺时限内办结": "It was completed within the promised time.",
    "窗口服务便捷": "Service at the window is convenient.",
    "自助终端、网上办理好用": "The self-service kiosks and online services are easy to use.",
    "服务人员态度好": "Staff have a good attitude.",
    "最多跑一次": "At most one visit was needed.",
    "其他意见和建议": "Other comments and suggestions",
}
