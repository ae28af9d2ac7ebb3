"""Presets: the named prompt setups, their file format, import and export.

Import from the modules (`presets.store`, `presets.types`, …): this file stays empty so that
reading one preset type never loads the rest.
"""
