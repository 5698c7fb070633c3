"""Jiyue's compiled catalogues (.mo, committed) match their sources (.po).

``make run`` and the tests read the .mo; a fresh machine needs no gettext tools. After
editing a .po: ``msgfmt -o X.mo X.po`` or
``.venv/bin/python -c "import polib; polib.pofile('X.po').save_as_mofile('X.mo')"``.
"""

import json
from pathlib import Path

import polib
import pytest
from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "jiyue" / "locale" / "zh_Hans" / "LC_MESSAGES"


def entries(catalogue):
    translations = {
        (entry.msgctxt, entry.msgid): entry.msgstr or entry.msgstr_plural.get(0)
        for entry in catalogue
        if entry.msgid and not entry.obsolete
    }
    return {key: value for key, value in translations.items() if value}


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_compiled_catalogue_matches_its_source(domain):
    source = entries(polib.pofile(str(CATALOGUE / f"{domain}.po")))
    compiled = entries(polib.mofile(str(CATALOGUE / f"{domain}.mo")))
    assert source, "empty catalogue"
    assert source == compiled, f"{domain}.mo is stale: compile {domain}.po (see this module)"


@pytest.mark.django_db
def test_admin_scripts_get_jiyues_translations(client):
    """The admin's JavaScript catalogue includes Jiyue's djangojs (Draftail's placeholder)."""
    response = client.get("/admin/jsi18n/", HTTP_ACCEPT_LANGUAGE="en-US")
    assert response.status_code == 200
    body = response.content.decode()
    expected = "输入正文，或输入“/”插入内容块"
    assert expected in body or json.dumps(expected)[1:-1] in body
