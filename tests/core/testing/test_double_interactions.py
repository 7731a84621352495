"""Slash commands, components and modals through the double with a real InteractionBot."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import aiohttp
import disnake
import pytest
from disnake.ext import commands

from core.testing.double import DiscordDouble, RunningClient, bot_intents

StartBot = Callable[..., Awaitable[RunningClient]]


def make_bot(test_guilds: list[int] | None = None) -> commands.InteractionBot:
    bot = commands.InteractionBot(
        intents=bot_intents(), guild_ready_timeout=0.1, test_guilds=test_guilds
    )

    @bot.slash_command(name="rank", description="Show a rank")
    async def rank(inter: disnake.ApplicationCommandInteraction, user: disnake.Member) -> None:
        perms = inter.app_permissions.ban_members
        await inter.response.send_message(f"{user.display_name} rank 1 ban={perms}")

    @bot.slash_command(name="config", description="Configure")
    async def config(inter: disnake.ApplicationCommandInteraction) -> None:
        pass

    @config.sub_command(name="set", description="Set a value")
    async def config_set(
        inter: disnake.ApplicationCommandInteraction,
        key: str,
        value: int,
        channel: disnake.TextChannel | None = None,
        role: disnake.Role | None = None,
    ) -> None:
        await inter.response.defer(ephemeral=True)
        where = channel.name if channel else "-"
        who = role.name if role else "-"
        await inter.edit_original_response(content=f"{key}={value} in {where} for {who}")
        await inter.followup.send("saved", ephemeral=True)

    @bot.slash_command(name="menu", description="Buttons")
    async def menu(inter: disnake.ApplicationCommandInteraction) -> None:
        button = disnake.ui.Button(label="Go", custom_id="menu:go")
        await inter.response.send_message("pick", components=[button])

    @bot.slash_command(name="form", description="A modal")
    async def form(inter: disnake.ApplicationCommandInteraction) -> None:
        text = disnake.ui.TextInput(label="Name", custom_id="name")
        await inter.response.send_modal(title="Form", custom_id="form:1", components=[text])

    @bot.listen("on_button_click")
    async def on_button(inter: disnake.MessageInteraction) -> None:
        if inter.component.custom_id == "menu:go":
            await inter.response.edit_message(content="gone", components=[])

    @bot.listen("on_modal_submit")
    async def on_modal(inter: disnake.ModalInteraction) -> None:
        await inter.response.send_message(f"hello {inter.text_values['name']}")

    return bot


async def test_slash_command_registered_and_answered(
    double: DiscordDouble, start_bot: StartBot
) -> None:
    guild = double.create_guild("g")
    alice, bob = double.add_member(guild, "alice"), double.add_member(guild, "bob", nick="Bobby")
    await start_bot(make_bot(), double)
    put = await double.wait_for_request("PUT", "/applications/{application_id}/commands")
    assert {c["name"] for c in put.json} == {"rank", "config", "menu", "form"}

    handle = await double.invoke_slash(guild, guild.text_channels[0], alice, "rank", {"user": bob})
    reply = await handle.wait_response(timeout=5)
    assert reply.content == "Bobby rank 1 ban=True"
    assert reply.kind == "message" and not reply.ephemeral
    assert handle.callback_type == 4
    assert reply.message in double.messages_in(guild.text_channels[0])
    data = handle.payload["data"]
    assert data["resolved"]["members"][str(bob.id)]["nick"] == "Bobby"


async def test_subcommand_defer_edit_and_followup(
    double: DiscordDouble, start_bot: StartBot
) -> None:
    guild = double.create_guild("g")
    alice = double.add_member(guild, "alice")
    role = double.create_role(guild, "helpers")
    channel = guild.text_channels[0]
    await start_bot(make_bot(test_guilds=[guild.id]), double)
    command = await double.wait_for_command("config", guild)
    assert command.guild_id == guild.id

    options = {"key": "xp", "value": 5, "channel": channel, "role": role}
    handle = await double.invoke_slash(guild, channel, alice, "config set", options)
    first = await handle.wait_response()
    second = await handle.wait_response()
    assert handle.deferred and handle.callback_type == 5
    assert (first.kind, first.content) == ("edit_original", "xp=5 in general for helpers")
    assert (second.kind, second.content, second.ephemeral) == ("followup", "saved", True)
    option = handle.payload["data"]["options"][0]
    assert option["name"] == "set" and option["type"] == 1
    assert handle.payload["data"]["guild_id"] == str(guild.id)


async def test_button_press_updates_message(double: DiscordDouble, start_bot: StartBot) -> None:
    guild = double.create_guild("g")
    alice = double.add_member(guild, "alice")
    await start_bot(make_bot(), double)
    handle = await double.invoke_slash(guild, guild.text_channels[0], alice, "menu")
    reply = await handle.wait_response()
    assert reply.message is not None and reply.message.custom_ids() == ["menu:go"]

    click = await double.press_button(reply.message, "menu:go")
    update = await click.wait_response()
    assert (update.kind, update.content, update.components) == ("update", "gone", [])
    assert reply.message.content == "gone"
    with pytest.raises(ValueError):
        await double.press_button(reply.message, "missing")


async def test_modal_roundtrip(double: DiscordDouble, start_bot: StartBot) -> None:
    guild = double.create_guild("g")
    alice = double.add_member(guild, "alice")
    await start_bot(make_bot(), double)
    handle = await double.invoke_slash(guild, guild.text_channels[0], alice, "form")
    modal = await handle.wait_modal()
    assert (modal.custom_id, modal.title) == ("form:1", "Form")
    submitted = await double.submit_modal(handle, {"name": "Ada"})
    assert (await submitted.wait_response()).content == "hello Ada"


async def test_callback_errors(double: DiscordDouble, start_bot: StartBot) -> None:
    guild = double.create_guild("g")
    alice = double.add_member(guild, "alice")
    channel = guild.text_channels[0]
    # no bot handles this interaction, so the test answers the callbacks itself
    handle = double.interactions.create(
        type=2,
        data={"id": "1", "name": "x", "type": 1},
        guild=guild,
        channel=channel,
        user=alice.user,
    )
    url = f"{double.api_base}/interactions/{handle.id}/{handle.token}/callback"
    async with aiohttp.ClientSession() as session:
        async with session.post(url, json={"type": 4, "data": {"content": "ok"}}) as resp:
            assert resp.status == 204
        async with session.post(url, json={"type": 4, "data": {"content": "x"}}) as resp:
            assert (resp.status, (await resp.json())["code"]) == (400, 40060)
        bad = f"{double.api_base}/interactions/{handle.id}/wrong/callback"
        async with session.post(bad, json={"type": 5}) as resp:
            assert (resp.status, (await resp.json())["code"]) == (404, 10062)
    assert (await handle.wait_response()).content == "ok"

    double.config.interaction_timeout = 0.05
    late = double.interactions.create(
        type=2,
        data={"id": "1", "name": "x", "type": 1},
        guild=guild,
        channel=channel,
        user=alice.user,
    )
    await asyncio.sleep(0.1)
    url = f"{double.api_base}/interactions/{late.id}/{late.token}/callback"
    async with aiohttp.ClientSession() as session:
        async with session.post(url, json={"type": 5}) as resp:
            assert (resp.status, (await resp.json())["code"]) == (404, 10062)


async def test_autocomplete_answers_are_checked_as_discord_does(double: DiscordDouble) -> None:
    """At most 25 choices, each name 1-100 characters: else 400 50035 and nothing shown."""
    guild = double.create_guild("g")
    alice = double.add_member(guild, "alice")
    handle = double.interactions.create(  # type 4: an autocomplete while typing
        type=4,
        data={"id": "1", "name": "x", "type": 1,
              "options": [{"name": "q", "type": 3, "value": "a", "focused": True}]},
        guild=guild,
        channel=guild.text_channels[0],
        user=alice.user,
    )
    url = f"{double.api_base}/interactions/{handle.id}/{handle.token}/callback"

    def answer(names: list[str]) -> dict[str, object]:
        return {"type": 8, "data": {"choices": [{"name": n, "value": n[:100]} for n in names]}}

    async with aiohttp.ClientSession() as session:
        async with session.post(url, json=answer([f"c{i}" for i in range(26)])) as resp:
            body = await resp.json()
            assert (resp.status, body["code"]) == (400, 50035)
            [error] = body["errors"]["data"]["choices"]["_errors"]
            assert error["code"] == "BASE_TYPE_MAX_LENGTH"
        async with session.post(url, json=answer(["n" * 101])) as resp:
            body = await resp.json()
            assert (resp.status, body["code"]) == (400, 50035)
            [error] = body["errors"]["data"]["choices"]["0"]["name"]["_errors"]
            assert error["code"] == "BASE_TYPE_MAX_LENGTH"
        async with session.post(url, json=answer([f"c{i}" for i in range(25)])) as resp:
            assert resp.status == 204
    assert len(double.contract_violations) == 2
    double.contract_violations.clear()  # sent on purpose
