"""One package per service; each owns its database and talks to the others only over the bus."""
