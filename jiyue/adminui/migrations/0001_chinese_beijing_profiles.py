"""Admin users' stored language and time zone back to Chinese and Beijing time.

Until now the account page offered English and every time zone; a profile that chose
them would keep an English or non-Beijing admin although neither is offered any more
(Wagtail applies the stored choice without checking it against the settings).
"""

from django.db import migrations

LANGUAGE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"


def reset_profiles(apps, schema_editor):
    profiles = apps.get_model("wagtailusers", "UserProfile").objects
    profiles.exclude(preferred_language__in=["", LANGUAGE]).update(preferred_language="")
    profiles.exclude(current_time_zone__in=["", TIME_ZONE]).update(current_time_zone="")


class Migration(migrations.Migration):
    dependencies = [("wagtailusers", "0015_userprofile_keyboard_shortcuts")]

    operations = [migrations.RunPython(reset_profiles, migrations.RunPython.noop)]
