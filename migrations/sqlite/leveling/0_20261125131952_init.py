from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE "level_exclusions" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "guild_id" BIGINT NOT NULL,
    "target_id" BIGINT NOT NULL,
    "kind" VARCHAR(16) NOT NULL,
    CONSTRAINT "uid_level_exclu_guild_i_7ea188" UNIQUE ("guild_id", "target_id")
) /* A channel or role whose messages earn no XP in a guild. */;
CREATE TABLE "level_rewards" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "guild_id" BIGINT NOT NULL,
    "level" INT NOT NULL,
    "role_id" BIGINT NOT NULL,
    "created_at" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "uid_level_rewar_guild_i_cf5acd" UNIQUE ("guild_id", "level"),
    CONSTRAINT "uid_level_rewar_guild_i_8bffb1" UNIQUE ("guild_id", "role_id")
) /* A role given to members who reach a level in a guild. */;
CREATE TABLE "level_settings" (
    "guild_id" BIGINT NOT NULL PRIMARY KEY,
    "xp_min" INT NOT NULL DEFAULT 15,
    "xp_max" INT NOT NULL DEFAULT 25,
    "cooldown_seconds" INT NOT NULL DEFAULT 60,
    "announce_mode" VARCHAR(16) NOT NULL DEFAULT 'same',
    "announce_channel_id" BIGINT,
    "keep_lower_rewards" INT NOT NULL DEFAULT 1,
    "updated_at" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
) /* How one guild earns XP and hears about level-ups (defaults when no row). */;
CREATE TABLE "xp_adjustments" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "guild_id" BIGINT NOT NULL,
    "admin_id" BIGINT NOT NULL,
    "member_id" BIGINT NOT NULL,
    "delta" INT NOT NULL,
    "xp_after" INT NOT NULL,
    "reason" TEXT,
    "created_at" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
) /* An admin's change to a member's XP: the audit trail of the xp command. */;
CREATE INDEX "idx_xp_adjustments_guild" ON "xp_adjustments" ("guild_id", "created_at");"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        """


MODELS_STATE = (
    "eJztmVlv2zgQgP8KoZcmQBokzuFs35ystzGQ2EWi3Q1aFAQtjWWtJVIVqdpB4P9ekrrlI7"
    "aTutrUb+JwhqI+HnPoyfDgO3gudQ5v1EN7YnkRdxk1PqAngxIf5MNCnQNkkCAoaiiRIH0v"
    "N8OQqnOt3+ciJJaQ/QPicZAiG7gVuoGI32q0kDUklIKHWIhC5gEaDxkH5APnxAGOgIQUUY"
    "YePiGXIoKcyPXsQzW4zSw5uprGy8aJqPstAiyYA2IIoRztyxdDd2PXjj8xlF2q8fWrbLrU"
    "hglwpaeawQgPXPDsEsPYUMuxeAy0rEPFX1pRzb2PLeZFPs2Vg0cxZDTTdqlQUgcohESAGl"
    "6EkSJII89LoKdQ40/IVeIpFmxsGJDIU+ugrOMJ5DID427PxPdtE2NjZo1SiwLuRGTJZZbr"
    "K6fK9dc7agrvG8enzdOLk/PTiwO1K6QokzSn8atzMLGhxtM1januJ4LEGppxDrW4JmW0l6"
    "6zkG7R6nnGKdFlkFNBTjnf3NvD/EejcXLSbBydnF+cnTabZxdHGe/ZrmXgLzsfFXupwORZ"
    "jQ9zuhg5/PwQrEW/ZLbDvzH+kfzaWfJXQxLO557qV5DLD/k/IvfJBHtAHTGUzePzJTT/ad"
    "1dXbfu9o7P98tIu0lPQ3dNp+rqHowK94wS9Ik1GpPQxjM9rMEW6c52+Q2/KiFUeiE7+cLp"
    "QdXL3oEaaokbThRW8sGh1l3ZAWtv6bjfgSLBpMP0+xBy5T5RCMQaSl+ph33G/W44yrPOV1"
    "sZkmFZrF6388g7j1yP++mXuIT4ZKy+qTP9t8T8hVs7p5leKGvt5ILRW4K65Y1sSQ8hEWEi"
    "Zun/KXuE68N8/mXLyhLYielh+rDVBemy8d7+S5ZCfprdo95j4jKWUDY7t+17s3X7Sb3O5/"
    "ybp8m1zLbqaWjpY0W6V42PskHQvx3zGqkm+tzrtjVYxoUT6jfmeuZnQ82JRIJhysaY2AXv"
    "lkpTXjULt+5BCNngSwKuTGWlkIsXtZ+Nua7ZGDEKcRikKxNc1SUItdFQtjgifRaJOGB6Hw"
    "Uc7SUbSwVUoMsYIRvvz4ZhrznwnMhs1VirLmFBHWKvrdyliyO0SYB9l64RJeQG2/Nox2fV"
    "NYgl9YgMFBEyWRNhbLA9hI0ZhI0aIbQY82w2pvKelG+KU9MVYc4z3R7W86Mq1lhSD6yEUh"
    "ZRC7DPbFinOjRjuL0ykcFJHImV79xMWp8K0VzSyV+GtZ3bggE22smJF/u9k4YRQIA9Noaw"
    "WO+qLIi8O4DQBRXSuQNUFqQvR/hZJyENRopLkgUoG63EMqi93k0pPbjsVBB3/769bMtjoU"
    "+FVHLFAvJRYG+YrpUtd+nawS9P11I6hXxNz7426dpD0LL/i7jwgQpjbrZW0jhYnqzJyIxk"
    "yqsWyCkitgyJ33H9i9kBVd8mSYX7ncqvJLMhIBLZrkBqS3iIDbRoEiCL+fLr5lXMX23Y5x"
    "O1JyPnXUqzCvUTZQKTQG6b+O99MkpePp/gMj2sB9J4kxNs6CHkVHVjuivF70rxv0kwok/y"
    "+jFhwWoHf2P48ZW5Nv2S2Q7/xvht8ARZ40LP9N8S89csNpGBgHC9clNmsmM679ceEM7m1E"
    "BNGaws+K+XWWxUGKlZgr4sF2k/mKU0JC2C7N22HvZLqchNr/sxVS9kjVc3vcvd/7w3myDW"
    "8n/e9AcVGCyu"
)
