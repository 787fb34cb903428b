"""A nameko timer whose interval the deployment can set: `@timer(60, "ROUNDS_SECONDS")`.

nameko's own takes its interval at class definition, so a busy site could not check SLAs
more often, nor a test make a round come sooner, without editing code. The code's interval
is the default; the config key (from `<SERVICE>_<KEY>` in the environment) overrides it.
"""
from nameko.timer import Timer


class ConfiguredTimer(Timer):
    def __init__(self, interval, config_key, **kwargs):
        self.config_key = config_key
        super().__init__(interval, **kwargs)

    def setup(self):
        configured = self.container.config.get(self.config_key)
        if configured is not None:
            interval = float(configured)
            if interval <= 0:
                raise ValueError(f"{self.config_key} must be a positive number of seconds, not {configured!r}")
            self.interval = interval
        super().setup()


timer = ConfiguredTimer.decorator
