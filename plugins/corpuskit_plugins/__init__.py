"""The built-in corpuskit plugins.

Loaded through the ``corpuskit`` entry-point group, exactly like a third-party plugin.
"""
