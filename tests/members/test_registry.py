"""Business registry lookup (RULES M1, M2, M3) with recorded responses, no network."""

from __future__ import annotations

from pathlib import Path

import pytest

from members.registry import (
    COMPANY,
    TAX_REGISTERED,
    ChainedRegistry,
    LocalRegistry,
    MoeaCompanyAdapter,
    RegistryUnavailable,
    TaxRegistrationAdapter,
    get_registry,
    registry_lookup,
)

FIXTURES = Path(__file__).parent / "fixtures"


def recorded(routes: dict[str, str]):
    """A fetch() replaying recorded answers; routes map a URL fragment to a fixture file."""
    asked: list[str] = []

    def fetch(url: str) -> bytes:
        asked.append(url)
        for fragment, name in routes.items():
            if fragment in url:
                return (FIXTURES / name).read_bytes() if name else b""
        return b""

    fetch.asked = asked
    return fetch


def test_M1_local_registry_tells_company_from_tax_registered():
    assert registry_lookup("04702088").kind == COMPANY
    record = registry_lookup("00238778")
    assert record.kind == TAX_REGISTERED and record.name == "小巷咖啡(稅籍登記)"
    assert registry_lookup("95495951") is None


def test_M2_local_registry_gives_capital_employees_and_representative():
    record = LocalRegistry().lookup("04702088")
    assert (record.representative, record.paid_in_capital, record.employee_count) == (
        "陳好日",
        5_000_000,
        12,
    )


def test_M1_moea_company_dataset_makes_a_company():
    fetch = recorded({"5F64D864": "moea_company_04702088.json"})
    record = MoeaCompanyAdapter(fetch).lookup("04702088")
    assert record.kind == COMPANY and record.name == "好日子烘焙坊有限公司"
    assert record.representative == "陳好日" and record.paid_in_capital == 5_000_000
    assert record.employee_count is None  # the dataset does not know it
    assert "Business_Accounting_NO%20eq%2004702088" in fetch.asked[0]


def test_M1_moea_business_dataset_makes_a_company_too():
    fetch = recorded({"5F64D864": "", "7E6AFA72": "moea_business_00651474.json"})
    record = MoeaCompanyAdapter(fetch).lookup("00651474")
    assert (
        record.kind == COMPANY
        and record.paid_in_capital == 300_000
        and record.source == "moea_business"
    )


def test_M3_moea_foreign_company_branch_is_flagged():
    fetch = recorded({"5F64D864": "moea_company_22099131_branch.json"})
    record = MoeaCompanyAdapter(fetch).lookup("22099131")
    assert record.foreign_branch and not record.domestic_branch


def test_M1_dissolved_company_counts_as_not_found():
    fetch = recorded({"5F64D864": "moea_company_dissolved.json"})
    assert MoeaCompanyAdapter(fetch).lookup("95337572") is None


def test_M1_only_in_tax_registration_data_is_tax_registered():
    registry = ChainedRegistry(
        [
            MoeaCompanyAdapter(recorded({})),
            TaxRegistrationAdapter(recorded({"00238778": "fia_tax_00238778.json"})),
        ]
    )
    record = registry.lookup("00238778")
    assert (
        record.kind == TAX_REGISTERED
        and record.name == "小巷咖啡"
        and record.paid_in_capital == 50_000
    )
    assert record.representative == ""  # declared by the applicant, confirmed by staff (M5)


def test_M3_tax_registration_of_a_branch_names_its_head_office():
    record = TaxRegistrationAdapter(recorded({"95416762": "fia_tax_branch.json"})).lookup(
        "95416762"
    )
    assert record.domestic_branch


def test_M1_chained_registry_prefers_the_company_registration():
    registry = ChainedRegistry(
        [
            MoeaCompanyAdapter(recorded({"5F64D864": "moea_company_04702088.json"})),
            TaxRegistrationAdapter(recorded({"04702088": "fia_tax_00238778.json"})),
        ]
    )
    assert registry.lookup("04702088").kind == COMPANY


def test_registry_garbage_answer_is_unavailable_not_a_crash(tmp_path):
    with pytest.raises(RegistryUnavailable):
        MoeaCompanyAdapter(lambda url: b"<html>maintenance</html>").lookup("04702088")


def test_open_data_setting_picks_the_adapters(settings):
    settings.MEMBERS_REGISTRY = "open_data"
    registry = get_registry()
    assert [type(s) for s in registry.sources] == [MoeaCompanyAdapter, TaxRegistrationAdapter]


@pytest.mark.django_db
def test_M1_registry_unavailable_refuses_the_tax_id_step_cleanly(settings, monkeypatch):
    from members import services
    from members.models import RegistrationApplication
    from tcloud.core.errors import RuleError

    def down(tax_id):
        raise RegistryUnavailable("timeout")

    monkeypatch.setattr(services, "registry_lookup", down)
    with pytest.raises(RuleError) as refused:
        services.registration_start(tax_id="04702088")
    assert refused.value.code == "registry_unavailable"
    assert RegistrationApplication.objects.count() == 0
