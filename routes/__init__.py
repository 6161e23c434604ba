"""Flask blueprints: they only translate HTTP and chat to runner calls."""

from routes import (
    dialog_test_routes,  # noqa: F401  (adds the pipeline-test endpoints to orch_bp)
    insight_routes,  # noqa: F401  (adds the insights endpoint to orch_bp)
)
from routes.chat_routes import chat_bp
from routes.errors import register_error_handlers
from routes.orchestrator_routes import orch_bp
from routes.pages import pages_bp

__all__ = ["chat_bp", "orch_bp", "pages_bp", "register_error_handlers"]
