"""Page bodies: shortcodes (syntax.py, shortcodes.py), markdown for pages (markdown.py) and for
untrusted comment bodies (comments.py)."""
