"""Registry rules with bad inputs: each error names its STANDARDS.md rule ID.

rule: DOMAIN-1, DOMAIN-4, DOMAIN-5, DOMAIN-6, IDCODE-3, NAME-1, SITE-3, SITE-4.
"""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from jiyue.registry.models import GovSite, SiteAlias, SiteStatus, SiteType

from .factories import force_status, register_site


def errors_of(instance):
    """The message dict of ``instance.full_clean()``; fails the test if it is valid."""
    with pytest.raises(ValidationError) as excinfo:
        instance.full_clean()
    return excinfo.value.message_dict


def fgw_record(tree, **overrides):
    fields = {
        "name": "北京市发展和改革委员会网站",
        "organization": tree.fgw,
        "primary_domain": "fgw.beijing.gov.cn",
        "site_type": SiteType.DEPARTMENT,
    }
    fields.update(overrides)
    return GovSite(**fields)


def test_valid_department_record_passes(tree):
    record = fgw_record(tree, primary_domain="FGW.Beijing.gov.cn.")
    record.full_clean()
    assert record.primary_domain == "fgw.beijing.gov.cn"  # rule: DOMAIN-6 normalising


def test_domain_not_gov_cn_is_refused_domain_1(tree):
    errors = errors_of(fgw_record(tree, primary_domain="fgw.beijing.com"))
    assert any(m.startswith("DOMAIN-1") for m in errors["primary_domain"])


@pytest.mark.parametrize(
    "domain", ["-fgw.beijing.gov.cn", "fgw_x.beijing.gov.cn", "fgw..beijing.gov.cn", "发改.gov.cn"]
)
def test_malformed_domain_is_refused_domain_6(tree, domain):
    errors = errors_of(fgw_record(tree, primary_domain=domain))
    assert any(m.startswith("DOMAIN-6") for m in errors["primary_domain"])


def test_department_domain_outside_portal_is_refused_domain_4(tree):
    errors = errors_of(fgw_record(tree, primary_domain="fgw.shanghai.gov.cn"))
    assert any(
        m.startswith("DOMAIN-4") and "www.beijing.gov.cn" in m for m in errors["primary_domain"]
    )


def test_department_domain_rule_can_be_a_warning_domain_4(tree, settings):
    settings.JIYUE_RULES = {"DOMAIN-4": "warning"}
    fgw_record(tree, primary_domain="fgw.shanghai.gov.cn").full_clean()


@pytest.mark.parametrize("code", ["12345", "110000008A", "bm1234567", "11000000881"])
def test_bad_identifier_code_is_refused_idcode_3(tree, code):
    errors = errors_of(fgw_record(tree, site_id_code=code))
    assert any(m.startswith("IDCODE-3") for m in errors["site_id_code"])


@pytest.mark.parametrize("code", ["1100000088", "bm01000001"])
def test_good_identifier_codes_pass_idcode_3(tree, code):
    fgw_record(tree, site_id_code=code).full_clean()


def test_identifier_code_format_is_configurable_idcode_3(tree, settings):
    settings.JIYUE_RULES = {"IDCODE-3": r"^BJ\d{6}$"}
    fgw_record(tree, site_id_code="BJ000123").full_clean()
    errors = errors_of(fgw_record(tree, site_id_code="1100000088"))
    assert any(m.startswith("IDCODE-3") for m in errors["site_id_code"])


def test_name_without_organization_name_is_refused_name_1(tree):
    errors = errors_of(fgw_record(tree, name="发改委网站"))
    assert any(m.startswith("NAME-1") and "北京市发展和改革委员会" in m for m in errors["name"])


def test_second_active_site_of_an_organization_is_refused_site_3(tree, fgw_site):
    errors = errors_of(
        fgw_record(
            tree, name="北京市发展和改革委员会第二网站", primary_domain="fgw2.beijing.gov.cn"
        )
    )
    assert any(m.startswith("SITE-3") for m in errors["organization"])


def test_database_refuses_second_active_site_site_3(tree, fgw_site):
    """The DB constraint holds even where ``clean()`` is bypassed."""
    with pytest.raises(IntegrityError), transaction.atomic():
        GovSite.objects.create(
            name="北京市发展和改革委员会第二网站",
            organization=tree.fgw,
            primary_domain="fgw2.beijing.gov.cn",
            site_type=SiteType.DEPARTMENT,
        )


def test_closed_site_frees_the_organization_site_3(tree, fgw_site):
    force_status(fgw_site, SiteStatus.CLOSED)
    fgw_record(
        tree, name="北京市发展和改革委员会新网站", primary_domain="ndrc.beijing.gov.cn"
    ).full_clean()


def test_street_may_not_open_its_own_site_site_4(tree):
    record = GovSite(
        name="海淀区某街道网站",
        organization=tree.street,
        primary_domain="jd.bjhd.gov.cn",
        site_type=SiteType.DEPARTMENT,
    )
    errors = errors_of(record)
    assert any(m.startswith("SITE-4") for m in errors["organization"])


def test_district_department_may_not_open_its_own_site_site_4(tree):
    record = GovSite(
        name="北京市海淀区教育委员会网站",
        organization=tree.haidian_edu,
        primary_domain="jw.bjhd.gov.cn",
        site_type=SiteType.DEPARTMENT,
    )
    errors = errors_of(record)
    assert any(m.startswith("SITE-4") for m in errors["organization"])


def test_site_4_types_are_configurable(tree, settings):
    settings.JIYUE_RULES = {"SITE-4": ["unit"]}
    GovSite(
        name="海淀区某街道网站",
        organization=tree.street,
        primary_domain="jd.bjhd.gov.cn",
        site_type=SiteType.DEPARTMENT,
    ).full_clean()


def test_alias_equal_to_another_sites_primary_domain_is_refused_domain_5(tree, fgw_site):
    alias = SiteAlias(site=tree.haidian_portal, domain="fgw.beijing.gov.cn")
    errors = errors_of(alias)
    assert any(m.startswith("DOMAIN-5") for m in errors["domain"])


def test_alias_used_by_another_site_is_refused_domain_5(tree, fgw_site):
    SiteAlias.objects.create(site=tree.haidian_portal, domain="haidian.gov.cn")
    errors = errors_of(SiteAlias(site=fgw_site, domain="haidian.gov.cn"))
    assert any(m.startswith("DOMAIN-5") for m in errors["domain"])


def test_alias_equal_to_own_primary_domain_is_refused_domain_5(tree):
    errors = errors_of(SiteAlias(site=tree.haidian_portal, domain="www.bjhd.gov.cn"))
    assert any(m.startswith("DOMAIN-5") for m in errors["domain"])


def test_alias_must_be_a_gov_cn_domain_domain_1(tree):
    errors = errors_of(SiteAlias(site=tree.haidian_portal, domain="haidian.com"))
    assert any(m.startswith("DOMAIN-1") for m in errors["domain"])


def test_primary_domain_used_as_alias_elsewhere_is_refused_domain_5(tree):
    SiteAlias.objects.create(site=tree.haidian_portal, domain="fgw.beijing.gov.cn")
    errors = errors_of(fgw_record(tree))
    assert any(m.startswith("DOMAIN-5") for m in errors["primary_domain"])


def test_legacy_records_keep_their_domain_and_name_as_findings(tree):
    """Inventory records keep the name and the domain they run on today (issue 8 item
    15: an IP address or a .com host is a merge-plan finding, rule DOMAIN-1/6); a
    platform record is still refused."""
    legacy = fgw_record(tree, name="发改委旧网站", is_legacy=True)
    legacy.primary_domain = "FGW.beijing.com."
    legacy.full_clean()
    assert legacy.primary_domain == "fgw.beijing.com"  # still normalised (DOMAIN-6)
    platform = fgw_record(tree)
    platform.primary_domain = "fgw.beijing.com"
    assert any(m.startswith("DOMAIN-1") for m in errors_of(platform)["primary_domain"])


def test_register_site_helper_saves_only_valid_records(tree):
    with pytest.raises(ValidationError):
        register_site(tree.fgw, "发改委网站", "fgw.beijing.gov.cn")
    assert not GovSite.objects.filter(primary_domain="fgw.beijing.gov.cn").exists()
