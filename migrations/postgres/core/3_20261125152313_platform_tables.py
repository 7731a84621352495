from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "guild_departures" (
    "guild_id" BIGINT NOT NULL PRIMARY KEY,
    "left_at" TIMESTAMPTZ NOT NULL,
    "purge_after" TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_guild_departures_due" ON "guild_departures" ("purge_after");
COMMENT ON TABLE "guild_departures" IS 'The bot left a guild: its data is purged at ``purge_after`` unless it comes back.';
        CREATE TABLE IF NOT EXISTS "guild_plugins" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "guild_id" BIGINT NOT NULL,
    "plugin" VARCHAR(64) NOT NULL,
    "enabled" BOOL NOT NULL DEFAULT True,
    "updated_by" BIGINT,
    "updated_at" TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "uid_guild_plugi_guild_i_8e438b" UNIQUE ("guild_id", "plugin")
);
COMMENT ON TABLE "guild_plugins" IS 'A guild''s explicit choice to enable or disable one plugin (absent row = enabled).';
        CREATE TABLE IF NOT EXISTS "settings_audit" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "guild_id" BIGINT NOT NULL,
    "actor_id" BIGINT NOT NULL,
    "source" VARCHAR(16) NOT NULL,
    "setting" VARCHAR(100) NOT NULL,
    "before" TEXT,
    "after" TEXT,
    "created_at" TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX IF NOT EXISTS "idx_settings_audit_guild" ON "settings_audit" ("guild_id", "created_at");
COMMENT ON TABLE "settings_audit" IS 'One change of a guild setting: who, from where, what, before and after.';
        CREATE TABLE IF NOT EXISTS "web_sessions" (
    "id" VARCHAR(64) NOT NULL PRIMARY KEY,
    "user_id" BIGINT NOT NULL,
    "username" TEXT NOT NULL,
    "access_token" TEXT NOT NULL,
    "csrf_token" VARCHAR(64) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_web_sessions_expires" ON "web_sessions" ("expires_at");
CREATE INDEX IF NOT EXISTS "idx_web_sessions_user" ON "web_sessions" ("user_id");
COMMENT ON TABLE "web_sessions" IS 'A dashboard login: the session cookie''s hash, the Discord user and their token.';"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "settings_audit";
        DROP TABLE IF EXISTS "web_sessions";
        DROP TABLE IF EXISTS "guild_plugins";
        DROP TABLE IF EXISTS "guild_departures";"""


MODELS_STATE = (
    "eJztXW1T4zYQ/itqvhRm0hvgOLjS6Yfwclfag9xA+jLtdHyKvXF0OJYry02YK/+9kvz+lt"
    "iGEJPzJxJpV1aelb37rFbmS0+nDF6994hlnFF7QszeCfrSs/EMxId8Zx/1sOOEXfIrx2NL"
    "yZpSTNNjubHLGda56JtgywXRZICrM+JwQm2p8RHYd0oLucA5sU33BFEbEKNz5ABDfh+fAh"
    "pTjoiLiP1KjmxQXQwt5B8ziGeTfzzQODVBdDIx1F9/i2ZiG7AAN/zq3GkTApaRQsX/pcSQ"
    "w6hejd87queUmJc2f6c05ETHAg/Lm9lZLeeeT6kdqRGby1YTbGCYg5GAzPYsK0A4bPJnLh"
    "o48yCashE3GDDBniWBl9r+POK2nqZdD0fa7cVI03o5o4QaCYiDJmFZaVAxV1ehYcopfPf9"
    "wcHr18cHe6+P3r45PD5+83bvrZBV8813HT/4k4lB84dS0F2+v7weyQlRsWr8JSUbHpQO5t"
    "jXUpaJTeEwmJBF3hAjWJSYIdbIGEH8uCZGCBtiK8SrPYL8m17OCt88AvslMI4u/lAgzlz3"
    "H0s2XP82uDn7aXCzczX4Y1f13Ac9H4bX70PxGPPrsw/DU4V6jPIcLJ3OQNOn2LbBqr30i/"
    "Ub3QTBEq8F/5bcBbE9LGo2tkVet7NDUzvMPA4aoxbUtkJWs7NBUxtgj9NmNshqdjZoaoOF"
    "o4EtASmyABUIY7vYBGnFjAHGQnNdHjmMlJImiKKnp/bJp8Phh5RPPr3MOt1fr04vbnb2lY"
    "MWQoSXIK0zkEhomOeRPhc9nMygGOq0ZgZqI1B9FX5YF+6FS/+aznd2H7PoxU8zhrZ1Hxhx"
    "WXh0eXVxOxpcfUzZ43wwupA9B6n4KGzdOdpNWysaBP1+OfoJya/oz+H1hQKWutxk6oqx3O"
    "jPnpyTeuDYdK5hIxGth60hXil7e47R0N5pzc7em7d3iE7C4Gr2kmdO7hL0RjaMsX43x8zQ"
    "cj30gJbJ5rtmB7NsC7axqawlwX3oJ0n+OTiYcY9BrzgJEPf3V+UBjFDUrZYLGAUE3YIJR9"
    "hn7SeIcBdJ7id5u+MxMW+EOfr0SX3W8IQD+/QJebYFriD2HEmW4SKJRz5RsJYrrM4ifOnF"
    "+PcSo/akHCwEHXVdgUFknxB1Yiy0LJSa4flYB7dxTw0hkFVfHrqERVtCo/KEhVx9DZ7mCb"
    "VWPcqfxjQv9wGe99jJW7ymkTOqnaFbZ+j2uOormI2Vvyny00HnSic9U3IVPfTQBuS5wL4V"
    "jpJRM/BbCNuGcIcWtnVAxHaJASr9ri6Qd8JNBynws3/15ECBf4p81d/L3G8sVdX3Bgj535"
    "a4XvkESFwonFnt60jF6pdJeuiF0/BXaUKz0RV1KkzV9KK+coNYpiiKKQ1hqgYvQRzS9tjl"
    "YP/w+PDt66PDKGSJWpZFKqujkrYEiF9p9qzGivaFnw/tvSzUe5texclY+l+wamAXyT8ffP"
    "tZ+PbbA1/0CK4IXyTfrT7Z8lnA0Sgzl1JsVZD/lSbmKiVi41izuoNMKHX+sZZ/zBGttCXy"
    "ZngnGA4x7V/gXpniUsxbsokC6BVN+jUY5IUZ4CFcYWFrvHoZnkfRcnLhiV9ugAX+htLZ4P"
    "ZscH7hh9cb4a0fLc8k9u2ccH3aK2avKZH+Kg7rKOmKHHbgU0rBPgVlsYguE7pTSgTr5BT5"
    "O5GIMmQQ1/8oOKg/PtoRg4PNVVnZj4GosZsnuGu5QiH7TUXfaogc+e1IVEeitthJpNKu/h"
    "2Qg/5sillJtjXSeL5CwHXCPsMLzQLb5PK5enS4BNGwIvDoMBNPhbWCB6orDXCzAo+uuuOk"
    "RnVHuGc/vq8ZZ6b0ujqmpg+Rrtpie0hdq6stPghIgb0DyVByQXCyc0n4aykxbRLJVaqxmB"
    "JzCq6sgpDaCByqTxGfYo6m2EVzRjgH+wdErajXRZgBYvAZdLFa0Y68oFgvBbHvGsZ/xCkN"
    "9bdGPBDKP000sNlIdy2xQHnkq+xYz2VFKi86mfjM/mmqbps80OWnXWKNRsu6ZVHBc5976e"
    "KBLh54lnjgSqIruJJw5TeenQ8JMv1LooJZLKkxr2peTJZlCGlEJyojlRgEfaZjtEOZKnn0"
    "nN0+mogvTDy+GXf7aAZiseiuKuDAFoi24pqPpxy8Zs2luIbiXRyz4I6sULKQhVELRumqFV"
    "qQaAtsUTWwC8S3MMuzv7dXIbQTUqWxnepLO73EjVLT6aU1W+X0uvLF7IbmhNjEnTayc0b1"
    "CQz9guLMl2ZnelczZesrPGO2NmpJWrI4UGlZvpbReUEBzTLaG2p0rLdXmfUawDEpqPMqZ7"
    "2xRsd6q7HeVrCg2+AFLgPPILyXI0Hp7n45BwpfBKPhSLISA5KvRTBB8pTgeFj4SpkTNJ9S"
    "QU4YnYlPwIT+fIp5H41BEBbwCYo8tlFMfp5o3Jq8J1WqHR/+rUB+0vitrH2vRX6WPRy3jP"
    "9s+KRZV46wQZ8lnjW0fr1gUqsDvzH4LvWYXmvvJ9bYxizBUZUkQZajJHIER7kUge8gaiEc"
    "q2wjxOtIxPhBQJ24N9bo4t76uz0lZ3bL4S47qduhXQHt7k0227O3VnaAohWsUpX658hkeA"
    "CgjEPKCvrKReXnxBUDGOpkc/SqUVnv4gLYiMjzzfcB89uR3aZFx9hCDEwiBr8vLCN/kjEf"
    "UT7TjgMvHY9TmBbXMpV7pqTOVoRbz+2d/LtJq3U0N6XzohO8T3ZGMoCk7kHdrFp3XreLmL"
    "6OiCl1vB27XJPevq65U4qdtdtr7RrxceKlw/57VKbEKdp7DJTf/XIDFlbw5tdA0YuCXmY8"
    "kDsI+7A+HvE7jG/9TZNejk0k+pZwijmMxW0Z7LtUpBYGdqdjKqaOLGoS+0RRgWAQpFN6R+"
    "BbV/KCaV91pWiD3D8SjUQQCHoHBf88YQ3j19ylgoVD5JsNq+1MJRHUAtUlO1PN38qUutCK"
    "lzLV2v8qz5AW0qbu9MHq0wftYKqbzkdv5sBcx003kKfWdfFk0tQjt1a6OqPXgd8kbe2ySR"
    "n05c/2tNZWAL/u8+Yd291+/pN6v0AcCNa0d1qzVfbuypFbsw00AEaKXjkUtPfLaRuOJVYR"
    "tnKTPmInpjtDtIYzRP8CC+l6VSeeUNlCD37w5k0FFy6kSn246suEqk7BBko5woH4FqK7lg"
    "IhcUUOdoG//Pl2eF0SG8UqWUdJdI7+QxZxXyL9XQKuBGM5DchG/Bm3JwfYeI38w//bx18V"
)
