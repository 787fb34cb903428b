"""The shape shared by the test helpers that start things of their own (a RabbitMQ cluster, network
namespaces): `start()` makes them, `stop()` undoes whatever got made, even half-way; used as a
context manager, a failure in `start()` still calls `stop()`."""


class Started:
    def start(self):
        raise NotImplementedError

    def stop(self):
        raise NotImplementedError

    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()
        return False
