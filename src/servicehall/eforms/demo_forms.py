"""The demo hall's published forms (business licence, passport, housing-fund withdrawal, social security
card, individual business), in three languages, loaded through the real services by ``servicehall demo``.
Traditional labels are derived with OpenCC when the demo is built, as the hall's other content is."""

from servicehall.core.localize import to_traditional


def t(zh: str, en: str) -> dict:
    return {"zh_hans": zh, "zh_hant": to_traditional(zh), "en": en}


def choice(key: str, zh: str, en: str, options: list[tuple[str, str, str]], **extra) -> dict:
    return {
        "key": key,
        "type": "choice",
        "label": t(zh, en),
        "required": True,
        "choices": [{"value": v, "label": t(z, e)} for v, z, e in options],
        **extra,
    }


def field(key: str, kind: str, zh: str, en: str, *, required: bool = False, **extra) -> dict:
    out = {"key": key, "type": kind, "label": t(zh, en), **extra}
    if required:
        out["required"] = True
    return out


def applicant(title_zh: str = "申请人信息", title_en: str = "Applicant") -> dict:
    return {
        "key": "applicant",
        "title": t(title_zh, title_en),
        "fields": [
            field("name", "text", "姓名", "Full name", required=True, prefill="name", max_length=30),
            field(
                "id_number",
                "id_number",
                "公民身份号码",
                "Resident ID number",
                required=True,
                prefill="id_number",
            ),
            field("phone", "phone", "联系电话", "Phone", required=True, prefill="phone"),
            field("address", "address", "联系地址", "Address"),
        ],
    }


YES_NO = [("yes", "是", "Yes"), ("no", "否", "No")]

COMPANY = {
    "sections": [
        {
            "key": "company",
            "title": t("企业基本信息", "Company"),
            "fields": [
                field(
                    "company_name",
                    "text",
                    "企业名称",
                    "Company name",
                    required=True,
                    max_length=100,
                    help=t("与名称自主申报结果一致", "As registered in the name declaration"),
                ),
                choice(
                    "company_type",
                    "企业类型",
                    "Type of company",
                    [
                        ("llc", "有限责任公司", "Limited liability company"),
                        ("sole", "个人独资企业", "Sole proprietorship"),
                        ("partnership", "合伙企业", "Partnership"),
                    ],
                ),
                field(
                    "capital",
                    "number",
                    "注册资本（万元）",
                    "Registered capital (10,000 CNY)",
                    required=True,
                    minimum=0,
                    maximum=10000000,
                ),
                field("business_address", "address", "住所", "Registered address", required=True),
                field("scope", "text", "经营范围", "Business scope", required=True, max_length=500),
                choice("has_uscc_parent", "是否有投资企业", "Invested by another company", YES_NO),
                field(
                    "parent_uscc",
                    "uscc",
                    "投资企业统一社会信用代码",
                    "USCC of the investing company",
                    required=True,
                    condition={"field": "has_uscc_parent", "equals": "yes"},
                ),
            ],
        },
        applicant("法定代表人信息", "Legal representative"),
        {
            "key": "documents",
            "title": t("材料", "Documents"),
            "fields": [field("lease", "file", "住所使用证明", "Proof of the right to use the address")],
        },
    ]
}

PASSPORT = {
    "sections": [
        applicant(),
        {
            "key": "passport",
            "title": t("护照申请", "Passport"),
            "fields": [
                field("birth_date", "date", "出生日期", "Date of birth", required=True),
                choice(
                    "kind",
                    "申请类别",
                    "Application",
                    [
                        ("first", "首次申请", "First passport"),
                        ("renew", "换发", "Renewal"),
                        ("lost", "补发（遗失）", "Replacement (lost)"),
                    ],
                ),
                field(
                    "old_number",
                    "text",
                    "原护照号码",
                    "Old passport number",
                    required=True,
                    pattern="[EG][A-Z0-9]{8}",
                    condition={"field": "kind", "equals": "renew"},
                ),
                field(
                    "lost_place",
                    "address",
                    "遗失地点",
                    "Where it was lost",
                    required=True,
                    condition={"field": "kind", "equals": "lost"},
                ),
                field("emergency", "phone", "紧急联系人电话", "Emergency contact's phone"),
            ],
        },
    ]
}

HOUSING_FUND = {
    "sections": [
        applicant(),
        {
            "key": "withdrawal",
            "title": t("提取信息", "Withdrawal"),
            "fields": [
                field(
                    "account_no",
                    "text",
                    "公积金个人账号",
                    "Provident fund account number",
                    required=True,
                    pattern="\\d{9,12}",
                    help=t("9 至 12 位数字", "9 to 12 digits"),
                ),
                field(
                    "amount",
                    "number",
                    "提取金额（元）",
                    "Amount (CNY)",
                    required=True,
                    minimum=1,
                    maximum=5000000,
                ),
                field(
                    "purchase_date",
                    "date",
                    "购房合同签订日期",
                    "Date of the purchase contract",
                    required=True,
                ),
                field("house_address", "address", "房屋坐落", "Address of the home", required=True),
                choice("spouse", "配偶是否同时提取", "Spouse withdraws too", YES_NO),
                field(
                    "spouse_id",
                    "id_number",
                    "配偶身份号码",
                    "Spouse's resident ID number",
                    required=True,
                    condition={"field": "spouse", "equals": "yes"},
                ),
                field(
                    "bank_card",
                    "text",
                    "收款银行卡号",
                    "Bank card for the payment",
                    required=True,
                    pattern="\\d{16,19}",
                ),
            ],
        },
    ]
}

SOCIAL_CARD = {
    "sections": [
        applicant(),
        {
            "key": "card",
            "title": t("社保卡", "Card"),
            "fields": [
                choice(
                    "reason",
                    "申领原因",
                    "Reason",
                    [
                        ("first", "首次申领", "First card"),
                        ("lost", "挂失补领", "Lost"),
                        ("damaged", "损坏换领", "Damaged"),
                    ],
                ),
                choice(
                    "delivery",
                    "领取方式",
                    "How to collect",
                    [
                        ("window", "窗口领取", "At the window"),
                        ("post", "邮寄", "By post"),
                    ],
                ),
                field(
                    "post_address",
                    "address",
                    "邮寄地址",
                    "Postal address",
                    required=True,
                    condition={"field": "delivery", "equals": "post"},
                ),
                field("photo", "file", "近期免冠照片", "Recent photo"),
            ],
        },
    ]
}

INDIVIDUAL_BUSINESS = {
    "sections": [
        applicant("经营者信息", "Operator"),
        {
            "key": "business",
            "title": t("个体工商户信息", "Business"),
            "fields": [
                field("trade_name", "text", "字号名称", "Trade name", max_length=60),
                field("business_address", "address", "经营场所", "Place of business", required=True),
                field("scope", "text", "经营范围", "Business scope", required=True, max_length=300),
                field(
                    "staff", "number", "从业人数", "Number of staff", required=True, minimum=1, maximum=1000
                ),
                field(
                    "capital", "number", "资金数额（万元）", "Capital (10,000 CNY)", minimum=0, maximum=100000
                ),
            ],
        },
    ]
}

# item code suffix (the demo catalogue's codes) -> definition
DEMO_FORMS = {
    "11350199MB1D45639W-XK-001": COMPANY,  # 企业设立登记 (营业执照)
    "11350199MB0F34538T-XK-001": PASSPORT,  # 普通护照签发
    "12350199MB0J78962N-GG-001": HOUSING_FUND,  # 住房公积金提取（购房）
    "11350199MB0A12345K-GG-003": SOCIAL_CARD,  # 社会保障卡申领
    "11350199MB1D45639W-XK-002": INDIVIDUAL_BUSINESS,  # 个体工商户设立登记
}


def demo_forms(actor, hall) -> int:
    """Publish the demo forms (idempotent: an item that already has a published form is skipped)."""
    from servicehall.catalog.models import ServiceItem
    from servicehall.eforms import services
    from servicehall.eforms.selectors import has_published_form

    published = 0
    for code, definition in DEMO_FORMS.items():
        item = ServiceItem.objects.filter(hall=hall, code=code).first()
        if item is None or has_published_form(item=item):
            continue
        draft = services.form_version_draft(actor=actor, item=item)
        services.form_version_save(actor=actor, version=draft, definition=definition, note="demo")
        services.form_version_publish(actor=actor, version=draft)
        published += 1
    return published
