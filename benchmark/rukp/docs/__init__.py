"""Generated documentation: composition figures, DATASHEET.md blocks, the README card body and croissant.json.

Every number in the documentation is computed from the data by :mod:`rukp.docs.figures`; ``rukp docs build``
writes the blocks between markers and ``rukp docs build --check`` (and a test) fails when they are stale.
"""
