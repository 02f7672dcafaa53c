"""Funding sources, commitments, gaps and the localisation share (step 5 of the guide).

The models arrive with the funding issue; the app is installed from the start so that
migrations and permissions have a stable home.
"""
