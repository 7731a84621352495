from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE "mod_actions" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "guild_id" BIGINT NOT NULL,
    "moderator_id" BIGINT NOT NULL,
    "target_id" BIGINT NOT NULL,
    "action_type" TEXT NOT NULL,
    "reason" TEXT,
    "duration" INT,
    "created_at" TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX "idx_mod_actions_guild" ON "mod_actions" ("guild_id", "created_at");
COMMENT ON TABLE "mod_actions" IS 'One entry of the append-only moderation audit log.';
CREATE TABLE "temp_punishments" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "user_id" BIGINT NOT NULL,
    "guild_id" BIGINT NOT NULL,
    "punishment_type" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "uid_temp_punish_user_id_eb3436" UNIQUE ("user_id", "guild_id", "punishment_type")
);
CREATE INDEX "idx_temp_punishments_expires" ON "temp_punishments" ("expires_at");
COMMENT ON TABLE "temp_punishments" IS 'A mute or ban that is still running and must be lifted at ``expires_at``.';
CREATE TABLE "warnings" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "user_id" BIGINT NOT NULL,
    "guild_id" BIGINT NOT NULL,
    "moderator_id" BIGINT NOT NULL,
    "reason" TEXT,
    "created_at" TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ,
    "active" BOOL NOT NULL DEFAULT True
);
CREATE INDEX "idx_warnings_user_guild" ON "warnings" ("user_id", "guild_id", "active");
COMMENT ON TABLE "warnings" IS 'A disciplinary record of one rule violation.';"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        """


MODELS_STATE = (
    "eJztWe9v0zoU/VesfNokmKAb6x7fWuiDSmuLRh4gEPLc2O2sJXZwnG3VtP+daydpfrVd2z"
    "e2AvmWXN9rO+c49jnJrRNIyhTRXIqDgaQdz1w5r9GtI0jA4GJxwjPkkDAsN5ugJmM/q8LE"
    "5kY2eRxpBffQNCF+xCBEWeQpHqbjOSPBEBNazZCcIH3BEPTPBH0uhT9D+SCIxJRr5Mvpge"
    "mXSg865mK6fRex4D9ihrWcMqhR0NG37xDmgrIbFpnbW2fCmU/ttTONuU8xp6bUU4xoBg+q"
    "HVPCbkLFosg+c9pLBiKnN7gACba9WMBmoU1wbD1gZG/uTG14ie24JTaSgW0cZ7V9of+1iQ"
    "aQMfakHwciTw5n+kKKeTYX2kSnTBg8mOleq9gwImLfT/nLSErAyVMSVAo1lE1I7BteTXUy"
    "gTzmYDwcufhjz8XYqXGeVRQ4TEMeYARYwFQj+/RTM4XnrZdH7aOTw+OjE0ix05xH2nfJ0D"
    "kwSaGFZ+g6d7adaIJzKnNQi5yWoe3y6VJ0i1X3Y5whugrkLJCjnL8sjwfzP63W4WG79eLw"
    "+OTVUbv96uTFHO960yrgu/13BntIkPDuJ/tCRkZtf5FqYwKqlQ0JW5OgiYLtb2MGSmUN/F"
    "vDnxwLCXQ1Alw4FxbDXymrEACP9RsSsAJLt/fFIhlE0Q/fBIafOmdv3nfO9gadL/u2ZZa2"
    "nI6G77L0HPjhm9NRtwI9HOFRol3WRT2v2Arw9OD8W/Gmca4W15QxxZKtNpkdg/xh5EwOaU"
    "GG1kB9Cy2aB2wxsuXKCrY0LT3ILh51NxnK6739/wMyPBodgfJP+V+1zvuD3ke3M/hQWuxv"
    "O27PtLRKCz2L7h3vl9f6vBP0ue++R+YWfR0NexZYGempsiPmee5Xx8yJxFpiIa8xoQVZnU"
    "UzvKwhmFwW1KsJjIl3eU0UxbUW2ZLLcutNQSuoRoggU8uWAddMs+ACXRaEH4Dg6CIAt+Us"
    "8YqVrGf3GUYN+TicF6zpGjsoiDVDUqExEeD5iEY8QpHmvo9ULASsEEQEhaxIozFDPp/A2k"
    "WQdn4Odo0DKbD4z8/rZvJBe17gMb85ccQy5VqyEnMMkjfx+yo3mo+0jgOtYozT8saI7ogR"
    "LSyJ9UV4oaiR4FtL8OYbwBOCX93zNlDjC0obH7SFLi+cJBuKyHLlTonIX0/FDknHDJOadm"
    "y8QuMVnsgrfCZKJMgvNAlZ873u4DpJXNsVUB55PPS5IGqGFPOkouankBQMxLvP0BWXfjKF"
    "BcJ/s+IN/x8tUf3mU94VW0fEZ1Bg21PzI2kLddPo9z9PQjb6vfmH93eT0PzJeFzH1EjpP1"
    "9K76hD/o3evB0ieS2DnArx+iEmpc+IWP4j/mrRt6cxVP2q9zcTzkVC52L6oXnsjkanJQq7"
    "/eoW+d+g2zvbe2m5gySuC+fUk1rSu597cfqt"
)
