from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "moderation_settings" (
    "guild_id" BIGINT NOT NULL PRIMARY KEY,
    "warning_expiry_days" INT NOT NULL,
    "escalate_mute_at" INT NOT NULL,
    "escalate_mute_minutes" INT NOT NULL,
    "escalate_kick_at" INT NOT NULL,
    "escalate_ban_at" INT NOT NULL,
    "updated_by" BIGINT,
    "updated_at" TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP
);
COMMENT ON TABLE "moderation_settings" IS 'A guild''s own warning expiry and escalation thresholds (see ``rules.py``).';"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "moderation_settings";"""


MODELS_STATE = (
    "eJztXF1z2jgU/Ssav2wyQzMpSZts30ibbTPTQKdlt512OkJgQTSxJWrJTZlO/vteyTb+wI"
    "DNssQkekhipHtk+1x93HMl8tvxhUsDopjgR9fC7Yz0lfMK/XY48SlclBu0kEOm03y1LlRk"
    "6CUoTIytNMZDqQL4DFVj4kkKRS6Vo4BN4/s5PU4R5SqYITFG6oYiaJ9y95ng3gylN0EkdJ"
    "lCnpgc6XZdMYKGGZ9s3kTI2Y+QYiUmFDABNPTtmzMJmedi5mqDEZEU89AfQuX371DAuEt/"
    "UaktfztjRj3XXOdBASWKAgfK0RD6axpQKQ0dYKqLEn6Z+wtn2MKmFcPlbGoMHIMH+syHe4"
    "2d3mJz35yjohubcpxgr7j6yxhqroZ4JLzQ56nxdKZuBJ9bM6506YRyTRXVzasg1M7ioefF"
    "rk38F/GWmkSsZDAuHZPQ0y7X6OgB0jIH426vjz9d9jF2FrpDgsi4Ny4aAUfABTyqNG8/0Y"
    "/wrP389Oz0/OTl6TmYmMecl5zdR7dOiYmAhp5u37k39UQRnLoyJTXr0zy1F2yylN0saj3H"
    "CaOrSE4KUpbTcbQ7mv9st09OztrHJy/PX5yenb04P57zvVi1iviLq7eaezAQMC1EU0bijI"
    "WpRwS1HVBEWids7ARFApgZa3sgB7P0b0x/tCxE1C04oA/rQjn9BVjBAfBae+iAFVz2L78Y"
    "Jn0pf3i6oPtP5+Prd52PB9edL4emZhbXvO913ybmKfHd1+97FwXqYQmXUVhTlfUUsRHh8c"
    "L5VPl2wzSQrBjGZCEbTTINo3w74UxKaSYMXSD1DdQo5tNyZvPIArduDD1KLnY6m3TF3cHh"
    "fyEZXs3tgSiI/b+qn19dX37qd64/5Dr7m07/Ute0cx09KT14eZjv6/NG0Oer/jukP6Kvve"
    "6lIVZINQnMHVO7/ldHPxMJlcBc3GHiZsLqpDThK+/vjFapPooKKDuQooGkldb4NiMLdMGQ"
    "jG7vSODihRrRFstsF6v8tl8sIZxMDFH6jfTDlSnvjg+KFn6Us06jp5at6mIdkwRVUbZ3kA"
    "d9IkBcKIq0tka6M70yvyUiAYhw3SJ10XAW63FwWwtx+hNQAb0LmFKUL4r5bTZcIvEr6/is"
    "+G9VE/JzCrFGWylvpXwDZ8Ydy5iHW5gayv/WQjybJGlA9965VGwa7bvWilbYPH5h06z4O7"
    "58q+OBT1QpcIR0lgfhpeZVIvG4GMssqEIcbgKVPyQSdxzBS3PAIohWWQDhMXcRmBMv2v9S"
    "N+CXGwHvjg4kpWgwCEKPyqPpbDA4LIvEt9n0+lh8aVTclACuCVHyTta35bF03Atw1AuwS2"
    "ayRli3BP2Y4o+thXfx4KLYD+FX2XK3lOYyqOV4Lcc+4/CnTn9eirdsr2L7lo1uN+zRGajl"
    "eBXHQ8I3pDhFWoZLGA6nrpERw1m9cCSPe0Sp9h0r7oTH+gIwj7QCsPXgAjBhJ6MAzdM3SA"
    "D2qT/9AA6WN6s2XwpWrXVyT4E9ns4BlbWejjOQCBDM0SC5iEJMIqmY56Eg5EaeaV3mh1Kh"
    "IUUeG0PfRWA2GJiQm0ro/INBmdTbYsulBytDSZN0Y06YzTmIRuLKc5bpnapsyRQ5xjHc7s"
    "s0ZF+GKO0iVSfgzkJ2F50cFwk+fmhSUxI5dF8c07LBmlgC38LC2LBAZX9Xw5KDHh4BH7iY"
    "TsXopl4EugC1QejGu5oxlSGHJbL2RkQRbEdck0ecR6TCNAhEyQb28m2+PMqeCq2/0zcmzN"
    "tI5+WAdmw1eWxlVEGNTEoKekwZqh0vYU3ZVHuS5Bdlb42FpQRqD5JssLxkkgk115c8slF5"
    "RLvCLOgle16oZNLbz3TxHpwX+hydcHCW5ImT6ta6BHF8UqJyYthlcsSmHuMkmKGAjkTg6i"
    "/DC06RPoiDfjIRndQpy/3WA9c8VL8k8au/dvCTVsnjJlRg09K6b8nrsV+eMt7spjZpbJPG"
    "Nmlsk8ZNXRNt0nhvRJ9NGj+dEWeTxjZpvC9+2LexZZPGNmn8FMm3X/hsgBPs/wba7YJu87"
    "ePP3/b0G2ZPRp5DXJypRAuTsQuLmJCeJTwJXm8Oajg3CGg/q/xm+ROsw6d51O37ceLXu99"
    "zoUXV8Up8u/ri8uPB8+N78CIqcw69aD7IPf/ApprE8g="
)
