"""``python -m denialparse``."""

from denialparse.cli import main

if __name__ == "__main__":
    main()
