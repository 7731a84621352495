"""1,000 concurrent transfers and gambles on one account from tasks AND two OS processes.

Afterwards, on both engines: no balance is negative, every balance equals its ledger, the
ledger has exactly the rows of the operations that succeeded, transfers sum to zero and
the total money equals what was minted (the seed deposits plus net gambling).
"""

from __future__ import annotations

import asyncio
import json
import sys

import pytest

from core.db.models import GuildMember
from plugins.economy import service as bank
from plugins.economy.maintenance import balance_mismatches
from plugins.economy.models import Transaction
from tests.helpers import ROOT
from tests.plugins.economy.storm_worker import GUILD, OTHERS, RICH, storm

OPS_HERE = 500
OPS_THERE = 500
SEED_COINS = 300


@pytest.fixture
def guildhall_plugins() -> list[str]:
    return ["economy"]


async def _start_worker(url: str) -> asyncio.subprocess.Process:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.plugins.economy.storm_worker", url, str(OPS_THERE), "7",
        cwd=ROOT, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
    )
    assert proc.stdout is not None
    line = await asyncio.wait_for(proc.stdout.readline(), 60)
    assert line.strip() == b"ready", line
    return proc


@pytest.mark.timeout(240)
async def test_storm_never_overdraws_nor_creates_coins(guildhall_db, guildhall_settings) -> None:
    await bank.deposit(RICH, GUILD, SEED_COINS, "admin", "seed")
    for other in OTHERS:
        await bank.deposit(other, GUILD, 20, "admin", "seed")
    minted_seed = SEED_COINS + 20 * len(OTHERS)

    worker = await _start_worker(guildhall_settings.database.url.get_secret_value())
    assert worker.stdin is not None and worker.stdout is not None
    worker.stdin.write(b"go\n")
    await worker.stdin.drain()
    here = await storm(OPS_HERE, seed=3)
    out, _ = await asyncio.wait_for(worker.communicate(), 180)
    there = json.loads(out.decode().strip().splitlines()[-1])
    assert worker.returncode == 0

    errors = [k for k in (*here, *there) if str(k).startswith("error")]
    assert errors == [], errors
    print(f"\nstorm here: {here}\nstorm there: {there}")
    ok_transfers = here.get("transfer_ok", 0) + there.get("transfer_ok", 0)
    ok_gambles = here.get("gamble_ok", 0) + there.get("gamble_ok", 0)
    refused = here.get("insufficient", 0) + there.get("insufficient", 0)
    assert ok_transfers + ok_gambles + refused == OPS_HERE + OPS_THERE, (here, there)
    assert refused > 0, "the storm never hit an empty balance; make it harsher"

    balances = dict(await GuildMember.filter(guild_id=GUILD).values_list("user_id", "coins"))
    assert min(balances.values()) >= 0
    assert await balance_mismatches() == []
    assert await Transaction.filter(transaction_type="transfer").count() == 2 * ok_transfers
    assert await Transaction.filter(transaction_type="gamble").count() == ok_gambles
    transfers = await Transaction.filter(transaction_type="transfer").values_list(
        "amount", flat=True
    )
    assert sum(transfers) == 0
    gambled = await Transaction.filter(transaction_type="gamble").values_list("amount", flat=True)
    assert sum(balances.values()) == minted_seed + sum(gambled)
