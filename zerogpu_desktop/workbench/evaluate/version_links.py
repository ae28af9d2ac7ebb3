"""Evaluations stored before presets had versions, tied to the version with the same content.

Such an evaluation knows its preset only by name and its prompt only by a content fingerprint;
the preset's version with that fingerprint is the one it ran. Linking is cheap to repeat: only
the presets named by evaluations still without a version are read, so once every old
evaluation is linked it costs one small query.
"""

from __future__ import annotations

from zerogpu_desktop.storage.presets.names import PresetError
from zerogpu_desktop.storage.presets.store import PresetStore
from zerogpu_desktop.workbench.evaluate.plan import CURRENT_PROMPT, prompt_fingerprint
from zerogpu_desktop.workbench.evaluate.store import EvaluationStore

__all__ = ["link_to_versions"]


def link_to_versions(store: EvaluationStore, presets: PresetStore) -> int:
    """Links every unversioned evaluation of a preset that still exists; returns how many.

    When two versions have one content (a restore made the second), the first is linked:
    it is the version that content had when the evaluation ran, if it ran before the restore.
    """
    linked = 0
    for title in store.unversioned_titles():
        preset = presets.get(title) if title != CURRENT_PROMPT else None
        if preset is None:
            continue
        try:
            versions = presets.versions(preset.name)
        except (PresetError, OSError):
            continue  # a versions file that cannot be read links nothing; nothing is lost
        numbers: dict[str, int] = {}
        for version in versions:
            fingerprint = prompt_fingerprint(
                version.system_prompt, version.user_prompt, version.response_format
            )
            numbers.setdefault(fingerprint, version.number)
        linked += store.link_versions(preset.name, preset.preset_id, numbers)
    return linked
