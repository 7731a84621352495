"""Hand-written twin of the PostgreSQL migration that creates ``economy_transfer()``:
nothing to do on SQLite (its transfer is one short ``BEGIN IMMEDIATE`` transaction in
``plugins/economy/transfer_fast.py``)."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        SELECT 1;"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        SELECT 1;"""


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
