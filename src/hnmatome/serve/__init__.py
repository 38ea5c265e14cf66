"""`hnmatome serve`: the dev server, live reload, the file watcher and the quick path for a
body edit."""
