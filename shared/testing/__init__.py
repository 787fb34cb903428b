"""Test support the services' tests share: fresh databases, service configs, polling."""
