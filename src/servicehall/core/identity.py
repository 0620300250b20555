"""Resident ID (GB 11643-1999) and mobile number validation and masking, in one place for every module.

Screens show ``110105********002X`` and ``138****1234``; the full values are only ever stored encrypted
(see ``servicehall.core.crypto``) and read through an audited service.
"""

import datetime
import re

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_ID_RE = re.compile(r"^[0-9]{17}[0-9X]$")  # ASCII digits only: \d takes ٣ and ３ too
_PHONE_SEPARATORS = re.compile(r"[\s\-().]")
_MOBILE_RE = re.compile(r"^1[3-9][0-9]{9}$")


def normalize_resident_id(text: str) -> str:
    """Strip spaces and upper-case a trailing ``x`` (people type it lower-case; we store it upper-case)."""
    return (text or "").strip().replace(" ", "").upper()


def resident_id_check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def is_valid_resident_id(text: str, *, today: datetime.date | None = None) -> bool:
    """True for an 18-character resident ID with a real, non-future birth date and a correct check
    character."""
    value = normalize_resident_id(text)
    if not _ID_RE.match(value):
        return False
    try:
        birth = datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    today = today or datetime.date.today()
    if birth > today or birth.year < 1880:
        return False
    return resident_id_check_char(value[:17]) == value[17]


def resident_id_birth_date(text: str) -> datetime.date | None:
    value = normalize_resident_id(text)
    if not is_valid_resident_id(value):
        return None
    return datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def mask_resident_id(text: str) -> str:
    """``110105194912310021`` → ``110105********0021``: the area code and the last four stay visible."""
    value = normalize_resident_id(text)
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def normalize_phone(text: str) -> str:
    """Remove separators and a leading +86/0086 country code."""
    value = _PHONE_SEPARATORS.sub("", (text or "").strip())
    for prefix in ("+86", "0086"):
        if value.startswith(prefix):
            value = value[len(prefix) :]
    return value


def is_valid_mobile(text: str) -> bool:
    return bool(_MOBILE_RE.match(normalize_phone(text)))


def mask_phone(text: str) -> str:
    """``13812341234`` → ``138****1234``; other lengths keep at most the first three and last four."""
    value = normalize_phone(text)
    if len(value) < 8:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(text: str) -> str:
    """``张三丰`` → ``张**``; what a display or a clerk's list may show of a name."""
    value = (text or "").strip()
    if not value:
        return ""
    return value[0] + "*" * (len(value) - 1)


def resident_id_sex(text: str) -> str:
    """``"M"`` or ``"F"`` from the order code's parity (GB 11643: odd for men), ``""`` when not valid."""
    value = normalize_resident_id(text)
    if not is_valid_resident_id(value):
        return ""
    return "M" if int(value[16]) % 2 else "F"


def resident_id_region(text: str) -> dict[str, str]:
    """The coarse home region of a resident ID, from its administrative division code (the table that
    ``python-stdnum`` ships with ``stdnum.cn.ric``): ``{"province_code": "32", "province": "江苏省",
    "city_code": "3201", "city": "南京市"}``. Municipalities (北京, 上海, 天津, 重庆) are their own city.
    Empty values for a code the table does not know; the county is deliberately not returned (it is
    finer than statistics need)."""
    from stdnum import numdb

    value = normalize_resident_id(text)
    out = {"province_code": "", "province": "", "city_code": "", "city": ""}
    if len(value) < 6 or not value[:6].isdigit():
        return out
    table = numdb.get("cn/loc")
    province = next((p.get("province", "") for _part, p in table.info(value[:2] + "0000")), "")
    if not province:
        return out
    out.update(province_code=value[:2], province=province, city_code=value[:4])
    city = {k: v for _part, props in table.info(value[:4] + "00") for k, v in props.items()}.get("county", "")
    city = city.rsplit("]", 1)[-1].split(",")[-1].rsplit("]", 1)[-1]
    out["city"] = province if not city or city in {"市辖区", "县"} else city
    return out


def is_valid_uscc(text: str) -> bool:
    """A unified social credit code (GB 32100-2015, 统一社会信用代码) with a correct check character, as
    ``stdnum.cn.uscc`` checks it."""
    from stdnum.cn import uscc

    return uscc.is_valid(text or "")


def normalize_uscc(text: str) -> str:
    return (text or "").strip().replace(" ", "").replace("-", "").upper()


def mask_document(text: str) -> str:
    """Another certificate's number (passport, residence permit): the first two and last two stay."""
    value = (text or "").strip().upper()
    if len(value) <= 4:
        return "*" * len(value)
    return value[:2] + "*" * (len(value) - 4) + value[-2:]
