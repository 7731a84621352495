from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE "transactions" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "user_id" BIGINT NOT NULL,
    "guild_id" BIGINT NOT NULL,
    "amount" INT NOT NULL,
    "transaction_type" TEXT NOT NULL,
    "description" TEXT,
    "created_at" TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX "idx_transactions_user" ON "transactions" ("user_id", "guild_id");
COMMENT ON TABLE "transactions" IS 'One movement of coins for one member of one guild.';"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        """


MODELS_STATE = (
    "eJztll1v2jAUhv9KlCuQtqoLFNjuoGUtUglVG21Vp8kyiUktEjuNnQFC/Pf5OAkOH2UrlS"
    "rt484+57zHzvM6TpY28Tnj8eLESzET2JeUM/uTtbQZjoka7M2/s2ycJJUsRCQeR1ohTaXQ"
    "pWOhQr5UuQmOBFGhgAg/pUmxmD1ixIr5DxITJi0+sXxOmbAmPLU4ZEg8JinEYRZmNApOoG"
    "/AfdWYsvD4FhmjTxlBkodEPpJUNfr2XYUpC8icCJgu7QklUaDHdiZIimgASt0DxlBP5klK"
    "hNAPXLQo8dFgjqpAEPTQuBaJLrC1XpXoyQq0yRTpRTd8yJfVcVRqB0x+1oVAY4x8HmUxM8"
    "XJQj5ytq6mTOqdE0ZSLAm0l2kGdrAsigr3SodyMqYkR1LRBGSCswhMBXW+AROzEXJHHrrr"
    "ewjZO4aXioqBRUgdJzgsaqtCP30IW3jvfGi2m51Gq9lRJXqb60h7lS9twORCjcf17JXOY4"
    "mR8dFArRi6SbZHw2fhVkS/JlzyPIS4DBjG5j15O8gfHafRaDunjVbnrNlun3VO17R3U4ew"
    "9waXQF4VcPXa53dCaYVBv36BXsS+qvoP/2j4OOZZjus3LxQj+Juov/JeMTwrN3xOZoesp+"
    "74/Wj3abcgq63/gZAPEPT69/qMxkI8RRBwv3Rvz6+6t7Vh976uM4sicz1yL8tyc6Td8+tR"
    "b8uE6jZfwH9LdhT64pv4r5L3UwJsEN5zpVyojKQx2Q9/U7nFPiikJ+XgTV8Cl89q9dfcMe"
    "rRghGLFsX5OGTKYNi/87rDmw1nLrpeHzLOhitltNaqbxqzbmJ9HXhXFkyth5Hb12C5kGGq"
    "VzR13oMNe8KZ5IjxGcJB5feujJa89I/pZFr5i4LAGPvTGU4DtJPhDn+udjcVO/F2BDMcar"
    "cA7mr1E5gDBI4="
)
