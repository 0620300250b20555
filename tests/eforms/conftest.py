"""E-form fixtures: hall A's catalogue (from the queue tests), and a published form for SB-001 with a field
of every type and a condition, built through the real services."""

import copy

import pytest

from servicehall.eforms import services
from tests.queueing.conftest import actors, clerk_a2, clock, items_a, kiosk_a, q  # noqa: F401  (fixtures)

ID_NUMBER = "11010519491231002X"
USCC = "91110000600037341L"
PHONE = "13912345678"


def t(zh, en):
    return {"zh_hans": zh, "zh_hant": "", "en": en}


DEFINITION = {
    "sections": [
        {
            "key": "applicant",
            "title": t("申请人", "Applicant"),
            "fields": [
                {
                    "key": "name",
                    "type": "text",
                    "label": t("姓名", "Name"),
                    "required": True,
                    "prefill": "name",
                },
                {
                    "key": "id_number",
                    "type": "id_number",
                    "label": t("身份证号", "ID number"),
                    "required": True,
                    "prefill": "id_number",
                },
                {
                    "key": "phone",
                    "type": "phone",
                    "label": t("电话", "Phone"),
                    "required": True,
                    "prefill": "phone",
                },
                {"key": "birthday", "type": "date", "label": t("出生日期", "Date of birth")},
                {"key": "address", "type": "address", "label": t("住址", "Address")},
                {
                    "key": "amount",
                    "type": "number",
                    "label": t("金额", "Amount"),
                    "minimum": 0,
                    "maximum": 100000,
                },
                {"key": "postcode", "type": "text", "label": t("邮编", "Postcode"), "pattern": r"\d{6}"},
            ],
        },
        {
            "key": "company",
            "title": t("单位", "Company"),
            "fields": [
                {
                    "key": "for_company",
                    "type": "choice",
                    "label": t("为单位办理", "For a company"),
                    "required": True,
                    "choices": [
                        {"value": "yes", "label": t("是", "Yes")},
                        {"value": "no", "label": t("否", "No")},
                    ],
                },
                {
                    "key": "uscc",
                    "type": "uscc",
                    "label": t("统一社会信用代码", "USCC"),
                    "required": True,
                    "condition": {"field": "for_company", "equals": "yes"},
                },
                {"key": "licence", "type": "file", "label": t("营业执照", "Business licence")},
            ],
        },
    ]
}

GOOD = {"name": "张三", "id_number": ID_NUMBER, "phone": PHONE, "for_company": "no"}


def definition():
    return copy.deepcopy(DEFINITION)


@pytest.fixture
def published(actors, items_a, clock):  # noqa: F811  (the imported fixtures)
    """Version 1 of SB-001's form, published by hall A's manager."""
    draft = services.form_version_draft(actor=actors["manager_a"], item=items_a["SB-001"])
    services.form_version_save(actor=actors["manager_a"], version=draft, definition=definition())
    return services.form_version_publish(actor=actors["manager_a"], version=draft)
