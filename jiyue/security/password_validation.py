"""Password complexity (口令复杂度) for the platform's accounts. rule: PLATFORM-7

Graded protection level 3 (等保三级) asks for passwords that are long and mixed. Django
validates the length (MinimumLengthValidator, configured in settings); this validator
asks for characters from at least ``min_classes`` of four classes: upper-case letters,
lower-case letters, digits and other characters.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CLASSES = (
    ("upper", "大写字母", str.isupper),
    ("lower", "小写字母", str.islower),
    ("digit", "数字", str.isdigit),
    ("other", "特殊字符", lambda ch: not ch.isalnum()),
)


def character_classes(password):
    """The names of the classes ``password`` draws characters from."""
    return {name for name, _label, test in CLASSES if any(test(ch) for ch in password)}


class CharacterClassesValidator:
    def __init__(self, min_classes=3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        found = character_classes(password)
        if len(found) < self.min_classes:
            message = _(
                "密码须包含大写字母、小写字母、数字、特殊字符"
                "中的至少 %(min)d 类（当前 %(found)d 类）。"
            )
            raise ValidationError(
                message % {"min": self.min_classes, "found": len(found)},
                code="password_too_simple",
            )

    def get_help_text(self):
        return _("密码须包含大写字母、小写字母、数字、特殊字符中的至少 %(min)d 类。") % {
            "min": self.min_classes
        }
