"""cross-language closeness: each article's best cosine with a candidate that had no article in its language, for
the story layer (memberships) and the topic layer (articles), so that a restart restores the level cross-language
candidates are read against (factdiff.stories.cluster.OnlineClusterer.closeness_cross); rows stored before it have
none

Revision ID: 0006
Revises: 0005

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | Sequence[str] | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('topic_closeness_cross', sa.Float(), nullable=True))
    with op.batch_alter_table('story_members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closeness_cross', sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('story_members', schema=None) as batch_op:
        batch_op.drop_column('closeness_cross')
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_column('topic_closeness_cross')
