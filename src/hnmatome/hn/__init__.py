"""Hacker News: item ids, the queue file, the official API, the HTML fallback, comment text,
fetching threads."""
