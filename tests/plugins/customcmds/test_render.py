"""Template rendering: the fixed table, tokens left alone, and a fuzz of hostile input."""

from __future__ import annotations

import random
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plugins.customcmds.render import ZWSP, Invocation, neutralise, render
from tests.discord_mentions import mentions_in

INV = Invocation(
    user_id=42, user_name="alice", user_display="Alice A", server="Guildhall Demo",
    server_members=5, channel_id=7, args=("one", "two"), uses=3,
)


def test_every_placeholder() -> None:
    template = (
        "{user}|{user.mention}|{user.name}|{user.id}|{server}|{server.members}|"
        "{channel}|{args}|{arg1}|{arg2}|{arg3}|{uses}"
    )
    assert render(template, INV) == (
        "Alice A|<@42>|alice|42|Guildhall Demo|5|<#7>|one two|one|two||3"
    )


def test_random_picks_one_option() -> None:
    seen = {render("{random:a|b|c}", INV, random.Random(seed)) for seed in range(40)}
    assert seen == {"a", "b", "c"}
    assert render("{random:}", INV) == "{random:}"


def test_the_given_random_source_makes_the_choices() -> None:
    """A seeded source gives the same replies again (twenty choices of ten options)."""
    options = [f"o{i}" for i in range(10)]
    template = " ".join(["{random:" + "|".join(options) + "}"] * 20)
    expected = random.Random(7)
    assert render(template, INV, random.Random(7)) == " ".join(
        expected.choice(options) for _ in range(20))


def test_an_empty_reply_says_so_in_the_words_given() -> None:
    assert render("{arg3}", INV, empty="(réponse vide)") == "(réponse vide)"


def test_unknown_and_malformed_tokens_stay_as_written() -> None:
    for text in ("{nope}", "{user.__class__}", "{0}", "{user!r}", "{", "}", "{{user}}",
                 "{arg0}", "{arg100}", "{user.mention.x}", "{ user }", "{USER}"):
        expected = text.replace("{{user}}", "{Alice A}")
        assert render(text, INV) == expected


def test_values_are_not_rendered_again() -> None:
    inv = Invocation(1, "{user.id}", "{server}", "S", 1, 2, args=("{uses}",))
    assert render("{user} {user.name} {args}", inv) == "{server} {user.id} {uses}"


def test_mass_and_role_mentions_are_broken() -> None:
    out = render("@everyone @here <@&123> {args}", Invocation(
        1, "a", "b", "S", 1, 2, args=("@everyone", "<@&9>")))
    assert "@everyone" not in out and "@here" not in out and "<@&" not in out
    assert out.startswith(f"@{ZWSP}everyone @{ZWSP}here @{ZWSP}role")
    assert neutralise("<@12>") == "<@12>"  # user mentions are left (only the invoker pings)


def test_output_is_cut_to_2000_characters() -> None:
    inv = Invocation(1, "a", "b", "S", 1, 2, args=("x" * 1900,))
    out = render("{args} {args}", inv)
    assert len(out) == 2000 and out.endswith("…")
    assert render("", INV) == "(empty response)"


def test_the_ninety_ninth_argument_is_the_last_one() -> None:
    inv = Invocation(1, "a", "b", "S", 1, 2, args=tuple(f"v{i}" for i in range(1, 101)))
    assert render("{arg1} {arg99} {arg100}", inv) == "v1 v99 {arg100}"


def test_a_reply_of_exactly_2000_characters_is_not_cut() -> None:
    inv = Invocation(1, "a", "b", "S", 1, 2, args=("x" * 2000,))
    assert render("{args}", inv) == "x" * 2000
    assert render("{args}y", inv) == "x" * 1999 + "…"


HOSTILE = st.sampled_from([
    "{", "}", "{user}", "{user.mention}", "{user.__class__}", "{args}", "{arg1}", "{arg99}",
    "{random:", "{random:a|b}", "{random:|}", "@everyone", "@here", "<@&1>", "<@!2>", "{0}",
    "{0.__class__}", "{user.name.__globals__}", "%s", "%(x)s", "\\", "`", "\u200b", "{uses}",
    "{server.members}", "{channel}", "{self}", "{__import__}", "<", ">", "&", "@",
])
TEXT = st.lists(st.one_of(HOSTILE, st.text(max_size=12)), max_size=30).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(template=TEXT, name=TEXT, display=TEXT, args=st.lists(TEXT, max_size=6))
def test_fuzz_hostile_templates_and_arguments(
    template: str, name: str, display: str, args: list[str]
) -> None:
    inv = Invocation(42, name, display, "Srv", 3, 7, args=tuple(args), uses=1)
    out = render(template, inv)
    assert isinstance(out, str) and 0 < len(out) <= 2000
    assert not re.search(r"@(everyone|here)", out)
    assert "<@&" not in out
    sources = template + name + display + "".join(args)
    for marker in ("__class__", "<bound", "<built-in", "<function", "<module", " object at 0x"):
        if marker not in sources:  # user text may contain (and repeat) anything it likes
            assert marker not in out


SAFE = st.lists(st.one_of(
    st.sampled_from(["{user}", "{user.mention}", "{channel}", "{user.__class__}", "{0}",
                     "{args}", "{arg1}", "{random:a|b}", "{", "}", "@everyone", "{uses}"]),
    st.text(alphabet=st.characters(blacklist_characters="<_"), max_size=10),
), max_size=20).map("".join)


@settings(max_examples=300, deadline=None)
@given(template=SAFE, args=st.lists(SAFE, max_size=4))
def test_fuzz_only_mentions_bring_angle_brackets(template: str, args: list[str]) -> None:
    out = render(template, Invocation(42, "n", "d", "S", 3, 7, args=tuple(args)))
    assert re.sub(r"<@42>|<#7>", "", out).count("<") == 0
    assert "__" not in out.replace("{user.__class__}", "")


def test_a_template_at_the_limit_full_of_mentions_fits_and_pings_nobody() -> None:
    """Neutralising adds characters: the cut must come after it, or the reply passes
    Discord's 2,000 and is refused (and a cut must never leave a mention behind)."""
    pieces = ["@everyone", "@here ", "@everyone@here<@&12>", "{args}", "{arg1}{user.mention}"]
    for piece in pieces:
        template = (piece * 2000)[:2000]
        for args in (("@everyone",), ("<@&1>@here",), ("x" * 3000,)):
            out = render(template, Invocation(1, "a", "b", "S", 1, 2, args=args))
            assert len(out) <= 2000, (piece, args, len(out))
            found = mentions_in(out)
            assert not found.everyone and not found.roles, out[:200]
            assert found.users <= {1}  # only the invoker's own mention
