"""Who may call what."""
from shared.web import Role

MANAGERS = [Role.MANAGER]
READERS = [Role.MANAGER, Role.SUPERVISOR]
