"""Partly hand-written: ``guild_xp_buckets`` (aerich) and the triggers on ``guild_members``
that keep its counts (aerich cannot express triggers), then the counts of the rows already
there. The bucket expression is ``core.services.xp_ranks.bucket_sql`` written out; a test
checks the two agree.
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
        CREATE TABLE IF NOT EXISTS "guild_xp_buckets" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "guild_id" BIGINT NOT NULL,
    "tier" SMALLINT NOT NULL,
    "bucket" INT NOT NULL,
    "members" INT NOT NULL DEFAULT 0,
    CONSTRAINT "uid_guild_xp_bu_guild_i_d1ab46" UNIQUE ("guild_id", "tier", "bucket")
);
COMMENT ON TABLE "guild_xp_buckets" IS 'How many members of a guild hold XP in one range: the counts behind ranks and page jumps.';""" + TRIGGERS + BACKFILL


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TRIGGER IF EXISTS "guild_xp_buckets_insert" ON "guild_members";
        DROP TRIGGER IF EXISTS "guild_xp_buckets_delete" ON "guild_members";
        DROP TRIGGER IF EXISTS "guild_xp_buckets_update" ON "guild_members";
        DROP FUNCTION IF EXISTS guildhall_xp_buckets_count();
        DROP FUNCTION IF EXISTS guildhall_xp_buckets_move();
        DROP FUNCTION IF EXISTS guildhall_xp_bucket(integer);
        DROP TABLE IF EXISTS "guild_xp_buckets";"""


MODELS_STATE = (
    "eJztXVlz2zgS/isYvaxcpUk5jmNnPbUP8pGMZ3ykYs8mNUmKgkhIQkwBHBCMrMr6v28DvC"
    "+JlC2bVviSiAAaAL8G0Qe64R8dkwvy4p1HbeuIsxEddw7Qjw7DUwI/8pU91MGOE1apR4mH"
    "tm47Vs0MM243dKXApoS6EbZdAkUWcU1BHUk5UxTvifhVUyGXSEnZ2D1AnBEk+Aw5RCC/Tk"
    "4IGnKJqIsoe6F6trgJXUP7+3TiMfqPRwzJxwQqBXT1+SsUU2aRW+KGj86NMaLEtlKo+G9K"
    "LdWNrjXk3NE1h3R8yuRbTaEmOgQ8bG/KslTOXE44i8gok6p0TBgRWBIrARnzbDtAOCzyZw"
    "4FUngkmrIVF1hkhD1bAa+o/XnEZR3DuLi8Nq5Org2jk2NKSJGAOCgCziqGwlxdjcZYTeHX"
    "f+/svHq1v7P9au/N6939/ddvtt9AWz3ffNX+nT+ZGDS/Kw3d6bvTi2s1IQ6rxl9SquBO02"
    "CJfSrNmZgVjiAjeptnxDW5LWFDTJFhArzcKkwIC2IuxKs9gvyXTo4Lv9wD+wUwXp980iBO"
    "XfcfWxVc/Lf/4ej3/ofuef/Tlq6ZBzVnlxfvwuYx5hdHZ5eHGvUY5RmxTT4lhjnBjBG79t"
    "Ivpl/pIwiWeC34N+QriPlh8/HKvMjTtnxYlQ9TTxJDcJvU5kKWsuXBqjzAnuSr8SBL2fJg"
    "VR7cOgZhCpAiDnBAGLNiFqQJMwwYAuW6JHKoKSVZEGlPDy2TDy8vz1Iy+fA0K3T/Oj88+d"
    "B9qQU0NKKyBGnHG9rUNBw8hv7rYZ0lfUS0o5Ik3MVGQcPwNgVRWBhY5tE+hhpJp6QY7jRl"
    "BmwrIH0R/lgX8oVbzQWfdbfus8nAq1mXzJ4HH80idfT0/OTqun/+PsWP4/71iarZSemjYW"
    "l3byvNragT9PH0+nekHtHflxcnGljuyrHQI8btrv/uqDnpDZ7xmYGthHUUloZ4pfjtOdaK"
    "/E5Ttvx+en6H6CQYrmev7PrRTcKcVAVDbN7MsLCMXA3f4WVt81XTnWm2BDPYca0A3Lte0q"
    "lyTBwspCdIp9jpEtf3lvldrLCpW833ch04RGwykgj7XpIDRKWLlK2t/CSOJ2DeCEs0GOjf"
    "Bh5JIgYD5DGbuC40Rsqqc5HCI++YWcsIy702Pzox/p1Erx3VjtyC+e+6gEHEnxB1at0aWS"
    "gNy/OxDj7jju4CkNUPd62DqCmqaLmDSK2+FXbzBFmjtvKHYc3z3cDzEjv5iddkcoa0ZXTj"
    "GN0cUX1OpkMtb4rkdFC5VEhPdbuKEvqSEeS5RPwLBKXg40BuIcwsEIc2ZiZBlLnUIvq4Qw"
    "+QF8KrdlIgZz93VEeBfIpk1ddF4jduVVX2Bgj5TwtEr9oBEgOFM6s9jiKsPkxSQt86K76V"
    "AZQrjWhyYNWqg/rEK+gyRVpMqQpTVXkJ9JCm6y47L3f3d9+82tuNVJaoZJGmslwraYqC+J"
    "N6K2usaL/x46G9nYV6+6lXcVKX/k7sGthF7R8PvpdZ+F42B75oC64IX9S+XX2q5BvAsZJn"
    "LkXYKCX/J3XMVXLExrpmdQGZIGrlYy35mDO00pzIs+EtWDh0zP4kc82KU5i3siYKoNdm0l"
    "9BJ8+MAXfhCgtL49Ur8CzSlpMLD97cIjbxD5SO+ldH/eMTX71+Erv1ve2NKbuaUWlOOsXW"
    "a6pJb5kN6+jWFW3Yvm9SgvUJJotNTeXQnXAKVqfkyD/5RVwgi7r+T7BB/f5RFzonTOowvv"
    "8ETa2tvIG7lhEKrd+U9q27yBm/rRHVGlEbLCRSblf/C8hBfzTBosTbGlE8XuDlOmGf4lvD"
    "Jmws1b66t7sA0TACc283o0+FsZk7uioN8GoBNW00zUGN6I7wzH44r6lnpujauLFVN5E22m"
    "JzjLrmR1t8cg4984bIEjU4ql6qAt86xlA3ragF/w4aJkxsjgKXPOKjMCACTTj88+k9AoVU"
    "Z61gNiYHOl3F5B6sCDQkE1iCquLG1ec2KoAPffOmjpvXhtc20hf2BWw9R6LhXIdvDLELGr"
    "ag47EehaHBIHXqMBigLvlOxFwdLxEhe2pkFXYOPaqufROpB7VfmJrCTFCVu4PAipRkCmo5"
    "KPR8xmAIzFwAF5Dc+g0G0eyCDr+Dhu++AEbo2cJo8AFSRlz9PvrV3GqavKS+YeoztNXoW4"
    "3+ZxXG4ZeQBv5qim27FPqQZpNgf7WzvxcBrR4WQXt13j87y2M5jCRJxR0iJtgkKB/M958I"
    "nKgIaILi5z0+aYTudQbqLBFvifIO5zSvZOUCvcvWzYxR1K5SfOuEjifEVRGoihoRh5sTUB"
    "CwRBPsapVDEvYbAr0orAW9R4D+QL4RE1YG6qoBgUkFfsc19H+PjGT9f+7jKPfFhO0fxhPz"
    "tDrJWvww5TqK5mM9BSUiedY70SOrIxP92eSBLs/sjilWWtYN88g8do5364tpfTGPog+cK3"
    "QJU6fFHzyWVwky9Qu0gmnc0hBe1TNJFRILrZVrRPlBEp2gb3yIulzodBPP2eqhETwI2L6F"
    "dHtoSmCxmL5rBNsEyorjbR+y85r5LjCG9nlLLIIvskK4aBZGI+iljRRtgEsk4EVVxS5ovo"
    "EnbC+3tyuodtCqVLfTdWmhl/hQagq9NGWjhF6bOpINJhtRRt3JSnzOkD4Ao5+Rnvnc+Mxv"
    "ah6X+wTtTQgVzsoFnxXdOLHA7A0pWqu3U9nqtYjEtCDGvtzqjSlaq7ea1dsIK+gquKyw71"
    "m04EQ6Xd0rt4HCSw8NHLWsZAEFZ7GJ8+GgpwM0m3AwTgSfwi8igH42wbKHhgQMFv/0VqfM"
    "Fhs/D9RvTbsnlSYXX7xSwfhJ47c077CW8bNoc9ww++eJs/zbg+MnlFmw1/D6uRpJqhb8lc"
    "F3uSfMWmc/McUmegn2qjgJsjZKwkewl3MR+AKiFsIxySZCvA5HjK8E1NF7Y4pW761/2lNy"
    "X0o53GW3pLRoV0C7vUVwc87WypJXG2FV6jTLnDEZJl+W2ZAqe7FyQt8xdaEDS98qE12rr+"
    "JdXEKYCi5W4ce+5ddV1WObD7GNBBlT6HxemML3IH3eI3ymGcnGrR2nMS2OZSqXTEmajVC3"
    "Hls6+V+TUetalBTNs3bwPliMagBJ3UtSsmTtXSmtxvRzaEypq4WwKw0l7euyO0XYcru53K"
    "6hH+fi/ifUKTp7DIjf/vmB2FjDm18DRZc0Pk99IHcJyd167YhjlaLnT7XAnohql9gV/mUo"
    "+vSlooGhjYDZhAc5gvpvd1HhXxrdxcgR9Ds256D8A3NcueWnMOrMADT0RiMigETF3hMX8S"
    "GZF9kbDz2Eyo78yMUN9OrXu6j76X0PqcTF71TOe+oa66k64VL5jWCzUNPdQpbgjj4DU92r"
    "0ZQNBD2ruEA5oa6e5hcWnI8NBsFkQbINBiqtUsL+oA7awtxJKlE3myGpWaBnPhi0ZtKmmE"
    "nxSqgrLtOUjZKXbThTY9xIH8nwyj8zz2/+iboFW/+MDEErC47dK278FnYnQw5TRzYfU3YA"
    "mya/oUQ5gia9lI+oh9QGp7ZZvXMGb6H+kICmRF3GkeQ3hBV6m9Y2Ts2gBXLrUPVHBqoFKi"
    "QRNQJSDXlxoMLqFySnBlpyP3KtcIjyA7NC8dAmoy1PRmuGRH7q48mnubumdVU+vqvS34EV"
    "GH6kVoFVWI5+IfEj/hHYz187G8IG0xUjQwu+Ort8mmoj1v+6L4Fr3aCb7xhLXfoXq4Q1+Z"
    "2mbBS/W8OuMYZdnwhadA9wUN4rN+hw3GKZKVfO0nv4ntrk0jUklyrTNjDkqwrxBMkGSvCd"
    "168riHBoVSrDdV0m1s4pOFkvRzhovoHoriVyFEaUhBXIyz+uLi9KdKOYJCsoqSnR/5BN3e"
    "doCC8AV4Gx2AzIavwZsac6ePLkqbv/A07j3qI="
)
