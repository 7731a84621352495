"""The leveling plugin: XP for talking, levels, role rewards, /rank and the leaderboard."""
