"""handbook: build a printable handbook, e-reader edition, flashcards and Anki deck from YAML."""

__version__ = "0.1.0"
