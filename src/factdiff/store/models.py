"""The store's tables (SQLAlchemy 2 declarative models); Alembic migrations create them.

One schema serves SQLite and PostgreSQL. Full-text search is dialect-specific and lives in the
migrations: an FTS5 table on SQLite (kept in step by triggers), GIN ``tsvector`` indexes on
PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Source(Base):
    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(400), unique=True)


class Article(Base):
    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ext_id: Mapped[str] = mapped_column(String(400), unique=True)  # the id given in the input, or derived
    url: Mapped[str | None] = mapped_column(String(2000), unique=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    title: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(16), default="und")
    published: Mapped[str] = mapped_column(String(64), default="")  # as given
    published_at: Mapped[datetime | None] = mapped_column(DateTime)  # parsed, naive UTC
    stream_time: Mapped[datetime] = mapped_column(DateTime, index=True)  # the clock the clustering saw
    ingested_at: Mapped[datetime] = mapped_column(DateTime)
    # the article's topic: a coarser grouping than its story (topics of many events), made at ingest by the same
    # clusterer with the topic model; NULL only until a store from before topics is next opened for ingest
    topic_id: Mapped[int | None] = mapped_column(Integer, index=True, nullable=True, default=None)
    # the article's best closest-topic cosine when the topic layer clustered it (the topic layer's stream
    # closeness, restored on a restart: factdiff.stories.cluster.OnlineClusterer.closeness); NULL: no candidate
    topic_closeness: Mapped[float | None] = mapped_column(Float, nullable=True, default=None)
    # its best cosine with a topic without an article in its language (OnlineClusterer.closeness_cross); NULL: none
    topic_closeness_cross: Mapped[float | None] = mapped_column(Float, nullable=True, default=None)


class Annotation(Base):
    """What the story clustering computed for an article, so that a restart never recomputes it."""

    __tablename__ = "annotations"

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    vector: Mapped[bytes] = mapped_column(LargeBinary)  # float32 title+lead embedding
    # the article as factdiff.annotated reads it (claims, claim vectors as float16, no parse), written
    # the first time its story is cross-checked; None until then
    article: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True, default=None)


class Story(Base):
    __tablename__ = "stories"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(Text, default="")
    first_seen: Mapped[datetime] = mapped_column(DateTime)
    last_seen: Mapped[datetime] = mapped_column(DateTime)
    size: Mapped[int] = mapped_column(Integer, default=0)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    merged_into: Mapped[int | None] = mapped_column(ForeignKey("stories.id"))
    needs_report: Mapped[bool] = mapped_column(Boolean, default=False)
    contradictions: Mapped[int] = mapped_column(Integer, default=0)
    tensions: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index("ix_stories_last_seen", "last_seen"), Index("ix_stories_needs_report", "needs_report"))


class Membership(Base):
    __tablename__ = "story_members"

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id"), index=True)
    score: Mapped[float] = mapped_column(Float)
    joined_at: Mapped[datetime] = mapped_column(DateTime)
    # the article's best closest-member cosine when it was clustered (None: no candidate story): the stream's
    # closeness, restored on a restart (factdiff.stories.cluster.OnlineClusterer.closeness)
    closeness: Mapped[float | None] = mapped_column(Float, nullable=True)
    # its best cosine with a candidate story without an article in its language: the cross-language closeness,
    # restored on a restart (OnlineClusterer.closeness_cross); None: no such candidate
    closeness_cross: Mapped[float | None] = mapped_column(Float, nullable=True, default=None)


class Report(Base):
    __tablename__ = "reports"

    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    articles: Mapped[int] = mapped_column(Integer)
    contradictions: Mapped[int] = mapped_column(Integer)
    tensions: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class Claim(Base):
    __tablename__ = "claims"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(100))  # the claim id inside the story's report
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)

    __table_args__ = (UniqueConstraint("story_id", "key"),)


class Relation(Base):
    __tablename__ = "relations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    claim_a: Mapped[int | None] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"))
    claim_b: Mapped[int | None] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))
    confidence: Mapped[float] = mapped_column(Float)
    explanation: Mapped[str] = mapped_column(Text, default="")


class Entity(Base):
    __tablename__ = "entities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(Text)
    type: Mapped[str] = mapped_column(String(20))


class Mention(Base):
    __tablename__ = "mentions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"), index=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20))


class Audit(Base):
    """Merges and splits of stories, in the order they happened."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    action: Mapped[str] = mapped_column(String(20))  # "merge" or "split" (stories), "topic-merge" (topics)
    story_id: Mapped[int] = mapped_column(Integer)  # the story that stays
    other_id: Mapped[int] = mapped_column(Integer)  # the story merged into it (or split off)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class ClusteringState(Base):
    """What the clustering counted over every stored article, as of one article (``upto``): the document frequencies
    of names and words and the stream clock, so that a process loading the clustering state reads these and the
    articles stored after ``upto``, not every annotation (factdiff.stories.ingest.load_clusterer). One row."""

    __tablename__ = "clustering_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    upto: Mapped[int] = mapped_column(Integer)  # the highest article id counted
    n_docs: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)  # zlib-compressed JSON: names, words, clock, leap
