"""Thread YAML -> Hugo-format post: curation, the post format, publishing and status."""
