from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE "users" ADD "avatar" TEXT;
        ALTER TABLE "users" ADD "display_name" TEXT;"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE "users" DROP COLUMN "avatar";
        ALTER TABLE "users" DROP COLUMN "display_name";"""


MODELS_STATE = (
    "eJztXW1T27gW/ivafNkwk+0ApdDlzv0QXtrlboEOZG8723YcxVYSFUfySjIh08t/v5L8/h"
    "ZsQ4JJ/YlE0pGV58g65zk6Ej86JmXo1XsX29YxJWM86RyCHx0CZ0h+yFb2QAc6TlClvgo4"
    "snXbiWpmmFG7ERcMmkLWjaHNkSyyEDcZdgSmREl8ROw3LQU4EgKTCT8ElCDA6Bw4iAGvTk"
    "wRGFEBMAeYvFI9W9SUXcv2j+nEJfgfFxmCTpCsZLKrL99kMSYWukM8+OrcGGOMbCuBivdL"
    "saW60bWGWDi65ghPzoh4pyXUQEcSD9udkbSUsxBTSkIxTIQqnSCCGBTIikFGXNv2EQ6KvJ"
    "HLAsFcFA7ZigosNIaurYBX0t44orKOYVxcDozr04FhdDJKCSRiEPtFUrNKoXKsXKMxUUP4"
    "7ffd3devD3a3X++/fbN3cPDm7fZb2VaPN1t1cO8NJgLN60pDd/b+7GKgBkTlrPGmlCq41z"
    "JQQE9KayZShcPQGN9lFTFAdwVqiCRSSpA/ro4SgoJIC9FsDyH/pZPRwi+PwH4JjIPTzxrE"
    "Gef/2Krg4r/9q+M/+lfd8/7nLV2z8Gs+XF68D5pHmF8cf7g80qhHKM+RbdIZMswpJATZla"
    "d+vnytl8Cf4pXg35C3INKHTSe1dZGVbfVQVw8zVyCDURtV1kJastVBXR1AV9B6OkhLtjqo"
    "q4M7x0BEAZKnASoRhiRfBUnBlAJGUnJVFjnwlOIqCL2np7bJR5eXHxI2+egsbXT/Oj86ve"
    "ruaAMtG2FRgLTjjmxsGg6cyP6rYZ0WXSPaYUkc7nxS0DC8TYYUFgYUWbRPZI3AM5QPd1Iy"
    "Bbbli74KPqwK+dyl5oLOu1uPWWTkT7Muib3wX5pl7ujZ+en1oH/+MaGPk/7gVNXsJvzRoL"
    "S7v5XUVtgJ+HQ2+AOor+Dvy4tTDSzlYsL0E6N2g787akx6gSd0bkArxo6C0gCvhL5dx6qp"
    "76Rkq+/n13eATkzhevSK149vYnRSFYygeTOHzDIyNXSXFrXNVs12Z+kSSOSKa/ng3vfiQZ"
    "UT5EAmXIY6+UGXqL73UNzFCprycrGXgR8QsdFYAOhFSQ4BFhworq3iJI7L5LgBFGA41J8N"
    "OBaIDYfAJTbiXDYGitVxoPDIBmZW8oSHozY/OhH+nVivHdUO3Un6z7nEINRPgDq27ow0lI"
    "blelj7r3FHdyGR1V/u2wBRU1zR4gCRmn01VvOYWKOW8qdRzctdwLMWO/6KV1RySrRVdOMU"
    "3RxTfY5mI21v8uy0X/mgkZ7pdiUt9CVBwOWI/SoNJaMT324BSCxpDm1ITAQw4dhCertDPy"
    "BrhOt2kmNnv3RUR759Cm3Vt2XmN2pV1vb6CHnflphetQLEHhSMrPJzlGD5x8Qt9J1T81cZ"
    "UrLWE00qVVX3oZ5wDV8mz4spdGHKOi++H9J032V3Z+9g7+3r/b3QZQlLlnkqD3slTXEQf9"
    "JoZYUZ7TVeH9rbaai3n3sWx33pW2RXwC5svz74dtLw7TQHvnAJLglf2L6dfarku4SjVmQu"
    "IdgoJ/8nDcyVCsRGvmZ5AxkTau1jJfuYIVpJTWTV8E4yHDwhf6KFVsWZHLdiEznQa5r0l9"
    "/JC1PAfTDDgtJo9jI4D73l+MSTv9xCNvI2lI7718f9k1PPvX4W3vrRdieYXM+xMKedfPaa"
    "aNJ7iMM6unVJDtv3KKVkn5Ky2NhUAd0pxZJ1Cgq8nV9AGbAw9z5KDur1D7qyc0SETuP7t9"
    "/U2soS3JU8IZf9Jrxv3UWG/LYkqiVRG2wkEmFX7w3IQH88hawg2hpKrC/xcpWwz+CdYSMy"
    "EWpd3d9bgmiQgbm/l/KngtzMXV2VBLheQk2bTXNYIbsj2LMfLSr6mQm5Nm+s7iLSZltsDq"
    "lrdLbFBwkpYu+QYigZJzheucT9tXUzYxy2K5VjMcWTKeIqC0JJA+RQcwrEFAowhRzMGRYC"
    "kX8Baoe1HECGAEPfkSlnK+iqB8r5kuP7rqD/R5yK0X8r+ANB+6fxBp7X012JL1Ds+Wo9Vj"
    "NZociLDiau2T5N9WuTBbr4dFEkUWtaN8wrWPc5o9YfaP2BtfgD5wpdyZWkKb9ySdYlSNUv"
    "8QpmUUuDuWXjYiotQ7YGdKwjUrFOwHc6Al3KdMqj62z1wFh+YXL5ZoL3wAzJyWJyncABbS"
    "TL8nM+nrLzijmX8hmadwnI/DeyRMpCGkbD76XNVmhAoM3XRVnHzm++gVGene3tEq6dbFXo"
    "2+m6pNGLvSgVjV5SslFGr01fTG9ojjHBfFpLzynRJ1D0C/IzX5qe6U3FkK0n0J7GKxGvZX"
    "Sed+pxCe0NJFrW2ynNei0kIM7J8ypmvZFEy3rLsd5GsKBr/8Kcvmth0cmQoGR1r5gDBRfv"
    "GDBsWYoBqWsoJkjxFP94WHCFzyGYT6kkJ4zO5CfEpPx8CkUPjJAkLMgjKOrYRj75eaJ+K/"
    "KeRKp2dPi3BPlJ4vdg7nsl8rNscdww/vPMJ83adIRntFlyraHV8wXjUi34tcHn1GVmpb2f"
    "SGITowT7ZYIEaY4SixHsZ0IEnoGohHAksokQryIQ4zkBVfzeSKL1e6vv9hSc2S2Gu+ikbo"
    "t2CbTbm2w2Z2+t6ABFI1ilTvXPkMngAEARh1QZ9KWTyk8wlx1Y+mRzeLWrynfhCBGA1fnm"
    "hc/8uqp6YtMRtAFDEyw7X+SmkT9Jn49In2nGgZeWx2lM83OZii1TXGYj3K11WycLc8eGC6"
    "Mq8Gm51jOo4YfdylehmiMWSrR4V8fbsxxGpWPoCZkXvZnxZOeBfUiqHkpPi7Vn0zstO/gp"
    "2EHiKgfIhaE826rqTgi22m6utitwwdiF5t6dQVPs5O2z+8Lv/rxCNtTwZudA3qVYL9P3zR"
    "z6vl8tZz5Rp8a9oeZw57C2t5xDe4fP9U5jrxyZ1oR3PqXAO7au/1cKZt4lnV0IHIZvobmQ"
    "RFcqh4utQ02O9SkYMHLHY8SkiDpngjigI7TI49ZP/Yiv5Cv5RNmN7NWr56D7+WMPyF+Kb7"
    "FY9NS1oTO1m8uFnKhcYJNvAYtRR+/3qu7V0xTflz2rHFgxxVwP8yvx94KHQ3+w0rINh+qW"
    "NCHXB7WprEYif5q6nbQ7HGoNScFbbCL+SqtAj3w4bEMCmxISiGZCVXOZlGyUvWxT9xoTMv"
    "2ERtdefkh28Y/VLVn652gkvTI/xaTkwm9BPh1ROXRg0wkmh3LRpDcYqaDntJeIh/aAWuDU"
    "MqtXTv9XqIubtSToEgoEvUEkN7K6sudUTNBBdw5WlzqXS8qJI2r4ohry/KSc+hdSJh70wH"
    "2UlVJ/ijeHc81De/Dy4YOXzbDIz70V/zx3BbRh+fWHKr0VWIHhZSXmsMJi9HOF1/hP9758"
    "62yIGkzOxoY2fFVW+aTURsz/VV+604ZBNz8wlrhkKXIJK+o7KdkofbfErjHEro8Yzrt30S"
    "/vFRM6GLV4iMoVq/QRsaf2IPUKDlIrausT+bJGPCaygRZ8982bEiZctiq04boulc/g5Oys"
    "FyPsN99AdFeSJS2fKBDJsZf/ub68KPCNIpG0ocSmAP8DNuYvkQgvAVeBsZwGpD3+lNlTHT"
    "z7QcH7/wMdu8CP"
)
