from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "shop_items" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "guild_id" BIGINT NOT NULL,
    "name" VARCHAR(50) NOT NULL,
    "price" INT NOT NULL,
    "role_id" BIGINT,
    "description" TEXT,
    "created_by" BIGINT NOT NULL,
    "created_at" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "uid_shop_items_guild_i_33edc8" UNIQUE ("guild_id", "name")
) /* Something a guild sells for coins, optionally granting a role. */;"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "shop_items";"""


MODELS_STATE = (
    "eJztmF1v2jAUhv+KlSsqsaqjH3S7ox3bkFaY2mirNk2WSUyI6tiZ7aygiv8+20mISYB2rK"
    "IU5WYj57zHcZ4TO3774GCPURZND2/GLO5JHDnvwYNDUYTVj2qyCRwUx1ZKRyQaEiMXSgZD"
    "pRNGOBSSI0+qzAgRgVXIx8LjYSxDRrX+hkVYjkMaAASCJCQ+EJgQAUaMA4+FVDQBM2JEyB"
    "QEHFGZijkj+FDfw2eeuokKPs9wCQ1/JxhKFqiBMFeD/vzpmKFg6GuBAfPrl/oVUh9PsNAS"
    "fRnfwVGIib+AL60xcSinsYn1qPxohHr2Q+gxkkS0EMdTOWZ0rg6p1NEAU8yRxHp4yRONki"
    "aEZNxzuunsC0k6RavGxyOUEN0QXZ1OoIg5EPYHLrzpuhA6lWblFRbwLKReBN1oNVVhnj7Q"
    "U3jTenvSPjk/Pjs5VxIzzXmkPUtvXYBJCw2evuvMTB5JlCoM4wKq3Y5FtBdhsJKuXfU445"
    "zoOsh5oKBcvOXbw/yu1To+breOjs/OT0/a7dPzoznvamod+IveJ81eCZhatOl6zptRwDf/"
    "V8BfjhFfjj3Xl5CrB3mNyCM0gQTTQI7V5enRGprfOteXnzvXjdOjg0Wk/SzTMqlFuDEPvS"
    "V0V77Tc/0+vdD/uW8UNPWm/s/bhFW0EdRso90xplveJOzJVui7eLKCfalsoy1jx/ivQel2"
    "bw3ISIjfxN4ZGledW7NpRNMs82XQ/5TLrZ3k8svgokTe41izgcPpv732i3X7tJ1s+dXPQS"
    "JZbcAHlZFhhNe3IK0stcDPSg/zH1ttSJ/dNw7+pxXq0fwBJdNsga5bFb2r7o3bufq6sDQ+"
    "dNyuzrQWlkUebZyVvrHzQcD3nvsZ6EvwY9DvGrBMyICbOxY694ej54QSySBl9xD51qE5j+"
    "a8Zvq4P7qzzqY6METe3T3iPqxkWIut0lZTUSsqRxBFgemWhqunmZsyVxkYofxV2o2qabPz"
    "zbW+TRbKJzq3AcUgYn9whKkEbJTaK2O0mM7gaIi5jusrc/SuurXNhlji0Epu7MEpADqJwD"
    "z7ns8dgNbjSaxeAmEeOBuiMG0TaAOBegyDK1uMjqlXEnMxq93fNt2f1dCnf96sovrbtvG3"
    "rTbeLwgfRSyhSw4VK7kXBftE/dncobXDp2QqZFcblWW1e/EHjm3bldoovrRRrH1K7VO26F"
    "M63BuHf7DziF3JZc0nuxaIrJJH3UsHWLWAEV85DTlGVP2DwZhJwLFUrkQlm8ai+EBZDQwS"
    "6imRekjQEGryIPQPqrbmmcd+Ab+Todwt3/OUjaM2PmW6tfGpjc8rh18bn9r47N3xuzY+tf"
    "F5VYtgh+xOzqTidxa+GukZdpM+l0p3qtG1w90dhzv7C5XlFVU="
)
