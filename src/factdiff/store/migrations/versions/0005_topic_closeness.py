"""article topic closeness: each article's best closest-member cosine when the topic layer clustered it (the topic
layer's stream closeness, factdiff.stories.cluster), so that a restart restores the level the topic model reads
cosines against; rows stored before it have none

Revision ID: 0005
Revises: 0004

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | Sequence[str] | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('topic_closeness', sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_column('topic_closeness')
