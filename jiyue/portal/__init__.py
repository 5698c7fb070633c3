"""The public sites: Wagtail page types, page metadata (网页标签), footer settings, templates."""
