"""ZeroGPU Desktop: a native desktop app for prompting the ZeroGPU Responses API."""

__version__ = "0.1.0"
