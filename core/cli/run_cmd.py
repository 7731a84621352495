"""``guildhall run``: migrate, then start the bot."""

from __future__ import annotations

import asyncio

import click

from core.cli.common import CliError, load_runtime, pass_options
from core.launch import run_bot

NO_TOKEN = """no Discord bot token is configured.

Set it in the environment (it is never read from config.toml):

    export DISCORD_TOKEN='your-bot-token'      # or GUILDHALL_DISCORD__TOKEN
    guildhall run

Get a token at https://discord.com/developers/applications -> your app -> Bot -> Reset Token,
and enable the Server Members and Message Content intents there."""


@click.command()
@pass_options
def run(options: dict) -> None:
    """Apply pending migrations, then start the bot."""
    runtime = load_runtime(options)
    if not runtime.settings.discord.token.get_secret_value():
        raise CliError(NO_TOKEN, exit_code=2)
    asyncio.run(run_bot(runtime))
