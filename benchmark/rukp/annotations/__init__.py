"""The gold annotations in ``annotations/``: loading, validation, and the annotation pipeline."""
