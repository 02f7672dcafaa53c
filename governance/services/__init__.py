"""Writes to governance, by area (import the module of the area: ``from
governance.services import memberships``):

- ``organisations``: adding organisations and changing their details;
- ``memberships``: role groups, the grants they hold on plans (the only code that grants
  or revokes object permissions) and memberships;
- ``participations``: which organisations take part in a plan;
- ``lead_arrangement``: who leads a plan and each of its activities;
- ``accounts``: invitations, deactivation, the second factor, the sign-in records;
- ``signing``: signing a version in validation, the reminders, asking for a signatory.
"""
