"""The resource admin on bad input: saved or a form error, never a 500 (issue 6 item 9).

Wagtail's Draftail widget parses the posted body as JSON; an empty or non-JSON value
(a script, a browser without JavaScript) used to end in a 500. The platform's widget
(jiyue/library/widgets.py) reads it as HTML, cleaned to the editor's allow-list.
"""

import json

import pytest
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from jiyue.library.models import Resource

ADD_URL = "/admin/snippets/library/newsresource/add/"


def _form(city, body):
    return nested_form_data(
        {
            "title": "工作动态",
            "summary": "",
            "body": body,
            "source_org": city.fgw.pk,
            "owner_site": city.fgw_site.pk,
            "share_scope": "unconditional",
            "attachments": inline_formset([]),
        }
    )


@pytest.mark.parametrize(
    ("body", "stored"),
    [
        ("", ""),
        ("   ", ""),
        ("null", ""),  # what Draftail posts for an editor left empty: never the text "null"
        ("<p>正文<script>alert(1)</script></p>", "<p>正文alert(1)</p>"),
        ('{"blocks": 1}', "{&quot;blocks&quot;: 1}"),  # malformed Draftail JSON: kept as text
    ],
)
def test_add_view_with_an_empty_or_non_draftail_body_does_not_fail(city, client, body, stored):
    client.force_login(city.fgw_editor)
    response = client.post(ADD_URL, _form(city, body))
    assert response.status_code == 302, response.content[:2000]
    assert Resource.objects.get().body == stored


def test_draftail_json_still_works(city, client):
    contentstate = {
        "blocks": [
            {
                "key": "a1",
                "text": "正文",
                "type": "unstyled",
                "depth": 0,
                "inlineStyleRanges": [],
                "entityRanges": [],
            }
        ],
        "entityMap": {},
    }
    client.force_login(city.fgw_editor)
    response = client.post(ADD_URL, _form(city, json.dumps(contentstate)))
    assert response.status_code == 302
    assert Resource.objects.get().body == '<p data-block-key="a1">正文</p>'
