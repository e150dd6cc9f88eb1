"""``python -m kit.serving <root> [Voilà options]``: the kit's standalone Voilà (see kit/serving/app.py)."""

from kit.serving.app import main

if __name__ == "__main__":
    main()
