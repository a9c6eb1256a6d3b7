"""clustering state: the document frequencies and the stream clock as of one article, so that loading the clustering
state reads the articles stored after it, not every annotation (factdiff.stories.ingest.load_clusterer); a store
without the row is read in full, as before

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


def downgrade() -> None:
    op.drop_table('clustering_state')
