"""Built-in guildhall plugins, one package each."""
