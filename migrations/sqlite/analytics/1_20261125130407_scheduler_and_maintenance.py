from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "command_stats_weekly" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "week_start" DATE NOT NULL,
    "guild_id" BIGINT,
    "command_name" TEXT NOT NULL,
    "uses" INT NOT NULL DEFAULT 0,
    "unique_users" INT NOT NULL DEFAULT 0,
    CONSTRAINT "uid_command_sta_week_st_8cd51d" UNIQUE ("week_start", "guild_id", "command_name")
) /* Uses of one command in one guild during one ISO week (kept after raw rows go). */;"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "command_stats_weekly";"""


MODELS_STATE = (
    "eJztl1tv2jAUx7+KlSeQuokFWtjeaMtapBamkq1Vq8oyiUkjgp3ajiiq+O6znZjcKBXdBJ"
    "3Wt/ic8/fld3w5ebYQQeFCBC7/fEJnM0S8kUDC+gaeLYJmWH68EHEgHVFU8CubQONQq9wk"
    "FnIZrD1ozAVDrup7gkKOpcnD3GVBJAJKlGRIMEhlAD9hN1aOAzChDMQc+RhkM1EdetSVPQ"
    "bEf4M2JsFjjKGgPhYPmMke7u6lOSCeFHPVfLYmAQ49/W0lPWIPyoWrOPwUMcy5HIIbqaEV"
    "eE+wsHYoAulRaBaRjrB0B5KFbiyVOJpCPVqBe+CpSG2HRtsn4rsOVOsfy4HCeEay4GghHi"
    "hZRQdE58nHBDMkpy9tgsWKPInDMM2USUaCJAtJWOQ0Hp6gOFT5U+pkApnNgnAwdOCo50Bo"
    "VXJrFLmUpSZXMpQs5FS5Xr2vpvDJ/tJqtzrNo1ZHhuhpriztZTJ0BiYRajwDx1pqPxIIZg"
    "nMoJrU6HYFryPzsp5vWVciLZdQJm24bkJtDBnr7GjsAPYGkk7vxlE9zzh/DJVh8Kt7dXLe"
    "vapddm/q2rNIPRfDwZkJp/KEJ+d/cHIxPNbJyOD7cSAHWrevjwP/xa2dV72+wddgT/fve6"
    "GebvGvtt1stu1G86hz2Gq3DzuN1V6vujZt+uP+mdr3BfrmIGTsY47Z1uhzojeRf28bfj/o"
    "869HBf+ppKdeiPUJKElLSfBS7WfzsdOUDOi8Vv+TZDCMvCEJF+kR3XQb9S97I6d7+aNwJZ"
    "12nZ7y2IXryFhrR/ViYladgOu+cw5UE9wOBz0NlnLhMz1iFufcWmpOKBYUEjqHyMu9hsZq"
    "eOl3fDLNPTrKMEbudI6YByseatOXYquumT0rW2Q94+tsKbh6muvKtGuMpxrwK+VcGrdVUQ"
    "fnmejV2u4nxxzQCaC5Oi0guqnvd+DFarNoQ380BKpvUJviSAA0EZgBhuaA0TkHPq1Xy7+/"
    "3/2aCvHOUjK1eJZcfrmHqVAf3JdqyY8Sb5clXjFJ1dt2Pd2iatNF+w++ext4quvyo0x7N7"
    "XCx//JHv9PZLnLt7iQTfjuSuNGGXRj39dwDl7yYKpfhq0glmT/L8y9FpDL31CFY7s="
)
