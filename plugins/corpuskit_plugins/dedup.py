"""Built-in corpuskit plugin: dedup."""
