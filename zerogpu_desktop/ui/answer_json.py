"""An answer that is JSON is shown pretty-printed, and said to be valid.

Asked for `json_object`, a model answers one line of JSON; indented, it can be read. The
check is bounded like every reply (`api.json_limits`) and only tried on answers up to
`MAX_JSON_CHARS`. Copy and Save keep the answer exactly as it came.
"""

from __future__ import annotations

import json
import re

from zerogpu_desktop.api.json_limits import load_json

#: Larger answers are shown as they are: indenting megabytes helps nobody read them.
MAX_JSON_CHARS = 2_000_000
_FENCE = re.compile(r"\A```(?:json)?[ \t]*\n(?P<body>.*)\n```\s*\Z", re.DOTALL | re.IGNORECASE)


def pretty_json(answer: str) -> str | None:
    """The answer indented, when the whole of it is a JSON object or array; else None.

    A single fenced ```json block counts too, as models often wrap JSON that way.
    """
    text = answer.strip()
    if not text or len(text) > MAX_JSON_CHARS:
        return None
    fenced = _FENCE.match(text)
    if fenced:
        text = fenced.group("body").strip()
    if not text.startswith(("{", "[")):
        return None
    try:
        value = load_json(text.encode("utf-8", "surrogatepass"))
    except ValueError:  # not JSON, or over a limit
        return None
    return json.dumps(value, indent=2, ensure_ascii=False)
