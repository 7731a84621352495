from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "leader_fence" (
    "name" VARCHAR(64) NOT NULL PRIMARY KEY,
    "epoch" BIGINT NOT NULL DEFAULT 0,
    "holder" TEXT,
    "updated_at" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
) /* The highest leader epoch that has written; older epochs are rejected (fencing). */;
        CREATE TABLE IF NOT EXISTS "maintenance_runs" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "job" VARCHAR(100) NOT NULL,
    "started_at" TIMESTAMP NOT NULL,
    "finished_at" TIMESTAMP,
    "ok" INT NOT NULL DEFAULT 0,
    "rows" BIGINT NOT NULL DEFAULT 0,
    "detail" TEXT
) /* One run of one maintenance job (or backup), for reports, metrics and alerts. */;
CREATE INDEX IF NOT EXISTS "idx_maintenance_runs_job" ON "maintenance_runs" ("job", "started_at");"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "maintenance_runs";
        DROP TABLE IF EXISTS "leader_fence";"""


MODELS_STATE = (
    "eJztW1tT2zgU/itqXhZmaAfCdbtPAUKbLSQdSHc77XQ8in1iqziSKysNTMt/X0m+XxLiAC"
    "Fh/QTWOUdWvk+2vnMk/2qYjMObd2PiWieMDondeIt+NSgegfynaNxCDex5kUldCjxwta+t"
    "3Awz8Rv4gmNTSNsQuz7IJgt8kxNPEEZVxEfgr3UU8kEIQm3/LWIUEGcT5AFHgU04gAZMIO"
    "IjQt+oni1myq6l/0M6GVPyYwyGYDZII5ddff0mmwm14Ab86NK7NoYEXCuDSvBLiaW60VZD"
    "3HrackzsDhVnOkINdCDxcMcjmo/yboXDaBxGqFCtNlDgWICVgoyOXTdEOGoKRi4bBB9DPG"
    "QrabBgiMeuAl5FB+NI2hqG0e31jat23zAaBVKiiBTEYZNkVhEqx+prNGw1hNd/Npu7u4fN"
    "7d2Do/29w8P9o+0j6avHWzQd3gWDSUALutLQdd51un01ICZnTTClVMOdjsECB1GamYQKj8"
    "OQ3BSJ6MPNFBqSiBwJ8sctQkLUkLCQzPYY8leNAguvHoD9DBj77c8axJHv/3BVQ/ef1uXJ"
    "+9blxkXr86a23IaW8173XeSeYN49Oe8da9QTlCfgmmwEhulgSsGtPPXL4xd6CMIpXgn+F/"
    "IUJHy4zF6Yi2JszcOiPIzGAgzOXKjMQj6y5mBRDvBYsMU4yEfWHCzKwY1nAFWAlDHAJMKY"
    "llOQDcwRMJCRT7UiR0opTUGsnh57TT7u9c4za/JxJ7/ofro4bl9u7OgFWjoRMQVpk4NCws"
    "CiiPSptAgygnKos5E5qK0w9E30z1PhXjr1u2yysfmQSS9/mtWj7m1I4ix51LloX/VbFx8z"
    "fJy2+m1laWb0UdS6cbCZZSvuBP3b6b9H6hJ96XXbGljmC5vrOyZ+/S8NNSb9wqFsYmArpd"
    "aj1givDN9jz1qQ72xkzffz8x2hkyJcj17lmcPrVHqjGgbYvJ5gbhkFC2uyab5F06g5yrdg"
    "im3NlgL3biud5F/AaKBT4bIKQGjcuq8CMNJ+/nwlgJ7M1Mc+8D985HGmgPSlBWFqoQF2MT"
    "VB5us+sUDn9PoGxRLAop2UlAC+NlRHoSCIM/ZvucrAr0aCacpLOsGNF94+BjxCklg3Rgah"
    "4EojGD6WDd2DhExf6BdB6kbRyCrfRwXOuM3UOkeZoJqqpubVUOFbb9XrGs2dvcO9o92DvV"
    "g4xS2z9NL9FYtVKR79T4VqhRkdOC8P7e081NvPPYtTFQf4CW4F7GL/5cG3k4dvZ3XgM5lc"
    "gCrAF/vXs0+1fJdwLCSCM4G1Bn5+DTxXzpMosPkXyFRQvT5WWh8L6UeWiSINZ1L3E5t+gF"
    "tNRUeOW2nsEuh18vAp7GTNCLiLZljUmsxejiexWk5PPPnLLXAhqN2ctK5OWqftQF4vO5s7"
    "ly8H4GegaClkc2nj1vRsztVuxjD2uzeZ6zuAHGI74AsURCPwmOkg4WCBHOyjCSdCAP0LMT"
    "e2+ghzQBy+gyknB9pQN5TEbBbzvCfo/wG7wPpv4eE4cTAvf0NF/o+z7fi8OdII3xguUFs4"
    "8vJgb8Z7J9p9PNjLLSjRvmRTm2bnTJrHautBHLLWCmrJ6ZGjH5squ+lJxELTesV2T5a9r1"
    "5Xd1+Osl3p6u6FQheokmmXY1qUBDn7DFUwSjwNPqYVyrzSG7GhLsGmOkHf2QBtMI7Uzxx7"
    "m1toKC+4fH1z4W+hEcjJYvq6lotdkG3l5d/H7Px+TZApy8p76F07gXn4RM5RoM3DaIS91C"
    "XaFSjRhlzMK+xC9+UdJ1uastvZ3p5D2kmvqdpO27KLXupBqbjoZSNXatF7ev2x2ktdsYoz"
    "JJT4zkI850Ifgeg10pnrxjO7LknMZp35CQKWeNYnbkkzWS5UVuy0D2eTkl2DWWlvFFFnvY"
    "25s14LBCYlm1vTs94kos5658t6VyIL0pXoQu4T1aenZTyqwDtnmtNCp8SXHVj6OEr80Ymq"
    "TPoAFBF1KOU2/CRlQ5ltlw2wK1MSm8jOb0uKno/U5wMKnauxH7MKGcczf+yiMC2vOk9/Va"
    "VjXkSGsuwaXfA0GZVOjmRi1nopfrQt/BCSqudI8mH1cRK9RtWnwEtAXs+68TwnIlzsC0Ot"
    "9lXpzgTWbK8u2xX0cerzs+B8r0O8siwxDD77cAku1vAW50DZ6e711AOFcxp3T5dHtIAT02"
    "kUMomwfUYugROP+5KJ6QA8QMrX2wVPsF3wUz6D4eM175ZBKuRFiPLstkFzf3+ObQPpNXXb"
    "QNty33l6JQp8OsKh+wtE90k2ZeQdBdASOfn3Va877YxyHJJXFsQU6Ddyib+OJy9ngKvAmJ"
    "1g5nPJnDpQHTx7OezuPwuAL94="
)
