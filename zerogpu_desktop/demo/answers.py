"""What each demo model answers: each shows off one thing the app does.

- ``demo-markdown``: headings, a list, a table and two code blocks, for the Output pane.
- ``demo-echo``: the prompt back, to see exactly what was sent (variables filled).
- ``demo-truncating``: silently reads only the first `TRUNCATING_LIMIT` tokens, as a real
  model configured to truncate does; its usage reports the cut count, so the app's
  truncation verdict appears (set the model's input limit to 64 for a definite "Truncated").
- ``demo-slow``: answers after `SLOW_SECONDS`, long enough to press Esc.
- ``demo-json``: a JSON object, which the Output shows pretty-printed.
- ``demo-geography``: the capital of a country named in the prompt, from a short list and
  not always right (Australia: "Sydney"), so the example evaluation
  (``resources/examples/capitals.csv``) shows passes and failures side by side.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from zerogpu_desktop.api.tokens import estimate_tokens

#: The input a `demo-truncating` run is cut to, in tokens.
TRUNCATING_LIMIT = 64
#: How long `demo-slow` thinks before answering.
SLOW_SECONDS = 4.0

_MARKDOWN = """\
# A demo answer

This reply comes from the **offline demo** built into ZeroGPU Desktop: no account, no network.

## What you can try

1. Press **Ctrl+Enter** again with another model: `demo-echo`, `demo-truncating`,
   `demo-slow` (press **Esc** while it runs) or `demo-json`.
2. Save this prompt as a preset with **Ctrl+Shift+S**.
3. Find this run again in **History**.

| Model | Shows |
|---|---|
| demo-markdown | rendered Markdown and code blocks |
| demo-echo | exactly what was sent |
| demo-truncating | the truncation verdict |
| demo-slow | that Esc really cancels |

```python
def greet(name: str) -> str:
    return f"Hello, {name}!"
```

The same from a terminal:

```sh
zerogpu-desktop send --demo --model demo-echo "Hello"
```

> Add your API key in Settings to talk to ZeroGPU itself.
"""


@dataclass(frozen=True, slots=True)
class DemoAnswer:
    """The text, the input tokens the server says it read, and the pause before answering."""

    text: str
    input_tokens: int
    delay: float = 0.0


def _echo(prompt: str, tokens: int) -> DemoAnswer:
    return DemoAnswer(f"You sent:\n\n{prompt}", tokens)


def _markdown(_prompt: str, tokens: int) -> DemoAnswer:
    return DemoAnswer(_MARKDOWN, tokens)


def _truncating(prompt: str, tokens: int) -> DemoAnswer:
    if tokens <= TRUNCATING_LIMIT:
        return DemoAnswer(f"I read all of your {tokens} tokens.", tokens)
    return DemoAnswer(
        f"I read only the first {TRUNCATING_LIMIT} tokens of your prompt and did not say so, "
        "as a model set to truncate does. The status bar tells you what happened.",
        TRUNCATING_LIMIT,
    )


def _slow(prompt: str, tokens: int) -> DemoAnswer:
    return DemoAnswer(
        f"Thought about it for {SLOW_SECONDS:g} seconds. {prompt[:200]}", tokens, SLOW_SECONDS
    )


def _json(prompt: str, tokens: int) -> DemoAnswer:
    words = prompt.split()
    body = {"prompt_words": len(words), "first_words": words[:5], "tokens": tokens, "ok": True}
    return DemoAnswer(json.dumps(body), tokens)


#: What `demo-geography` believes, mistakes included.
_CAPITALS = {
    "france": "Paris",
    "japan": "Tokyo",
    "australia": "Sydney",
    "brazil": "Brasilia",
    "canada": "Ottawa",
    "korea": "Seoul.",
    "bolivia": "La Paz",
    "new zealand": "Wellington",
    "peru": "Lima",
    "italy": "Rome",
}


def _geography(prompt: str, tokens: int) -> DemoAnswer:
    lowered = prompt.casefold()
    for country, capital in _CAPITALS.items():
        if country in lowered:
            return DemoAnswer(capital, tokens)
    known = ", ".join(name.title() for name in _CAPITALS)
    return DemoAnswer(f"The demo knows the capitals of {known} only.", tokens)


_MODELS: dict[str, Callable[[str, int], DemoAnswer]] = {
    "demo-markdown": _markdown,
    "demo-echo": _echo,
    "demo-truncating": _truncating,
    "demo-slow": _slow,
    "demo-json": _json,
    "demo-geography": _geography,
}

#: The demo's models, the first one the one a new user starts with.
DEMO_MODELS: tuple[str, ...] = tuple(_MODELS)


def answer_for(model: str, prompt: str) -> DemoAnswer | None:
    """The demo's answer to `prompt` (every message's text joined), or None: no such model."""
    make = _MODELS.get(model)
    if make is None:
        return None
    return make(prompt, max(1, estimate_tokens(prompt)))
