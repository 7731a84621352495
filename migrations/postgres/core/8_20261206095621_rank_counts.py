"""Partly hand-written: ``guild_xp_buckets`` (aerich), then the triggers on ``guild_members``
that keep its counts (aerich cannot express triggers) and the counts of the rows already
there. The bucket expression is ``core.services.xp_ranks.bucket_sql`` written out; a test
checks the two agree. The leaderboard index becomes ``(guild_id, xp DESC, user_id)``, the
board's own order, so a page skip, a tie count and a keyset page read the index alone
(aerich writes index columns ascending; the model lists the same three columns).
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


TRIGGERS = """
        CREATE OR REPLACE FUNCTION guildhall_xp_bucket(x integer) RETURNS integer
            LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT (CASE WHEN x < 256 THEN 0 + (x >> 0) WHEN x < 512 THEN 128 + (x >> 1) WHEN x < 1024 THEN 256 + (x >> 2) WHEN x < 2048 THEN 384 + (x >> 3) WHEN x < 4096 THEN 512 + (x >> 4) WHEN x < 8192 THEN 640 + (x >> 5) WHEN x < 16384 THEN 768 + (x >> 6) WHEN x < 32768 THEN 896 + (x >> 7) WHEN x < 65536 THEN 1024 + (x >> 8) WHEN x < 131072 THEN 1152 + (x >> 9) WHEN x < 262144 THEN 1280 + (x >> 10) WHEN x < 524288 THEN 1408 + (x >> 11) WHEN x < 1048576 THEN 1536 + (x >> 12) WHEN x < 2097152 THEN 1664 + (x >> 13) WHEN x < 4194304 THEN 1792 + (x >> 14) WHEN x < 8388608 THEN 1920 + (x >> 15) WHEN x < 16777216 THEN 2048 + (x >> 16) WHEN x < 33554432 THEN 2176 + (x >> 17) WHEN x < 67108864 THEN 2304 + (x >> 18) WHEN x < 134217728 THEN 2432 + (x >> 19) WHEN x < 268435456 THEN 2560 + (x >> 20) WHEN x < 536870912 THEN 2688 + (x >> 21) WHEN x < 1073741824 THEN 2816 + (x >> 22) ELSE 2944 + (x >> 23) END) $$;
        -- inserts and deletes: once per statement, from its transition table, one upsert per
        -- range (a purge or a bulk load would otherwise update the same few rows once per
        -- member, each update lengthening the row's version chain inside the transaction)
        CREATE OR REPLACE FUNCTION guildhall_xp_buckets_count() RETURNS trigger AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                INSERT INTO "guild_xp_buckets" ("guild_id", "tier", "bucket", "members")
                SELECT "guild_id", "tier", "bucket", SUM("n") FROM (SELECT r."guild_id", t."tier", t."bucket", 1 AS "n" FROM new_rows r CROSS JOIN LATERAL (VALUES (0, guildhall_xp_bucket(r."xp")), (1, guildhall_xp_bucket(r."xp") >> 6)) AS t("tier", "bucket")) d
                GROUP BY "guild_id", "tier", "bucket"
                ORDER BY "guild_id", "tier", "bucket"
                ON CONFLICT ("guild_id", "tier", "bucket")
                DO UPDATE SET "members" = "guild_xp_buckets"."members" + EXCLUDED."members";
            ELSE
                INSERT INTO "guild_xp_buckets" ("guild_id", "tier", "bucket", "members")
                SELECT "guild_id", "tier", "bucket", SUM("n") FROM (SELECT r."guild_id", t."tier", t."bucket", -1 AS "n" FROM old_rows r CROSS JOIN LATERAL (VALUES (0, guildhall_xp_bucket(r."xp")), (1, guildhall_xp_bucket(r."xp") >> 6)) AS t("tier", "bucket")) d
                GROUP BY "guild_id", "tier", "bucket"
                ORDER BY "guild_id", "tier", "bucket"
                ON CONFLICT ("guild_id", "tier", "bucket")
                DO UPDATE SET "members" = "guild_xp_buckets"."members" + EXCLUDED."members";
            END IF;
            RETURN NULL;
        END;
        $$ LANGUAGE plpgsql;
        -- an XP change: per row, only when the member changes range (the WHEN clause), so an
        -- UPDATE of coins or level costs nothing here
        CREATE OR REPLACE FUNCTION guildhall_xp_buckets_move() RETURNS trigger AS $$
        DECLARE
            old_fine integer := guildhall_xp_bucket(OLD."xp");
            new_fine integer := guildhall_xp_bucket(NEW."xp");
        BEGIN
            IF old_fine <> new_fine OR OLD."guild_id" <> NEW."guild_id" THEN
                INSERT INTO "guild_xp_buckets" ("guild_id", "tier", "bucket", "members")
                VALUES (OLD."guild_id", 0, old_fine, -1) ON CONFLICT ("guild_id", "tier", "bucket")
                DO UPDATE SET "members" = "guild_xp_buckets"."members" + -1;
                INSERT INTO "guild_xp_buckets" ("guild_id", "tier", "bucket", "members")
                VALUES (NEW."guild_id", 0, new_fine, 1) ON CONFLICT ("guild_id", "tier", "bucket")
                DO UPDATE SET "members" = "guild_xp_buckets"."members" + 1;
            END IF;
            IF old_fine >> 6 <> new_fine >> 6 OR OLD."guild_id" <> NEW."guild_id" THEN
                INSERT INTO "guild_xp_buckets" ("guild_id", "tier", "bucket", "members")
                VALUES (OLD."guild_id", 1, old_fine >> 6, -1) ON CONFLICT ("guild_id", "tier", "bucket")
                DO UPDATE SET "members" = "guild_xp_buckets"."members" + -1;
                INSERT INTO "guild_xp_buckets" ("guild_id", "tier", "bucket", "members")
                VALUES (NEW."guild_id", 1, new_fine >> 6, 1) ON CONFLICT ("guild_id", "tier", "bucket")
                DO UPDATE SET "members" = "guild_xp_buckets"."members" + 1;
            END IF;
            RETURN NULL;
        END;
        $$ LANGUAGE plpgsql;
        DROP TRIGGER IF EXISTS "guild_xp_buckets_insert" ON "guild_members";
        CREATE TRIGGER "guild_xp_buckets_insert" AFTER INSERT ON "guild_members"
            REFERENCING NEW TABLE AS new_rows
            FOR EACH STATEMENT EXECUTE FUNCTION guildhall_xp_buckets_count();
        DROP TRIGGER IF EXISTS "guild_xp_buckets_delete" ON "guild_members";
        CREATE TRIGGER "guild_xp_buckets_delete" AFTER DELETE ON "guild_members"
            REFERENCING OLD TABLE AS old_rows
            FOR EACH STATEMENT EXECUTE FUNCTION guildhall_xp_buckets_count();
        DROP TRIGGER IF EXISTS "guild_xp_buckets_update" ON "guild_members";
        CREATE TRIGGER "guild_xp_buckets_update" AFTER UPDATE OF "xp", "guild_id" ON "guild_members"
            FOR EACH ROW WHEN ((OLD."xp" <> NEW."xp" OR OLD."guild_id" <> NEW."guild_id")
                AND (OLD."guild_id" <> NEW."guild_id"
                     OR guildhall_xp_bucket(OLD."xp") <> guildhall_xp_bucket(NEW."xp")))
            EXECUTE FUNCTION guildhall_xp_buckets_move();"""

BACKFILL = """
        DELETE FROM "guild_xp_buckets";
        INSERT INTO "guild_xp_buckets" ("guild_id", "tier", "bucket", "members")
        SELECT "guild_id", 0 AS "tier", "b" AS "bucket", COUNT(*) AS "members" FROM (SELECT "guild_id", (CASE WHEN "xp" < 256 THEN 0 + ("xp" >> 0) WHEN "xp" < 512 THEN 128 + ("xp" >> 1) WHEN "xp" < 1024 THEN 256 + ("xp" >> 2) WHEN "xp" < 2048 THEN 384 + ("xp" >> 3) WHEN "xp" < 4096 THEN 512 + ("xp" >> 4) WHEN "xp" < 8192 THEN 640 + ("xp" >> 5) WHEN "xp" < 16384 THEN 768 + ("xp" >> 6) WHEN "xp" < 32768 THEN 896 + ("xp" >> 7) WHEN "xp" < 65536 THEN 1024 + ("xp" >> 8) WHEN "xp" < 131072 THEN 1152 + ("xp" >> 9) WHEN "xp" < 262144 THEN 1280 + ("xp" >> 10) WHEN "xp" < 524288 THEN 1408 + ("xp" >> 11) WHEN "xp" < 1048576 THEN 1536 + ("xp" >> 12) WHEN "xp" < 2097152 THEN 1664 + ("xp" >> 13) WHEN "xp" < 4194304 THEN 1792 + ("xp" >> 14) WHEN "xp" < 8388608 THEN 1920 + ("xp" >> 15) WHEN "xp" < 16777216 THEN 2048 + ("xp" >> 16) WHEN "xp" < 33554432 THEN 2176 + ("xp" >> 17) WHEN "xp" < 67108864 THEN 2304 + ("xp" >> 18) WHEN "xp" < 134217728 THEN 2432 + ("xp" >> 19) WHEN "xp" < 268435456 THEN 2560 + ("xp" >> 20) WHEN "xp" < 536870912 THEN 2688 + ("xp" >> 21) WHEN "xp" < 1073741824 THEN 2816 + ("xp" >> 22) ELSE 2944 + ("xp" >> 23) END) AS "b" FROM "guild_members") f GROUP BY "guild_id", "b" UNION ALL SELECT "guild_id", 1, "b" >> 6, COUNT(*) FROM (SELECT "guild_id", (CASE WHEN "xp" < 256 THEN 0 + ("xp" >> 0) WHEN "xp" < 512 THEN 128 + ("xp" >> 1) WHEN "xp" < 1024 THEN 256 + ("xp" >> 2) WHEN "xp" < 2048 THEN 384 + ("xp" >> 3) WHEN "xp" < 4096 THEN 512 + ("xp" >> 4) WHEN "xp" < 8192 THEN 640 + ("xp" >> 5) WHEN "xp" < 16384 THEN 768 + ("xp" >> 6) WHEN "xp" < 32768 THEN 896 + ("xp" >> 7) WHEN "xp" < 65536 THEN 1024 + ("xp" >> 8) WHEN "xp" < 131072 THEN 1152 + ("xp" >> 9) WHEN "xp" < 262144 THEN 1280 + ("xp" >> 10) WHEN "xp" < 524288 THEN 1408 + ("xp" >> 11) WHEN "xp" < 1048576 THEN 1536 + ("xp" >> 12) WHEN "xp" < 2097152 THEN 1664 + ("xp" >> 13) WHEN "xp" < 4194304 THEN 1792 + ("xp" >> 14) WHEN "xp" < 8388608 THEN 1920 + ("xp" >> 15) WHEN "xp" < 16777216 THEN 2048 + ("xp" >> 16) WHEN "xp" < 33554432 THEN 2176 + ("xp" >> 17) WHEN "xp" < 67108864 THEN 2304 + ("xp" >> 18) WHEN "xp" < 134217728 THEN 2432 + ("xp" >> 19) WHEN "xp" < 268435456 THEN 2560 + ("xp" >> 20) WHEN "xp" < 536870912 THEN 2688 + ("xp" >> 21) WHEN "xp" < 1073741824 THEN 2816 + ("xp" >> 22) ELSE 2944 + ("xp" >> 23) END) AS "b" FROM "guild_members") c GROUP BY "guild_id", "b" >> 6;"""


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP INDEX IF EXISTS "idx_guild_members_guild_xp";
        CREATE TABLE IF NOT EXISTS "guild_xp_buckets" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "guild_id" BIGINT NOT NULL,
    "tier" SMALLINT NOT NULL,
    "bucket" INT NOT NULL,
    "members" INT NOT NULL DEFAULT 0,
    CONSTRAINT "uid_guild_xp_bu_guild_i_d1ab46" UNIQUE ("guild_id", "tier", "bucket")
);
COMMENT ON TABLE "guild_xp_buckets" IS 'How many members of a guild hold XP in one range: the counts behind ranks and page jumps.';
        CREATE INDEX IF NOT EXISTS "idx_guild_members_guild_xp" ON "guild_members" ("guild_id", "xp" DESC, "user_id");""" + TRIGGERS + BACKFILL


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TRIGGER IF EXISTS "guild_xp_buckets_insert" ON "guild_members";
        DROP TRIGGER IF EXISTS "guild_xp_buckets_delete" ON "guild_members";
        DROP TRIGGER IF EXISTS "guild_xp_buckets_update" ON "guild_members";
        DROP FUNCTION IF EXISTS guildhall_xp_buckets_count();
        DROP FUNCTION IF EXISTS guildhall_xp_buckets_move();
        DROP FUNCTION IF EXISTS guildhall_xp_bucket(integer);

        DROP INDEX IF EXISTS "idx_guild_members_guild_xp";
        DROP TABLE IF EXISTS "guild_xp_buckets";
        CREATE INDEX IF NOT EXISTS "idx_guild_members_guild_xp" ON "guild_members" ("guild_id", "xp");"""


MODELS_STATE = (
    "eJztXetT27gW/1e0+bJhJtuhlEIvO/dDeLRll0ensLedbTuOYiuJiiN5ZZmQ6eV/3yP5/Q"
    "p2IGBSf2ljSUeSf0fWeegc8aNjckFevPOobR1wNqLjzh760WF4SuBHvrKHOthxwir1KPHQ"
    "1m3Hqplhxu2GrhTYlFA3wrZLoMgirimoIylniuIDEb9pKuQSKSkbu3uIM4IEnyGHCOTXyQ"
    "lBQy4RdRFlL1TPFjeha2h/n048Rv/xiCH5mEClgK6+fINiyixyQ9zw0bkyRpTYVgoV/02p"
    "pbrRtYacO7pmn46PmXyrKdREh4CH7U1ZlsqZywlnERllUpWOCSMCS2IlIGOebQcIh0X+zK"
    "FACo9EU7biAouMsGcr4BW1P4+4rGMYZ+eXxsXRpWF0ckwJKRIQB0XAWcVQmKur0RirKfz2"
    "n62tV692tzZf7bx5vb27+/rN5htoq+ebr9q99ScTg+Z3paE7fnd8dqkmxGHV+EtKFdxqGi"
    "yxT6U5E7PCEWREb/KMuCQ3JWyIKTJMgJdbhglhQcyFeLVHkP/SyXHhl3tgvwDGy6PPGsSp"
    "6/5jq4Kz//U/Hrzvf+ye9j9v6Jp5UHNyfvYubB5jfnZwcr6vUY9RnhHb5FNimBPMGLFrL/"
    "1i+qU+gmCJ14J/Tb6CmB82Hy/Nizxty4dl+TD1JDEEt0ltLmQpWx4sywPsSb4cD7KULQ+W"
    "5cGNYxCmACniAAeEMStmQZoww4AhUK5KIoeaUpIFkfb00DJ5//z8JCWT94+zQvev0/2jj9"
    "2XWkBDIypLkHa8oU1Nw8Fj6L8e1lnSR0Q7KknCXWwUNAxvUxCFhYFlHu1DqJF0SorhTlNm"
    "wLYC0hfhj1UhX7jVnPFZd+M+mwy8mnXO7Hnw0SxSR49Pjy4u+6cfUvw47F8eqZqtlD4aln"
    "Z3NtLcijpBn44v3yP1iP4+PzvSwHJXjoUeMW53+XdHzUlv8IzPDGwlrKOwNMQrxW/PsZbk"
    "d5qy5ffT8ztEJ8FwPXtl14+uEuakKhhi82qGhWXkavgWL2ubr5puTbMlmMGOawXg3vaSTp"
    "VD4mAhPUE6xU6XuL53l9/FCpu61Xwvl4FDxCYjibDvJdlDVLpI2drKT+J4AuaNsESDgf5t"
    "4JEkYjBAHrOJ60JjpKw6Fyk88o6ZlYxwt9fmRyfGv5PotaPakRsw/10XMIj4E6JOrRsjC6"
    "VheT7WwWfc0V0AsvrhtnUQNUUVLXcQqdW3xG6eIGvUVv4wrHm+G3heYic/8ZpMzpC2jG4c"
    "o5sjqk/JdKjlTZGcDirvFNJT3a6ihD5nBHkuEb+CoBR8HMgthJkF4tDGzCSIMpdaRB936A"
    "HyQnjZTgrk7JeO6iiQT5Gs+rZI/MatqsreACH/aYHoVTtAYqBwZrXHUYTVh0lK6BtH47Ts"
    "wP6T30n9wU0OXFt2UJ94CbWmSKEp1Waq6jGBStJ0NWbr5fbu9ptXO9uR9hKVLFJa7lZQmq"
    "Ir/qSOyxor2m/8eGhvZqHefOpVnFSrr4ldA7uo/ePB9zIL38vmwBdtwRXhi9q3q0+VfAc4"
    "lnLSpQgbpe//pD66Sj7ZWO2sLiATRK18rCUfczZXmhN5NrwFY4eO2Z9krllxDPNWhkUB9N"
    "pi+ivo5Jkx4DZcYWFpvHoFnkXacnLhwZtbxCb+2dJB/+Kgf3jkq9dPYsJ+sL0xZRczKs1J"
    "p9iQTTXp3WXOOrp1RXO271uXYIiCyWJTU/l2J5yCASo58g+BERfIoq7/E8xRv3/Uhc4Jkz"
    "qi779BU2sjb+uuZIRCQzilfesucnZwa0S1RtQaC4mUB9b/AnLQH0ywKHG8RhSPF4O5Stin"
    "+MawCRtLta/ubC9ANAzG3NnO6FNhmOaWrkoDvFxsTRtYs1cj0CM8vh/Oa+qZKbo2hGzZTa"
    "QNvFgfo675gRefnX3PvCKyRA2Oqu9UgW8cY6ibVtSC34OGCRObo8Alj/gojI1AEw7/fP6A"
    "QCHVCSyYjcmezlwxuQcrAg3JBJagqrhy9RGOiuVD372p4+a14ZWN9JV9BVvPkWg415EcQ+"
    "yChi3oeKxHYWgwSJ06DAaoS66JmKuTJiJkT42sItChR9W1byL1oPYrU1OYCarSeBBYkZJM"
    "QS0HhZ7PGAyBmQvgApIbv8Mgml3Q4TVo+O4LYISeLYwGHyBlxNXvo1/NrabJS+obpj5DW4"
    "2+1eh/VmEcfglp4C+m2LZLoQ9p1gn2V1u7OxHQ6mERtBen/ZOTPJbDSJJU3CFignWC8sF8"
    "/4kYioqAJih+3uOTRuheJ6DOEvGWKO9wTvNKVi7Qu2zdzBhF7SqFuk7oeEJcFYyqqBFxuD"
    "kBBQFLNMGuVjkkYb8j0IvCWtB7BOgP5DsxYWWgrhoQmFTgd1xB//dITtb/5z6Ocl9M2P5h"
    "PDFPq5OsxA9TrqNoPtZTUCKSZ70TPbI6MtGfTR7o8iTvmGKpZd0wj8xjp3u3vpjWF/Mo+s"
    "CpQpcwdVr80WN5lSBTv0ArmMYtDeFVPZNU0bHQWrlGlB8k0Qn6zoeoy4XOPPGcjR4awYOA"
    "7VtIt4emBBaL6btGsE2grDj09iE7r5n6AmNon7fEIvgiK4SLZmE0gl7aSNEGuEQCXlRV7I"
    "Lma3jC9nJzs4JqB61KdTtdlxZ6iQ+lptBLUzZK6LVZJNlgshFl1J0sxecM6QMw+hnpmc+N"
    "z/yq5nG5T9BeilDhrFzwWdHlEwvM3pCitXo7la1ei0hMC2Lsy63emKK1eqtZvY2wgi6Cew"
    "v7nkULTqTT1b1yGyi8/9DAUctKFlBwFps4Hw562kOzCQfjRPAp/CIC6GcTLHtoSMBg8U9v"
    "dfZssfHzQP3WtHtSaXLxHSwVjJ80fnemINYyfhZtjmtm/zxxwn97cPyEMgv2Gl4/VyNJ1Y"
    "K/NPgu94RZ6+wnplhHL8FOFSdB1kZJ+Ah2ci4CX0DUQjgmWUeIV+GI8ZWAOnpvTNHqvfVP"
    "e0quTimHu+zClBbtCmi3Fwquz9laWfJqI6xKnWaZMybD5MsyG1JlL1ZO6DukLnRg6Qtmoh"
    "v2VbyLSwhTwcUq/Ni3/LqqemzzIbaRIGMKnc8LU/gepM97hM80I9m4teM0psWxTOWSKUmz"
    "FurWY0sni7qOjedGXeCzdK1msIQedg2fQj1FLKJo8a6Pty85jFpXAKVonvVhxoPFYweQ1L"
    "0QKEvW3gvUaa2Dn8I6SF2jhV1pKM22LrtThC23m8vtGrZgLsdlQp2ic/aA+O2fH4mNNbz5"
    "NVB0N+nz1H1zF+7crtZmPlTpqP5UC2znqLa32Ib2L/7RJ429asa0NnhnEx7kw+o/WUeFf1"
    "d6FyNH0GtszsHQBea4csNP19VZMGjojUZEAInKMyEu4kMyL7KtH3oIlQn8iYsr6NWvd1H3"
    "84ceUkm611TOe+r29qk6zVW5vGCfU9PdQJbgjj7vVd2r0ZS9Dz2rGFg5oa6e5lcWnAUPBs"
    "FkQbINBiqFWML+oA6VwzxhKlE3mw2sWaBnPhi0LoF1cQnEK6GuuExTNkpetqF7jXGZfiLD"
    "Cz8+JL/5J+oWbP0zMgStLAgxqbjxW9idDDlMHdl8TNkebJr8ihLl9Jz0Uv7QHlIbnNpm9c"
    "4ZvIX6+xmaEnUZR5JfEVboWV3ZODUDdMiNQ9Xf1qgWlJNE1AhINeTFQTnL3wueGuiOa8Fr"
    "hf6UHw4Xioc28fLuxMtmSOSnPop/mnuaWrf847sq/R1YgeFHJRZYheXoFxI/4t8+/vKtsy"
    "ZsMF0xMrTgq7PLp6nWYv2v+sLD1g26/o6x1AWXsUpYk99pykbxuzXsGmPY9YmgRXdeB+W9"
    "coMOxy3uMuXKWXoP31ObSL2CRGpl2gaGfFUhniBZQwm+9fp1BREOrUpluK7LxDM4BSfr5Q"
    "gHzdcQ3ZVEScOIkrACefnHxflZiW4Uk2QFJTUl+j+yqfscDeEF4CowFpsBWY0/I/ZUB0+e"
    "KHj7L6sUz4Q="
)
