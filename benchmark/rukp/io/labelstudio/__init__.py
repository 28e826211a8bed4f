"""Label Studio's side of the io layer: the labeling config (generated from :mod:`rukp.schema`) and the
strict reading of a JSON export into annotation rows. :mod:`rukp.labelstudio` (curation) and
:mod:`rukp.io.readers.labelstudio` (predictions) both read exports through here.
"""
