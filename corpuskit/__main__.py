"""``python -m corpuskit`` runs the CLI."""

from corpuskit.cli import main

main()
