"""clustering state: the document frequencies and the stream clock as of one article, so that loading the clustering
state reads the articles stored after it, not every annotation (factdiff.stories.ingest.load_clusterer); a store
without the row is read in full, as before. And an index on the articles' stream time, so that the topics active in
the time window are found without reading every article.

Revision ID: 0007
Revises: 0006

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | Sequence[str] | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('clustering_state',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('upto', sa.Integer(), nullable=False),
                    sa.Column('n_docs', sa.Integer(), nullable=False),
                    sa.Column('data', sa.LargeBinary(), nullable=False),
                    sa.PrimaryKeyConstraint('id'))
    op.create_index('ix_articles_stream_time', 'articles', ['stream_time'])


def downgrade() -> None:
    op.drop_index('ix_articles_stream_time', table_name='articles')
    op.drop_table('clustering_state')
