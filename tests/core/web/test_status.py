"""/status: bearer token or a logged-in owner; workers, maintenance, backups."""

from __future__ import annotations

import time

from tortoise import timezone

from core.backup.service import create_backup
from core.db.models import MaintenanceRun
from core.runtime.worker_status import WorkerStatus, make_store
from tests.core.web.conftest import STATUS_TOKEN
from tests.core.web.support import WebEnv


async def test_status_needs_the_token_or_an_owner(web_env: WebEnv) -> None:
    now = timezone.now()
    await MaintenanceRun.create(job="core.rollup", started_at=now, finished_at=now, ok=True,
                                rows=42)
    store = make_store(web_env.settings)
    try:
        await store.write(WorkerStatus(
            cluster=0, shard_ids=[0, 1], shard_count=2, host="box", pid=4242, state="ready",
            started_at=time.time(), reported_at=time.time(), guilds=1234,
            latencies={0: 0.05}, events_per_second=3.5, leader=True))
        anonymous = await web_env.client.get("/status", allow_redirects=False)
        assert anonymous.status == 302
        wrong = await web_env.client.get("/status", headers={"Authorization": "Bearer nope"})
        assert wrong.status == 403
        page = await web_env.client.get(
            "/status", headers={"Authorization": f"Bearer {STATUS_TOKEN}"})
        text = await page.text()
        assert page.status == 200 and 'http-equiv="refresh"' in text
        assert "1,234" in text and "50 ms" in text and "core.rollup" in text and "42" in text
        assert "No verified backup found" in text
        if web_env.settings.database.dialect == "sqlite":
            assert (await create_backup(web_env.settings)).verified
            again = await (await web_env.client.get(
                "/status", headers={"Authorization": f"Bearer {STATUS_TOKEN}"})).text()
            assert "Newest verified backup: 0.0 hours old." in again

        await web_env.login(web_env.demo.admin.id)
        assert (await web_env.client.get("/status")).status == 403
        web_env.client.session.cookie_jar.clear()
        owner = next(u for u in web_env.double.world.users.values() if not u.bot)
        await web_env.login(owner.id)
        assert (await web_env.client.get("/status")).status == 200
    finally:
        await store.close()
