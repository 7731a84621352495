from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    # Sessions held users' Discord access tokens in plain text: they end here (users log
    # in again), so no token survives in the table.
    return """
        DELETE FROM "web_sessions";
        ALTER TABLE "web_sessions" ADD "manageable_guilds" TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE "web_sessions" DROP COLUMN "access_token";"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DELETE FROM "web_sessions";
        ALTER TABLE "web_sessions" ADD "access_token" TEXT NOT NULL DEFAULT '';
        ALTER TABLE "web_sessions" DROP COLUMN "manageable_guilds";"""


MODELS_STATE = (
    "eJztXW1X27gS/ivafFk4J+0BSqGXPfdDeGmXbYEeyL6c7e1xFXuSqDiSV5YbOF3++5Xk97"
    "dgGxJM6k8k0ozsPCNr5hmNzPeeyTi8fOcR2zpidEwmvQP0vUfxDOSHfGcf9bDjhF3qq8Aj"
    "W8tOlJhhxnIjV3BsCtk3xrYLsskC1+TEEYRRpfER+AuthVwQgtCJe4AYBcTZHDnAkd8npo"
    "BGTCDiIkJfqpEtZsqhpfxDBvEo+ccDQ7AJyE4uh/r0WTYTasENuOFX59oYE7CtFCr+LyWW"
    "Gkb3GuLW0T2HZHJKxVutoW50JPGwvRnNajm3YspopEaoUK0ToMCxACsBGfVsO0A4bPLvXD"
    "YI7kF0y1bcYMEYe7YCXmn79xG39Qzj/GJoXJ0MDaOXM0qokYA4aJKWVQaV9+pqNCbqFl78"
    "Z2fn1av9na1Xe29e7+7vv36z9UbK6vvNd+3f+TcTg+YPpaE7fXd6PlQ3xOSs8aeUarjTOl"
    "hgX0tbJjaFw2FMbvKGGMJNiRlijYwR5I9rYoSwIbZCPNsjyH/q5azw0wOwXwDj8OQvDeLM"
    "df+xVcP5H4PLo18Hlxtng782dc9t0PPh4vxdKB5jfn704eJQox6jPAfbZDMwzCmmFOzaU7"
    "9Yv9FDEEzxWvCvyVMQ28Nmk8a2yOt2dmhqh5knwODMhtpWyGp2NmhqA+wJ1swGWc3OBk1t"
    "cOMYQBUgRRZgEmFMi02QVswYYCQ1l+WRw0gpaYIoenpsn3x4cfEh5ZMPT7NO9/ezw5PLjW"
    "3toKUQESVIO97IJqbh4Ikcvx7WWdUVoh21JOEuJgUtw9vkoLAwsMijfSx7BJlBMdxpzQzY"
    "VqD6MvywLOQLl5pzNt/YfMgiI3+adUHt2+ChWRSOnp6dXA0HZx9T9jgeDE9Uz04qHg1bN/"
    "Y209aKBkF/ng5/Reor+vvi/EQDy1wx4fqKsdzw7566J73AUzY3sJVgR2FriFfK3p5jNbR3"
    "WrOz99PbO0QnYXB994rXj68TdFI1jLB5PcfcMnI9bIeVyea7ZjuzbAumcsW1AnDv+smkyj"
    "E4mAuPQ6846RL39+/Lu1ihqFst9zIMEiI2jAXCfpbkABHhIsW1VZ7E8bi8b4QF+vJFfzbw"
    "WAD/8gV51AbXlcJIsToXKTzyiZmlXOH+rM33Xox/LzFqT8nBjaT/risxiOwTok6sGyMLpW"
    "F5PtbBY9zTQ0hk9Ze7LkHUllC0PEGkZl+D1Tyh1qql/HFM83wX8LzHTj7iNY2cUe0M3TpD"
    "t8dVn8FspP1NkZ8OOu910jMtV9FDX1BAngv8Z+koOZsEfgthakl3aGNqAiLUJRbo7Q59gb"
    "wTbjpIgZ/91FMDBf4p8lWfF7nfWKqq7w0Q8r8tcL1qBUhcKLyz2tdRitUvk/TQN07DX2VI"
    "zUZXNJk0VdOL+soNYpmiKKY0hKkavARxSNtjl53t3f3dN6/2dqOQJWpZFKncH5W0JUD8Qb"
    "OVNWa0L7w6tLeyUG899SxOxtLfwK6BXSS/Ovi2s/Bttwe+aAmuCF8k380+1fJVwtEoM5dS"
    "bFWQ/4Mm5iolYuNYs7qDTCh1/rGWf8wRrbQl8mZ4KxkOmdD3cKtNcSrvW7GJAug1Tfo9GO"
    "SZGeAunGFhazx7OZ5H0XJy4slfboEN/obS0eDqaHB84ofXT8JbP9rehNCrORHmtFfMXlMi"
    "/fs4rKOlK3LYgU8pJfuUlMUmpkroThmRrFMw5O/8IsaRRVz/o+Sg/vhoQw4OVOgyvv8Got"
    "ZmnuAu5QqF7DcVfeshcuS3I1EdiVpjJ5FKu/pPQA76oynmJdnWSGN1hZfLhH2Gbwwb6ESo"
    "dXVvdwGiYQXm3m4mngprM3d0VxrgZgU1XTXNQY3qjnDPfnRbM85M6XV1Y00Xka7aYn1IXa"
    "urLT5ISIG/BcVQckFwsnNB+GtrMWMcyVWqsZiSyRRcVQWhtBE4zJwiMcUCTbGL5pwIAfQX"
    "xOyo10WYA+LwFUw5W9GGuqCcLwWx7xLGf8CpGP23RjwQyj9ONPC0ke5SYoHyyFfbsZ7Lil"
    "SedTJxxf5pqh+bPNDlp4tijUbTumVRwarPGXXxQBcPrCQeOFPoSq4kXfmlR/MhQaZ/QVQw"
    "iyUN7lXNi6myDCmN2FhnpBKDoK9shDYY1yWPnrPZR2P5hcvlmwu3j2YgJ4vp6gIObINsK6"
    "75eMzBa9Zcymto3iUwD57ICiULWRiNYJSuWqEFibbAFlUDu0B8DbM821tbFUI7KVUa2+m+"
    "tNNLPCg1nV5as1VOrytfzG5ojgkl7rSRnTOqj2DoZxRnPjc7s+uaKVtfoTuNVyFfy9m86N"
    "TjAtobanSst1eZ9VogMCmo8ypnvbFGx3qrsd5WsKCr4IU5A88iopcjQenufjkHCl+8Y+BI"
    "shIDUq+hmIDiKcHxsPAVPgdoPmWSnHA2k5+AS/35FIs+GoEkLOATFHVso5j8PNK4NXlPql"
    "Q7Pvxbgfyk8bu39r0W+Vm0OK4Z/3nik2ZdOcIT+iy51rD69YJJrQ78xuC7zONmrb2fWGMd"
    "swR7VZIEWY6SyBHs5VIEvoOohXCsso4QLyMR4wcBdeLeWKOLe+vv9pSc2S2Hu+ykbod2Bb"
    "S7N9msz95a2QGKVrBKXeqfI5PhAYAyDqkq6CsXlR8TVw5g6ZPN0atdVb2LC0ARUeebbwPm"
    "t6G6JzYbYRtxmBA5+G1hGfmjjPmA8pl2HHjpeJzGtLiWqdwzJXXWItxatXfynyaj1tHclM"
    "6zTvA+2hnJAJK6B3Wzat153S5i+jEiptTxduwKQ3n7uuZOKXbWbq+1a8THiZc8++9RmRKn"
    "aO8xUH77/hJsrOHNz4GiFwU9z3ggdxD2bnk84k8YXfmbJr0cm0j0LeAUcxjJxzLYd6lILS"
    "zsTkdM3jqy2YTQA00FgkGQydg1gZ9dxQumerdI9aaYwwZlUYNg10APCrjG41/kf9Qfgn+T"
    "U1UraEGTeZKv+ACr9yzqy+n6/2twRF/9g4wZ8QEKTgW8MKdgXoO8M/INqpKa1D4Y3DhEvT"
    "ux2t5X0kZGoLpg76v5e59SF7rntU+1dtjKc7CFxKw733D/+YZ2cOGnzng/zZG8jv2unv36"
    "C7QCw9/8Lwg0ytEvVF7h/7b59Lm3JmYwXT42tD+ts8qntdZi/i/7bHvHrNefa6XeZRCHhD"
    "XtndZslb270ufWbDkNgJOi1xsF7f1yiohjifvIYblJH7Dr051XWsJ5JcWBg9RAVSeeUFlD"
    "D77z+nUFFy6lSn247suUbzgFmzXlCAfia4juUoqR5BUF0AJ/+dvVxXlJbBSrZB0lMQX6F9"
    "nEfY5EeAG4CozFNCAb8Wfcnhrgyevx7/4PE0r7sQ=="
)
