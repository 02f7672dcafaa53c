"""Interventions, their partners, beneficiaries and indicators (step 4 of the guide).

The models arrive with the interventions issue; the app is installed from the start so
that migrations and permissions have a stable home.
"""
