"""Outputs to bytes: the Jinja templates and their contexts, feeds, the sitemap, social data."""
