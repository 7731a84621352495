"""The economy plugin: coins per member with a complete ledger, transfers, games and a shop."""
