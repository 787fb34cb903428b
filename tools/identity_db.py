"""Identity's database for command-line tools (deploy, accounts): a unit of work without a service."""
from services.identity.models import Base
from shared.config import database_url
from shared.db.dependency import standalone


def identity_db():
    return standalone(Base, database_url("identity"), "identity")
