from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE "guild_config" ADD "public_pages" BOOL NOT NULL DEFAULT False;"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE "guild_config" DROP COLUMN "public_pages";"""


MODELS_STATE = (
    "eJztXW1T4zYQ/itqvhRm0hvgOLjS6Yfwclfag9xA+jLtdHyKvXF0OJYry02YK/+9kvz+lt"
    "iGEJPzJxJpV3aelbX7rFbmS0+nDF6994hlnFF7QszeCfrSs/EMxId8Zx/1sOOEXfIrx2NL"
    "yZpSTNNjubHLGda56JtgywXRZICrM+JwQm2p8RHYd0oLucA5sU33BFEbEKNz5ABDfh+fAh"
    "pTjoiLiP1KjmxQXQwt5B8ziGeTfzzQODVBdDIx1F9/i2ZiG7AAN/zq3GkTApaRQsX/pcSQ"
    "w6hejd87queUmJc2f6c05I2OBR6WN7OzWs49n1I7UiM2l60m2MAwByMBme1ZVoBw2OTfuW"
    "jgzIPolo24wYAJ9iwJvNT27yNu62na9XCk3V6MNK2XM0qokYA4aBKWlQYV9+oqNEx5C999"
    "f3Dw+vXxwd7ro7dvDo+P37zdeytk1f3mu44f/JuJQfOHUtBdvr+8HskbomLW+FNKNjwoHc"
    "yxr6UsE5vCYTAhi7whRrAoMUOskTGC+HFNjBA2xFaIZ3sE+Te9nBW+eQT2S2AcXfyhQJy5"
    "7j+WbLj+bXBz9tPgZudq8Meu6rkPej4Mr9+H4jHm12cfhqcK9RjlOVg6nYGmT7Ftg1V76h"
    "frN3oIgileC/4teQpie1jUbGyLvG5nh6Z2mHkcNEYtqG2FrGZng6Y2wB6nzWyQ1exs0NQG"
    "C0cDWwJSZAEqEMZ2sQnSihkDjIXmujxyGCklTRBFT0/tk0+Hww8pn3x6mXW6v16dXtzs7C"
    "sHLYQIL0Ha8cYW0TUHm2L8elhnVZ8R7aglCXcxKWgZ3joDiYWGeR7tc9HDyQyK4U5rZsA2"
    "AtVX4Yd1IV+41FzT+c7uYxYZ8dOMoW3dBw/NsnD08uridjS4+piyx/lgdCF7DlLxaNi6c7"
    "SbtlY0CPr9cvQTkl/Rn8PrCwUsdbnJ1BVjudGfPXlPaoG36VzDRoIdha0hXil7e47R0N5p"
    "zc7em7d3iE7C4OruJa+f3CXopGwYY/1ujpmh5XroAS2TzXfNDmbZFmyLFdcIwH3oJ5Mq5+"
    "Bgxj0GveKkS9zfX5V3MUJRt1ruZRQkRCyYcIT9LMkJItxFkmvLPInjMXHfCHP06ZP6rOEJ"
    "B/bpE/JsC1xXCCPJ6lwk8cgnZtZyhdVZmy+9GP9eYtSelIOFoP+uKzCI7BOiToyFloVSMz"
    "wf6+Ax7qkhBLLqy0OXIGpLKFqeIJKzr8FqnlBr1VL+NKZ5uQt43mMnH/GaRs6odoZunaHb"
    "46qvYDZW/qbITwedK530TMlV9NBDG5DnAvtWOEpGzcBvIWwbwh1a2NYBEdslBqjtDnWBvB"
    "NuOkiBn/2rJwcK/FPkq/5e5n5jqaq+N0DI/7bE9coVIHGh8M5qX0cqVr9M0kMvnIa/ShOa"
    "ja6oU2Gqphf1lRvEMkVRTGkIUzV4CeKQtscuB/uHx4dvXx8dRiFL1LIsUlkdlbQlQPxKs5"
    "U1ZrQv/Hxo72Wh3tv0LE7G0v+CVQO7SP754NvPwrffHviiJbgifJF8N/tky2cBR6PMXEqx"
    "VUH+V5qYq5SIjWPN6g4yodT5x1r+MUe00pbIm+GdYDjEtH+Be2WKS3Hfkk0UQK9o0q/BIC"
    "/MAA/hDAtb49nL8DyKlpMTT/xyAyzwN5TOBrdng/MLP7zeCG/9aHkmsW/nhOvTXjF7TYn0"
    "V3FYR0lX5LADn1IK9ikoi0V0mdCdUiJYJ6fI3/lFlCGDuP5HwUH98dGOGBxsrsr4fgxEjd"
    "08wV3LFQrZbyr6VkPkyG9HojoStcVOIpV29Z+AHPRnU8xKsq2RxvMVXq4T9hleaBbYJpfr"
    "6tHhEkTDCsyjw0w8FdZmHqiuNMDNCmq6apqTGtUd4Z79+L5mnJnS6+rGmi4iXbXF9pC6Vl"
    "dbfBCQAnsHkqHkguBk55Lw11Ji2iSSq1RjMSXmFFxZBSG1EThUnyI+xRxNsYvmjHAO9g+I"
    "WlGvizADxOAz6GK2oh15QTFfCmLfNYz/iFMx6m+NeCCUf5poYLOR7lpigfLIV9mxnsuKVF"
    "50MvGZ/dNUPTZ5oMtPF8UajaZ1y6KC5z5n1MUDXTzwLPHAlURXcCXhym88Ox8SZPqXRAWz"
    "WFJjXtW8mCzLENKITlRGKjEI+kzHaIcyVfLoObt9NBFfmFi+GXf7aAZisuiuKuDAFoi24p"
    "qPpxy8Zs2luIbiXRyz4ImsULKQhVELRumqFVqQaAtsUTWwC8S3MMuzv7dXIbQTUqWxnepL"
    "O73Eg1LT6aU1W+X0uvLF7IbmhNjEnTayc0b1CQz9guLMl2ZnelczZesrdKfxKuRrGZ0XnX"
    "pcQntDjY719iqzXgM4JgV1XuWsN9boWG811tsKFnQbvDBn4BmE93IkKN3dL+dA4Yt3NBxJ"
    "VmJA8jUUJkieEhwPC1/hc4LmUyrICaMz8QmY0J9PMe+jMQjCAj5Bkcc2isnPE41bk/ekSr"
    "Xjw78VyE8av5W177XIz7LFccv4z4ZPmnXlCBv0WWKtofXrBZNaHfiNwXepx/Raez+xxjZm"
    "CY6qJAmyHCWRIzjKpQh8B1EL4VhlGyFeRyLGDwLqxL2xRhf31t/tKTmzWw532UndDu0KaH"
    "dvstmevbWyAxStYJWq1D9HJsMDAGUcUlbQVy4qPyeuGMBQJ5ujV7vKehcXwEZEnm++D5jf"
    "juw2LTrGFmJgEjH4fWEZ+ZOM+YjymXYceOl4nMK0uJap3DMldbYi3Hpu7+Q/TVqto7kpnR"
    "ed4H2yM5IBJHUP6mbVuvO6XcT0dURMqePt2OWa9PZ1zZ1S7KzdXmvXiI8TL3n236MyJU7R"
    "3mOg/O6XG7Cwgjc/B4peFPQy44HcQdiH9fGI32F862+a9HJsItG3hFPMYSwey2DfpSK1ML"
    "A7HVNx68iiJrFPFBUIBkE6pXcEvnUlL5j2VVeKNsj9I9FIBIGgd1DwzyrWMH7NXSpYOES+"
    "2bDazlQSQS1QXbIz1fytTKkLrXgpU639r/IMaSFt6k4frD590A6muul89GYOzHXcdAN5al"
    "0XK5Omltxa6eqMXgd+k7S1yyZl0Jev7WmtrQB+3efNO7a7/fwn9X6BOBCsae+0Zqvs3ZUj"
    "t2YbaACMFL1yKGjvl9M2HEusImzlJn3ETkx3hmgNZ4j+BRbS9apOPKGyhR784M2bCi5cSJ"
    "X6cNWXCVWdgg2UcoQD8S1Edy0FQuKKHOwCf/nz7fC6JDaKVbKOkugc/Ycs4r5E+rsEXAnG"
    "chqQjfgzbk8OsPEa+Yf/AbTD1Sk="
)
