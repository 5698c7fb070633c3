"""The push tree's script in a real browser (Chromium): search, select-all per group,
the selected count (issue 8 item 4). The page is the rendered distribution view; the
script is the static file, injected as the page would load it."""

import shutil
from pathlib import Path

import pytest
from django.urls import reverse

from jiyue.portal.models import ColumnDistributionSettings

CHROMIUM = "/usr/bin/chromium"
SCRIPT = Path(__file__).parents[2] / "jiyue/portal/static/portal/admin/push_tree.js"

pytestmark = pytest.mark.skipif(not shutil.which(CHROMIUM), reason="needs Chromium")


@pytest.fixture
def push_page(city, client):
    news = city.published(title="全市重要部署")
    ColumnDistributionSettings.objects.create(column=city.district_news, requires_acceptance=True)
    client.force_login(city.supervisor)
    html = client.get(reverse("portal_admin:distribution", args=[news.pk])).content.decode()
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page()
        # No network: the admin's own assets are not needed for the tree.
        page.route("**/*", lambda route: route.abort())
        page.set_content(html)
        page.add_script_tag(content=SCRIPT.read_text())
        yield page, city
        browser.close()


def checked(page):
    return page.eval_on_selector_all(
        'input[name="push-columns"]:checked', "els => els.map(e => Number(e.value))"
    )


def test_select_all_of_a_district_selects_its_sites_columns_only(push_page):
    page, city = push_page
    district_key = f"push-all-d{city.district.pk}"
    page.locator("details.push-group").evaluate_all("els => els.forEach(e => e.open = true)")
    page.locator(f"#{district_key}").check()
    assert set(checked(page)) == {city.district_upper.pk, city.district_news.pk}
    assert "已选 2 个栏目" in page.locator("[data-push-count]").inner_text()
    # Unticking one column makes the group's box indeterminate.
    page.locator(f"#push-column-{city.district_news.pk}").uncheck()
    assert page.eval_on_selector(f"#{district_key}", "e => e.indeterminate") is True


def test_search_hides_other_sites_and_opens_matches(push_page):
    page, city = push_page
    page.locator("[data-push-search]").fill("发展和改革")
    site = page.locator(f'[data-push-site="{city.fgw_site.name}"]')
    assert site.is_visible()
    hidden = page.eval_on_selector(f'[data-push-site="{city.district_site.name}"]', "e => e.hidden")
    assert hidden is True
    # Select-all on the city level now ticks only what is visible.
    page.locator(f"#push-all-s{city.fgw_site.pk}").check()
    assert set(checked(page)) == {city.fgw_policies.pk}
