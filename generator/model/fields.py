"""What each field of a record accepts: the value types the records are declared with.

Each is a pydantic `Annotated` type that both checks a value (strictly: YAML 1.1 reads `NO` as false
and `01234` as 668, and a text field given such a value must say to quote it, never convert it) and
describes it in the JSON Schema editors use, with a message a person can act on.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import zoneinfo
from typing import Annotated

from pydantic import AfterValidator, ConfigDict, Field, PlainValidator, Strict, WithJsonSchema
from pydantic_core import PydanticCustomError

from generator.model.dates import DURATION_PATTERN, Duration
from generator.model.vocabulary import CLIENT_ID_PATTERN, HANDLE_PATTERN, SLUG_PATTERN

# Records: unknown keys are errors; keys starting with `x-` are removed before validation (custom fields).
# Their validators are built on the first validation, not at import: a warm `due` validates kb.yaml
# alone (its records come from the cache), and so does not pay for those of every record.
RECORD = ConfigDict(extra="forbid", defer_build=True, json_schema_extra={"patternProperties": {"^x-": {}}})


def _format_check(pattern: str, what: str, example: str) -> AfterValidator:
    """Checks text against `pattern`, with a message a person can act on (not a regex dump)."""
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.match(value):
            raise PydanticCustomError(
                "text_format",
                "'{value}' is not a valid {what} (e.g. {example})",
                {"value": value, "what": what, "example": example},
            )
        return value

    return AfterValidator(check)


def _text_schema(pattern: str, description: str) -> WithJsonSchema:
    return WithJsonSchema({"type": "string", "pattern": pattern, "description": description})


def _duration(value: object) -> Duration:
    if isinstance(value, Duration):
        return value
    if isinstance(value, str):
        try:
            return Duration.parse(value)
        except ValueError:
            pass
    raise PydanticCustomError(
        "duration",
        "'{value}' is not a duration: write a number and d, w or m (e.g. 7d, 2w, 3m)",
        {"value": value},
    )


def _time_zone(value: str) -> str:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise PydanticCustomError(
            "time_zone",
            "'{value}' is not a known time zone (e.g. Europe/Berlin, America/New_York, UTC)",
            {"value": value},
        ) from None
    return value


_SIZE = re.compile(r"^\s*([0-9]+)\s*(B|KiB|MiB|GiB|KB|MB|GB)?\s*$")
_SIZE_FACTORS = {None: 1, "B": 1, "KiB": 1024, "MiB": 1024**2, "GiB": 1024**3, "KB": 1000, "MB": 1000**2, "GB": 1000**3}


def _byte_size(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    match = _SIZE.match(value) if isinstance(value, str) else None
    if match and int(match.group(1)) > 0:
        return int(match.group(1)) * _SIZE_FACTORS[match.group(2)]
    raise PydanticCustomError(
        "byte_size",
        "'{value}' is not a size: write bytes or a number with KiB or MiB (e.g. 2 MiB)",
        {"value": value},
    )


Text = Annotated[str, Strict()]
Name = Annotated[str, Strict(), Field(min_length=1)]
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _date(value: object) -> dt.date:
    """A date written YYYY-MM-DD, bare (YAML's own date) or in quotes (as tools that write YAML from
    JSON, and PyYAML's safe_dump, do): the same date either way; nothing else is a date."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError(
                "date_value", "'{value}' is not a date: that day does not exist", {"value": value}
            ) from None
    if isinstance(value, dt.datetime):
        raise PydanticCustomError("date_from_datetime_inexact", "a date without a time", {})
    raise PydanticCustomError("date_type", "a date", {})


Date = Annotated[
    dt.date,
    PlainValidator(_date),
    WithJsonSchema({"type": "string", "format": "date", "description": "a date written YYYY-MM-DD"}),
]
Flag = Annotated[bool, Strict()]


Count = Annotated[int, Strict()]
LARGEST = sys.float_info.max
"""The largest number: as `maximum` in the schema it refuses .inf as check does."""
Number = Annotated[float, Strict(), Field(ge=0, le=LARGEST, allow_inf_nan=False)]
DurationField = Annotated[
    Duration,
    PlainValidator(_duration),
    WithJsonSchema({"type": "string", "pattern": DURATION_PATTERN, "description": "e.g. 7d, 2w, 3m"}),
]
TimeZone = Annotated[
    str,
    Strict(),
    AfterValidator(_time_zone),
    WithJsonSchema({"type": "string", "description": "an IANA time zone, e.g. Europe/Berlin"}),
]
ByteSize = Annotated[
    int,
    PlainValidator(_byte_size),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "minimum": 1},
                {"type": "string", "pattern": r"^\s*[0-9]*[1-9][0-9]*\s*(B|KiB|MiB|GiB|KB|MB|GB)?\s*$"},
            ],
            "description": "bytes, or e.g. '2 MiB'",
        }
    ),
]
_ATOM = r"""[^\s@"(),:;<>\[\]\\.]+"""
EMAIL_PATTERN = rf"^{_ATOM}(\.{_ATOM})*@{_ATOM}(\.{_ATOM})+$"
"""For editors: RFC 5322's dot-atom on both sides of the @ (check also asks email-validator)."""
URL_PATTERN = r"^(https?://|mailto:)[^\s]+$"
WEB_URL_PATTERN = r"^https?://[^\s/?#]+(/[^\s?#]*)?$"
MONTH_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
CURRENCY_PATTERN = r"^[A-Z]{3}$"

Handle = Annotated[
    str,
    Strict(),
    _format_check(HANDLE_PATTERN, "team handle", "dana"),
    _text_schema(HANDLE_PATTERN, "a team member's handle from kb.yaml"),
]
ClientId = Annotated[
    str,
    Strict(),
    _format_check(CLIENT_ID_PATTERN, "client id", "acme-corp"),
    _text_schema(CLIENT_ID_PATTERN, "a client's folder name"),
]
PlaybookSlug = Annotated[
    str,
    Strict(),
    _format_check(SLUG_PATTERN, "playbook", "handling-feedback"),
    _text_schema(SLUG_PATTERN, "a playbook's file name without .md"),
]
SegmentKey = Annotated[
    str,
    Strict(),
    _format_check(SLUG_PATTERN, "segment key", "strategic"),
    _text_schema(SLUG_PATTERN, "a key of kb.yaml segments"),
]
ReasonKey = Annotated[
    str,
    Strict(),
    _format_check(SLUG_PATTERN, "churn reason", "budget-cut"),
    _text_schema(SLUG_PATTERN, "a key of kb.yaml churn_reasons"),
]


def _email(value: str) -> str:
    """An address email-validator accepts (syntax only: no DNS lookup), kept as written."""
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:
        raise PydanticCustomError(
            "email", "'{value}' is not an email address ({reason})", {"value": value, "reason": str(exc)}
        ) from None
    return value


Email = Annotated[
    str,
    Strict(),
    _format_check(EMAIL_PATTERN, "email address", "ana@example.com"),
    AfterValidator(_email),
    _text_schema(EMAIL_PATTERN, "an email address"),
]
Url = Annotated[
    str,
    Strict(),
    _format_check(URL_PATTERN, "web address", "https://example.com"),
    _text_schema(URL_PATTERN, "an http(s) or mailto address"),
]
URL_TEMPLATE_PATTERN = r"^https?://[^\s]*\{path\}[^\s]*$"
UrlTemplate = Annotated[
    str,
    Strict(),
    _format_check(
        URL_TEMPLATE_PATTERN,
        "address with {path}",
        "https://github.com/org/kb/new/main?filename={path}&value={content}",
    ),
    _text_schema(URL_TEMPLATE_PATTERN, "an http(s) address with {path} (and {content}) to fill in"),
]
WebUrl = Annotated[
    str,
    Strict(),
    _format_check(WEB_URL_PATTERN, "web address of the site", "https://kb.example.com/agency/"),
    _text_schema(WEB_URL_PATTERN, "an http(s) address without query or fragment"),
]
Month = Annotated[
    str,
    Strict(),
    _format_check(MONTH_PATTERN, "month", "2026-11"),
    _text_schema(MONTH_PATTERN, "a calendar month, YYYY-MM"),
]
Currency = Annotated[
    str,
    Strict(),
    _format_check(CURRENCY_PATTERN, "currency code", "EUR"),
    _text_schema(CURRENCY_PATTERN, "an ISO 4217 currency code"),
]
