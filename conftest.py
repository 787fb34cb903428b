# Green threads everywhere, before anything imports socket or threading (nameko needs it).
import warnings

warnings.filterwarnings("ignore", message="\\s*Eventlet is deprecated")
import eventlet  # noqa: E402

eventlet.monkey_patch()

import psycogreen.eventlet  # noqa: E402

psycogreen.eventlet.patch_psycopg()
