"""article setting: where the uploader says the story is set (geo.setting), read by each analysis

Revision ID: e17setting01
Revises: d16home01
Create Date: 2026-12-04 17:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e17setting01'
down_revision = 'd16home01'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('setting', sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_column('setting')
