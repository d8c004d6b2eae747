"""Environment access for settings (django-environ): secrets and hosts come only from here."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env is optional; real deployments set variables in the environment.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
