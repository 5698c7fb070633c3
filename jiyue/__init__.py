"""Jiyue (集约): a consolidated platform for a city's government websites."""
