"""Full-text search: the searchable text of post pages and the Pagefind index."""
