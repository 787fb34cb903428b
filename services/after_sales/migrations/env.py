from services.after_sales.models import Base
from shared.migrations import run_env

run_env(Base.metadata)
