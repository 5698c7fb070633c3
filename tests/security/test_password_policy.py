"""Password policy (口令复杂度): 12+ characters from at least three classes. rule: PLATFORM-7"""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import override_settings

from jiyue.security.password_validation import CharacterClassesValidator, character_classes


@pytest.mark.parametrize(
    "password",
    ["abcdefghijkl", "abcdefghij12", "ABCDEFGH1234", "!!!!????####"],
)
def test_two_classes_or_fewer_are_refused_in_chinese_PLATFORM_7(password):
    with pytest.raises(ValidationError) as error:
        CharacterClassesValidator(min_classes=3).validate(password)
    assert "至少 3 类" in error.value.messages[0]


@pytest.mark.parametrize("password", ["Abcdefghij12", "abcdefgh12!?", "ABCDEFGH12-x"])
def test_three_classes_pass(password):
    CharacterClassesValidator(min_classes=3).validate(password)


def test_classes_are_counted():
    assert character_classes("aA1!") == {"upper", "lower", "digit", "other"}
    assert character_classes("政府网站abc") == {"lower"}


@pytest.mark.django_db
def test_the_configured_policy_refuses_short_and_simple_passwords_PLATFORM_7():
    with override_settings(LANGUAGE_CODE="zh-hans"):
        with pytest.raises(ValidationError) as short:
            validate_password("Ab1!short")
        assert any("12" in message for message in short.value.messages)
        with pytest.raises(ValidationError) as simple:
            validate_password("onlylowercaseletters")
        assert any("至少 3 类" in message for message in simple.value.messages)
    validate_password("Jiyue-测试-2026-ok")


@pytest.mark.django_db
def test_the_wagtail_user_form_applies_the_policy(client, people):
    client.force_login(people.superuser)
    response = client.post(
        "/admin/users/new/",
        {
            "username": "newbie",
            "email": "newbie@example.gov.cn",
            "first_name": "新",
            "last_name": "用户",
            "password1": "simplepassword",
            "password2": "simplepassword",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "至少 3 类" in response.content.decode()
