"""The project's own library: configuration, database, messaging, HTTP and auth, used by every service."""
import warnings

# nameko 2 runs on eventlet; its deprecation notice says nothing we can act on.
warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
