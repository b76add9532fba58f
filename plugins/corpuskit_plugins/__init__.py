"""The built-in corpuskit plugins, loaded through the ``corpuskit`` entry-point group like any third-party plugin."""
