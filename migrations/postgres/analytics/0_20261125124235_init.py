from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE "command_stats" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "command_name" TEXT NOT NULL,
    "guild_id" BIGINT,
    "user_id" BIGINT NOT NULL,
    "executed_at" TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX "idx_command_stats_time" ON "command_stats" ("executed_at");
COMMENT ON TABLE "command_stats" IS 'One command execution, for usage analytics.';"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        """


MODELS_STATE = (
    "eJzNll1v2jAUhv9KlCuQuqoLtLDdAWUtUhuqEm1Vp8kysUktEjuNHbWo4r/v2IlJApRpnd"
    "T1LjnnvP543uM4Ly7mOF4pFsrjkUgSzMlMYeV+dV5cjhMKD69UHEEiTRt5HVN4HhtVWNQi"
    "CcUmg+dSZTjUYy9wLCmECJVhxlLFBNeSKadOKXPoMw1znThyFiJzcokj6lQr0QMSEcKIjE"
    "dv0OacPeYUKRFR9UAzGOHnLwgzTkAs9euLu2A0JubZLUakBMHGdR19TjMqJUwhrdTSYuQZ"
    "NfaOFIOMRrNKTYVrBgAW5mWtxekSmdka3BnRlSaOrHbC1TdTqPc/h4niPOFVcbpSD4Jvqh"
    "k3PkWU0wzD8iGmslyT53kcl05ZMwokVUnBoqYhdIHzWPun1cUCqpiLkD8N0GwcIOTueGsV"
    "NcvKUAgMgQUsVZrdR3oJn7zP3V633znr9qHELHMT6a2LqSswhdDg8QN3bfJYYVQZWEG11p"
    "j3HbwB+LKf77ZuizRsYZu05XoItQ1UrKuj8Q6wD5AMxneBHjmR8jHWAf/74HZ0ObhtXQ/u"
    "2iazKjNXU//Clgs44cX590dX06Exo4If5Qwm2tfXQxa92tp11Z8bfA/2sn8/CvWyxb94Xq"
    "fT8046Z/3Tbq932j/Z9Ppu6lDTDycXuu8b9O1BqNjnkmZ/jb4mehP5j9bw/wd9/fbYwX8O"
    "9PQNsd+ALemWCaTUHtuHd7XEF0+t9r+YkVFMpjxelUf00Ndocj2eBYPrm8Yn6XwQjHXGa3"
    "yObLR11m4asxnE+TEJLh396txP/bEBK6SKMjNjVRfcu3pNOFcCcfGEMKndhjZqeZl7fLGs"
    "XTo6MMfh8glnBO1khCdeq91NJV6yHYH/mci4peGu178BASob8A=="
)
