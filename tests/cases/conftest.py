"""Cases fixtures: hall A's small catalogue (queue fixtures) plus a licence item with promised and legal
time limits in working days, an online application through the public service, and short helpers."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from servicehall.cases import services
from servicehall.catalog.services import item_save
from tests.customers.conftest import person  # noqa: F401  (fixture)
from tests.queueing.conftest import actors, clerk_a2, clock, items_a, kiosk_a, q  # noqa: F401  (fixtures)

PHONE = "13912345678"
OTHER_PHONE = "13987654321"
LICENCE = "XK-001"


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path


@pytest.fixture
def licence(admin_actor, hall_a, items_a):  # noqa: F811
    """企业设立登记: promised 3 working days, legal 10, window 2, two materials."""
    return item_save(
        actor=admin_actor,
        hall=hall_a,
        data={
            "code": LICENCE,
            "name": "企业设立登记",
            "department": "市场监管局",
            "category": "企业",
            "ticket_prefix": "L",
            "counters": ["2"],
            "promised_limit_days": 3,
            "legal_limit_days": 10,
            "materials": [{"name": "公司章程"}, {"name": "住所使用证明"}],
        },
    )


def apply(hall, *, phone=PHONE, service=LICENCE, answers=None, id_number=None, actor=None):
    from servicehall.core.actors import Actor

    return services.application_submit(
        actor=actor or Actor(ip="10.9.0.1"),
        hall=hall,
        service=service,
        answers=answers if answers is not None else {"company": "青山咖啡有限公司"},
        phone=phone,
        id_number=id_number,
    )


@pytest.fixture
def online(hall_a, licence, clock):  # noqa: F811
    return apply(hall_a)


def png(name="scan.png") -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(buf, "PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")
