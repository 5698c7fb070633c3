from jiyue.library.models import Resource


def test_publish_now_makes_resource_live(city):
    resource = city.published()
    assert Resource.objects.live().filter(pk=resource.pk).exists()
