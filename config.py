"""Application settings read from the environment (pydantic-settings), with offline defaults."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_DIR = Path(__file__).resolve().parent


class Config(BaseSettings):
    """Every setting of the app; each one can be set by an environment variable of the same name."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", case_sensitive=True)

    DATA_DIR: Path = Path("instance")
    PIPELINES_DIR: Path = PROJECT_DIR / "pipelines"
    DATABASE_URL: str | None = None
    CHECKPOINT_URL: str | None = None
    OPENAI_API_KEY: str | None = None
    OPENAI_BASE_URL: str | None = None
    LLM_MODEL: str = "gpt-4o-mini"
    LLM_TIMEOUT: float = 30.0
    EMBEDDINGS: str = Field(default="offline", description="offline | openai | local")
    EMBEDDINGS_MODEL: str | None = Field(default=None, description="model of the openai/local embeddings")
    SECRET_KEY: str | None = None
    API_TOKENS: list[str] = Field(default_factory=list)
    MAX_CONTENT_LENGTH: int = 1024 * 1024
    MAX_MESSAGE_LENGTH: int = 2000
    MAX_PIPELINE_BYTES: int = 64 * 1024
    RECURSION_LIMIT: int = 500
    MODEL_READS: Literal["always", "unsure"] = Field(
        default="always",
        description="with OPENAI_* set, the model reads every message to a waiting run (always) or only those the "
        "trained reader is unsure of (unsure); t7_messages_read counts who read each",
    )
    READER_CACHE_DIR: Path | None = Field(
        default=None,
        description="where trained message readers are kept, by the digest of what they learnt from "
        "(default DATA_DIR/reader); processes sharing it train once",
    )
    FUSE_STEPS: bool = Field(default=True, description="run each chain of steps that cannot pause as one node")
    RUN_LEASE_SECONDS: float = Field(
        default=15.0,
        gt=0,
        description="how long a turn's hold on its run (and a message's on its chat session) outlives a killed "
        "process; the holder renews it every third of that while it lives",
    )
    DOUBLE_TEXTING: Literal["enqueue", "reject"] = Field(
        default="enqueue",
        description="a chat message sent while a turn of its session runs: waits its turn, or is refused at once",
    )
    QUEUE_WAIT_SECONDS: float = Field(
        default=30.0, gt=0, description="how long a queued chat message waits for its turn before a 409"
    )
    ABANDONED_AFTER_SECONDS: float = Field(
        default=3600.0,
        gt=0,
        description="a run waiting for an answer longer than this counts as abandoned in /insights",
    )
    SEED_DEMO_DATA: bool = True
    LOG_LEVEL: str = Field(default="INFO", description="level of the JSON-lines log on stderr")

    @property
    def llm_configured(self) -> bool:
        """True when an OpenAI-compatible service is configured."""
        return bool(self.OPENAI_API_KEY or self.OPENAI_BASE_URL)

    def database_url(self) -> str:
        """The business database: `DATABASE_URL`, or a SQLite file in `DATA_DIR`."""
        return self.DATABASE_URL or f"sqlite:///{(self.DATA_DIR / 'app.db').resolve()}"

    def checkpoint_url(self) -> str:
        """Where LangGraph checkpoints and the run table live: `CHECKPOINT_URL`, or SQLite in `DATA_DIR`."""
        return self.CHECKPOINT_URL or f"sqlite:///{(self.DATA_DIR / 'checkpoints.db').resolve()}"
