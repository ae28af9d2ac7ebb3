"""`zerogpu-desktop send`: one prompt, the answer on stdout, the facts on stderr."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from typing import TextIO

import httpx

from zerogpu_desktop.api import Message, ZeroGPUClient, ZeroGPUError
from zerogpu_desktop.api.models import Response
from zerogpu_desktop.api.tokens import assess_truncation
from zerogpu_desktop.cli.context import CommandContext, UsageError
from zerogpu_desktop.exit_codes import ExitCode, exit_code_for
from zerogpu_desktop.explain import explain


def configure(parser: argparse.ArgumentParser) -> None:
    """Adds `send`'s arguments and binds its handler."""
    parser.add_argument("--model", "-m", required=True, help="model ID from your dashboard")
    parser.add_argument("--system", "-s", metavar="TEXT", help="system prompt")
    parser.add_argument(
        "--input-limit",
        type=int,
        metavar="N",
        help="the model's input token limit, to check for silent truncation "
        "(default: the limit saved in Settings for this model)",
    )
    parser.add_argument("--timeout", type=float, metavar="SECONDS", help="read timeout")
    parser.add_argument("--max-retries", type=int, metavar="N", help="retries of transient errors")
    parser.add_argument(
        "text", nargs="?", default=None, help="the user prompt; '-' or omitted reads stdin"
    )
    parser.set_defaults(command=run)


def _read_prompt(text: str | None, stdin: TextIO) -> str:
    if text is not None and text != "-":
        return text
    if text is None and stdin.isatty():
        raise UsageError("No prompt: give it as an argument or pipe it on stdin ('-').")
    return stdin.read()


def _usage_line(response: Response, seconds: float) -> str:
    if response.usage is None:
        return f"usage not reported · {seconds:.2f} s"
    usage = response.usage
    return (
        f"tokens: {usage.input_tokens:,} in · {usage.output_tokens:,} out · "
        f"{usage.total_tokens:,} total · {seconds:.2f} s"
    )


def run(
    args: argparse.Namespace,
    *,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Sends the prompt and returns the exit code."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    try:
        context = CommandContext.from_args(args)
        prompt = _read_prompt(args.text, stdin)
        messages = [Message("system", args.system)] if args.system else []
        messages.append(Message("user", prompt))
        settings = context.settings
        client = ZeroGPUClient(
            context.api_key(),
            context.project_id(),
            base_url=context.base_url,
            timeout=_timeout(args, settings.connect_timeout, settings.read_timeout),
            max_retries=args.max_retries if args.max_retries is not None else settings.max_retries,
        )
    except UsageError as exc:
        print(f"zerogpu-desktop: {exc}", file=stderr)
        return ExitCode.USAGE
    except ZeroGPUError as exc:
        print(f"zerogpu-desktop: {explain(exc).as_line()}", file=stderr)
        return exit_code_for(exc)

    started = time.monotonic()
    try:
        response = asyncio.run(_send(client, args.model, messages))
    except KeyboardInterrupt:
        print("zerogpu-desktop: interrupted.", file=stderr)
        return ExitCode.INTERRUPTED
    except ZeroGPUError as exc:
        print(f"zerogpu-desktop: {explain(exc).as_line()}", file=stderr)
        return exit_code_for(exc)
    seconds = time.monotonic() - started

    stdout.write(response.text)
    if not response.text.endswith("\n"):
        stdout.write("\n")
    stdout.flush()
    limit = args.input_limit or settings.input_limit_for(args.model)
    assessment = assess_truncation(
        "\n".join(message.content for message in messages),
        response.usage.input_tokens if response.usage else None,
        limit=limit,
        model=args.model,
    )
    print(_usage_line(response, seconds), file=stderr)
    print(assessment.explanation, file=stderr)
    return ExitCode.OK


def _timeout(args: argparse.Namespace, connect: float, read: float) -> httpx.Timeout:
    return httpx.Timeout(args.timeout or read, connect=connect)


async def _send(client: ZeroGPUClient, model: str, messages: list[Message]) -> Response:
    async with client:
        return await client.create_response(model, messages)
