from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE INDEX IF NOT EXISTS "idx_guild_members_guild_coins" ON "guild_members" ("guild_id", "coins");
        CREATE INDEX IF NOT EXISTS "idx_guild_members_guild_xp" ON "guild_members" ("guild_id", "xp");"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP INDEX IF EXISTS "idx_guild_members_guild_xp";
        DROP INDEX IF EXISTS "idx_guild_members_guild_coins";"""


MODELS_STATE = (
    "eJztW1tT2zgU/itqXhZmaAfCdbtP4dayhaQD6W6nnY5HsU9sFUdybaVJpuW/ryTfb8ExEB"
    "LWT+BzkeTvk6xzjpRfLZ258ObdmNjGCaNDYrbeol8tikcg/skrt1ALO06oko8cD2xla0oz"
    "TY/tBh53sc6FbohtD4TIAE93icMJo9LjI7ivlRfygHNCTe8tYhSQyybIARf5Om4BGjCOiI"
    "cIfSNbNpgumhb2D2lkTMmPMWicmSCUrmjq6zchJtSAKXjho3OrDQnYRgoV/02JIZtRWo3P"
    "HKU5JuYF5efKQw50IPCwxyOa9XJm3GI0ciOUS6kJFFzMwUhARse2HSAcivyRCwF3xxAN2Y"
    "gFBgzx2JbAS29/HLGspWndXl+7OetrWitHSuiRgDgQCWYloWKsnkLDlEN4/We7vbt72N7e"
    "PTja3zs83D/aPhK2arx51eGdP5gYNL8pBd3Fu4tuXw6IiVnjTykpuFM+mGPfSzETU+G4MC"
    "TTPBF9mJbQEHtkSBAvV4eEUBCzEM/2CPJXrRwLrx6A/RwY+2efFYgjz/thS0H3n871yfvO"
    "9cZV5/Om0swCzWWv+y40jzHvnlz2jhXqMcoTsHU2Ak23MKVgLzz1i/1rLYJgii8E/wtZBT"
    "EfNjNrc5H3bXioy8NozEFzmQ0Ls5D1bDioywEec1aPg6xnw0FdDqaOBlQCUsQAEwhjWkxB"
    "2jFDwEB4PtWOHEZKSQqi6Omx9+TjXu8ytScfX2Q33U9Xx2fXGztqgxZGhJcgrbsgkdAwzy"
    "N9KjScjKAY6rRnBmojcH0T/vNUuBdO/S6bbGw+ZNKLVzN61J4FJM4Ljy6uzm76nauPKT5O"
    "O/0zqWmn4qNQunGwmWYragT9e9F/j+Qj+tLrnilgmcdNV/UY2/W/tOSY1AeHsomGjUS0Hk"
    "pDvFJ8jx2jJt9pz4bv5+c7RCdBuBq9zDOHt4n0RgoGWL+dYNfQchrWZmW2edWoPcpKMMWm"
    "YkuCe7eVTPKvYDRQqXBRBSBQbt1XARgpO69aCaAnMvWxB+4fHnJcJoH0hAZhaqABtjHVQe"
    "TrHjFA5fSqg3wJoG4jBSWAry3ZUBAQRBn7t0xl4FcrxjRhJYxg6gTdR4CHSBJjqqUQ8p8U"
    "gsGybKkWBGTqQX0IEh2FI1u4H+lYvZtknWLq1HwrTXjW6lFngqq6nfrO5f2WVnSKQsfSuL"
    "FqtBh831e9gtPe2TvcO9o92ItCxEgyLzK8vzazKmWy/2lIvsCM9o2Xh/Z2Furt557FidoK"
    "/AR7Aewi++XBt5OFb2d14Is+wRXhi+yb2Scl3wUctcL9lGMT7T9/tF8pu4tjzeobZMKp2R"
    "8X2h9ziVaaiTwN5yLDISb9ADNFxYUYt8wmCqBXadKnoJE1I+AunGGhNJ69Lp5E0XJy4ok3"
    "N8AGv0p10rk56Zye+eH1svPWS/FxAPccJC25vDWp3CrPW21lpg0ju3vT1r4FyCKmBR5Hvj"
    "cCh+kW4hbmyMIemriEc6B/IWZHWg9hF5AL30EXkwNtyA4FMZv5jPYJ2n/Aebf6m1scJxZ2"
    "i79Qof3jHLA+b440wlPNBmpySzwe7M357oTnrAd7mQ0lPIFtK9X8nEnxuNh+ELmsdQS15P"
    "TIUssmD3T5vYHYo9a0XrFzomXfIGjq2C8nsl3pOvaVRBeoDNOuxzQfEmT0c6KCUWypuWO6"
    "QEFbWCM2VMXmRCPoOxugDeYi+ZpjZ3MLDcWDKz7fLve20AjEZNE9VbXGNghZcaH7MRu/Py"
    "ZI1WlFH+p8kmM3WJEV6rRZGLWglaZEuwIl2oCLqoFdYL68i3NLi+x2trcrhHbCqjS2U7r0"
    "ppdYKAtuemnPldr0nj7+WO2tLl/FGRJKPKsWzxnXRyB6jeLMdeOZ3RYkZvNuN/kOS7zVFE"
    "mSTBYHKit2r8llk4JTg3lpb+jRZL2tylmvARyTgsOt8qw39miy3mpZ70pkQaoSnct9wvp0"
    "WcYjC7wV05wOOiWeaMBQF2+in9fIyqQHQBGR129mwY9vNqTatNkA2yIlMYlofFZQ9HykNh"
    "9Q6FyN85hVyDie+Wc9EtPiqnP5pyrp8yIylGXX6PzVpC10cyTls9Zb8aMd4QeQLHqPJOvW"
    "XCdRe1Rz370A5PWsG1e5EWFjj2tyt1+U7pRjw/bqsr1AfJz4oZ1/zdciTlGWGDiff7gGGy"
    "t483Og6B77esYDuXsad0+XR3TAJbrVymUSgXxOLoFji/uSiXIAHhDKN8cFT3Bc8FOswWB5"
    "VT0ySLi8iKA8fWzQ3t+vcGwgrEqPDZQu84tWpyACL0c4MH+B6D7JoYzokQMtCCf/vul1y+"
    "4oRy7ZyILoHP1GNvHW8eblHHAlGPMTzGwumYkOZAPPXg67+w8bSnrK"
)
