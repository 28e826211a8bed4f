"""``python -m rukp`` runs the ``rukp`` command."""

from rukp.cli import main

main()
