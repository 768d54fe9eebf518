"""The ``deckgen`` program and ``python -m deckgen``."""


def main() -> None:
    """Take note of Ctrl-C before anything else is imported, then run the command line."""
    from .interrupts import install

    install()  # from here on, Ctrl-C stops the command cleanly (deckgen.interrupts)
    from .cli import run

    run()


if __name__ == "__main__":
    main()
