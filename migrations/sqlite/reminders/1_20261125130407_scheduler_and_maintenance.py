from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE "reminders" ADD "last_error" TEXT;
        ALTER TABLE "reminders" ADD "attempts" INT NOT NULL DEFAULT 0;
        ALTER TABLE "reminders" ADD "failed_at" TIMESTAMP;
        ALTER TABLE "reminders" ADD "claimed_epoch" BIGINT;
        ALTER TABLE "reminders" ADD "claimed_until" TIMESTAMP;
        ALTER TABLE "reminders" ADD "next_attempt_at" TIMESTAMP;"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE "reminders" DROP COLUMN "last_error";
        ALTER TABLE "reminders" DROP COLUMN "attempts";
        ALTER TABLE "reminders" DROP COLUMN "failed_at";
        ALTER TABLE "reminders" DROP COLUMN "claimed_epoch";
        ALTER TABLE "reminders" DROP COLUMN "claimed_until";
        ALTER TABLE "reminders" DROP COLUMN "next_attempt_at";"""


MODELS_STATE = (
    "eJztWF1v2jAU/StRnqi0VRRoYX2DjrVIBSaabVWnyZjYQIRjp7Eziir++2yT71A26Mdo1b"
    "fk+B7n+pxc38T3po9dhyLs88NBeGWeGvcmhS6WF+uGPxgm9LzMoMIEHBFcQOGICx/aQg6M"
    "IeFYQghz23c84TCqwpuGizmHE2xAI+DYNyCfYWQIZvjYxs5viQtjOFzNCqAYDg/VxIjZcm"
    "aHTh4xR0Cd2wADwSZYTPXCf/6SsMr+DnN1e2+OHUyQvjZjuuLazPUIFhiZioLvPF9mIJfE"
    "o1kiBR10B2JJgHAkqtRaeHrU1GQpkb5ZKqI3A/qhGR8cpCI1DiJuh4ovOlDJMQI2I4FLk2"
    "BvIaaMxtEO1XlPMMU+VHmfGsIPlCE0ICQ0L/JopUwSspIkxUF4DAOibFXsVQIJZgLQ61vg"
    "qm0BYBYsjxgpB0PIlvpJLWSqXK9+olL4WDmq1WuN6kmtIUN0mjFSX64enQizImp5epa51O"
    "NQQJD4mIgKhcCuJ/gW0qYpfxc4knOTwhGQSJwUSqRnOS9w+X+LmohI5esLQlnC2shq+VmK"
    "oV779YKuoed0RSH/MLr4B5XDt3QrkZ/xRd4gqNXptq+sZvermt7l/JZozZpWW41UNLrIoa"
    "WTA4UzubGuttx4EuNHx7ow1K1x0++1tZqMi4mvn5jEWTemygkGggHK5gCitCYRHEEZv20C"
    "pQcIYI/Z06LbLWfyYPEUqDtV0J55G9bTp0qlWq1XytWTxnGtXj9ulOPCKg5tqrBW51wVWc"
    "bfYtVFUgZUOGTbmiuQ3ytunyuOQC4A9n3mF4225Pa53uQsK+ewlOptedq+tjJ29r43B2cX"
    "zUGp27w+yFh62e+dR+GJn72zy34rV2Nj6BCMduhpGeJ7be1zbam/BbDu43pTH0uRXu4b8O"
    "21sCmkFJOt1c/y3g3Y2YDwn3mbppKi7NRR9k34l24pmSOEbVpKhvgELeU1GfHaeortYyX8"
    "Di5nmXtlc4/NSweP2eLk0lCfkkX4PfNKDA8/vTb7HR8FFvsYYwRD+oDbaV7O7JEkPpe/MZ"
    "I2eP3p7FPUb6vfv8w42erkd8pv3VZ7UDrSFsogR6Q6ljoSHc9S53cKGEF7Noc+AoURVmEP"
    "xRaH3IqbRyCV/Q2F61wu/wBhm1XI"
)
