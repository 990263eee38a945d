"""Business registry lookup behind one interface (RULES M1, M2, M3).

`registry_lookup(tax_id)` answers a `RegistryRecord` or None. Which registry it
asks is `settings.MEMBERS_REGISTRY`:

- "local" (default, the demo): `members/data/registry.json`, a list of records.
- "open_data": the MOEA company/business registration open-data service first
  (`MoeaCompanyAdapter`: a hit there makes a *company* under M1), then the
  Ministry of Finance tax-registration data (`TaxRegistrationAdapter`: a hit
  only there makes a *tax-registered business*). Endpoints are settings; the
  adapters take a `fetch(url) -> bytes` so tests replay recorded responses.

What a record decides: the kind (M1), name, representative, paid-in capital and,
when a source knows it, the number of regular employees (M2); branch flags (M3).
"""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Protocol

from django.conf import settings

COMPANY = "company"
TAX_REGISTERED = "tax_registered"
LOCAL_FILE = Path(__file__).resolve().parent / "data" / "registry.json"

# "新加坡商○○股份有限公司台灣分公司": foreign companies' Taiwan branches are named
# after their country ("○○商") and end in 分公司 (Company Act art. 370).
_FOREIGN_BRANCH = re.compile(r"^\S{1,12}?商.+(台灣|臺灣)分公司$")


class RegistryUnavailable(Exception):
    """The registry could not be asked (network, bad answer); try again later."""


@dataclass(frozen=True)
class RegistryRecord:
    tax_id: str
    kind: str  # COMPANY or TAX_REGISTERED (M1)
    name: str
    representative: str = ""
    paid_in_capital: int | None = None
    employee_count: int | None = None
    foreign_branch: bool = False
    domestic_branch: bool = False
    active: bool = True
    source: str = ""

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> RegistryRecord:
        fields = cls.__dataclass_fields__
        return cls(**{k: v for k, v in data.items() if k in fields})


class RegistryLookup(Protocol):
    def lookup(self, tax_id: str) -> RegistryRecord | None: ...


Fetch = Callable[[str], bytes]


def http_fetch(url: str) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=settings.MEMBERS_REGISTRY_TIMEOUT) as response:  # noqa: S310
            return response.read()
    except OSError as exc:
        raise RegistryUnavailable(str(exc)) from exc


def _int(value) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(str(value).replace(",", "").strip())
    except ValueError:
        return None


def _json_rows(body: bytes) -> list[dict]:
    # The open-data services answer an empty body (not "[]") when nothing matches.
    text = body.decode("utf-8-sig").strip()
    if not text:
        return []
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise RegistryUnavailable("the registry answered something that is not JSON") from exc
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise RegistryUnavailable("unexpected registry answer")
    return [row for row in data if isinstance(row, dict)]


class LocalRegistry:
    """A JSON file of records: the demo's registry and a fallback for tests."""

    def __init__(self, path: Path | str = LOCAL_FILE):
        self.path = Path(path)

    def lookup(self, tax_id: str) -> RegistryRecord | None:
        for row in json.loads(self.path.read_text(encoding="utf-8")):
            if row.get("tax_id") == tax_id:
                return RegistryRecord.from_dict({"source": "local", **row})
        return None


class MoeaCompanyAdapter:
    """MOEA commerce registration open data (data.gcis.nat.gov.tw).

    Asks the company dataset (公司登記基本資料), then the business dataset
    (商業登記基本資料, sole proprietorships and partnerships). Either makes a
    company under M1. Dissolved or revoked registrations count as not found.
    """

    COMPANY_URL = (
        "https://data.gcis.nat.gov.tw/od/data/api/5F64D864-61CB-4D0D-8AD9-492047CC1EA6"
        "?$format=json&$filter=Business_Accounting_NO eq {tax_id}&$skip=0&$top=1"
    )
    BUSINESS_URL = (
        "https://data.gcis.nat.gov.tw/od/data/api/7E6AFA72-AD6A-46D3-8681-ED77951D912D"
        "?$format=json&$filter=President_No eq {tax_id}&$skip=0&$top=1"
    )
    ACTIVE = {"核准設立", "核准登記", "營業中", "核准認許"}

    def __init__(
        self,
        fetch: Fetch = http_fetch,
        *,
        company_url: str | None = None,
        business_url: str | None = None,
    ):
        self.fetch = fetch
        self.company_url = company_url or self.COMPANY_URL
        self.business_url = business_url or self.BUSINESS_URL

    def _url(self, template: str, tax_id: str) -> str:
        return urllib.parse.quote(template.format(tax_id=tax_id), safe=":/?&=$,")

    def lookup(self, tax_id: str) -> RegistryRecord | None:
        for row in _json_rows(self.fetch(self._url(self.company_url, tax_id))):
            if row.get("Business_Accounting_NO") != tax_id:
                continue
            if row.get("Company_Status_Desc") not in self.ACTIVE:
                return None
            name = row.get("Company_Name", "").strip()
            is_branch = name.endswith("分公司")
            return RegistryRecord(
                tax_id=tax_id,
                kind=COMPANY,
                name=name,
                representative=row.get("Responsible_Name", "").strip(),
                paid_in_capital=_int(row.get("Paid_In_Capital_Amount"))
                or _int(row.get("Capital_Stock_Amount")),
                foreign_branch=is_branch and bool(_FOREIGN_BRANCH.match(name)),
                domestic_branch=is_branch and not _FOREIGN_BRANCH.match(name),
                source="moea_company",
            )
        for row in _json_rows(self.fetch(self._url(self.business_url, tax_id))):
            if row.get("President_No") != tax_id:
                continue
            if row.get("Business_Current_Status_Desc") not in self.ACTIVE:
                return None
            return RegistryRecord(
                tax_id=tax_id,
                kind=COMPANY,
                name=row.get("Business_Name", "").strip(),
                representative=row.get("Responsible_Name", "").strip(),
                paid_in_capital=_int(row.get("Business_Register_Funds")),
                source="moea_business",
            )
        return None


class TaxRegistrationAdapter:
    """Ministry of Finance tax registration data (全國營業(稅籍)登記資料).

    Rows carry the Chinese column names of the FIA open-data set. A business
    found only here has no company/business registration: tax-registered (M1).
    The set names no representative; the applicant declares one and staff
    confirm it in the review (M5). 總機構統一編號 names the head office of a branch.
    """

    URL = "https://eip.fia.gov.tw/OAI/api/businessRegistration/{tax_id}"
    CEASED = {"歇業", "註銷", "撤銷", "廢止"}

    def __init__(self, fetch: Fetch = http_fetch, *, url: str | None = None):
        self.fetch = fetch
        self.url = url or self.URL

    def lookup(self, tax_id: str) -> RegistryRecord | None:
        for row in _json_rows(self.fetch(self.url.format(tax_id=tax_id))):
            if row.get("統一編號") != tax_id:
                continue
            if row.get("營業狀態", "") in self.CEASED:
                return None
            head_office = (row.get("總機構統一編號") or "").strip()
            return RegistryRecord(
                tax_id=tax_id,
                kind=TAX_REGISTERED,
                name=row.get("營業人名稱", "").strip(),
                representative=(row.get("負責人姓名") or "").strip(),
                paid_in_capital=_int(row.get("資本額")),
                domestic_branch=bool(head_office) and head_office != tax_id,
                source="fia_tax",
            )
        return None


class ChainedRegistry:
    """Asks each source in turn; the first that knows the tax ID answers."""

    def __init__(self, sources: Sequence[RegistryLookup]):
        self.sources = list(sources)

    def lookup(self, tax_id: str) -> RegistryRecord | None:
        for source in self.sources:
            record = source.lookup(tax_id)
            if record is not None:
                return record
        return None


def get_registry() -> RegistryLookup:
    choice = getattr(settings, "MEMBERS_REGISTRY", "local")
    if choice == "open_data":
        return ChainedRegistry(
            [
                MoeaCompanyAdapter(
                    company_url=getattr(settings, "MEMBERS_MOEA_COMPANY_URL", None),
                    business_url=getattr(settings, "MEMBERS_MOEA_BUSINESS_URL", None),
                ),
                TaxRegistrationAdapter(url=getattr(settings, "MEMBERS_FIA_TAX_URL", None)),
            ]
        )
    return LocalRegistry(getattr(settings, "MEMBERS_REGISTRY_FILE", LOCAL_FILE))


def registry_lookup(tax_id: str) -> RegistryRecord | None:
    """The registry record of `tax_id`, or None when no registry knows it."""
    return get_registry().lookup(tax_id)
