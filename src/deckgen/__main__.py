"""``python -m deckgen``."""

from .cli import run

if __name__ == "__main__":
    run()
