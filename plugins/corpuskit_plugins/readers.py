"""Built-in corpuskit plugin: readers."""
