"""correction undo: each correction keeps the state of the mentions it changed (JSON)

Revision ID: c14review01
Revises: b10a0c5scale1
Create Date: 2026-12-03 11:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c14review01'
down_revision = 'b10a0c5scale1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('corrections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('undo', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('corrections', schema=None) as batch_op:
        batch_op.drop_column('undo')
