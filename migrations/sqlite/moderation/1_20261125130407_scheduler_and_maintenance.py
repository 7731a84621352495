from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE "temp_punishments" ADD "last_error" TEXT;
        ALTER TABLE "temp_punishments" ADD "attempts" INT NOT NULL DEFAULT 0;
        ALTER TABLE "temp_punishments" ADD "failed_at" TIMESTAMP;
        ALTER TABLE "temp_punishments" ADD "claimed_epoch" BIGINT;
        ALTER TABLE "temp_punishments" ADD "claimed_until" TIMESTAMP;
        ALTER TABLE "temp_punishments" ADD "next_attempt_at" TIMESTAMP;
        ALTER TABLE "warnings" ADD "last_error" TEXT;
        ALTER TABLE "warnings" ADD "attempts" INT NOT NULL DEFAULT 0;
        ALTER TABLE "warnings" ADD "failed_at" TIMESTAMP;
        ALTER TABLE "warnings" ADD "claimed_epoch" BIGINT;
        ALTER TABLE "warnings" ADD "claimed_until" TIMESTAMP;
        ALTER TABLE "warnings" ADD "next_attempt_at" TIMESTAMP;
        CREATE INDEX IF NOT EXISTS "idx_warnings_expires" ON "warnings" ("expires_at", "active");"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP INDEX IF EXISTS "idx_warnings_expires";
        ALTER TABLE "temp_punishments" DROP COLUMN "last_error";
        ALTER TABLE "temp_punishments" DROP COLUMN "attempts";
        ALTER TABLE "temp_punishments" DROP COLUMN "failed_at";
        ALTER TABLE "temp_punishments" DROP COLUMN "claimed_epoch";
        ALTER TABLE "temp_punishments" DROP COLUMN "claimed_until";
        ALTER TABLE "temp_punishments" DROP COLUMN "next_attempt_at";
        ALTER TABLE "warnings" DROP COLUMN "last_error";
        ALTER TABLE "warnings" DROP COLUMN "attempts";
        ALTER TABLE "warnings" DROP COLUMN "failed_at";
        ALTER TABLE "warnings" DROP COLUMN "claimed_epoch";
        ALTER TABLE "warnings" DROP COLUMN "claimed_until";
        ALTER TABLE "warnings" DROP COLUMN "next_attempt_at";"""


MODELS_STATE = (
    "eJztW11v2joY/itWrlqpqzralZ7dwcbZkApMHWebNk2uwYZaNXbmOG1R1f8+20nIJxQ4HY"
    "XVd8R+H9t5HjvvR8K9NxGYSKSo4IcdgRtD88t7C+49jiZE/6g2OAAe8v18t2lUaMASFETW"
    "NrDGg0BJfa27RogFRDdhEgwl9eP5vB4ngHAlp0CMgLoiQI9POH4lOJuCdBKAQkwVYGJ8aM"
    "bFYqgHpny8/hAhp79CApUYE42ReqAfP3Uz5ZjckcBc3nsjShi2v71xSBmGFBvoUBKkiL5R"
    "5RkIufMlCQJ7z/EoCYkU38EMJdCOYgmb+tbAs3jNkb14MFj/Gtp5c2pEE9t2mGDbXP1rDQ"
    "0hAzgULJzw1NifqivBZ9aUK9M6JtzwQczwSoZGER4yFuuXiBSRk5pErGQwmIxQyIyuBh0t"
    "IG3zIOz2+vBzqw+hV9I8QWQ0jJuGmiPNhV5qYO9+bJbwqvb6pH5ydnx6cqZN7DJnLfWHaO"
    "qUmAho6en2vQfbjxSCqZQpqVlN89Q26Xguu1nU4xwnjC4iOWlIWU4Py+Zo/qdWOz6u146O"
    "T8/enNTrb86OZnyXuxYR32x/MNxrA6HPfvRcSMQoPV+EXFmAItKJsLYICkn9+FtZgRzM0b"
    "82/ZFbiKgrCdDXfqGa/gKsIIC+rR0UYAGX/dY3y+QkCH4x09D90rh497FxsddpfNu3PdO4"
    "57zX/ZCYp8R33533mgXqtQsPothlWdZTxFqEx47zpfKNwzRaXDKMyULWeshsGeVPE86klG"
    "bC0BKp73WPohNSzWweWeAWx9DD5MdGnyZdcbu3/39I1reGezryj/VftM/bndbnfqPzKbfZ"
    "3zf6LdNTy230pHXvdD+/12eDgK/t/kdgLsH3XrdliRWBGks7Y2rX/+6ZNaFQCcjFLUQ4E1"
    "YnrQlfNiEYXWeiV9MwQMPrWyQxLPWImphnW+6a1CbFFsTR2KplyDXLzGSBfTLxP2mBg6uJ"
    "zra8ObliwergsYRRaXvozwBLZo0NMAkVAUKCAeI650MK0AAEijIGZMi53iEAcaytAgUGBD"
    "A60nsXaLPLS52uUS2K3vyXl+Vk8klHrsgxf3hhQJLINZdKzDiITuLPRdloOtMyGWiRYxjD"
    "XSK6JYkoUkaiaPMvSW0WsrkI/KhI8NFzk5qSyPX2hTEta/jECvgTOMYtC0F2xBsmnJTcYS"
    "78YUhrgCHxxfBqtfy1BP2LwssNp7AJlSHXLnLlOLQIdidum08cQ4GCREohV8mb8yiXO6+e"
    "O48QZWvleTmgO1vbfLYyWcHyfiwDclXYtV2Yew30jOQX094VHEsF1JXC13AvmWLCiv4lj9"
    "yqOqLzMKV8yZWLKx56rlz8h8rFX5HkEfOVdeKk++CxAvFtZLh0YRjTYEh9RjmSUyDJUEhs"
    "vgsSnAAZMgJuqGDREipqv6uBV/yEaE7h17zNvSHL1HETKqAd6bFviczZry4ZrzepKxq7or"
    "ErGrui8bb6RFc03pmkzxWNX86Jc0VjVzTeFR127Wy5orErGr9E8t1/B7ZABPcF9WYduqvf"
    "/v312y19LbNDJ2+LRF4qhIsLsWUnJgQjiM//A9BN1QvPgUb9qfOb1E6zgs7qqU+tY7PXO8"
    "9J2GwXH5H/dZqti73XVjttRFXGTz3re5CH37o9d/s="
)
