"""Token estimates and the truncation check the API does not do for us.

The service silently cuts an over-long input to the model's limit and
reports only the cut count in `usage.input_tokens`. Comparing that count
with the limit (when the user told us the limit) or with our own
estimate (when not) is the only way to warn the user.

The estimate is a heuristic, documented in `estimate_tokens`. Because
every tokenizer differs, it calibrates per model: each non-truncated run
tells us the ratio between what we estimated and what the server
counted, and later estimates for that model use the median ratio.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

__all__ = [
    "TokenCalibration",
    "TruncationAssessment",
    "TruncationStatus",
    "assess_truncation",
    "estimate_tokens",
]

#: Inputs whose estimate is below this never raise a "possibly truncated"
#: alarm: for a few words the heuristic's error is larger than the signal.
MIN_GAP_TOKENS = 32
#: How far above the count an uncalibrated estimate may be before we suspect a cut.
UNCALIBRATED_TOLERANCE = 1.6
#: The same once the model has calibration samples.
CALIBRATED_TOLERANCE = 1.25
#: Samples a model needs before its calibration is trusted.
MIN_CALIBRATION_SAMPLES = 3
#: Samples kept per model; old ones fall off so a changed tokenizer is learned.
MAX_CALIBRATION_SAMPLES = 25
#: Runs with fewer counted tokens than this are too noisy to calibrate from.
MIN_SAMPLE_TOKENS = 16


def _median(values: list[float]) -> float:
    """The median; `statistics` would pull `decimal` and `fractions` into start-up."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def _is_wide_script(codepoint: int) -> bool:
    """CJK ideographs, kana and Hangul: about one token per character."""
    return (
        0x2E80 <= codepoint <= 0x9FFF
        or 0xAC00 <= codepoint <= 0xD7AF
        or 0xF900 <= codepoint <= 0xFAFF
        or 0xFF00 <= codepoint <= 0xFFEF
        or 0x20000 <= codepoint <= 0x3FFFF
    )


def estimate_tokens(text: str) -> int:
    """A tokenizer-free estimate of how many tokens `text` is.

    The heuristic, from how BPE tokenizers behave on real text:
    - ASCII: about 4 characters per token (English prose and code);
    - CJK ideographs, kana and Hangul: about 1 token per character;
    - other non-ASCII (accented Latin, Cyrillic, Arabic, emoji parts): about
      2 characters per token.
    It is linear in the text and allocation-free, so it can run on every
    keystroke of a large prompt. Empty text is 0 tokens; any other text is
    at least 1.
    """
    if not text:
        return 0
    ascii_chars = len(text.encode("ascii", errors="ignore")) if text.isascii() else None
    if ascii_chars is not None:
        return max(1, math.ceil(ascii_chars / 4))
    ascii_count = wide_count = other_count = 0
    for char in text:
        codepoint = ord(char)
        if codepoint < 0x80:
            ascii_count += 1
        elif _is_wide_script(codepoint):
            wide_count += 1
        else:
            other_count += 1
    return max(1, math.ceil(ascii_count / 4 + wide_count + other_count / 2))


@dataclass
class TokenCalibration:
    """Per-model ratios of counted to estimated tokens, learned from runs.

    Plain data so that storage can persist it as JSON (`to_json`/`from_json`).
    """

    samples: dict[str, list[float]] = field(default_factory=dict)

    def factor_for(self, model: str) -> float | None:
        """The median counted/estimated ratio, once there are enough samples."""
        ratios = self.samples.get(model, [])
        if len(ratios) < MIN_CALIBRATION_SAMPLES:
            return None
        return _median(ratios)

    def estimate(self, text: str, model: str) -> int:
        """`estimate_tokens` corrected by what this model's runs taught us."""
        raw = estimate_tokens(text)
        factor = self.factor_for(model)
        return raw if factor is None or raw == 0 else max(1, round(raw * factor))

    def record(self, model: str, text: str, counted_input_tokens: int) -> bool:
        """Learns from a run judged not truncated. Returns whether it was used."""
        estimated = estimate_tokens(text)
        if counted_input_tokens < MIN_SAMPLE_TOKENS or estimated == 0:
            return False
        ratios = self.samples.setdefault(model, [])
        ratios.append(counted_input_tokens / estimated)
        del ratios[:-MAX_CALIBRATION_SAMPLES]
        return True

    def to_json(self) -> dict[str, list[float]]:
        return {model: list(ratios) for model, ratios in self.samples.items()}

    @classmethod
    def from_json(cls, data: object) -> TokenCalibration:
        """Tolerant: anything malformed is dropped rather than failing the app."""
        samples: dict[str, list[float]] = {}
        if isinstance(data, Mapping):
            for model, ratios in data.items():
                if isinstance(model, str) and isinstance(ratios, Iterable):
                    clean = [
                        float(r)
                        for r in ratios
                        if isinstance(r, int | float) and not isinstance(r, bool) and 0 < r < 100
                    ]
                    if clean:
                        samples[model] = clean[-MAX_CALIBRATION_SAMPLES:]
        return cls(samples)


class TruncationStatus(enum.Enum):
    """What we can say about whether the server cut the input."""

    NOT_TRUNCATED = "not_truncated"
    TRUNCATED = "truncated"
    POSSIBLY_TRUNCATED = "possibly_truncated"
    UNKNOWN = "unknown"
    #: The server refused the input (HTTP 420) instead of cutting it.
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class TruncationAssessment:
    """A verdict with the numbers behind it and one line a person can read."""

    status: TruncationStatus
    explanation: str
    estimated_tokens: int
    counted_tokens: int | None = None
    limit: int | None = None


def assess_truncation(
    text_sent: str,
    counted_input_tokens: int | None,
    *,
    limit: int | None = None,
    model: str = "",
    calibration: TokenCalibration | None = None,
    usage_problem: str | None = None,
) -> TruncationAssessment:
    """Judges whether the input was silently truncated.

    Args:
        text_sent: all message contents as sent, joined.
        counted_input_tokens: `usage.input_tokens`, or None if not reported.
        limit: the model's input limit, when the user told us.
        model: the model, to pick its calibration.
        calibration: learned per-model ratios (optional).
        usage_problem: why the server's counts were not used (`Response.usage_problem`):
            the verdict must not claim the server reported none.
    """
    calibrated = calibration is not None and calibration.factor_for(model) is not None
    estimated = (
        calibration.estimate(text_sent, model) if calibration else estimate_tokens(text_sent)
    )
    if counted_input_tokens is None:
        reason = usage_problem or "the server did not report token usage"
        return TruncationAssessment(
            TruncationStatus.UNKNOWN,
            f"Unknown: {reason}, so truncation cannot be checked.",
            estimated,
            None,
            limit,
        )
    counted = counted_input_tokens
    if limit is not None and limit > 0:
        if counted >= limit:
            if estimated > limit:
                return TruncationAssessment(
                    TruncationStatus.TRUNCATED,
                    f"Truncated: input cut to {counted:,} tokens (limit {limit:,}).",
                    estimated,
                    counted,
                    limit,
                )
            return TruncationAssessment(
                TruncationStatus.POSSIBLY_TRUNCATED,
                f"Possibly truncated: the input reached the limit of {limit:,} tokens "
                f"(~{estimated:,} estimated, {counted:,} counted).",
                estimated,
                counted,
                limit,
            )
        return TruncationAssessment(
            TruncationStatus.NOT_TRUNCATED,
            f"Not truncated: {counted:,} tokens counted, below the limit of {limit:,}.",
            estimated,
            counted,
            limit,
        )
    tolerance = CALIBRATED_TOLERANCE if calibrated else UNCALIBRATED_TOLERANCE
    if estimated - counted >= MIN_GAP_TOKENS and estimated > counted * tolerance:
        return TruncationAssessment(
            TruncationStatus.POSSIBLY_TRUNCATED,
            f"Possibly truncated: ~{estimated:,} tokens estimated, {counted:,} counted.",
            estimated,
            counted,
            None,
        )
    return TruncationAssessment(
        TruncationStatus.NOT_TRUNCATED,
        f"Not truncated: {counted:,} tokens counted, as estimated.",
        estimated,
        counted,
        None,
    )


def rejected_assessment(text_sent: str, limit: int | None = None) -> TruncationAssessment:
    """The verdict for a 420: the server refused rather than cut."""
    return TruncationAssessment(
        TruncationStatus.REJECTED,
        "Rejected: input longer than the model's context length.",
        estimate_tokens(text_sent),
        None,
        limit,
    )
