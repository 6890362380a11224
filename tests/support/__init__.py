"""Helpers shared by the test tiers: real servers and kernels started for a test."""
