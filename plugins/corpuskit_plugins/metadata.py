"""Built-in corpuskit plugin: metadata."""
