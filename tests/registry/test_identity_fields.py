"""Identity fields of a registered site are read-only for its staff (issue 6, item 7).

rule: SITE-6 — the name, type, owner, domain and identifier code of a site change only
through a lifecycle application; the edit form ignores posted values for site staff.
"""

import pytest

from jiyue.registry.models import GovSite

from .test_admin_registry import SITES, logged_in, site_form_data, url

pytestmark = pytest.mark.django_db


def _forged_identity(tree, site):
    return site_form_data(
        tree.haidian,
        name="改过的名字网站",
        site_type="portal",
        primary_domain="evil.beijing.gov.cn",
        site_id_code="1101080099",
        operator_name="北京市某信息中心",
    )


def test_site_6_staff_cannot_change_domain_type_owner_or_code_by_editing(tree, fgw_site):
    GovSite.objects.filter(pk=fgw_site.pk).update(site_id_code="1100000088")
    response = logged_in(tree.fgw_staff).post(
        url(SITES + ":edit", fgw_site.pk), _forged_identity(tree, fgw_site)
    )
    assert response.status_code == 302
    fgw_site.refresh_from_db()
    assert fgw_site.primary_domain == "fgw.beijing.gov.cn"
    assert fgw_site.site_type == "department"
    assert fgw_site.organization == tree.fgw
    assert fgw_site.site_id_code == "1100000088"
    assert fgw_site.name == "北京市发展和改革委员会网站"
    # Other fields are still the staff's to keep up to date.
    assert fgw_site.operator_name == "北京市某信息中心"


def test_site_6_edit_form_shows_identity_fields_read_only_to_staff(tree, fgw_site):
    GovSite.objects.filter(pk=fgw_site.pk).update(site_id_code="1100000088")
    page = logged_in(tree.fgw_staff).get(url(SITES + ":edit", fgw_site.pk)).content.decode()
    for name in ("primary_domain", "site_type", "site_id_code"):
        tag = next(t for t in page.split("<") if f'name="{name}"' in t)
        assert "disabled" in tag, name
    assert "SITE-6" in page


def test_idcode_1_staff_may_enter_the_identifier_code_once(tree, fgw_site):
    data = site_form_data(
        tree.fgw,
        name=fgw_site.name,
        primary_domain="fgw.beijing.gov.cn",
        site_id_code="1100000088",
    )
    client = logged_in(tree.fgw_staff)
    assert client.post(url(SITES + ":edit", fgw_site.pk), data).status_code == 302
    fgw_site.refresh_from_db()
    assert fgw_site.site_id_code == "1100000088"
    data["site_id_code"] = "1100000099"
    assert client.post(url(SITES + ":edit", fgw_site.pk), data).status_code == 302
    fgw_site.refresh_from_db()
    assert fgw_site.site_id_code == "1100000088"


def test_site_6_the_supervisor_keeps_the_registry_record(tree, fgw_site):
    data = site_form_data(tree.fgw, name=fgw_site.name, primary_domain="fgw2.beijing.gov.cn")
    response = logged_in(tree.supervisor).post(url(SITES + ":edit", fgw_site.pk), data)
    assert response.status_code == 302
    fgw_site.refresh_from_db()
    assert fgw_site.primary_domain == "fgw2.beijing.gov.cn"
