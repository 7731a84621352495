from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "user_deletions" (
    "user_id" BIGINT NOT NULL PRIMARY KEY,
    "deleted_at" TIMESTAMP NOT NULL
) /* A user who deleted their data (a privacy request): the fence buffered writes obey. */;"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "user_deletions";"""


MODELS_STATE = (
    "eJztXW1T27gW/ivafNkwk+0ApdDlzv2QAu1yt0AHsredbTuOYiuJiiN5Jbkh08t/v5L8/p"
    "bYhgST+hOJpCMrz5F1znN0JH50TMrQi3cutq0TSsZ40jkGPzoEzpD8kK3sgQ50nKBKfRVw"
    "ZOu2E9XMMKN2Iy4YNIWsG0ObI1lkIW4y7AhMiZL4gNhvWgpwJAQmE34MKEGA0TlwEANenZ"
    "giMKICYA4weaF6tqgpu5btH9KJS/A/LjIEnSBZyWRXn7/KYkwsdId48NW5NcYY2VYCFe+X"
    "Ykt1o2sNsXB0zRs8OSfirZZQAx1JPGx3RtJSzkJMKQnFMBGqdIIIYlAgKwYZcW3bRzgo8k"
    "YuCwRzUThkKyqw0Bi6tgJeSXvjiMo6hnF5NTBuzgaG0ckoJZCIQewXSc0qhcqxco3GRA3h"
    "t9/391++PNrffXn4+tXB0dGr17uvZVs93mzV0b03mAg0rysN3fm788uBGhCVs8abUqrgXs"
    "tAAT0prZlIFQ5DY3yXVcQA3RWoIZJIKUH+uDpKCAoiLUSzPYT8l05GC788APslMA7OPmkQ"
    "Z5z/Y6uCy//2r0/+6F93L/qfdnTNwq95f3X5LmgeYX558v7qjUY9QnmObJPOkGFOISHIrj"
    "z18+VrvQT+FK8E/5a8BZE+bDqprYusbKuHunqYuQIZjNqoshbSkq0O6uoAuoLW00FastVB"
    "XR3cOQYiCpA8DVCJMCT5KkgKphQwkpLrssiBpxRXQeg9PbZNfnN19T5hk9+cp43uXxdvzq"
    "67e9pAy0ZYFCDtuCMbm4YDJ7L/alinRTeIdlgShzufFDQMb5MhhYUBRRbtU1kj8Azlw52U"
    "TIFt+aIvgg/rQj53qbmk8+7OQxYZ+dOsK2Iv/JdmmTt6fnF2M+hffEjo47Q/OFM1+wl/NC"
    "jtHu4ktRV2Aj6eD/4A6iv4++ryTANLuZgw/cSo3eDvjhqTXuAJnRvQirGjoDTAK6Fv17Fq"
    "6jsp2er76fUdoBNTuB694vXj2xidVAUjaN7OIbOMTA3dp0Vts1Wz/Vm6BBK54lo+uPe9eF"
    "DlFDmQCZehTn7QJarvrYq7WEFTXi72MvADIjYaCwC9KMkxwIIDxbVVnMRxmRw3gAIMh/qz"
    "AccCseEQuMRGnMvGQLE6DhQe2cDMWp6wOmrzoxPh34n12lHt0J2k/5xLDEL9BKhj685IQ2"
    "lYroe1/xp3dBcSWf3lvg0QNcUVLQ4QqdlXYzWPiTVqKX8c1TzfBTxrseOveEUlp0RbRTdO"
    "0c0x1RdoNtL2Js9O+5UrjfRMtytpoa8IAi5H7FdpKBmd+HYLQGJJc2hDYiKACccW0tsd+g"
    "FZI1y3kxw7+7mjOvLtU2irvi4zv1GrsrbXR8j7tsT0qhUg9qBgZJWfowTLPyZuoe+cmr/K"
    "kJK1nmhSqaq6D/WEa/gyeV5MoQtT1nnx/ZCm+y77ewdHB69fHh6ELktYssxTWe2VNMVB/E"
    "mjlRVmtNd4c2jvpqHefepZHPelvyO7AnZh+83Bt5eGb6858IVLcEn4wvbt7FMl3yQctSJz"
    "CcFGOfk/aWCuVCA28jXLG8iYUGsfK9nHDNFKaiKrhreS4eAJ+RMttCrO5bgVm8iBXtOkv/"
    "xOnpkC7oMZFpRGs5fBeegtxyee/OUWspG3oXTSvznpn5557vWT8NYPtjvB5GaOhTnt5LPX"
    "RJPeKg7r6NYlOWzfo5SSfUrKYmNTBXSnFEvWKSjwdn4BZcDC3PsoOajXP+jKzhEROo3v33"
    "5TaydLcNfyhFz2m/C+dRcZ8tuSqJZEbbGRSIRdvTcgA/3JFLKCaGsosbnEy3XCPoN3ho3I"
    "RKh19fBgCaJBBubhQcqfCnIz93VVEuB6CTVtNs1xheyOYM9+tKjoZybk2ryxuotIm22xPa"
    "Su0dkW7yWkiL1FiqFknOB45RL319bNjHHYrlSOxRRPpoirLAglDZBDzSkQUyjAFHIwZ1gI"
    "RP4FqB3WcgAZAgx9Q6acraCrHijnS47vu4b+H3AqRv+t4A8E7R/HG3haT3ctvkCx56v1WM"
    "1khSLPOpi4Yfs01a9NFuji00WRRK1p3TCvYNPnjFp/oPUHNuIPXCh0JVeSpvzaJVmXIFW/"
    "xCuYRS0N5paNi6m0DNka0LGOSMU6Ad/oCHQp0ymPrrPTA2P5hcnlmwneAzMkJ4vJdQIHtJ"
    "Esy8/5eMzOK+Zcymdo3iUg89/IEikLaRgNv5c2W6EBgTZfF2UdO7/5FkZ59nZ3S7h2slWh"
    "b6frkkYv9qJUNHpJyUYZvTZ9Mb2hOcYE82ktPadEH0HRz8jPfG56prcVQ7aeQHsar0S8lt"
    "F53qnHJbQ3kGhZb6c067WQgDgnz6uY9UYSLestx3obwYJu/Atz+q6FRSdDgpLVvWIOFFy8"
    "Y8CwZSkGpK6hmCDFU/zjYcEVPsdgPqWSnDA6k58Qk/LzKRQ9MEKSsCCPoKhjG/nk55H6rc"
    "h7Eqna0eHfEuQnid/K3PdK5GfZ4rhl/OeJT5q16QhPaLPkWkOr5wvGpVrwa4PPqcvMSns/"
    "kcQ2RgkOywQJ0hwlFiM4zIQIPANRCeFIZBshXkcgxnMCqvi9kUTr91bf7Sk4s1sMd9FJ3R"
    "btEmi3N9lsz95a0QGKRrBKneqfIZPBAYAiDqky6EsnlZ9iLjuw9Mnm8GpXle/CESIAq/PN"
    "C5/5dVX1xKYjaAOGJlh2vshNI3+UPh+QPtOMAy8tj9OY5ucyFVumuMxWuFubtk7e22RUOp"
    "qbkHnWAd5HOyPpQ1L1oG5arD2v23pMP4fHlDjeDrkwlLWvqu6EYKvt5mq7gn8cu+TZu0dl"
    "ip28vUdf+O2f18iGGt7sHMi7KOh5+gOZg7D36+URp+okrTfUHD4R1q7gFd6BXL37UpJgaB"
    "Iwn1LgHeXV/z8CM+/iwi4EDsPfobmQzr9UDhc7x5ow6JMBYOSOx4hJEZV7jzigI7TI4xuP"
    "/Ygv5Av5SNmt7NWr56D76UMPyF+Kv2Ox6KmrFGdqh4sLOVG5wCbfARajjt4DU92rpykOJH"
    "tWeYFiirke5hfi748Nh/5gpWUbDtXNUUKuD2qjTY1E/jR1Y2N3ONQakoLfsYn4C60CPfLh"
    "sKVJ20KToplQ1VwmJRtlL9t0psaEkT6i0Y23Z55d/GN1S5b+ORpJr8zfdi+58FuQT0dUDh"
    "3YdILJsVw06S1GKhA07SViRD2gFji1zOqV0/8V6jJbLQm6hAJBbxHJjTat7TkVkxbQnYPV"
    "RbflEhXiiBq+qIa81F12FS7pSzxoxR19ldIhijfMcs1Dexht9WG0Zljkp96efJrz022ocv"
    "OhSm8FVmB4mVo5rLAY/VzhDf4jss9fO1uiBpOzsaENX5VVPim1FfN/3ReRtGHQ7Q+MJS6e"
    "iVzCivpOSjZK3y2xawyx6yOG8+6i88t7xYQORi1WUblilT4g9tQeLl3D4VJFbX0iX9aIx0"
    "S20ILvv3pVwoTLVoU2XNelcu2cnJ31YoT95luI7loyR+UTBSI59vI/N1eXBb5RJJI2lNgU"
    "4H/Axvw5EuEl4CowltOAtMefMnuqgyc/PHX/f/ab0yg="
)
