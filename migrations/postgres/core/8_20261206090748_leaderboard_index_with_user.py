"""Hand-edited: the leaderboard index becomes ``(guild_id, xp DESC, user_id)``, the board's own
order, so a page skip, a tie count and a keyset page read the index alone, with no sort
(aerich writes index columns ascending; the model lists the same three columns).
"""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP INDEX IF EXISTS "idx_guild_members_guild_xp";
        CREATE INDEX IF NOT EXISTS "idx_guild_members_guild_xp" ON "guild_members" ("guild_id", "xp" DESC, "user_id");"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP INDEX IF EXISTS "idx_guild_members_guild_xp";
        CREATE INDEX IF NOT EXISTS "idx_guild_members_guild_xp" ON "guild_members" ("guild_id", "xp");"""


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
    "+QF8KrdlIgZz93VEeBfIpk1ddF4jduVVX2Bgj5TwtEr9oBEgOFM6s9jiKsPkxSQt86GqdV"
    "B/af/E7qD25y4Nqqg/rEK6g1RQpNqTZTVY8JVJKmqzE7L3f3d9+82tuNtJeoZJHSslxBaY"
    "qu+JM6LmusaL/x46G9nYV6+6lXcVKt/k7sGthF7R8PvpdZ+F42B75oC64IX9S+XX2q5BvA"
    "sZKTLkXYKH3/J/XRVfLJxmpndQGZIGrlYy35mLO50pzIs+EtGDt0zP4kc82KU5i3MiwKoN"
    "cW019BJ8+MAXfhCgtL49Ur8CzSlpMLD97cIjbxz5aO+ldH/eMTX71+EhP2ve2NKbuaUWlO"
    "OsWGbKpJb5k56+jWFc3Zvm9dgiEKJotNTeXbnXAKBqjkyD8ERlwgi7r+TzBH/f5RFzonTO"
    "qIvv8ETa2tvK27lhEKDeGU9q27yNnBrRHVGlEbLCRSHlj/C8hBfzTBosTxGlE8XgzmOmGf"
    "4lvDJmws1b66t7sA0TAYc283o0+FYZo7uioN8GqxNW1gzUGNQI/w+H44r6lnpujaELJVN5"
    "E28GJzjLrmB158cg4984bIEjU4ql6qAt86xlA3ragF/w4aJkxsjgKXPOKjMDYCTTj88+k9"
    "AoVUJ7BgNiYHOnPF5B6sCDQkE1iCquLG1Uc4KpYPffOmjpvXhtc20hf2BWw9R6LhXEdyDL"
    "ELGrag47EehaHBIHXqMBigLvlOxFydNBEhe2pkFYEOPaqufROpB7VfmJrCTFCVxoPAipRk"
    "Cmo5KPR8xmAIzFwAF5Dc+g0G0eyCDr+Dhu++AEbo2cJo8AFSRlz9PvrV3GqavKS+YeoztN"
    "XoW43+ZxXG4ZeQBv5qim27FPqQZpNgf7WzvxcBrR4WQXt13j87y2M5jCRJxR0iJtgkKB/M"
    "95+IoagIaILi5z0+aYTudQbqLBFvifIO5zSvZOUCvcvWzYxR1K5SqOuEjifEVcGoihoRh5"
    "sTUBCwRBPsapVDEvYbAr0orAW9R4D+QL4RE1YG6qoBgUkFfsc19H+P5GT9f+7jKPfFhO0f"
    "xhPztDrJWvww5TqK5mM9BSUiedY70SOrIxP92eSBLk/yjilWWtYN88g8drp364tpfTGPog"
    "+cK3QJU6fFHzyWVwky9Qu0gmnc0hBe1TNJFR0LrZVrRPlBEp2gb3yIulzozBPP2eqhETwI"
    "2L6FdHtoSmCxmL5rBNsEyopDbx+y85qpLzCG9nlLLIIvskK4aBZGI+iljRRtgEsk4EVVxS"
    "5ovoEnbC+3tyuodtCqVLfTdWmhl/hQagq9NGWjhF6bRZINJhtRRt3JSnzOkD4Ao5+Rnvnc"
    "+Mxvah6X+wTtpQgVzsoFnxVdPrHA7A0pWqu3U9nqtYjEtCDGvtzqjSlaq7ea1dsIK+gquL"
    "ew71m04EQ6Xd0rt4HC+w8NHLWsZAEFZ7GJ8+GgpwM0m3AwTgSfwi8igH42wbKHhgQMFv/0"
    "VmfPFhs/D9RvTbsnlSYX38FSwfhJ47c0BbGW8bNoc9ww++eJE/7bg+MnlFmw1/D6uRpJqh"
    "b8lcF3uSfMWmc/McUmegn2qjgJsjZKwkewl3MR+AKiFsIxySZCvA5HjK8E1NF7Y4pW761/"
    "2lNydUo53GUXprRoV0C7vVBwc87WypJXG2FV6jTLnDEZJl+W2ZAqe7FyQt8xdaEDS18wE9"
    "2wr+JdXEKYCi5W4ce+5ddV1WObD7GNBBlT6HxemML3IH3eI3ymGcnGrR2nMS2OZSqXTEma"
    "jVC3Hls6+V+TUetalBTNs3bwPliMagBJ3UtSsmTtXSmtxvRzaEypq4WwKw0l7euyO0XYcr"
    "u53K6hH+fi/ifUKTp7DIjf/vmB2FjDm18DRfc1Pk99IHcJyd167YhjlaLnT7XAnohql9gV"
    "/mUo+vSlooGhjYDZhAc5gvrPeFHh3x/dxcgR9Ds256D8A3NcueWnMOrMADT0RiMigETF3h"
    "MX8SGZF9kbDz2Eyo78yMUN9OrXu6j76X0PqcTF71TOe+pG66k64VL5jWCzUNPdQpbgjj4D"
    "U92r0ZQNBD2ruEA5oa6e5hcWnI8NBsFkQbINBiqtUsL+oA7awtxJKlE3myGpWaBnPhi0Zt"
    "KmmEnxSqgrLtOUjZKXbThTY9xIH8nwyj8zz2/+iboFW/+MDEErC47dK278FnYnQw5TRzYf"
    "U3YAmya/oUQ5gia9lI+oh9QGp7ZZvXMGb6H+poCmRF3GkeQ3hBV6m9Y2Ts2gBXLrUPX3Bq"
    "oFKiQRNQJSDXlxoMLqdyWnBlpyVXKtcIjyA7NC8dAmoy1PRmuGRH7q48mnubumdVU+vqvS"
    "34EVGH6kVoFVWI5+IfEj/j3Yz187G8IG0xUjQwu+Ort8mmoj1v+6L4Fr3aCb7xhLXfoXq4"
    "Q1+Z2mbBS/W8OuMYZdnwhadA9wUN4rN+hw3GKZKVfO0nv4ntrk0jUklyrTNjDkqwrxBMkG"
    "SvCd168riHBoVSrDdV0m1s4pOFkvRzhovoHoriVyFEaUhBXIyz+uLi9KdKOYJCsoqSnR/5"
    "BN3edoCC8AV4Gx2AzIavwZsac6ePLkqbv/A82T4h0="
)
