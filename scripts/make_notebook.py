"""Write a thin app notebook: a French introduction and one call into kit.apps (no outputs).

Usage: python scripts/make_notebook.py notebooks/00_accueil.ipynb "intro markdown" "code"
Kept as a script so every app notebook has the same shape and no stray metadata.
"""

import sys

import nbformat


def make(path: str, intro: str, code: str) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    }
    nb.cells = [nbformat.v4.new_markdown_cell(intro), nbformat.v4.new_code_cell(code)]
    nb.cells[0].id, nb.cells[1].id = "intro", "app"  # stable ids: re-running the script changes nothing
    nb.cells[0].metadata["tags"] = ["jupyterlab-only"]  # the Voilà template leaves it out of the app
    nbformat.write(nb, path)


if __name__ == "__main__":
    make(*sys.argv[1:4])
