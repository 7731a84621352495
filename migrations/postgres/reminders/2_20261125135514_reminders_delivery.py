from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "user_timezones" (
    "user_id" BIGINT NOT NULL PRIMARY KEY,
    "timezone" VARCHAR(64) NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE "user_timezones" IS 'The IANA time zone a user''s absolute reminder times are read in.';
        ALTER TABLE "reminders" ADD "jump_url" VARCHAR(200);
        ALTER TABLE "reminders" ADD "repeat_seconds" INT;
        ALTER TABLE "reminders" ADD "guild_id" BIGINT;
        CREATE INDEX IF NOT EXISTS "idx_reminders_user" ON "reminders" ("user_id", "completed");"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP INDEX IF EXISTS "idx_reminders_user";
        ALTER TABLE "reminders" DROP COLUMN "jump_url";
        ALTER TABLE "reminders" DROP COLUMN "repeat_seconds";
        ALTER TABLE "reminders" DROP COLUMN "guild_id";
        DROP TABLE IF EXISTS "user_timezones";"""


MODELS_STATE = (
    "eJztWV1z4jYU/Ssav5TMpClLWEi3T5DSXWYS6CTedme7HaFYCriRJa8ll9BM/nuvhI2/gA"
    "SSzZJMXhh8dY8kn3Ovrz5unIgFvqAsUgdnyT/nHbpxBAkY/FnWvI8cEoaFRmPT5IKzipVc"
    "KB0RT0PDJeGKgYky5UV+qH0pjHsHBUwpMmaIoFixCBF1xSjSEkXMY/6/YNdoNJr3iokejV"
    "CNIOVNGI05uGs/gN9ITvcOzIBUejCiL8aP3PcX8UWcMwDDk0ITAlghATuOfU6xT0ejn0aj"
    "f+IgxHHER6NfEGUcBohmyJMhU2jq64mMNdITFtiJxsL/GjOs5ZiBzbD+199gNtRdM2Ueb5"
    "xLn3Fq/zuLORqsJ4OQM82oYyDsOozgNYFPlfaSyufTa7zQA5vXsVLNQtvqWDDoYx9u91Fh"
    "REMYvNgDxjM9rBnPAMMrbIcsBN18UGvHKbYv9G/W0Wh8gT3J40BkzuEM6BULb19YnsZMsI"
    "iYeb9DOopN9ImY8yRS04CcK5G5zCXIYSi7JDE3MWzQ8wlkNgfjwdDF5z0XY6cS3ykiF5aJ"
    "yQP+gAuYqrJvPzZT+LHxptluHh22mkfgYqe5sLRv50NnxMyBlp6B69zadqIJzlTMSCVasy"
    "DUagNq85C7CU7pXMdwasgozr4KKZ/1MsH1701qRqKA8MUJLUkuFrn8Fcgwabac0CXwEq80"
    "wR+kf+7BchKlG5H8DQN5DaFu/7R37nZOfzfdB0p95ZazjtszLQ1rnZWstdaesUuoIvP6su"
    "gE/dl3PyDziD4PBz3LplR6HNkRMz/3s/m2OSTWEgs5xYTmOUnNqamgt8cJaEAxC6U3qard"
    "9ccrk6cC3SqDdkzbJJ9+bjQOD9uN+mHr6G2z3X57VF8kVrVpXYZ1++9NkhX0rWZdSmUstM"
    "83zbkK+DXjdjnjOFEasyiSUVVoFz6fy0UuokoKA1UvS9PeJ7cg5+CPztnxh85Z7bTzaa8g"
    "6clw8D51z/QcHJ8Mu6UcuyQ+Z3SLmlYAvubWLudWbkV//zqWAz3dGvDllbAJEYLxjdkv4l"
    "4F2FqA5CBgk6KSg2xVUXaN+KcuKYUji01KSgH4CCXlOQnx3GqKFzFD/BYqF5E7JfNATmt7"
    "D/nEwavRoeCzZD3zTARPll7r9V4cBVbrmJScEbFC7TyuJPYFAL+VvgtLXuDlR9GPkb/d4f"
    "CkoGS3X/5Sfjzt9s5qb6yE4OTrFRUrPVnebMGQR72eOGy7WkgP8qvcH09ItJz5POYl7ECd"
    "gFxjzsRYT+CxUa+vYTVdLYBX6dOULiQa87byCiGEGoAVg6HpJifTVeALivUHnVabS5XLq9"
    "wNgDFcEO9qSiKKKy2yIVf5VpuCRlC2EAErZJq8kZlcdmH4ETaOLlTu/6RgzvI7xYLL/h33"
    "inYjqhPve14uuhOG+p1Bx97kIQNMbgJ/UAjQEE+aoXQ46wT2yJgIRb6o3ig+Rod33/ytvB"
    "nbjR38LtyTPUlBWH2bpnNRe98Ckce8iA1lsUK0mvcoEK3myvpgmorlIQ7plnuLInKn9haP"
    "RP3z3GEs2VLa2X/XqnX7P6xgJQk="
)
