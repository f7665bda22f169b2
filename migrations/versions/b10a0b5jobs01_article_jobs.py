"""article jobs: queued/analysing states, stage, progress, lease

Revision ID: b10a0b5jobs01
Revises: c02c1dca7431
Create Date: 2026-12-03 08:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b10a0b5jobs01'
down_revision = 'c02c1dca7431'
branch_labels = None
depends_on = None

NEW_STATES = "status IN ('queued', 'analysing', 'failed', 'done')"
OLD_STATES = "status IN ('processing', 'done', 'failed')"


def upgrade():
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_articles_status'), type_='check')
    op.execute("UPDATE articles SET status = 'queued' WHERE status = 'processing'")
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stage', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('progress', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('job_token', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_check_constraint(batch_op.f('ck_articles_status'), NEW_STATES)
        batch_op.create_index(batch_op.f('ix_articles_status'), ['status'], unique=False)


def downgrade():
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_articles_status'))
        batch_op.drop_constraint(batch_op.f('ck_articles_status'), type_='check')
    op.execute("UPDATE articles SET status = 'processing' WHERE status IN ('queued', 'analysing')")
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_column('attempts')
        batch_op.drop_column('job_token')
        batch_op.drop_column('lease_until')
        batch_op.drop_column('progress')
        batch_op.drop_column('stage')
        batch_op.create_check_constraint(batch_op.f('ck_articles_status'), OLD_STATES)
