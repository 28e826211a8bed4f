"""The Label Studio round trip: task export, import into ``annotations/``, push/pull.

Modules: :mod:`~rukp.labelstudio.tasks` (gold or predictions → tasks), :mod:`~rukp.labelstudio.importer`
(diff, validate, atomic write) and :mod:`~rukp.labelstudio.server` (push/pull through ``label-studio-sdk``).
The labeling config and the reading of a JSON export are in the io layer, :mod:`rukp.io.labelstudio`.
"""
