"""The core layer: vocabulary, the clock, array helpers, the hierarchy, live assignments and the pairing rule.

Everything else in :mod:`planning` stands on this package; it imports nothing
else from :mod:`planning` (checked by the import contract in the tests).
"""
