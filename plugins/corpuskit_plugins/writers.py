"""Built-in corpuskit plugin: writers."""
