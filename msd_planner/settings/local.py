"""Development on one machine: SQLite and in-process jobs unless configured otherwise."""

from msd_planner.lib.env import env_bool, env_str

from . import DEVELOPMENT_SECRET_KEY
from .base import *  # noqa: F403

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
