"""article home area: the source's home area the analysis read (geo.home, JSON), shown on the story page

Revision ID: d16home01
Revises: c14review01
Create Date: 2026-12-03 17:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd16home01'
down_revision = 'c14review01'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('home_area', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_column('home_area')
