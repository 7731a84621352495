from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE "welcome_settings" (
    "guild_id" BIGINT NOT NULL PRIMARY KEY,
    "template" TEXT NOT NULL,
    "dm" BOOL NOT NULL DEFAULT False,
    "set_by" BIGINT NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP
);
COMMENT ON TABLE "welcome_settings" IS 'How a guild greets new members: the template text and whether to DM it too.';"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        """


MODELS_STATE = (
    "eJzFVWFP2zAQ/StWPhVpq1gZlPGthQ4qtclEs4GYJsuJ3WDh2CG5KFSo/3220zRJW5C2Qf"
    "cpzrt79uW9y/nZKZgIVcy6N+VzxgC4jDLnDD07ksRML17M+YAckiSNDIMACUSThbNmepBB"
    "SkLQ8TkRGdMQZVmY8gS4koZ1pQpEUJRzQVGUMgYZkqxAMYsDlmZnCO4ZAhYngoBZPAEikq"
    "LinulAikChiynioBeqaw6kKtQn6uPfYe9c8secYVCRTdAn/PylYS4pe2JZ9Zo84DlngrYU"
    "tTVgTs02NophkdjIkEdjCV8tw9Qf4FCJPJabrGQB90quaVyCQSMmWaqrpw2BZS7EypMKKi"
    "vXAKQ5W5dMa4CyOcmFscmwyzpqzMHY9Xw8G/kYO1sWVoyG8isoVNLYr2st+ysyJXz80usd"
    "HfV7h0cnp8ef+/3j08NTnWvr3Q71l2UxtWjlVla68eXY9U1BSvdY2YQGWFoOAVKyrDO1FZ"
    "Xh21b4ugN2G9HkbBihP/BvjKiA2on6/9iDFa+o6o9uraZxlj0KA7g/BtfnV4PrznRwe2Aj"
    "i1Vk4rmXVXptgXs+8YbWhFp0Gu/ofKUEI3K34iVhQ+tAM95L7DXSVHv3zHoLlYeeN2mpPB"
    "xvyvh9Ohxddz5ZyXUSh1aD19rqeYuDxZ9NlprzNnPlP7fzPidLLXyeUCMRJrAt/oWOAI/Z"
    "bvnbzA0L6IrarRZ7NcRVRefgX6xIGaGeFIvV5fLapBlPRzN/MP3W+hEuBv7IRHqtUVOhnZ"
    "ODti3rTdDN2L9C5hXdee7ICqsy0Pd+1srz7xxTE8lBYakKTGhTnQquqjc3+vyhcZEYICDh"
    "Q0FSirciqqdeyt0Oxb14EyGSRNYtI+5y+RuOqBWA"
)
