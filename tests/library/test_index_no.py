"""Index numbers (索引号): organization code / year - sequence (issue 8 item 5).

The organization code is the unified social credit code (统一社会信用代码, GB 32100-2015)
from the registry (LIB-7 ``index_no``); an organization without one gets the platform
identifier (division code of it or its nearest ancestor + id), never ``ORG0003``.
"""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from jiyue.library.models import ResourceType
from jiyue.registry.models import Organization
from jiyue.standards.validators import build_credit_code, validate_credit_code

FGW_CODE = build_credit_code("11", "110000", "00010075")


@pytest.mark.parametrize("code", ["91350100M000100Y43", "11110000000021135M", FGW_CODE])
def test_valid_credit_codes_pass_gb_32100(code):
    assert validate_credit_code(code.lower()) == code


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y44",  # wrong 18th check character
        "91350100M000100Y53",  # wrong organization-code check character
        "9135010OM000100Y43",  # the letter O is not allowed
        "1111000000002113",  # too short
    ],
)
def test_invalid_credit_codes_are_refused_gb_32100(code):
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(code)
    assert exc.value.messages[0].startswith("GB 32100：")


def test_organization_refuses_a_bad_credit_code_gb_32100(city):
    city.fgw.credit_code = "11110000000100757X"
    with pytest.raises(ValidationError) as exc:
        city.fgw.full_clean()
    assert "credit_code" in exc.value.message_dict


def test_index_no_is_credit_code_year_sequence_lib_7(city):
    Organization.objects.filter(pk=city.fgw.pk).update(credit_code=FGW_CODE)
    year = timezone.localtime().year
    first = city.published(title="政策一", resource_type=ResourceType.POLICY)
    second = city.published(title="政策二", resource_type=ResourceType.POLICY)
    assert first.index_no == f"{FGW_CODE}/{year}-00001"
    assert second.index_no == f"{FGW_CODE}/{year}-00002"


def test_index_no_without_credit_code_uses_the_platform_identifier_lib_7(city):
    """A department without code nor division code: the city's division code + id."""
    assert not city.fgw.credit_code and not city.fgw.division_code
    policy = city.published(title="政策一", resource_type=ResourceType.POLICY)
    year = timezone.localtime().year
    assert policy.index_no == f"110000{city.fgw.pk:04d}/{year}-00001"
    assert "ORG" not in policy.index_no
