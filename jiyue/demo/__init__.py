"""The demo city (演示城市): a Beijing-like set of organizations and sites for ``make run``."""
