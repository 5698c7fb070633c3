"""Rendered-page cache: render once per change, serve the file until the next change."""
