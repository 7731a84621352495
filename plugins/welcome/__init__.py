"""The welcome plugin: welcome messages on join, a role given on join, /welcome."""
