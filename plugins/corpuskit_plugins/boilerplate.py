"""Built-in corpuskit plugin: boilerplate."""
