"""Hand-written: close the append-only log's gaps that row triggers leave (postgres).

``TRUNCATE`` fires no row-level DELETE trigger: a statement-level trigger refuses it on
``mod_actions`` and ``mod_action_amendments``. aerich cannot express triggers.
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TRIGGER IF EXISTS "mod_actions_no_truncate" ON "mod_actions";
        CREATE TRIGGER "mod_actions_no_truncate" BEFORE TRUNCATE ON "mod_actions"
            FOR EACH STATEMENT EXECUTE FUNCTION guildhall_append_only();
        DROP TRIGGER IF EXISTS "mod_action_amendments_no_truncate" ON "mod_action_amendments";
        CREATE TRIGGER "mod_action_amendments_no_truncate"
            BEFORE TRUNCATE ON "mod_action_amendments"
            FOR EACH STATEMENT EXECUTE FUNCTION guildhall_append_only();"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TRIGGER IF EXISTS "mod_actions_no_truncate" ON "mod_actions";
        DROP TRIGGER IF EXISTS "mod_action_amendments_no_truncate" ON "mod_action_amendments";"""


MODELS_STATE = (
    "eJztW21P2zoU/itWPoHEECsMuPvWbr0bErQT672bNk3Gbdxikdqd41AqxH+/x07SvFLS3q"
    "6k4A+g1D6PnTzH9jnnSXvvjIVLJVFM8P0L4TYH+sp5j+4dTsYULsoN9pBDJpNst25UpO/F"
    "KEyMrW+M+76S8Bm6hsTzKTS51B9INonmc7qcIsqVnCExROqaIhifcveN4N4MJZMgErhMIU"
    "+M9vW4rhjAwIyPVh8i4Ox3QLESIwoYCQP9/OmMAua5mLnaYEB8inkw7kPnr1/QwLhL76iv"
    "Le+dIaOea66zIEmJosCBcjSE3k0k9X1DB5jqpphf5t7hFFvYjGK4nE2MgWPwQJ/58KCxkx"
    "ts5s04KpzYtOMYe8bV38ZQc9XHA+EFY54YT2bqWvC5NeNKt44o11RRPbySgXYWDzwvcm3s"
    "v5C3xCRkJYVx6ZAEnna5Roc3kLQ5GHe6Pfy13cPYKSyHGJFyb9Q0AI6AC7hV3zz9SN/Cm8"
    "bbo5Oj08Pjo1MwMbc5bzl5CKdOiAmBhp5Oz3kw/UQRnLgyITXt0yy1LTZ6lN006mmOY0YX"
    "kRw3JCwn+2hzNP/VaBwenjQODo9P3x2dnLw7PZjzXexaRHzr7JPmHgwEHAvhkRE7o3D0CL"
    "m0A/JI64SVnaCIhJNxaQ9kYJb+lekPw0JIXcEBPYgL5fTnYDkHwGNtoQMWcNlrfzdMjn3/"
    "t6cbOv82Lz98bl7uXDS/75qeWdRz3u18is0T4jsfzrutHPUQwv0wranKeoJYifAocL5Wvt"
    "0gSSQrpjFpyEqHTM0oX086k1CaSkMLpH6EHsXGtJzZLDLHrRtB9+OLjZ4mHTHd2f0/JMOj"
    "uV0oCiL/L1rnZxftr73mxZfMYv/Y7LV1TyOz0OPWnePd7FqfD4K+nfU+I/0R/eh22oZY4a"
    "uRNDMmdr0fjr4nEiiBuZhi4qbS6rg15ivr71StUn0X5VB2I4UbSVdaw5tUWaAb+mRwMyXS"
    "xYUe0RCP2Ra7xo1xvoVwMjJE6SfSN1dWeTfHUNHCn3KeqtETy73qxTomMapi2d5EHqwJib"
    "hQFOnaGunF9N789xGRUITrEamL+rOoHge37SFObwEl6VQypSgvFvPrHLikxK9cx6eL/71q"
    "hfycQqzRtpS3pXwNT8YNlzHPF5hqyv/aUjwrktRgeW+8VKwb7ZuuFW1h8/ILmxrl3z06nn"
    "wBB/vXi3LvnNWTebcCezyZAyqn3ONA58QS9QlH6pooxHzkK+Z5SAacwwpBhLtg5SvUp8hj"
    "Q1i7CMyuriB9ZeAUWPxXV2U59xpHLn2vFvg0jjaZxGrOQbgTF75mS2aqkpHnOcYR3KblNU"
    "nLidIuChd/RWrTkM0lLQd5gg+em9SERA7LF0e0rBATS+BrCIw1k4S2JBrGnCzW+TwCPnAx"
    "nYjB9XJZfwH6guS+TRe1EZUBhxC5dB6aB9sdV+cd5xFfYSqlKNEvHq/ysij7UnD5Qm9ImL"
    "dSnZcB2r1V572Vqgqqx7EUyApXK4cwK4o/I/n5sneJwFICtTriCuElJSYsGV+yyFrpiDbC"
    "FOolKxeXHHpWLv5DcvE3InnIfKlOHHfvPSUQT0PDysKwy/wBm3iMEzlDkg6EdPVvIQSnSA"
    "YeRbdMeOEtlGi/y4GX/E7FI8Kv/tbJLa2i48ZUYDPSUz+S0Hu/XDJebVIrGlvR2IrGVjSu"
    "a0y0ovHWFH1WNH49O86KxlY03hY/bNvesqKxFY1fI/n2+741cIL9aehmA7rVb1++flvT1z"
    "JbtPNq5ORKKVwkxBaDmBAeJfwRHW8Oyjm3D6g/tX9j7TTt0Lmeum4/trrd84wLW2f5I/Kf"
    "i1b7cuet8R0YMZWKU8/6HuThP3UZlwA="
)
