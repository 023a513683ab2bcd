"""The application: every fact section 四 of the 2010 notice asks about.

Money is exact `Decimal`; a binary float is refused rather than rounded. Dates are dates,
written YYYY-MM-DD. Nothing is coerced: a yes/no is true or false (not "yes" or 1), seats are
whole numbers (not "820" or 820.0), and every amount states its unit.
Dates of past events may not lie after "today", which callers pass as validation context
(`{"today": date}`) so that tests and batch runs stay deterministic.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

from functools import cache

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    StrictBool,
    StrictInt,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError
from pydantic_core import core_schema as cs


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def label(
    zh: str,
    en: str,
    unit: str | tuple[str, str] | None = None,
    help_zh: str | None = None,
    help_en: str | None = None,
    **hints: Any,
) -> dict[str, Any]:
    """A field's declaration for every face: its zh/en label, its unit and help, in one place.

    The Excel template, the intake page and the blank draft are laid out from these
    declarations (`assessor.intake.shape`); `hints` say where a field goes, none how it is
    checked: `sheet=("申请人", "Applicant")` puts a section (and what it holds) on a sheet of its
    own, `after="address"` moves a field after another, `layout="column"` lays a list of values
    out as a column and `layout="rows"` a group of like records as rows of one table,
    `when={"application_type": "relocation"}` shows a field only when a sibling has that value,
    `placeholder=(zh, en)` and `area=True` shape its input, `formerly=(...)` lists the label's
    wording in earlier Excel templates (still read), and `choices="name"` names the
    wording of its options (locale keys `app.option.<name>.*` and `excel.choice.<name>.*`)."""
    extra: dict[str, Any] = {"label": {"zh": zh, "en": en}}
    if unit:
        zh_unit, en_unit = unit if isinstance(unit, tuple) else (unit, unit)
        extra["unit"] = {"zh": zh_unit, "en": en_unit}
    if help_zh or help_en:
        extra["help"] = {"zh": help_zh or "", "en": help_en or ""}
    for key, value in hints.items():
        extra[key] = {"zh": value[0], "en": value[1]} if key in ("sheet", "placeholder") else value
    return extra


# ---------------------------------------------------------------- scalar types


class Unit(StrEnum):
    """Units premium may be stated in; each is an exact power of ten of 元."""

    YUAN = "元"
    WAN = "万元"
    YI = "亿元"

    @property
    def yuan(self) -> Decimal:
        return _UNIT_IN_YUAN[self]


_UNIT_IN_YUAN = {Unit.YUAN: Decimal(1), Unit.WAN: Decimal(10_000), Unit.YI: Decimal(100_000_000)}

# Fields hold the unit as its plain text (equal to the Unit member): serializing an Enum member
# costs a Python call per ledger row, a plain string none.
UnitText = Literal["元", "万元", "亿元"]


# ---------------------------------------------------------------- how scalars are checked
#
# Every scalar is checked by pydantic-core itself, in Rust: strict types, patterns (ASCII digits
# only: `\d` would also take full-width and Arabic-Indic digits, which Decimal reads), dates. What
# it cannot express runs in Python once per value where values are few (a date of a past event
# against the "today" callers pass as context, a credit code's check character, facts across
# fields), and once per ledger where they are many (`Premiums._months_not_future`). A scalar
# refused by pydantic-core carries one error type per kind of field (`money_input`, ...), and
# `explain` words it from the input afterwards: the refusal costs Python, the acceptance does not.

# Bounds that keep every sum exact in Decimal's 28-digit default context: at most 15 integer
# digits and 10 decimals in the stated unit (亿元 to the fen needs 10), i.e. 25 significant digits.
_MONEY_MAX_INTEGER_DIGITS = 15
_MONEY_MAX_DECIMALS = 10

MONEY_INPUT, DATE_INPUT, MONTH_INPUT, CREDIT_CODE_INPUT = "money_input", "date_input", "month_input", "credit_code_input"


class _Core:
    """An annotation that gives a field's whole pydantic-core schema."""

    __slots__ = ("schema",)

    def __init__(self, schema: cs.CoreSchema):
        self.schema = schema

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> cs.CoreSchema:
        return self.schema


def has_non_ascii_digit(text: str) -> bool:
    """Whether text holds a digit other than 0-9 (full-width ６, Arabic-Indic ٦, ...)."""
    return not text.isascii() and any(c.isdigit() and not c.isascii() for c in text)


def has_lone_surrogate(text: str) -> bool:
    """Whether text holds a lone surrogate (a JSON escape such as \\udfff): not a character, and
    not writable as UTF-8."""
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _exact_decimal(value: Decimal) -> Decimal:
    """A Decimal given as such (a JSON number read exactly, or the Python API): finite, not
    negative, within the bounds, and held as plain digits (1.2E+9 as 1200000000)."""
    if not value.is_finite() or value < 0 or (value and value.adjusted() >= _MONEY_MAX_INTEGER_DIGITS):
        raise PydanticCustomError(MONEY_INPUT, "not an amount")
    exponent = value.as_tuple().exponent
    if exponent < -_MONEY_MAX_DECIMALS:
        raise PydanticCustomError(MONEY_INPUT, "not an amount")
    return Decimal(format(value, "f")) if exponent > 0 else value


# Text: digits with an optional decimal point, spaces around allowed. Whole JSON numbers. A
# Decimal object (only from Python: a JSON number with a fraction is read exactly on the slow path
# of the JSON reader). Never a binary float, which could not hold most amounts exactly.
_MONEY_TEXT = cs.chain_schema(
    [
        cs.str_schema(strict=True, strip_whitespace=True, pattern=rf"^0*[0-9]{{1,{_MONEY_MAX_INTEGER_DIGITS}}}(?:\.[0-9]{{1,{_MONEY_MAX_DECIMALS}}})?$"),
        cs.no_info_plain_validator_function(Decimal),
    ]
)
_MONEY_INT = cs.chain_schema([cs.int_schema(strict=True, ge=0, lt=10**_MONEY_MAX_INTEGER_DIGITS), cs.no_info_plain_validator_function(Decimal)])
_MONEY_DECIMAL = cs.chain_schema([cs.is_instance_schema(Decimal), cs.no_info_plain_validator_function(_exact_decimal)])
_MONEY_CORE = cs.custom_error_schema(
    cs.json_or_python_schema(
        json_schema=cs.union_schema([_MONEY_TEXT, _MONEY_INT], mode="left_to_right"),
        python_schema=cs.union_schema([_MONEY_TEXT, _MONEY_INT, _MONEY_DECIMAL], mode="left_to_right"),
    ),
    MONEY_INPUT,
    custom_error_message="money must be digits with an optional decimal point, not negative, at most 15 digits before it and 10 after",
    serialization=cs.simple_ser_schema("decimal"),
)

# The printed schema says what the validator takes: digits as text or a JSON number, never negative.
Money = Annotated[
    Decimal,
    _Core(_MONEY_CORE),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": r"^\s*\d{1,15}(\.\d{1,10})?\s*$"},
                {"type": "number", "minimum": 0},
            ],
            "description": "an exact amount in the unit stated beside it, as digits (preferably text, such as \"91500.00\")",
        }
    ),
]


def _today(info: ValidationInfo) -> date:
    context = info.context
    if context is None:
        return date.today()
    today = context.get("today")
    if today is None:
        today = context["today"] = date.today()  # once per validation, not once per date
    return today


# A date is written as one, YYYY-MM-DD in the digits 0-9: pydantic alone would read 86400 or
# "86400" as a Unix timestamp, and "2024-10-08T00:00" as a day. From Python, a date object (or
# a datetime at midnight) is taken too.
_DATE_TEXT = cs.chain_schema([cs.str_schema(strict=True, pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"), cs.date_schema()])
_DATE_VALUE = cs.chain_schema([cs.is_instance_schema(date), cs.date_schema()])
_DATE_CORE = cs.custom_error_schema(
    cs.json_or_python_schema(json_schema=_DATE_TEXT, python_schema=cs.union_schema([_DATE_TEXT, _DATE_VALUE], mode="left_to_right")),
    DATE_INPUT,
    custom_error_message="a date must be written YYYY-MM-DD",
    serialization=cs.simple_ser_schema("date"),
)
_DATE_JSON_SCHEMA = WithJsonSchema({"type": "string", "format": "date"})



def _future(value: date, today: date) -> PydanticCustomError:
    return PydanticCustomError("date_in_future", "date {value} lies after today ({today})", {"value": value.isoformat(), "today": today.isoformat()})


def _not_future(value: date, info: ValidationInfo) -> date:
    today = _today(info)
    if value > today:
        raise _future(value, today)
    return value


Day = Annotated[date, _Core(_DATE_CORE), _DATE_JSON_SCHEMA]
# A date of a past event: not after "today". A handful per application, so one call each; the
# ledger's many months are checked in one pass per ledger (`Premiums._months_not_future`).
PastDate = Annotated[date, _Core(_DATE_CORE), AfterValidator(_not_future), _DATE_JSON_SCHEMA]


class _Months(dict):
    """Ledger months read so far, by their text: a ledger repeats few months many times, and a
    dict lookup runs in C. Bounded, so that hostile input cannot grow it without end."""

    def __missing__(self, text: str) -> date:
        try:
            month = date(int(text[:4]), int(text[5:7]), 1)
        except ValueError:  # year 0000
            raise PydanticCustomError(MONTH_INPUT, "not a month") from None
        if len(self) < 10_000:
            self[text] = month
        return month


_MONTHS = _Months()


def _first_of_month(value: date) -> date:
    if isinstance(value, datetime):
        if value.time() != datetime.min.time():
            raise PydanticCustomError(MONTH_INPUT, "not a month")
        value = value.date()
    if value.day != 1:
        raise PydanticCustomError(MONTH_INPUT, "not a month")
    return value


# A ledger month, YYYY-MM (or its first day), held as its first day; not after today.
_MONTH_TEXT = cs.chain_schema(
    [
        cs.str_schema(strict=True, strip_whitespace=True, pattern=r"^[0-9]{4}-(?:0[1-9]|1[0-2])(?:-01)?$"),
        cs.no_info_plain_validator_function(_MONTHS.__getitem__),
    ]
)
_MONTH_VALUE = cs.chain_schema([cs.is_instance_schema(date), cs.no_info_plain_validator_function(_first_of_month)])
_MONTH_CORE = cs.custom_error_schema(
    cs.json_or_python_schema(json_schema=_MONTH_TEXT, python_schema=cs.union_schema([_MONTH_TEXT, _MONTH_VALUE], mode="left_to_right")),
    MONTH_INPUT,
    custom_error_message="month must be written YYYY-MM",
    serialization=cs.simple_ser_schema("date"),
)

# A month is held as its first day, and written back that way (YYYY-MM-01), which also reads.
Month = Annotated[
    date,
    _Core(_MONTH_CORE),
    WithJsonSchema({"type": "string", "pattern": r"^\d{4}-(0[1-9]|1[0-2])(-01)?$", "description": "a calendar month, YYYY-MM"}),
]

# Text must hold something other than spaces; the pattern runs in pydantic-core, not in Python.
NOT_BLANK = r"\S"
Text = Annotated[str, Field(min_length=1, max_length=2000, pattern=NOT_BLANK)]
ShortText = Annotated[str, Field(min_length=1, max_length=200, pattern=NOT_BLANK)]
# Seats are counted: a whole JSON number, never true, "820" or 820.0 read as one.
Seats = Annotated[StrictInt, Field(ge=0, le=100_000)]
PhoneNumber = Annotated[str, Field(pattern=r"^\+?[0-9][0-9\- ]{2,19}$")]

# GB 32100-2015: 18 characters from a 31-symbol alphabet; the last is a weighted check digit.
_CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CREDIT_VALUE = {c: i for i, c in enumerate(_CREDIT_ALPHABET)}


def credit_code_check_char(first17: str) -> str:
    """The check character GB 32100-2015 assigns to the first 17 characters of a code."""
    total = sum(_CREDIT_VALUE[c] * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return _CREDIT_ALPHABET[(31 - total % 31) % 31]


def _valid_check_char(code: str) -> str:
    expected = credit_code_check_char(code[:17])
    if expected != code[17]:
        raise PydanticCustomError("credit_code_check", "check digit should be {expected}, not {actual}", {"expected": expected, "actual": code[17]})
    return code


# Read in either case and held in upper case, natively; then its check character (one call).
_CREDIT_CODE_CORE = cs.custom_error_schema(
    cs.str_schema(strip_whitespace=True, to_upper=True, pattern=r"^[0-9A-HJ-NPQRTUWXYa-hj-npqrtuwxy]{18}$"),
    CREDIT_CODE_INPUT,
    custom_error_message="not a unified social credit code",
)

CreditCode = Annotated[
    str,
    _Core(_CREDIT_CODE_CORE),
    AfterValidator(_valid_check_char),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\s*[0-9A-HJ-NPQRTUWXYa-hj-npqrtuwxy]{18}\s*$",
            "description": "unified social credit code, 18 characters with the check character of GB 32100-2015",
        }
    ),
]

# A digest in either case, held in lower case, as tools print it, so one document has one digest.
Sha256 = Annotated[str, _Core(cs.str_schema(pattern=r"^[0-9a-fA-F]{64}$", to_lower=True))]


# ---------------------------------------------------------------- why a scalar was refused
#
# Run only for an input pydantic-core refused: the checks below say what is wrong with it, in
# the error types and context the messages (locales/*/errors.toml) are written for.

_MONEY_WRITTEN = re.compile(r"(-?)([0-9]+)(?:\.([0-9]+))?")
_DATE_WRITTEN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _too_large() -> PydanticCustomError:
    return PydanticCustomError("money_too_large", "amount has more than {digits} digits before the decimal point", {"digits": _MONEY_MAX_INTEGER_DIGITS})


def _too_precise() -> PydanticCustomError:
    return PydanticCustomError("money_precision", "amount has more than {places} decimal places", {"places": _MONEY_MAX_DECIMALS})


def _negative() -> PydanticCustomError:
    return PydanticCustomError("money_negative", "amount must not be negative")


def _date_number(value: Any) -> PydanticCustomError:
    return PydanticCustomError("date_number", "a date must be written YYYY-MM-DD, not as the number {input}", {"input": str(value)})


def _month_format() -> PydanticCustomError:
    return PydanticCustomError("month_format", "month must be written YYYY-MM")


@cache
def _adapter(kind: type) -> TypeAdapter:
    return TypeAdapter(kind)


def _why_money(value: Any) -> None:
    if isinstance(value, str):
        match = _MONEY_WRITTEN.fullmatch(value.strip())
        if match is None:
            raise PydanticCustomError("money_format", "money must be written as digits with an optional decimal point")
        sign, whole, fraction = match.groups()
        if len(whole.lstrip("0")) > _MONEY_MAX_INTEGER_DIGITS:
            raise _too_large()
        if fraction is not None and len(fraction) > _MONEY_MAX_DECIMALS:
            raise _too_precise()
        if sign:
            raise _negative()  # "-0" too: an amount is written without a sign
    elif isinstance(value, float):
        raise PydanticCustomError("money_float", "money must be a decimal string or an integer, not a binary float")
    elif isinstance(value, int) and not isinstance(value, bool):
        raise _negative() if value < 0 else _too_large()
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise PydanticCustomError("finite_number", "Input should be a finite number")
        if value < 0:
            raise _negative()
        if value and value.adjusted() >= _MONEY_MAX_INTEGER_DIGITS:
            raise _too_large()
        raise _too_precise()
    else:
        _adapter(Decimal).validate_python(value)  # pydantic's own words for a value of another type
    raise PydanticCustomError("money_format", "money must be written as digits with an optional decimal point")


def _why_date(value: Any) -> None:
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool) or (isinstance(value, str) and value.strip().isdigit()):
        raise _date_number(value)
    if isinstance(value, str) and _DATE_WRITTEN.fullmatch(value) is None:
        raise PydanticCustomError("date_format", "a date must be written YYYY-MM-DD, not {input}", {"input": value})
    _adapter(date).validate_python(value)  # no such day (2024-02-30), a datetime with a time, another type
    raise PydanticCustomError("date_format", "a date must be written YYYY-MM-DD, not {input}", {"input": str(value)})


def _why_month(value: Any) -> None:
    if isinstance(value, str):
        text = value.strip()
        if text.isdigit():
            raise _date_number(text)
        raise _month_format()
    if isinstance(value, date):
        raise _month_format()  # a day other than the first, or a time of day
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        raise _date_number(value)
    _adapter(date).validate_python(value)
    raise _month_format()


def _why_credit_code(value: Any) -> None:
    text = _adapter(str).validate_python(value)  # pydantic's own words for a value that is not text
    code = text.strip().upper()
    if len(code) != 18:
        raise PydanticCustomError("credit_code_length", "a unified social credit code has 18 characters, not {n}", {"n": len(code)})
    bad = next(c for c in code if c not in _CREDIT_VALUE)
    raise PydanticCustomError("credit_code_chars", "character {char} is not allowed in a unified social credit code", {"char": bad})


_WHY = {MONEY_INPUT: _why_money, DATE_INPUT: _why_date, MONTH_INPUT: _why_month, CREDIT_CODE_INPUT: _why_credit_code}


def explain(error: dict[str, Any]) -> dict[str, Any]:
    """A pydantic error, with a scalar's refusal worded from its input: the type, context and
    message of the check it fails. Other errors come back as they are."""
    why = _WHY.get(error["type"])
    if why is None:
        return error
    value = error.get("input")
    try:
        if isinstance(value, str) and not value.isascii():
            if has_lone_surrogate(value):
                # shown escaped: a lone surrogate cannot be formatted into a message, nor printed
                raise PydanticCustomError("lone_surrogate", "the text holds a lone surrogate escape: {input}", {"input": value.encode("utf-8", "backslashreplace").decode("utf-8")})
            if has_non_ascii_digit(value):
                raise PydanticCustomError("digits_not_ascii", "digits must be written 0-9, not full-width or other scripts' digits: {input}", {"input": value})
        why(value)
    except PydanticCustomError as exc:
        return error | {"type": exc.type, "msg": exc.message(), "ctx": exc.context or {}}
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        return error | {"type": first["type"], "msg": first["msg"], "ctx": first.get("ctx") or {}}
    except (ValueError, StopIteration) as exc:
        return error | {"type": "value_error", "msg": f"Value error, {exc}", "ctx": {"error": str(exc)}}
    return error


class InsurerType(StrEnum):
    PROPERTY_CASUALTY = "property_casualty"
    LIFE = "life"
    OTHER = "other"


class ApplicationType(StrEnum):
    NEW_SITE = "new_site"
    RELOCATION = "relocation"


class ComplaintStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


# ---------------------------------------------------------------- parts


class Evidence(Strict):
    """A document that backs a claim; the SHA-256 pins its exact content."""

    document: ShortText = Field(json_schema_extra=label("文件名", "Document"))
    sha256: Sha256 | None = Field(None, json_schema_extra=label("SHA-256", "SHA-256", help_zh="上传文件时自动计算；也可以粘贴文件的64位十六进制校验值。", help_en="Computed when a file is uploaded; you may also paste the file's 64-digit hexadecimal digest."))


class Applicant(Strict):
    name: ShortText = Field(json_schema_extra=label("公司名称", "Company name"))
    credit_code: CreditCode = Field(json_schema_extra=label("统一社会信用代码", "Unified social credit code", help_zh="18位，最后一位为校验位（GB 32100-2015）。", help_en="18 characters; the last is a check character (GB 32100-2015)."))
    insurer_type: InsurerType = Field(json_schema_extra=label("公司类型", "Insurer type", choices="insurer_type"))
    telemarketing_approved: StrictBool = Field(description="approved to sell telemarketing-exclusive products", json_schema_extra=label("已获准经营电销专用产品", "Approved for telemarketing-exclusive products"))
    telemarketing_approval_ref: ShortText | None = Field(None, json_schema_extra=label("电销专用产品批准文号", "Approval reference", placeholder=("例如：保监产险〔2009〕118号", "e.g. 保监产险〔2009〕118号")))
    application_type: ApplicationType = Field(ApplicationType.NEW_SITE, json_schema_extra=label("申请事项", "Application type", choices="application_type"))
    relocating_site: ShortText | None = Field(
        None, json_schema_extra=label("拟搬迁的原职场编号", "Id of the site that moves", help_zh="变更（搬迁）职场时必填", help_en="required for a relocation", when={"application_type": "relocation"})
    )
    contact_person: ShortText | None = Field(None, json_schema_extra=label("联系人", "Contact person"))
    contact_phone: PhoneNumber | None = Field(None, json_schema_extra=label("联系电话", "Contact phone"))

    @model_validator(mode="after")
    def _approval_has_reference(self) -> Applicant:
        if self.telemarketing_approved and not self.telemarketing_approval_ref:
            raise PydanticCustomError(
                "approval_ref_missing", "an approval to sell telemarketing-exclusive products needs its reference", {"field": "telemarketing_approval_ref"}
            )
        return self


class CentralizedSelling(Strict):
    since: PastDate = Field(description="date centralized selling of telemarketing-exclusive products began", json_schema_extra=label("集中销售电销专用产品起始日", "Centralized selling began on", help_zh="期限按《民法典》计算：起始当日不计入，满1年之日为次年的对应日。", help_en="Periods are counted under the Civil Code: the first day is not counted, and a year is complete on the corresponding day of the next year."))
    evidence: list[Evidence] = Field([], json_schema_extra=label("起始日证明材料", "Evidence of the start date"))


class LedgerRow(Strict):
    month: Month = Field(json_schema_extra=label("月份", "Month", help_zh="写成YYYY-MM，例如2024-03。", help_en="Written YYYY-MM, e.g. 2024-03."))
    product_code: ShortText = Field(json_schema_extra=label("产品代码", "Product code"))
    telemarketing_exclusive: StrictBool = Field(json_schema_extra=label("电销专用产品", "Telemarketing-exclusive"))
    premium: Money = Field(json_schema_extra=label("保费", "Premium", help_zh="数字，可带小数点，单位见「单位」列。", help_en="Digits with an optional decimal point; the unit is in the Unit column."))
    unit: UnitText = Field(json_schema_extra=label("单位", "Unit"))  # stated on every row: a figure in 万元 read as 元 would be 10,000 times too small

    @property
    def premium_yuan(self) -> Decimal:
        return self.premium * _UNIT_IN_YUAN[self.unit]


class DeclaredTotal(Strict):
    """A cumulative premium stated by the applicant, standing in where no ledger is given."""

    amount: Money = Field(json_schema_extra=label("申报累计保费", "Declared cumulative premium"))
    unit: UnitText = Field(json_schema_extra=label("申报累计保费单位", "Unit of the declared premium"))
    as_of: PastDate = Field(description="the date the declared total runs up to", json_schema_extra=label("申报累计保费截止日", "Declared premium runs up to"))
    evidence: list[Evidence] = Field([], json_schema_extra=label("累计保费证明材料", "Evidence of the declared premium"))

    @property
    def amount_yuan(self) -> Decimal:
        return self.amount * _UNIT_IN_YUAN[self.unit]


class Premiums(Strict):
    ledger: list[LedgerRow] = Field([], json_schema_extra=label("保费台账", "Premium ledger", sheet=("保费台账", "Premium ledger")))
    declared_total: DeclaredTotal | None = Field(None, json_schema_extra=label("申报累计保费", "Declared total"))

    @model_validator(mode="after")
    def _months_not_future(self, info: ValidationInfo) -> Premiums:
        """No ledger month after today: one pass per ledger, not one call per row."""
        ledger = self.ledger
        if ledger:
            today = _today(info)
            if max(row.month for row in ledger) > today:  # one comparison when none lies ahead
                raise ValidationError.from_exception_data("Premiums", [e | {"loc": ("ledger", *e["loc"])} for e in future_months(ledger, today)])
        return self

    def exclusive_between(self, first: date | None, before: date) -> tuple[Decimal, int, int]:
        """Exclusive premium of ledger months in [first, before), and the row counts outside it
        on each side: (total, rows before `first`, rows from `before` on)."""
        total, early, late = Decimal(0), 0, 0
        for row in self.ledger:
            if not row.telemarketing_exclusive:
                continue
            if first is not None and row.month < first:
                early += 1
            elif row.month >= before:
                late += 1
            else:
                total += row.premium_yuan
        return total, early, late

    @property
    def other_product_rows(self) -> int:
        return sum(1 for row in self.ledger if not row.telemarketing_exclusive)


class TeamMember(Strict):
    name: ShortText = Field(json_schema_extra=label("姓名", "Name"))
    role: ShortText = Field(json_schema_extra=label("职务", "Role"))
    employing_unit: ShortText = Field(json_schema_extra=label("劳动关系所在单位", "Employing unit", help_zh="与其签订劳动合同的单位，如“总公司电销运营管理部”", help_en="the unit that employs the member, e.g. head office's telemarketing operations department", formerly=("派出单位", "Sent by (unit)")))

    def label(self) -> dict[str, str]:
        return {"zh": self.name, "en": self.name}


class ExistingSite(Strict):
    id: ShortText = Field(json_schema_extra=label("职场编号", "Site id"))
    name: ShortText = Field(json_schema_extra=label("职场名称", "Site name"))
    city: ShortText = Field(json_schema_extra=label("城市", "City"))
    address: Text = Field(json_schema_extra=label("地址", "Address"))
    approval_ref: ShortText | None = Field(None, json_schema_extra=label("批准文号", "Approval reference"))
    approval_date: PastDate | None = Field(None, json_schema_extra=label("批准日期", "Approval date"))
    seats: Seats = Field(json_schema_extra=label("坐席数", "Seats", unit=("个", "count"), help_zh="该职场的坐席个数。", help_en="The number of seats of the site.", after="address"))
    business_system: ShortText | None = Field(None, json_schema_extra=label("业务系统", "Business system", help_zh="该职场使用的电销业务系统名称", help_en="the telemarketing business system the site runs on"))
    inbound_numbers: list[PhoneNumber] = Field([], json_schema_extra=label("呼入号码", "Inbound numbers"))
    outbound_numbers: list[PhoneNumber] = Field([], json_schema_extra=label("呼出号码", "Outbound numbers"))
    management_team: list[TeamMember] = Field([], json_schema_extra=label("管理团队", "Management team", sheet=("现有职场管理团队", "Site teams")))
    evidence: list[Evidence] = Field([], json_schema_extra=label("批复文件或坐席台账", "Approval document or seat register", help_zh="证明该职场获批及坐席数的材料", help_en="documents that show the site's approval and its seat count"))

    def label(self) -> dict[str, str]:
        return {"zh": f"{self.name}（{self.city}）", "en": f"{self.name} ({self.city})"}


class ProposedSite(Strict):
    city: ShortText = Field(json_schema_extra=label("所在城市", "City"))
    address: Text = Field(json_schema_extra=label("地址", "Address"))
    planned_seats: Seats = Field(json_schema_extra=label("计划坐席数", "Planned seats", unit=("个", "count"), help_zh="新职场计划设置的坐席个数。", help_en="The number of seats planned for the new site."))
    planned_opening: Day | None = Field(None, json_schema_extra=label("计划启用日期", "Planned opening"))
    inbound_numbers: list[PhoneNumber] = Field([], json_schema_extra=label("呼入号码", "Inbound numbers"))
    outbound_numbers: list[PhoneNumber] = Field([], json_schema_extra=label("呼出号码", "Outbound numbers"))
    management_team: list[TeamMember] = Field([], json_schema_extra=label("管理团队", "Management team"))
    business_system: ShortText | None = Field(None, json_schema_extra=label("业务系统", "Business system", formerly=("核心业务系统", "Core business system")))
    products: list[ShortText] = Field([], json_schema_extra=label("拟销售的电销专用产品代码", "Codes of the products to be sold", formerly=("拟销售产品代码", "Product codes to sell")))
    evidence: list[Evidence] = Field([], json_schema_extra=label("职场建设方案", "Site plan", help_zh="证明计划坐席数的建设方案或租赁、采购材料", help_en="the plan (lease, fit-out, procurement) that shows the planned seats"))

    def label(self) -> dict[str, str]:
        return {"zh": f"拟设职场（{self.city}）", "en": f"proposed site ({self.city})"}


class ApprovedProduct(Strict):
    code: ShortText = Field(json_schema_extra=label("已批准产品代码", "Approved product code"))
    name: ShortText | None = Field(None, json_schema_extra=label("产品名称", "Product name"))
    approval_ref: ShortText | None = Field(None, json_schema_extra=label("批准文号", "Approval reference"))


class Company(Strict):
    head_office_unit: ShortText | None = Field(None, json_schema_extra=label("总公司电销运营管理部门", "Head office's telemarketing operations unit", help_zh="各职场管理团队应由该部门派出", help_en="the unit that must send every site's management team"))
    business_system: ShortText | None = Field(None, json_schema_extra=label("全国集中的电销业务系统", "Nationally centralized business system", help_zh="各职场应统一采用的业务系统名称", help_en="the one business system every site must run on"))
    nationwide_numbers: list[PhoneNumber] = Field([], json_schema_extra=label("全国统一电销号码", "Nationwide telemarketing number", layout="column"))
    approved_products: list[ApprovedProduct] = Field([], json_schema_extra=label("已批准的电销专用产品", "Approved products"))


class Complaint(Strict):
    date: PastDate = Field(json_schema_extra=label("发生日期", "Date"))
    summary: Text = Field(json_schema_extra=label("事件概述", "Summary"))
    seriously_harmed_consumers: StrictBool = Field(json_schema_extra=label("严重损害消费者利益", "Seriously harmed consumers"))
    major_social_impact: StrictBool = Field(json_schema_extra=label("造成重大社会影响", "Major social impact"))
    status: ComplaintStatus = Field(ComplaintStatus.OPEN, json_schema_extra=label("处理状态", "Status", choices="complaint_status"))
    resolved_on: PastDate | None = Field(None, json_schema_extra=label("办结日期", "Resolved on"))
    source: ShortText | None = Field(None, json_schema_extra=label("来源", "Source"))

    def label(self) -> dict[str, str]:
        return {"zh": self.summary, "en": self.summary}

    @model_validator(mode="after")
    def _resolved_after_incident(self) -> Complaint:
        if self.resolved_on is not None and self.resolved_on < self.date:
            raise PydanticCustomError(
                "end_before_start", "resolved_on ({end}) lies before the incident date ({start})",
                {"end": self.resolved_on.isoformat(), "start": self.date.isoformat(), "field": "resolved_on"},
            )
        return self


class Violation(Strict):
    """A violation is dated by its conduct; a decision, if one was taken, has its own date. One
    still under investigation has no decision yet, and counts all the same."""

    conduct_date: PastDate = Field(json_schema_extra=label("行为发生日期", "Date of the conduct"))
    decision_date: PastDate | None = Field(None, json_schema_extra=label("处罚决定日期", "Date of the decision", help_zh="尚在调查、未作决定的留空", help_en="leave empty while it is still under investigation"))
    authority: ShortText = Field(json_schema_extra=label("作出决定的机关", "Authority"))
    decision_number: ShortText | None = Field(None, json_schema_extra=label("决定书文号", "Decision number"))
    kind: ShortText = Field(json_schema_extra=label("违规类型", "Kind of violation"))
    summary: Text = Field(json_schema_extra=label("概述", "Summary"))

    @model_validator(mode="after")
    def _decided_after_conduct(self) -> Violation:
        if self.decision_date is not None and self.decision_date < self.conduct_date:
            raise PydanticCustomError(
                "end_before_start", "decision_date ({end}) lies before the conduct ({start})",
                {"end": self.decision_date.isoformat(), "start": self.conduct_date.isoformat(), "field": "decision_date"},
            )
        return self

    def label(self) -> dict[str, str]:
        text = f"{self.authority} {self.decision_number or ''} {self.kind}".split()
        return {"zh": " ".join(text), "en": " ".join(text)}


class ComplaintRecord(Strict):
    incidents: list[Complaint] = Field([], json_schema_extra=label("客户投诉事件", "Complaint incidents"))
    attested_complete: StrictBool = Field(False, description="the applicant attests that the list is complete", json_schema_extra=label("申请人声明：客户投诉清单完整（近一年全部投诉事件均已列出）", "This list is complete (every complaint incident of the past year is listed)"))


class ViolationRecord(Strict):
    records: list[Violation] = Field([], json_schema_extra=label("违法违规记录", "Violation records"))
    attested_complete: StrictBool = Field(False, description="the applicant attests that the list is complete", json_schema_extra=label("申请人声明：违法违规清单完整（全部违规记录均已列出）", "This list is complete (every violation record is listed)"))


class Attestation(Strict):
    attested: StrictBool | None = Field(None, description="true: attested; false: not in place; null: not yet answered", json_schema_extra=label("已落实", "In place"))
    description: str = Field("", max_length=2000, json_schema_extra=label("说明", "Description", area=True))
    evidence: list[Evidence] = Field([], json_schema_extra=label("证明材料", "Evidence documents"))


def _blank() -> Attestation:
    return Attestation()


class StaffUnification(Strict):
    head_office_team: Attestation = Field(default_factory=_blank)


class SystemsUnification(Strict):
    call_access: Attestation = Field(default_factory=_blank)
    equipment: Attestation = Field(default_factory=_blank)
    data_storage: Attestation = Field(default_factory=_blank)
    process_control: Attestation = Field(default_factory=_blank)


class NumbersUnification(Strict):
    nationwide_numbers: Attestation = Field(default_factory=_blank)


class ProductsUnification(Strict):
    approved_products_only: Attestation = Field(default_factory=_blank)


class OperationsUnification(Strict):
    process_and_customer_info: Attestation = Field(default_factory=_blank)
    underwriting_risk_control: Attestation = Field(default_factory=_blank)
    sales_service_scripts: Attestation = Field(default_factory=_blank)
    quality_monitoring: Attestation = Field(default_factory=_blank)
    accounting_finance: Attestation = Field(default_factory=_blank)
    recruitment_training: Attestation = Field(default_factory=_blank)


class Unifications(Strict):
    staff: StaffUnification = Field(default_factory=StaffUnification)
    systems: SystemsUnification = Field(default_factory=SystemsUnification)
    numbers: NumbersUnification = Field(default_factory=NumbersUnification)
    products: ProductsUnification = Field(default_factory=ProductsUnification)
    operations: OperationsUnification = Field(default_factory=OperationsUnification)


# ---------------------------------------------------------------- the application


class Application(Strict):
    """One application to open (or move) a telemarketing call site."""

    applicant: Applicant = Field(json_schema_extra=label("申请人", "Applicant", sheet=("申请人", "Applicant")))
    centralized_selling: CentralizedSelling | None = Field(None, json_schema_extra=label("集中销售", "Centralized selling", sheet=("集中销售与累计保费", "Selling & total")))
    premiums: Premiums = Field(default_factory=Premiums, json_schema_extra=label("累计保费", "Premiums", sheet=("集中销售与累计保费", "Selling & total")))
    existing_sites: list[ExistingSite] = Field([], json_schema_extra=label("现有职场", "Existing sites", sheet=("现有职场", "Existing sites")))
    proposed_site: ProposedSite = Field(json_schema_extra=label("拟设职场", "Proposed site", sheet=("拟设职场", "Proposed site")))
    company: Company = Field(default_factory=Company, json_schema_extra=label("公司", "Company", sheet=("公司号码与产品", "Company")))
    complaints: ComplaintRecord = Field(default_factory=ComplaintRecord, json_schema_extra=label("客户投诉", "Complaints", sheet=("投诉", "Complaints")))
    violations: ViolationRecord = Field(default_factory=ViolationRecord, json_schema_extra=label("违法违规", "Violations", sheet=("违规记录", "Violations")))
    unifications: Unifications = Field(default_factory=Unifications, json_schema_extra=label("五个统一", "Unifications", sheet=("五统一", "Unifications"), layout="rows"))

    def canonical_json_bytes(self) -> bytes:
        """The application as canonical JSON in UTF-8: schema field order, no whitespace."""
        return self.__pydantic_serializer__.to_json(self)

    def canonical_json(self) -> str:
        return self.canonical_json_bytes().decode("utf-8")

    @field_validator("existing_sites")
    @classmethod
    def _unique_site_ids(cls, sites: list[ExistingSite]) -> list[ExistingSite]:
        seen: set[str] = set()
        for site in sites:
            if site.id in seen:
                raise PydanticCustomError("duplicate_site_id", "site id {id} appears twice", {"id": site.id})
            seen.add(site.id)
        return sites

    @model_validator(mode="after")
    def _across_sections(self) -> Application:
        """A relocation names an existing site; a declared total runs on from the start."""
        applicant = self.applicant
        relocating = applicant.application_type == ApplicationType.RELOCATION
        moving = applicant.relocating_site
        field = "applicant.relocating_site"
        if relocating and moving is None:
            raise PydanticCustomError("relocating_site_missing", "a relocation names the existing site that moves", {"field": field})
        if moving is not None:
            if not relocating:
                raise PydanticCustomError("relocating_site_new_site", "only a relocation names a site that moves", {"field": field})
            if all(site.id != moving for site in self.existing_sites):
                raise PydanticCustomError("relocating_site_unknown", "no existing site has the id {id}", {"id": moving, "field": field})
        total = self.premiums.declared_total
        if total is not None and self.centralized_selling is not None and total.as_of < self.centralized_selling.since:
            raise PydanticCustomError(
                "end_before_start",
                "premiums.declared_total.as_of ({end}) lies before centralized selling began ({start})",
                {"end": total.as_of.isoformat(), "start": self.centralized_selling.since.isoformat(), "field": "premiums.declared_total.as_of"},
            )
        return self


def future_months(rows: Any, today: date, skip: frozenset[int] = frozenset()) -> list[dict[str, Any]]:
    """Line errors for the ledger months after today, at `(index, "month")`: of validated rows,
    or of raw ones (mappings) where the month reads; rows in `skip` are left out."""
    errors = []
    for index, row in enumerate(rows):
        if index in skip:
            continue
        month = row.month if isinstance(row, LedgerRow) else _raw_month(row)
        if month is not None and month > today:
            errors.append({"type": _future(month, today), "loc": (index, "month"), "input": month.isoformat() if isinstance(row, LedgerRow) else row.get("month")})
    return errors


def _raw_month(row: Any) -> date | None:
    if not isinstance(row, dict):
        return None
    try:
        return _adapter(Month).validate_python(row.get("month"))
    except ValidationError:
        return None


def month_end(month: date) -> date:
    """The last day of the month that `month` falls in."""
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def first_uncounted_month(as_of: date) -> date:
    """The first month whose premium does not count on `as_of`: a month counts once it has ended."""
    following = as_of + _ONE_DAY
    if following.month != as_of.month:  # as_of is the month's last day
        return following
    return as_of.replace(day=1)


_ONE_DAY = timedelta(days=1)


def field_label(model: type[BaseModel], name: str, lang: str = "zh") -> str:
    """A field's label as its declaration gives it (see `label`), in zh or en; the field's name
    where none is declared."""
    extra = model.model_fields[name].json_schema_extra
    labels = extra.get("label") if isinstance(extra, dict) else None
    return labels["en" if lang == "en" else "zh"] if labels else name


def field_help(model: type[BaseModel], name: str, lang: str = "zh") -> str | None:
    extra = model.model_fields[name].json_schema_extra
    helps = extra.get("help") if isinstance(extra, dict) else None
    return helps["en" if lang == "en" else "zh"] if helps else None
