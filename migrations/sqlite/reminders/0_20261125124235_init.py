from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE "reminders" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "user_id" BIGINT NOT NULL,
    "channel_id" BIGINT NOT NULL,
    "message" TEXT NOT NULL,
    "remind_at" TIMESTAMP NOT NULL,
    "created_at" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completed" INT NOT NULL DEFAULT 0
) /* A message a user asked to receive at ``remind_at``. */;
CREATE INDEX "idx_reminders_time" ON "reminders" ("remind_at", "completed");"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        """


MODELS_STATE = (
    "eJztll1v2jAYhf+KlSuQtqoNtLDeQctapJJMNNuqTpMxsUkjEjuNnbUI8d9nO9+EMq3dpn"
    "XaXXLe9zj2c8D22ohJ6FNMYn4wzZ6MU7A2KAqJfNhVfgMMFEW1otIEmgekoaI5FzFyhSws"
    "UMCJlDDhbuxHwmdUtQ9ASDhHHgEIJJzEAPElwUAwEBOX+N+kLsBslo4KkZjNDtTAmLlyZJ"
    "96Lxgjof59QqBgHhF3euFfvkpZzf6RcPW6NhY+CbB+Ngq78rosjAIiCDaUhTxGsZyBXBLP"
    "R8kJ+vgRFkig8KWqaK0iXTW0WSLSLxtljJZQf7SWg49Vp9Zh7h1T8V43Khxz6LIgCWnZHK"
    "3EHaNFt0/1vD1CSYzUvE+BiBMVCE2CIAsvzyglU7akSCoeTBYoCVSsyp1OoNQMCC3bgdcj"
    "B0KjEXnuqCSYSa7kJ1nIqXK9ek9N4a151O11+52Tbl+26GkWSm+TfroEkxo1HssxNrqOBI"
    "JljiVU9VOBu8gOfe9JuBXTjwnnPPchzoWScflP+XOQ35lmp9MzDzsn/eNur3fcPyxoN0v7"
    "sA/HF4q8bGDyj59uCXkUJXr3DlFKgp+mX/f9D+DZAWQbZpO+I7ej3ewrli3wcjmvEPwehs"
    "7oRhMMOb8PlGB9GkzPLgfT1mRw09aVVVa5sq2LvL0Ebp1d2cMt5LXzow79XFJTR8Nu8DXj"
    "FnqcOQ/yh38siPFkdO0MJh9qaZwPnJGqmLUkcrV10q6HUQwCPo+dS6Bewa1tjTROxoUX6y"
    "+Wfc6toeaEEsEgZQ8Q4SqTXM6l+sYWEwX+GSnXnX9VzBZ7aLVfssXJpWGbBqvsAvFKAs/u"
    "OvvzLu6BzXOMsYAg+kTaVd9W2HNp/F35Fko14N1X81/x/x3a9lUtyeF4e6f8OBmOpq0jHa"
    "Fs8kXlxFL34cWycnlTwhy5ywcUY9ioMJM91dsshWa4rSAqzzecrXOz+Q60XClk"
)
