"""`python -m bot` runs the same entry point as the `libya-brief` console script."""

from bot.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
