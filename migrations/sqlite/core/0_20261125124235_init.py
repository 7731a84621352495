from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE "guild_config" (
    "guild_id" BIGINT NOT NULL PRIMARY KEY,
    "prefix" TEXT NOT NULL DEFAULT '!',
    "welcome_channel_id" BIGINT,
    "log_channel_id" BIGINT,
    "mute_role_id" BIGINT,
    "auto_role_id" BIGINT,
    "xp_enabled" INT NOT NULL DEFAULT 1,
    "created_at" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
) /* Per-guild settings: one row per guild the bot is in. */;
CREATE TABLE "users" (
    "user_id" BIGINT NOT NULL PRIMARY KEY,
    "username" TEXT NOT NULL,
    "global_xp" INT NOT NULL DEFAULT 0,
    "global_level" INT NOT NULL DEFAULT 1,
    "created_at" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
) /* A Discord user the bot has seen in any guild (the global registry). */;
CREATE TABLE "guild_members" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "guild_id" BIGINT NOT NULL,
    "xp" INT NOT NULL DEFAULT 0,
    "level" INT NOT NULL DEFAULT 1,
    "coins" INT NOT NULL DEFAULT 0,
    "joined_at" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "user_id" BIGINT NOT NULL REFERENCES "users" ("user_id") ON DELETE CASCADE,
    CONSTRAINT "uid_guild_membe_user_id_551768" UNIQUE ("user_id", "guild_id")
) /* One user's progression and balance inside one guild. */;
CREATE INDEX "idx_guild_members_guild" ON "guild_members" ("guild_id");
CREATE INDEX "idx_guild_members_user" ON "guild_members" ("user_id");
CREATE TABLE "aerich" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "version" VARCHAR(255) NOT NULL,
    "app" VARCHAR(100) NOT NULL,
    "content" JSON NOT NULL
);"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        """


MODELS_STATE = (
    "eJztWltz2jgU/iuuXzaZSTOEXLdvQEjKNoFOQi/TTscj7IPRxkiuLQpMlv++kny/EUwaQl"
    "K/4XOR5e+Tre8cca/q1IH9ywm2jBYlQ2yq75R7laAx8B9Z556iItsOXOKSoYElY00RpulR"
    "3MBlDtIZ9w2R5QI3GeDqDrYZpkRkfATnrcxSXGAME9N9p1ACikOnig2O4vnYCJQBZQp2FU"
    "z2xcgG1fnQPP4xg0wI/jkBjVETuNPhQ33/wc2YGDADN7i077QhBstIoOI9KTbEMNKrsbkt"
    "PU1sdgi7kBliogOOhzUZk3SWPWcjSsI0TJiwmkDAQQyMGGRkYlk+woHJmzk3MGcC4ZSNyG"
    "DAEE0sAbzI9uYR2VRN6/b62m27r2lqhpQgIwaxb+LMCkL5XF2Jhimm8Pbvev3w8LReOzw5"
    "Oz46PT0+q53xWDnfrOt04U0mAs0bSkLXuex0+2JClK8ab0kJw0LmIIa8LMlMRIXtwBDPsk"
    "T0YVZAQ5SRIoE/3DokBIaIhWi1h5C/UTMsvHkE9ktg7Le/ShDHrvvTEobu58ZN633jZue6"
    "8XVXeua+56rXvQzCI8y7rateU6IeoTwFS6dj0PQRIgSs0ks/P3+tl8Bf4qXgfyVvQcSHRc"
    "21ucjmVjysy8N4wkBzqAWlWUhnVhysywGaMLoeB+nMioN1OZjZGhABSB4DlCOMSD4FycQU"
    "AQOe+VQ7cqCU4hSE6ul378nNXu8qsSc3O+lN99N1s32zcyA3aB6EWQHSugMCCQ2xLNLn3M"
    "PwGPKhTmamoDb81P3gx1Phnrv0u3S6s/uYRc8fzegRa+6TuEweda7bt/3G9ccEH+eNflt4"
    "6gl9FFh3TnaTbIWDKF86/feKuFS+9bptCSx1menIO0Zx/W+qmJP84BA61ZARU+uBNcArwf"
    "fENtbkO5lZ8f38fAfoxAiXsxd15vAuVt4IwwDpd1PkGFrGQ+u0KDbrGtfHaQsiyJRsCXAX"
    "e/Ei/xrGA1kK53UAfOfeQx2AsYxzV2sB9HilPnHB+ctVbIcKIF3uURAxlAGyENGB1+suNk"
    "DW9PIG2RbAuoPktAC+q2IgXxCEFfuPVGfgXo0wjUXxIJjZ/u1DwAMksTHTEgh5VxJB/7VU"
    "5QgcMnkhPwSxGwUzK30fkbjkNoV9jjxBVaimVtVQ/ldv2/sa9YOj06Ozw5OjUDiFlmV66e"
    "GOxbY0j/5QoVpiRXvBm0O7loa69tyrONZxgF9glcAujN8cfAdp+A62Bz6d8g2oBHxhfLX6"
    "hOVfDsdaIjiRWGng59fAK9U8kQJbfYOMJVX7Y6n9MVN+JJnI0nDBdT82yQeYSyo6fN5CY+"
    "dAL4uHT/4gL4yARbDCAmu0eh00DdVyfOHxJzfAAq9302rcthrnbU9eb7qak5hnyriAiaL6"
    "TTzKinVbQznHLh/AkIVXeLw6Qq7iAhBeb/Hya+4fvu4It2lRXowpDpiYDz7fzZZxv2nMRx"
    "zsbseXZxvKn2c+1hWYyt8ZJooPduM5mzvaffov0MZOeb23SStVIyVyKrEag6RsxZROqwon"
    "tTrv+OO0v4VcpondvizdicSK7e1lu8RpR+yPFl4ne4TtnC5K00+++HADFpLwFpQiqXOMl6"
    "kHMhXJ4unqiAY4WB+pmUrCty+pJVAU8VAxUQzAI6R8dXbxBGcXv/g76L9eSWRbI+TkQxtL"
    "eRWinL8pMy7SiMnEa1E/Pl4CaKDJeVTqGxvI9brnS/2jyc5R4MUI++GvEN2DWm0FdHlUIb"
    "rSl27FEwYkR07+c9vrFnXjw5S0ssA6U/5TLOy+xB7jEnAFGMsLzHQtmVIHYoBmXndxk+2w"
    "xf87K3pe"
)
