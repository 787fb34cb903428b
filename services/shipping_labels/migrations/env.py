from services.shipping_labels.models import Base
from shared.migrations import run_env

run_env(Base.metadata)
