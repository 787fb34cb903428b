"""Commands a user runs: storefront simulator, migrations, dead letters, tokens, topology."""
