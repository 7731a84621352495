from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE "reminders" ADD "dropped_reason" VARCHAR(32);"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE "reminders" DROP COLUMN "dropped_reason";"""


MODELS_STATE = (
    "eJztWV1z2jgU/Ssav2wyk02poSTtPkGWbZlJYCdxdzvd7gjFUsAbWXIteZNsJv99r4SNbQ"
    "wEKE0JkxcGX91jyefcq6uPeydmYSAoi9XhefrPeYfuHUFCBn9mNR8gh0RRqdHYNLnkrGIl"
    "l0rHxNfQcEW4YmCiTPlxEOlACuPeQiFTigwZIihRLEZEXTOKtEQx81nwL9g1GgzGb8VEDw"
    "ZojyDljxhNOLjrIITfWN7sH5oOqfShx0AMN/zuL+KLuGAAhieFRgSwQgJ2mASc4oAOBq8G"
    "g3+SMMJJzAeDXxBlHDqI75AvI6bQTaBHMtFIj1hoB5qI4GvCsJZDBjbD+l9/g9lQd8uUeb"
    "x3rgLGqf3vTMZosL4MI840o46BsNsohs8EPlX2lky+gN7iiR7YfI6V6i6yrY4Fgz724eEA"
    "lXo0hMGHfUN/5g0L+jPA6BrbLktBN+7U2nGG7Qr9m3U0Gl9iX/IkFLlzdAf0iol3ICxPQy"
    "ZYTMy43yEdJyb6RMJ5GqlZQI6VyF3GEhQwlF2RhJsYNujxAHKbg3Gv7+GLjoexU4nvDFEI"
    "y9TkA3/ABQxV2a8fmiH87L5uHDWO683GMbjYYU4sRw/jrnNixkBLT89zHmw70QTnKuakEq"
    "1ZGGm1ArVFyOMEZ3QuYjgz5BTns0LGZ22a4NqPJjUnUUD44pSWNBfLXP4KZJg0m03oDPgU"
    "rzTFH2Z/lmA5jdKVSP6OgbyAUK971rnwWme/m9eHSn3llrOW1zEtrrXeTVn3mvvGLqGKjO"
    "vL5CXoz673AZlH9Lnf61g2pdLD2PaY+3mfzdzmkERLLOQNJrTISWbOTCW9fU5AA4pZJP1R"
    "Ve12MJybPBXoWhm0Zdqm+fTWdev1I7dWbx6/aRwdvTmuTRKr2rQow9rd9ybJSvpWsy6jMh"
    "E64KvmXAX8knHbnHGcKI1ZHMu4KrQH0+dskcuoKYWBqt3StPPJK8nZ+6N1fvKhdb531vq0"
    "X5L0tN97n7nnevZOTvvtqRy7IgFndI2aVgK+5NY251ZhRb98HSuAnm4NuHslbESEYHxl9s"
    "u4FwHWFiA9CFilqBQga1WUbSP+qUtK6chilZJSAm6gpDwnIZ5bTfFjZohfQ+Uycqtk7smb"
    "vf1vmeLg02hf8Lt0PfNMBE+XXov1nhwFVuuYlJwRMUftIm5K7EsAfi99J5aiwLOPojeRv+"
    "1+/7SkZLs7PVN+PGt3zvdeWwnBKdBzKlZ2srzagqGIejlxWHe1kB3kV7k/GZF4NvNFzC7s"
    "QJ2Q3GLOxFCP4NGt1Rawmq0WwGtqasoWEu64bXqFEEENwIpB13SVk+kqcIdifWOn1TSWUQ"
    "QVFqqRgpGsEMtV5O5FdN1dIqDr7tx4Nk0P9hLr6rpw42IMl8S/viExxZUW6cp5vtWm0A2n"
    "LUTAjoSmX2jGn1/QfoSNugcrpf+kYM7sO9ySy8Ej97h2469T7yUvc70RQ91Wr2VvTpEBpj"
    "evPykEaIgvzVDWnXUCe2xMhKJAVG9wN/HCx29a595EbseJyTbcSz5JAZ5/e6kLUbvsJFbE"
    "7MQGvjx/NRtLzF/Nxtz5yzSV60US0TX3cmXkVu3lNkT989zRzdjC29H/0Kr18D9fP5tx"
)
