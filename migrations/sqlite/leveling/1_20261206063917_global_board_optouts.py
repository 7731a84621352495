from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "global_board_optouts" (
    "user_id" BIGINT NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
) /* A user who asked to be left off the global leaderboard (command and page). */;"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "global_board_optouts";"""


MODELS_STATE = (
    "eJztWllv2zgQ/iuEXuoAaZA45/bNyXoTA4ldJN7doEUh0NJY1loiVZGqHQT+7yWpW5bPZB"
    "011YMBazgzpL4h56KeNQd+gGMT6+DaoQPsXFLsmz2P9wKufULPGsEuiD/L2PaRhj0vyyRJ"
    "HA8cJWkpAX0gJXTqcRpwpmQGjPvYkNMMscNAkExghm973KZESrZQwMBHkxFFmI3BRJyiAS"
    "AHhhzR4RDxEaBQu6BhE3w1B2oY1HUxMZH8ediCvQM5n0kNMaFc3aurDoj9PQCdUwuEoC8m"
    "+PpNkG1iwhRY/OiN9aENjpnDVS5Dt02pRQ3q/MlTA5e21SH8LyUgVz/QDeoELikIeU98RE"
    "kiZRNlDwsI+JiDmQGXBI4T2SQmhesWBO4HkCzYTAkmDHHgSBNJ6XAZKU3T9W6vrz+0+7qu"
    "zZkvlsjAHpEMSqTpxVqZwsKSS/j4R7N5fHzePDw+uzg9OT8/vTi82JdbSozND53PwsWkmI"
    "WqFHKd6063LxdExf4KN6EkzJQM5jiUUnZJDWH4IAHTMZ+3xZ9ihNsulFsjL1kwiBmJHsR/"
    "tjFPTEjtk56YpQbq0klj7yWmEa9m9ojzFG2JJaj3O3fth37r7rOczmXsu6OQa/XbcqSpqE"
    "8FauNsL2+mRAn6t9O/QfIRfel12wpYyrjlqxlTvv4XTa4JB5zqhE50bGZ2b0yN8ZrJUzgc"
    "Z8wvCQNsjCfSN82N0CZdxDs/5DbdIgUT4SHMCNzZfsaJ3so/7anhBCy0SImjLfCs8LKKqE"
    "PMvraHNUaYEHAQ9ZFPHZAekQFygTGxdoYA+wQRih4/I5sgjKzAdswyd7q1nhLf+VVTw5GH"
    "49gXQ/Lh27pOtcyfLnSm6/rRaFNV3Y02j07OTy6Oz04S75lQljnN1Q4ya5P1Q1VW6nVi1d"
    "bO8NeLVin46SHYCP2cWA3/1vCPxdvOI381wn457jF/AXLxIr8i5C6e6g4Qi4/E49HZEjT/"
    "ad1f3bTuG0fFwN6NRppqaFaxSHwPUtWSMBwxrBWDfcW7dgBW0dKyfwCRNYgL7gB8pgoTkX"
    "sZIxErldoV4XdLLSuDr5LSBIZ5spyujsh1RK6Gf3qTkBCejPU3dcL/njB/4dZO0YwdykY7"
    "OSP0nkDd8UauGx9142O36dYDcC4e2JKEK2FZK+ViWe6VOdcNnSBKIEyDVGeCyb6EbOmOxB"
    "NDeEADHiZMHwOPoUa0sWRCBaqN4dNJSVP5NRW/oKVclbSgCrnXGzeVp57u2mSDLCEV2F1E"
    "Ozot2iCkVCMzkIjg6YYQhgK7g7A5B2GzQhAalDomnRDhJ8VMYWm6JphloruD9eywCGtIqQ"
    "asmBAaEAN0l5qwSXdoTnB3bSKN4TATy/vchFqdDlEp0tEtw8bBbYGCrXZyFMV+76JhDODp"
    "Dp2An+13FQwifAdgsqBDWqqgYJCB0PB/nYQ4GcmaJElQtrLEMlB7vdtceXDZKUDc/fvusi"
    "2OhToVgsnmC5APPHPLci0vWZdr+29ersXoZOo1tfrKlGuPXsv8L2DcBbLgc6Acx/7yYk1k"
    "ZjhhXrdBThA2RUr8gakrZgtkfxtHHe4Psr76pD7WwYFpcyS3hINo+P3O1EPR5zolHfNXU7"
    "u6UHvWUrxzZVamfyJFYOqJbRPe3kda0vb5VM+jpytFCt7oBGtKhViqepjVrfi6Ff+bJCPq"
    "JG+eE2akavC3Bj90mRujnxOr4d8afhMcjjdw6An/e8L8NZtNeMjB36zdlIjUmJZd7QFmtK"
    "QH2hfJyoJ7vURiq8ZIxQr0ZbVI+7GfK0PiJkjjrvW4lytFbnvd65g9UzVe3fYu6/u8d1sg"
    "VvI+b/YTCl/rPw=="
)
