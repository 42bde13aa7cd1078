"""Extension objects, created unbound and attached to the app in create_app."""

from __future__ import annotations

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from app.db.base import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
api = Api()

# The web pages: sign-in sessions, CSRF on every form, and login throttling (its storage is
# Redis when REDIS_URL is set, so the limit holds across workers; memory otherwise).
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
