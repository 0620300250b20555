"""The exchange shape of a service item: used by the API, by JSON and CSV import/export, and by the demo
loader, so every way in runs the same validation."""

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from servicehall.catalog.choices import ItemType


class MaterialData(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=120)
    name_en: str = Field(default="", max_length=200)
    name_zh_hant: str = Field(default="", max_length=120)
    originals: int = Field(default=1, ge=0, le=99)
    copies: int = Field(default=0, ge=0, le=99)
    required: bool = True
    condition: str = Field(default="", max_length=200)
    condition_en: str = Field(default="", max_length=300)
    note: str = Field(default="", max_length=200)
    note_en: str = Field(default="", max_length=300)


class ItemData(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=64, pattern=r"^[0-9A-Za-z._\-]+$")
    name: str = Field(min_length=1, max_length=120)
    # The English (and optional traditional-Chinese) texts beside the Chinese ones (core.localize);
    # blank means "show the Chinese" (English) or "convert" (traditional).
    name_en: str = Field(default="", max_length=200)
    name_zh_hant: str = Field(default="", max_length=120)
    department: str = Field(min_length=1, max_length=100)
    department_en: str = Field(default="", max_length=150)
    category: str = Field(min_length=1, max_length=60)
    category_en: str = Field(default="", max_length=100)
    item_type: ItemType = ItemType.PUBLIC_SERVICE
    description: str = ""
    description_en: str = ""
    keywords: str = Field(default="", max_length=200)
    legal_basis: str = ""
    legal_limit_days: int = Field(default=0, ge=0, le=3650)
    promised_limit_days: int = Field(default=0, ge=0, le=3650)
    standard_minutes: int = Field(default=0, ge=0, le=480)
    fee_cny: Decimal = Field(default=Decimal("0.00"), ge=0, max_digits=10, decimal_places=2)
    fee_note: str = Field(default="", max_length=200)
    fee_note_en: str = Field(default="", max_length=300)
    materials: list[MaterialData] = Field(default_factory=list)
    steps: list[str] = Field(default_factory=list)
    steps_en: list[str] = Field(default_factory=list)
    counters: list[str] = Field(default_factory=list)
    fully_online: bool = False
    visits_required: int = Field(default=1, ge=0, le=2)
    appointment_supported: bool = True
    ticket_prefix: str = Field(pattern=r"^[A-Z]{1,2}$")
    active: bool = True

    @field_validator(
        "name_en", "name_zh_hant", "department_en", "category_en", "description_en", "fee_note_en"
    )
    @classmethod
    def _strip_optional(cls, value: str) -> str:
        return value.strip()

    @field_validator("name", "department", "category", "code")
    @classmethod
    def _strip(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("must not be blank")
        return value

    @field_validator("promised_limit_days")
    @classmethod
    def _promise_within_legal(cls, value: int, info) -> int:
        legal = info.data.get("legal_limit_days") or 0
        if legal and value > legal:
            raise ValueError("the promised limit cannot exceed the legal limit")
        return value
