"""Spreadsheet formula injection and filing-number formats (issue 6, item 8).

rule: PLATFORM-7 — a value such as ``=cmd|' /C calc'!A0`` in a site record must not
become a formula when the supervisor opens an export; rule: SITE-7 / FOOTER-2 — the
ICP and public-security filing numbers are checked against their (configurable,
CONFIG-1) formats with rule-named Chinese messages.
"""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.models import Page

from jiyue.registry.models import GovSite
from jiyue.standards.spreadsheets import FORMULA_PREFIXES, neutralize_formula, neutralize_row
from jiyue.standards.validators import (
    validate_icp_no,
    validate_plain_text,
    validate_psb_no,
    validate_psb_record_code,
)

from .test_admin_registry import SITES, logged_in, site_form_data, url

PAYLOADS = [
    "=cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",
]


@pytest.fixture
def poisoned_site(tree, fgw_site):
    """Values that reached the record without the form (inventory import, old data)."""
    GovSite.objects.filter(pk=fgw_site.pk).update(
        icp_no=PAYLOADS[0], psb_no=PAYLOADS[3], site_id_code="1100000088"
    )
    return fgw_site


def _cells_csv(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


@pytest.mark.django_db
def test_platform_7_site_list_csv_export_carries_no_formula(tree, poisoned_site):
    response = logged_in(tree.supervisor).get(url(SITES + ":index"), {"export": "csv"})
    assert response.status_code == 200
    cells = _cells_csv(response)
    assert "'" + PAYLOADS[0] in cells
    assert "'" + PAYLOADS[3] in cells
    assert not [cell for cell in cells if cell.startswith(FORMULA_PREFIXES)]


@pytest.mark.django_db
def test_platform_7_site_list_xlsx_export_writes_text_cells(tree, poisoned_site):
    response = logged_in(tree.supervisor).get(url(SITES + ":index"), {"export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert any(cell.value == PAYLOADS[0] for cell in cells)
    assert all(cell.data_type != "f" for cell in cells)


@pytest.mark.django_db
def test_platform_7_wagtail_report_csv_export_carries_no_formula(tree, django_user_model):
    """Wagtail's own reports export page titles that editors write (locked pages here)."""
    admin = django_user_model.objects.create_superuser("root", "r@x.cn", "pw")
    Page.get_first_root_node().add_child(
        instance=Page(
            title=PAYLOADS[0], slug="evil", locked=True, locked_by=admin, locked_at=timezone.now()
        )
    )
    response = logged_in(admin).get(reverse("wagtailadmin_reports:locked_pages"), {"export": "csv"})
    assert response.status_code == 200
    cells = _cells_csv(response)
    assert "'" + PAYLOADS[0] in cells
    assert not [cell for cell in cells if cell.startswith(FORMULA_PREFIXES)]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_platform_7_neutralize_formula(payload):
    assert neutralize_formula(payload) == "'" + payload
    assert neutralize_row([payload, 3]) == ["'" + payload, 3]
    assert neutralize_row({"a": payload}) == {"a": "'" + payload}


@pytest.mark.parametrize("value", ["北京市发展和改革委员会", "a=b", "", None, 12, "'=x"])
def test_platform_7_neutralize_leaves_harmless_values(value):
    assert neutralize_formula(value) == value


@pytest.mark.parametrize(
    "value", ["京ICP备05070602号", "京ICP备05070602号-1", "粤ICP备2021034286号-12"]
)
def test_site_7_icp_number_format_accepted(value):
    assert validate_icp_no(f" {value} ") == value


@pytest.mark.parametrize(
    "value",
    [
        *PAYLOADS,
        "ICP备05070602号",
        "京ICP备05070602",
        "京ICP备０５０７０６０２号",
        "京ICP备05070602号\n=1",
        "京ICP证030173号",
        "京公网安备 11010502030123号",
    ],
)
def test_site_7_icp_number_format_refused(value):
    with pytest.raises(ValidationError) as exc:
        validate_icp_no(value)
    assert exc.value.messages[0].startswith("SITE-7：ICP备案编号")


def test_site_7_public_security_number_format():
    assert validate_psb_no("京公网安备 11010502030123号") == "京公网安备 11010502030123号"
    assert validate_psb_no("京公网安备11010502039197号") == "京公网安备11010502039197号"
    for bad in ("京公网安备 1101050203012号", "=1+1", "京ICP备05070602号"):
        with pytest.raises(ValidationError, match="SITE-7：公安机关备案号"):
            validate_psb_no(bad)
    assert validate_psb_record_code("11010502030123") == "11010502030123"
    with pytest.raises(ValidationError, match="FOOTER-2"):
        validate_psb_record_code("1101050203012x")


def test_config_1_filing_formats_are_configurable(settings):
    settings.JIYUE_RULES = {
        "SITE-7": {"icp_no": r"^测试[0-9]+$", "psb_no": "", "psb_record_code": ""}
    }
    assert validate_icp_no("测试1") == "测试1"
    with pytest.raises(ValidationError):
        validate_icp_no("京ICP备05070602号")


@pytest.mark.parametrize("value", PAYLOADS + ["北京市某中心\n"])
def test_platform_7_plain_text_refuses_formulas_and_control_characters(value):
    with pytest.raises(ValidationError, match="PLATFORM-7"):
        validate_plain_text(value)


@pytest.mark.django_db
def test_site_7_site_form_refuses_malformed_filings_and_formulas(tree, fgw_site):
    data = site_form_data(
        tree.fgw,
        name=fgw_site.name,
        primary_domain="fgw.beijing.gov.cn",
        icp_no=PAYLOADS[0],
        psb_no="11010502030123",
        psb_record_code="=1",
        operator_name='=HYPERLINK("http://x")',
    )
    response = logged_in(tree.fgw_staff).post(url(SITES + ":edit", fgw_site.pk), data)
    assert response.status_code == 200
    body = response.content.decode()
    for message in ("SITE-7：ICP备案编号", "SITE-7：公安机关备案号", "FOOTER-2", "PLATFORM-7"):
        assert message in body
    fgw_site.refresh_from_db()
    assert fgw_site.icp_no == ""
    assert fgw_site.operator_name == ""

    data.update(
        icp_no="京ICP备05070602号-1",
        psb_no="京公网安备 11010502030123号",
        psb_record_code="11010502030123",
        operator_name="北京市经济和信息化局",
    )
    response = logged_in(tree.fgw_staff).post(url(SITES + ":edit", fgw_site.pk), data)
    assert response.status_code == 302
    fgw_site.refresh_from_db()
    assert fgw_site.icp_no == "京ICP备05070602号-1"
