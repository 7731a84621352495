from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "transactions_archive" (
    "id" INT NOT NULL PRIMARY KEY,
    "user_id" BIGINT NOT NULL,
    "guild_id" BIGINT NOT NULL,
    "amount" INT NOT NULL,
    "transaction_type" TEXT NOT NULL,
    "description" TEXT,
    "created_at" TIMESTAMPTZ NOT NULL,
    "archived_at" TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX IF NOT EXISTS "idx_transactions_archive_user" ON "transactions_archive" ("user_id", "guild_id");
COMMENT ON TABLE "transactions_archive" IS 'A transaction older than the hot retention, moved here unchanged (same id).';"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "transactions_archive";"""


MODELS_STATE = (
    "eJztl+9P4jAYx/+VZq8g8YwHKNy9Q+WURMdFlzvj5dKUtUDj1uLaicTwv1/bbewXouLFQ2"
    "9vyPb8avd52tLvg0Vczrg/33UCxARyJeXM+goeLIZ8oh5W+neAhabTjFdbJBp6JkOmkcKE"
    "DoUyuVL5RsgTRJkwEW5Ap/Fg1oAR4PM74hMmAR8Bl1MmwIgHgGsP8Yck0Hb9Ng6ph3d1Xc"
    "xdVZiy8eYlQkZvQwIlHxM5IYEq9Ou3MlOGyT0R+vXBGlHiYfNshYIEkGKdaWroZx1P7qcB"
    "EcJ8cFwiwUfxPcwCgbqGwTWfmgDL5KsQ87LQudMbaAbN9SEa1thhkttn8psJ1DSG0OVe6L"
    "M0eDqXE86W0ZRJM3PCSIAk0eVlEOp2sNDz4u4lHYrIpCERkkwOJiMUerqpOjuaQGqzILQH"
    "DrzsORBapYYnGZkGxia1nPRiUVMV5uvHegqfGp9b7VanedDqqBAzzaWlvYiGTsFEiQaP7V"
    "gL40cSwbSPKdRMQ/NkD+n4UbiZpKcJJzzXIU4MKeN0n7wd5C+NRrPZbuw1Dzr7rXZ7v7O3"
    "pF12rcN+2D/R5FUAV9s+OhOSVqTolxvoReyzWRX8jeEjn4cRrmceKGnCR6L+ynMl5Zk54S"
    "MyJbKOOuNXo12VW4Cspv4OIa8h6PSuzBr1hbj1tMH+0b04Ou1e1M67V3Xjmcees4F9koSn"
    "S9o+OhscFpqQneYL+BfSNkIf/yf+r+TdgGg2EK04Uo6VR1KfrIafzyywx3HqbvLwppvA5r"
    "Na/TVnjPo0PGDePF4f65rSP+9dOt3z77nOHHednvY0cl1JrLWDer4xyyLgZ985BfoVXA/s"
    "ngHLhRwHZsQ0zrm29JxQKDlkfAYRzlzvEmvCy1xMRzeZW5Q2DJF7M0MBhiUPb/DHYssuv+"
    "EXLYihsemWhqunuUKHdAN3Qu+I9YRcScJ2nq1aIMqkPKleuiCTC7iHldKQE8TUDwETLkFA"
    "pFIlyrljJAoGSmoQEDJXBamPBDWhJg8orpdlzV+u/Q/0Toxyu3TPcw6OSvgU6VbCpxI+7x"
    "x+JXwq4fPhrt+V8KmEz7vaBFskdxImJb2T+9eI7rCb9LmQulWNrhTu9ijcxR9UTMKG"
)
