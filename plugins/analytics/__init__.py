"""The analytics plugin: command usage per guild, weekly rollups, /stats and the stats page."""
