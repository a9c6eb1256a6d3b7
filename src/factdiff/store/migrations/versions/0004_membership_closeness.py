"""membership closeness: each article's best closest-member cosine when it was clustered (the stream's closeness,
factdiff.stories.cluster), so that a restart restores the level the story model reads cosines against; rows
stored before it have none

Revision ID: 0004
Revises: 0003

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | Sequence[str] | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('story_members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closeness', sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('story_members', schema=None) as batch_op:
        batch_op.drop_column('closeness')
