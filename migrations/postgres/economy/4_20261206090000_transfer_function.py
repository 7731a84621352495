"""Hand-written: ``economy_transfer()``, a transfer between two known members in ONE call.

Used by ``plugins/economy/transfer_fast.py`` (one round trip per transfer). It updates the
two balances with guarded conditional UPDATEs in ``user_id`` order (the order every bank
path locks members in: concurrent A->B and B->A wait for each other, never deadlock),
undoes the first when the second is refused, and writes both ledger rows only when both
moved. On a refusal it writes nothing and returns both current balances (NULL for a
member without a row), so the caller raises the precise error. aerich cannot express
functions; the SQLite line has a no-op twin.
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE OR REPLACE FUNCTION economy_transfer(
            p_guild BIGINT, p_sender BIGINT, p_recipient BIGINT, p_amount INT, p_kind TEXT,
            p_sent TEXT, p_received TEXT, p_at TIMESTAMPTZ,
            OUT moved BOOLEAN, OUT sender_coins INT, OUT recipient_coins INT
        ) LANGUAGE plpgsql AS $$
        BEGIN
            moved := FALSE;
            IF p_sender < p_recipient THEN
                UPDATE "guild_members" SET "coins" = "coins" - p_amount
                WHERE "guild_id" = p_guild AND "user_id" = p_sender AND "coins" >= p_amount
                RETURNING "coins" INTO sender_coins;
                IF FOUND THEN
                    UPDATE "guild_members" SET "coins" = "coins" + p_amount
                    WHERE "guild_id" = p_guild AND "user_id" = p_recipient
                      AND "coins" <= 2147483647 - p_amount
                    RETURNING "coins" INTO recipient_coins;
                    moved := FOUND;
                    IF NOT moved THEN  -- undo the debit (its row stays locked by us)
                        UPDATE "guild_members" SET "coins" = "coins" + p_amount
                        WHERE "guild_id" = p_guild AND "user_id" = p_sender;
                    END IF;
                END IF;
            ELSE
                UPDATE "guild_members" SET "coins" = "coins" + p_amount
                WHERE "guild_id" = p_guild AND "user_id" = p_recipient
                  AND "coins" <= 2147483647 - p_amount
                RETURNING "coins" INTO recipient_coins;
                IF FOUND THEN
                    UPDATE "guild_members" SET "coins" = "coins" - p_amount
                    WHERE "guild_id" = p_guild AND "user_id" = p_sender AND "coins" >= p_amount
                    RETURNING "coins" INTO sender_coins;
                    moved := FOUND;
                    IF NOT moved THEN  -- undo the credit
                        UPDATE "guild_members" SET "coins" = "coins" - p_amount
                        WHERE "guild_id" = p_guild AND "user_id" = p_recipient;
                    END IF;
                END IF;
            END IF;
            IF NOT moved THEN  -- refused or a row missing: nothing written, report balances
                SELECT max("coins") FILTER (WHERE "user_id" = p_sender),
                       max("coins") FILTER (WHERE "user_id" = p_recipient)
                INTO sender_coins, recipient_coins
                FROM "guild_members"
                WHERE "guild_id" = p_guild AND "user_id" IN (p_sender, p_recipient);
                RETURN;
            END IF;
            INSERT INTO "transactions"
                ("user_id", "guild_id", "amount", "transaction_type", "description", "created_at")
            VALUES (p_sender, p_guild, -p_amount, p_kind, p_sent, p_at),
                   (p_recipient, p_guild, p_amount, p_kind, p_received, p_at);
        END;
        $$;"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP FUNCTION IF EXISTS economy_transfer(
            BIGINT, BIGINT, BIGINT, INT, TEXT, TEXT, TEXT, TIMESTAMPTZ);"""


MODELS_STATE = (
    "eJztmm1v4jgQx7+KlTdHJa7q0Qd6+47tcV2kLZyW6Ha1q5VrEhOiOnbWdhZQ1e9+tpOQhA"
    "QWaAW0lzelGc84k/8Ye37Ao4UdRlkwP+3Gr7eRT9whltKnnrDegUeLogCrf9Y7NoGFwjDn"
    "pi0SjUg+FIq8+0hIjhypxseICKxMLhYO90PpM6qjOsDT9/hNADalgOMp4i5AAYuoFKAhMA"
    "b398YD8ohgcRrO7+9PTvXcLnPU5OpOz5smov6PCEPJPCwnmKvJvn1XZp+6eIZFehk+wLGP"
    "iVsQK57Qd/U0ZhTKeWhG3vtej8q/TYROdQQdRqKALkeFczlhdBHmU6mtHqaYI4ndnGw0Ii"
    "RROjXFmSuD5BFepOxmBhePUUS0+Do6ziOzWRD2BzYcdm0IrVJh0oicyIlJlVkXVeUaLx1P"
    "p/D7n63W+Xm7dXZ+dX150W5fXp9dK1+Tb3mo/RQnk4kWT2Wk6932+rZOiKmVEy8tbXgyMU"
    "iiOMpUJiuFi3wyh3HBy+VYWYvlsJepR2rICpIt/v1VpPXHRfvi+vzqYlGIhWWd/qnWmbZT"
    "xh9g4NMtdM2H1Jqu1BTNttY0Dqk1rdDUQ4F6UC0RHOFtdoFyYK1vhb5R6OqHh6P5dgdeMW"
    "4naZMD7ciU3cuZV9YfVaztv9SI9AO8vgKoanG7Sehp+s9el3qfTRsnzykFx8gdUDJPVska"
    "le3eXXdod+7+0bcLhPhBjHIdu6tHWsY6X7I2rk6KZVlMAj737A9AX4Kvg37XCMuE9Li5Y+"
    "Znf7V0TiiSDFI2hcjNq5Oa0+x1rzl+yLU42jBCzoNuaGFphLXYKt/yUNAKli2IIs9US4ur"
    "00z7/+GEhT2JA6sKDhaD64FAKDfoK78NUWDIAtWCq2IDFHfzQGBCBBgzDhzmU9EEzDgjQu"
    "bA44jK2JkzgstI8PzpKtDgW6F9N8J83xQXqkBh5aa5KR8kO+Ox48EzD6HVjf+xMNj/8kQy"
    "ryXhbyaIV8ue+i9Jrh7kNUqu+0WCqScn6vLybI2a/3Y+3XzofGpcni2dJv1kpGWGiuKG3H"
    "cq1F25phf+b2lBv1jzqjf1rbeJXFDdtu66SeSTLalv49mqj2aKYTttGUem/7retPvFLrSl"
    "6c7QuOt8OSm0ph8H/dvUPbeT3HwcvF9S3lG98S7AVox7S9vJnpd+KuT2xFaMrImteXBiS/"
    "aSHLAZvY6G2GwFMELxVVyNMrTlx5truU1mnhuS24BiELCfOMBUAjaO8cqAFtMjOBhhru36"
    "yrTeZVrbbYpff3nzaGUCWpHAPDnPFwSg/fEsVItAmAdOpsigbQbzgkA9h5EreTNaJl65mI"
    "unmv72SX+5gm7xeWQWVJ9tO59tNXgfUPytv+isv+JcS4e5HT5WpqTsalCpin0TH3DsG1dq"
    "UDw0KNacUnPKHjmlw52J/xNbv8CV1K25MbVAlAvZ4CdouVjAiKtIQ04QVX8wmDAJOJaKSt"
    "Rg0yCKCxRqYBBRRzmphwQNoZIHvlv5u7QXnfsAvJNIeVzc81p+FVeDz9vrvWvwqcHn0KrX"
    "4POW2u8afGrweVVvgiPCnYof0sW8Uzg14h52lzovhR5VoWvCPR7CffoP7Nvyqw=="
)
