"""The example third-party plugin (tests/fixtures/greetings_dist), tested like its author."""
