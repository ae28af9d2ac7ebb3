"""The use cases, with no screen: what a run is, where it goes, and the engine that runs many.

The window and the command line are thin adapters over this package; the compare and
evaluate features drive the same `Runner`.
"""
