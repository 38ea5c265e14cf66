"""What every stage shares: project paths, settings, errors, atomic file writes, thread YAML,
HTTP retry."""
