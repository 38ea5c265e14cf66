"""What makes rebuilds cheap, and nothing else: recorded reads (reads.py), the build cache
(cache.py), rendered bodies by content (bodies.py) and what a build must render (decide.py)."""
