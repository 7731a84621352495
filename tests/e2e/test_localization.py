"""Replies in the reader's language through the double: the user's locale, else the
guild's preferred locale, else English; commands registered with their localizations."""

from __future__ import annotations

from core.bot.guildhall_bot import GuildhallBot
from core.testing.bot_fixtures import channel_reply, eventually
from core.testing.double import DiscordDouble
from core.testing.sandbox.world import DemoWorld
from tests.e2e.plugins.leveling_support import TIMEOUT, manual_flushes, slash
from tests.e2e.test_help import text_of


async def test_a_german_user_is_answered_in_german(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo = guildhall_double, guildhall_demo
    manual_flushes(guildhall_bot)
    rank = await double.wait_for_command("rank", timeout=TIMEOUT)
    assert rank.data["name_localizations"]["de"] == "rang"
    assert rank.data["description_localizations"]["de"] == (
        "Dein Level und Rang oder der eines Mitglieds")

    await slash(double, demo.guild, demo.general, demo.admin, "xp set",
                {"member": demo.member, "amount": 1234})
    double.set_user_locale(demo.member.user, "de")
    reply = await slash(double, demo.guild, demo.general, demo.member, "rank")
    assert reply.content.startswith("**alice** ist Level **")
    assert "mit 1.234 XP" in reply.content  # German digit grouping
    assert "Rang **#1** auf diesem Server" in reply.content

    levels = await double.wait_for_command("levels", timeout=TIMEOUT)
    announce = next(o for o in levels.data["options"] if o["name"] == "announce")
    mode = next(o for o in announce["options"] if o["name"] == "mode")
    assert {c["value"]: c["name_localizations"]["de"] for c in mode["choices"]} == {
        "same channel": "im selben Kanal", "a fixed channel": "in einem festen Kanal",
        "off": "aus"}  # option choices as a German client shows them

    english = await slash(double, demo.guild, demo.general, demo.admin, "rank",
                          {"member": demo.member})
    assert english.content.startswith("**alice** is level **") and "1,234 XP" in english.content


async def test_unknown_user_locale_falls_back_to_the_guild_then_english(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo = guildhall_double, guildhall_demo
    double.set_user_locale(demo.member.user, "ja")  # no Japanese files
    double.set_guild_locale(demo.guild, "fr")
    await eventually(
        lambda: str(guildhall_bot.get_guild(demo.guild.id).preferred_locale) == "fr",
        timeout=TIMEOUT, message="the guild's new locale did not reach the bot",
    )
    reply = await slash(double, demo.guild, demo.general, demo.member, "ping")
    assert reply.content.startswith("Pong ! (latence de la gateway")

    double.set_user_locale(demo.member.user, "es-419")  # Latin American Spanish: es-ES texts
    reply = await slash(double, demo.guild, demo.general, demo.member, "ping")
    assert reply.content.startswith("¡Pong! (latencia del gateway")

    double.set_user_locale(demo.member.user, "ja")
    double.set_guild_locale(demo.guild, "ko")  # neither has files: English
    await eventually(
        lambda: str(guildhall_bot.get_guild(demo.guild.id).preferred_locale) == "ko",
        timeout=TIMEOUT, message="the guild's new locale did not reach the bot",
    )
    reply = await slash(double, demo.guild, demo.general, demo.member, "ping")
    assert reply.content.startswith("Pong! (gateway latency")


async def test_prefix_commands_and_errors_use_the_guilds_language(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo = guildhall_double, guildhall_demo
    double.set_guild_locale(demo.guild, "pt-BR")
    await eventually(
        lambda: str(guildhall_bot.get_guild(demo.guild.id).preferred_locale) == "pt-BR",
        timeout=TIMEOUT, message="the guild's new locale did not reach the bot",
    )
    await double.send_message(demo.general, demo.member, "!prefix")
    reply = await channel_reply(double, demo.general, timeout=TIMEOUT)
    assert reply.content == "O prefixo aqui é `!` (me mencionar também funciona)."
    await double.send_message(demo.general, demo.member, "!remind")  # a prefix twin
    missing = await channel_reply(double, demo.general, timeout=TIMEOUT)
    assert "Falta `when`. Uso: `!remind <when> <text>" in missing.content

    double.set_user_locale(demo.member.user, "de")
    denied = await slash(double, demo.guild, demo.general, demo.member, "prefix set",
                         {"prefix": "?"})
    assert denied.content == "Du brauchst diese Berechtigungen: Server verwalten."
    bad = await slash(double, demo.guild, demo.general, demo.member, "transfer",
                      {"member": demo.admin, "amount": "viel"})  # the service's validation
    assert bad.content == "Der Betrag muss eine ganze Zahl sein (etwa 250). Nichts wurde geändert."
    too_much = await slash(double, demo.guild, demo.general, demo.member, "transfer",
                           {"member": demo.admin, "amount": "9999999999"})
    assert too_much.content.startswith("Der Betrag darf höchstens 2.147.483.647 sein.")
    beyond = await slash(double, demo.guild, demo.general, demo.member, "global leaderboard",
                         {"page": 12000})
    assert beyond.content.endswith("die Seite muss zwischen 1 und 10.000 liegen")
    double.set_user_locale(demo.admin.user, "de")
    changed = await slash(double, demo.guild, demo.general, demo.admin, "economy config set",
                          {"daily_amount": 1500})
    assert changed.content.startswith("Für diesen Server geändert: Tägliche Belohnung: ")
    assert changed.content.endswith("→ 1.500.")
    shown = await slash(double, demo.guild, demo.general, demo.admin, "economy config show")
    assert "Tägliche Belohnung: 1.500" in shown.content and "(Standard)" in shown.content
    named = await slash(double, demo.guild, demo.general, demo.admin, "customcmd create",
                        {"name": "Bad Name!", "response": "hi"})
    assert named.content == ("Das hat nicht geklappt: ein Name besteht aus 1-32 "
                             "Kleinbuchstaben, Ziffern, `-` und `_`.")
    late = await slash(double, demo.guild, demo.general, demo.member, "remind",
                       {"when": "soon", "text": "tea"})
    assert late.content == (
        "Diese Eingabe war ungültig: diese Zeit konnte ich nicht lesen (keine Uhrzeit): "
        "versuche 10m, 1h30m, in 3 hours, 2d, tomorrow 9am oder 2026-12-01 09:00")
    refused = await slash(double, demo.guild, demo.general, demo.member, "warn",
                          {"member": demo.admin, "reason": "test"})  # moderation's own check
    assert refused.content == "Du brauchst diese Berechtigungen: Mitgliedern Timeout erteilen."


async def test_help_speaks_the_readers_language(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo = guildhall_double, guildhall_demo
    double.set_user_locale(demo.member.user, "de")
    overview = await slash(double, demo.guild, demo.general, demo.member, "help")
    text = text_of(overview.embeds)
    assert "Was du hier nutzen kannst" in text
    assert "**Level** — XP fürs Chatten, Level und Belohnungsrollen." in text
    assert "`/rang` — Dein Level und Rang oder der eines Mitglieds" in text

    detail = await slash(double, demo.guild, demo.general, demo.member, "help",
                         {"command": "rang"})  # the German name finds the command
    shown = text_of(detail.embeds)
    assert "/rang" in shown and "`mitglied` (optional) — Wessen Rang" in shown
    assert "Beispiele" in shown and "`/rank member:@bob`" in shown


async def test_guild_settings_speak_the_readers_language(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo = guildhall_double, guildhall_demo
    double.set_user_locale(demo.admin.user, "de")

    async def admin(name: str, options: dict[str, object] | None = None) -> str:
        reply = await slash(double, demo.guild, demo.general, demo.admin, name, options)
        return reply.content

    assert (await admin("economy config show")).splitlines() == [
        "**Wirtschaftsbeträge**", "Tägliche Belohnung: 100 (Standard)",
        "Arbeit bringt mindestens: 20 (Standard)", "Arbeit bringt höchstens: 80 (Standard)",
        "Höchster Einsatz: 100.000 (Standard)"]
    assert await admin("economy config set", {"daily_amount": 2_000_000}) == (
        "Tägliche Belohnung: darf höchstens 1.000.000 sein. Nichts wurde geändert.")
    assert await admin("economy config set", {"gamble_max_bet": 0}) == (
        "Höchster Einsatz: muss mindestens 1 sein. Nichts wurde geändert.")
    assert await admin("economy config set", {"work_min": 90}) == (  # the model's own rule
        "Diese Werte passen nicht zusammen: der niedrigste Arbeitslohn (90) liegt über dem "
        "höchsten (80). Nichts wurde geändert.")
    assert await admin("economy config set") == (
        "Gib mindestens eines an: Tägliche Belohnung, Arbeit bringt mindestens, Arbeit bringt "
        "höchstens, Höchster Einsatz. Nichts wurde geändert.")
    assert await admin("economy config set", {"daily_amount": 1500, "work_max": 90}) == (
        "Für diesen Server geändert: Tägliche Belohnung: 100 → 1.500; "
        "Arbeit bringt höchstens: 80 → 90.")

    rules = (await admin("modconfig rules show")).splitlines()
    assert rules[:2] == ["**Verwarnungen und Eskalation**",
                         "Verwarnungen verfallen nach (Tagen): 90 (Standard)"]
    assert await admin("modconfig rules set", {"escalate_kick_at": 101}) == (
        "Kicken ab so vielen aktiven Verwarnungen (0: nie): darf höchstens 100 sein. "
        "Nichts wurde geändert.")

    assert await admin("levels rates", {"xp_min": 50, "xp_max": 10}) == (
        "Diese Eingabe war ungültig: die minimale XP (50) liegt über der maximalen (10)")
    assert await admin("xp set", {"member": demo.member, "amount": 2_000_000_000}) == (
        "Diese Eingabe war ungültig: die Menge darf 1.000.000.000 nicht überschreiten")

    double.set_user_locale(demo.admin.user, "fr")  # the same refusal for a French reader
    assert await admin("modconfig rules set", {"warning_expiry_days": 0}) == (
        "Les avertissements expirent après (jours) : doit être au moins 1. Rien n'a été modifié.")


async def test_economy_refusals_speak_the_readers_language(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo = guildhall_double, guildhall_demo
    double.set_user_locale(demo.member.user, "de")

    async def member(name: str, options: dict[str, object] | None = None) -> str:
        reply = await slash(double, demo.guild, demo.general, demo.member, name, options)
        return reply.content

    assert await member("buy", {"item": "Drache"}) == (
        "Diesen Artikel gibt es im Laden dieses Servers nicht. Nichts wurde geändert.")
    assert await member("gamble", {"amount": "200000"}) == (
        "Der höchste Einsatz ist 100.000. Nichts wurde geändert.")
    assert await member("transfer", {"member": demo.member, "amount": "5"}) == (
        "Du kannst nicht an dich selbst überweisen. Nichts wurde geändert.")
    assert (await member("daily")).startswith("Du hast ")
    assert (await member("daily")).startswith(  # the command as a German client names it
        "Du hast /täglich vor Kurzem schon genutzt; wieder verfügbar <t:")
