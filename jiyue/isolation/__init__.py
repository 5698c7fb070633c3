"""Admin isolation between sites (网站间隔离).

See :mod:`.wagtail_hooks` and docs/site-isolation.md.
"""
