"""The Label Studio round trip: labeling config, task export, export parsing, import into ``annotations/``.

Modules: :mod:`~rukp.labelstudio.config` (the config, generated from :mod:`rukp.schema`),
:mod:`~rukp.labelstudio.tasks` (gold or predictions → tasks), :mod:`~rukp.labelstudio.results`
(Label Studio JSON export → annotation rows), :mod:`~rukp.labelstudio.importer` (diff, validate,
atomic write) and :mod:`~rukp.labelstudio.server` (push/pull through ``label-studio-sdk``).
"""
