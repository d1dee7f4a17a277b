"""Quiz tables: courses and their members, each user's memory of each question, every answer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from conversations.clock import utcnow


class Course(SQLModel, table=True):
    """A training course an officer opened; trainees join it with its code."""

    __tablename__ = "courses"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=12, unique=True, index=True)
    name: str = Field(max_length=120)
    tags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    """Quiz course tags whose questions the course covers; empty means the whole bank."""
    created_by: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    """After this moment the code no longer lets anyone join; members keep their quiz."""


class CourseMember(SQLModel, table=True):
    """A trainee who joined a course."""

    __tablename__ = "course_members"

    course_id: int = Field(primary_key=True, foreign_key="courses.id", ondelete="CASCADE")
    user_id: int = Field(primary_key=True, foreign_key="users.id", ondelete="CASCADE", index=True)
    joined_at: datetime = Field(default_factory=utcnow)


class QuizCard(SQLModel, table=True):
    """How well one user remembers one question: the FSRS card and when it is due again."""

    __tablename__ = "quiz_cards"

    user_id: int = Field(primary_key=True, foreign_key="users.id", ondelete="CASCADE")
    question_id: str = Field(primary_key=True, max_length=64)
    card: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    """`fsrs.Card.to_dict()`."""
    due: datetime = Field(index=True)
    reviews: int = 0
    lapses: int = 0
    """Wrong answers so far."""
    last_correct: bool = False
    updated_at: datetime = Field(default_factory=utcnow)


class QuizAnswer(SQLModel, table=True):
    """One answer given, kept for officers' reports and leaderboards."""

    __tablename__ = "quiz_answers"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE", index=True)
    question_id: str = Field(max_length=64, index=True)
    topic: str = Field(max_length=32)
    chosen: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    """The options picked, 0-based (several for a "select all that apply" question)."""
    correct: bool
    course_id: int | None = Field(
        default=None, foreign_key="courses.id", ondelete="SET NULL", index=True
    )
    """The course whose quiz asked the question; None for topic quizzes and reviews."""
    answered_at: datetime = Field(default_factory=utcnow, index=True)


class QuizLearner(SQLModel, table=True):
    """A trainee's quiz choices: review reminders and appearing on course leaderboards."""

    __tablename__ = "quiz_learners"

    user_id: int = Field(primary_key=True, foreign_key="users.id", ondelete="CASCADE")
    review_reminders: bool = False
    """Opt-in: tell me when questions are due (sent by the outbox once it exists)."""
    leaderboard: bool = False
    """Opt-in: show my given name and score on the leaderboards of my courses."""
    updated_at: datetime = Field(default_factory=utcnow)
