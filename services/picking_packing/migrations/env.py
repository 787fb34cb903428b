from services.picking_packing.models import Base
from shared.migrations import run_env

run_env(Base.metadata)
