from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "user_deletions" (
    "user_id" BIGINT NOT NULL PRIMARY KEY,
    "deleted_at" TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE "user_deletions" IS 'A user who deleted their data (a privacy request): the fence buffered writes obey.';"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "user_deletions";"""


MODELS_STATE = (
    "eJztXW1T27gW/ivafNkwk+0ApdDLnfshvLTLboEOZG87u91xFFuxVRzLK8kNmV7++5Xk97"
    "fENoSY1J9IJB1ZeY6sc56jI/G9pxOKXr33sG2cEmeKzd4x+N5z4AyJD/nKAehB1w2r5FcO"
    "J7Zqa8pmmh63mzBOoc5F3RTaDIkiAzGdYpdj4kiJj4j+oqQAQ5xjx2THgDgIUDIHLqLAr+"
    "MWAhPCAWYAO69kzwbRRdei/WM68Rz8j4c0TkwkKqno6q+/RTF2DHSPWPjVvdOmGNlGChX/"
    "l2JDdqNqNb5wVc0JNi8c/k5JyIFOBB62N3OyUu6CW8SJxLDDZamJHEQhR0YCMsez7QDhsM"
    "gfuSjg1EPRkI24wEBT6NkSeCntjyMu62na1fVIuz0faVovp5RQIgFxUCQ0KxUqxsoUGqYc"
    "wi//2t9//fpof/f14ds3B0dHb97uvhVt1XjzVUcP/mBi0PyuFHQX7y+uRnJARMwaf0rJgg"
    "clAzn0pZRmYlW4FE3xfV4RI3RfooZYIqME8eOaKCEsiLUQz/YI8p96OS389Ajsl8A4Ov+s"
    "QJwx9o8tC67+O7w5/XV4078cft5RNYug5sP11fuweYz51emH6xOFeozyHNk6mSFNt6DjIL"
    "v21C+Wb/QSBFO8Fvxb8hbE+rCJ2VgXedlOD031MPM40iixUW0tZCU7HTTVAfQ4aaaDrGSn"
    "g6Y6uHc15EhAijRABMLQKVZBWjCjgImQXJdFDj2lpAoi7+mpbfLJ9fWHlE0+ucga3T8uT8"
    "5v+nvKQItGmJcg7XoTG+uaC03Rfz2ss6LPiHZUkoS7mBS0DG+dIomFBnke7TNRw/EMFcOd"
    "lsyAbQSir8IP60K+cKm5IvP+zmMWGfHTjGvHXgQvzTJ39OLy/HY0vPyY0sfZcHQua/ZT/m"
    "hY2j/cSWsr6gR8uhj9CuRX8Of11bkCljBuUvXEuN3oz54ck1rgHTLXoJFgR2FpiFdK355r"
    "NNR3WrLT9+b1HaKTULgaveT107sEnZQFE6jfzSE1tFwN2SdlbfNVs/1ZtgQ6YsU1AnAfBs"
    "mgyhlyIeUeRb3ioEtcP1gVdzHCpqxa7GUUBERsNOUA+lGSY4A5A5JryziJ61ExbgA5GI/V"
    "Zw1OOaLjMfAcGzEmGgPJ6hiQeOQDM2t5wuqozfdejH8v0WtPtkP3gv4zJjCI9BOijo17LQ"
    "ulZng+1sFr3FNdCGTVl4cuQNQWV7Q8QCRnX4PVPCHWqqX8aVTzchfwvMVOvuI1lZwR7RTd"
    "OkW3x1RfotlE2ZsiOx1UrjTSM9WuooW+dhDwGKI/C0NJiRnYLQAdQ5hDGzo6Athh2EBqu0"
    "M9IG+Em3ZSYGf/6smOAvsU2aq/l5nfuFVV2xsg5H9bYnrlCpB4UDiy2s+RgtUfk7TQ927D"
    "X6UJyUZP1IlQVdOH+sINfJkiL6bUhanqvAR+SNt9l/29g6ODt68PDyKXJSpZ5qms9kra4i"
    "D+oNHKGjPab/x8aO9mod7d9CxO+tLfkF0Du6j988G3l4Vvrz3wRUtwRfii9t3skyVfBRyN"
    "InMpwVY5+T9oYK5SIDb2NasbyIRQZx9r2ccc0UprIq+Gd4LhYNP5HS2UKi7EuCWbKIBe0a"
    "Q/gk5emAIewhkWlsazl8J55C0nJ5745Qaykb+hdDq8PR2enfvu9UZ460fbM7FzO8dct3rF"
    "7DXVZLCKw7qqdUUOO/QppWCfgrLYWJcBXYtgwTo5Af7OLyAUGJj5HwUH9fsHfdE5crhK4/"
    "tP0NTYyRPctTyhkP2mvG/VRY78diSqI1FbbCRSYVf/DchBf2pBWhJtjSSeL/FynbDP4L1m"
    "I8fkcl09PFiCaJiBeXiQ8afC3Mx9VZUGuFlCTZdNc1wjuyPcs58savqZKbkub6zpItJlW2"
    "wPqWt1tsUHASmi75BkKDknOFm5xP21VTNtGrWrlGNhYdNCTGZBSGmAXKJbgFuQAwsyMKeY"
    "c+T8GxA7qmUAUgQo+op0MVtBXz5QzJcC33cN/T/iVIz6W8MfCNs/jTewWU93Lb5Aueer9F"
    "jPZEUiLzqY+Mz2yVKvTR7o8tNFsUSjad0yr+C5zxl1/kDnDzyLP3Ap0RVcSZjyG8/JuwSZ"
    "+iVewSxuqVGvalxMpmWI1oBMVUQq0Qn4SiagT6hKefTcnQGYii9ULN+UswGYITFZdKYSOK"
    "CNRFlxzsdTdl4z51I8Q/EuDmnwRlZIWcjCqAW9dNkKLQi0Bbqo6tgFzbcwyrO3u1vBtROt"
    "Sn07VZc2eokXpabRS0u2yuh16YvZDc0pdjCzGuk5I/oEin5BfuZL0zO5qxmy9QW603gV4r"
    "WUzItOPS6hvaFEx3p7lVmvgTjEBXle5aw3luhYbzXW2woWdBtcmDP0DMx7ORKUrh6Uc6Dw"
    "4h0NRi0rMSB5DYWJJE8JjoeFV/gcg7lFBDmhZCY+ISrk5xbkAzBBgrAgn6DIYxvF5OeJ+q"
    "3Je1Kp2vHh3wrkJ43fytz3WuRn2eK4ZfxnwyfNunSEDdossdaQ+vmCSakO/MbgM+JRvdbe"
    "TyyxjVGCwypBgixHScQIDnMhAt9A1EI4FtlGiNcRiPGdgDp+byzR+b31d3tKzuyWw112Ur"
    "dDuwLa3U0227O3VnaAohWsUqX658hkeACgjEPKDPrKSeVnmIkODHWyObraVea7MIQcgOX5"
    "5kXA/Pqy2rTJBNqAIhOLzheFaeRP0ucj0mfaceCl43EK0+JcpnLLlJTZCnfrua2T/zZptY"
    "7mpmRedID3yc5IBpDUPaibFevO63Ye04/hMaWOt0PGNWnt66o7Jdhpu73aruEfJy559u9R"
    "sbBbtPcYCL/7/QbZUMGbnwNFFwW9TH8gdxD2Yb084kyepPWHWsAnotoVvMI/kKt2XyoSDE"
    "UC5hYB/lFe9f8jMPUvLuxD4FL8DeoL4fwL5TC+c6wIgzoZACbedIqoEJG594gBMkGLIr7x"
    "1I/44nxxPhF6J3r16xnof/44AOKX4m+YLwbyKsWZ3OFiXExUxrHOdoBBiav2wGT38mmSA4"
    "meZV4gtzBTw/ziBPtj43EwWGHZxmN5cxQX64PcaJMjET9N3tjYH4+VhhTyasDjcceOtoUd"
    "xROgrpVMS7bKTHZZTK2JHn1Ck1t/qzy/5ifqlqz4czQRzliw215xvTcgsyZEDB3YxMSOv9"
    "gGnYh1k9xh9DOT0SBroKpSwSK5pvqLNyd3qOBfFK2h/5q5CejexfI+22r5CEkEtUBUQVzp"
    "yroad/GlHrTiKr5aWQ/l+2KF5qA7c7b6zFk7LPCmdyE3c0y6i0huYHdS18XKpKklt9YmZU"
    "auA7/JZiWj0zLoy9f2tNRWAL/uW0a6GOf2R71St8rEjmBNfaclW6Xvjr61hr4NEcVFF80F"
    "5YNy2gbjFqsIW7lKHxFh6k6OruHk6DdEQ7pe1YgnRLbQgu+/eVPBhItWpTZc1WVcVbdg27"
    "wc4aD5FqK7lrRQ8USOnAJ7+dvt9VWJbxSLZA0l1jn4H7Axe4n0dwm4EozlNCDr8WfMnuxg"
    "4yejHv4Pdo7HXQ=="
)
