from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE "custom_commands" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "guild_id" BIGINT NOT NULL,
    "command_name" TEXT NOT NULL,
    "response" TEXT NOT NULL,
    "creator_id" BIGINT NOT NULL,
    "uses" INT NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "uid_custom_comm_guild_i_640c08" UNIQUE ("guild_id", "command_name")
);
COMMENT ON TABLE "custom_commands" IS 'A text command a guild''s staff created.';"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        """


MODELS_STATE = (
    "eJztll1v2jAUhv9KlJuBtCEWKLDeBcpapBKmNlqrVpVlYieNSOw0dkRRxX+f7STkazDRSU"
    "yTepec877O8XNsx2+6kzBOQydErDNRjxMahpAg/Vx70wkMsXjYL/qs6TCKqhIZ5HAZlJzA"
    "SfUqB5eMx9DhIu3CgGERQpg5sR9xnxJpMjWOX7mWmTSoeYkfoE9MYxy6rubEGHKMOnIwRB"
    "0xmk+8I30J8V8SDDj1MH/GsXA/PupKDnw1rWwQoBA8PYmITxB+xUxK5Wu0Aq6Pgyqo1Kvi"
    "gG8iFZsR/l0JZblLgSJIQlKIow1/pmSn9gmXUQ8THMtqRYzHiYREkiDIsObc0lkUkrTEkg"
    "dhFyaBRC3daQFFTAfAWtjgdmoDoDfakDtKhLOQQ4lsoSiVqdl7soQvxtf+sD/qDfojIVFl"
    "7iLDbfrpAkxqVHgsW9+qPOQwVSjGBdRyW6pox763l27Z9WfGOdFDkPNAQblYv6fD/M0wer"
    "2h0e0NRmf94fBs1N3xbqYOgR/PLiV7IaBiO6bbNW9GaeuX90GjAbbYb7/HX/fVWiAm9h+2"
    "4ABNe3qvWIaMvQQyYP00byZX5k1rbt63VWaTZa4X1mUuL9Bbk+vFuAY/xiwSFRwFvuz5gP"
    "4O6Oo3QeOjD5yq7+PIefeRkzDMjviN5vLTEe/WcXf/9c+ztnoxApA3EV6IDPdDfGD97pw1"
    "miizdvKHk65mi65b7b9Zx2JqaEGCTXYzOnSkzObTW9uc/6icKxemPZUZo3Km5NHWoF1d07"
    "tBtLuZfaXJV+1hYU0VWMq4F6svFjr7QZc1wYRTQOgaQFS6xOXRnNdWXj/dVemuJANL6KzW"
    "MEagkaEG3adtpkIjrEcggZ7qloS73f4Cd4ndqA=="
)
