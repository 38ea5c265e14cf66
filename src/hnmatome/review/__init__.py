"""Review: the curator checks a translated thread, fixes it and publishes it — the checks
(`hnmatome check`), edits to the thread YAML that keep its layout, and the studio that
`hnmatome serve` offers at /_studio/."""
