"""article source domain: the publication a source names, indexed (a source's home area reads its other articles)

Stored articles get theirs from their source (geo.home.source_domain, the one definition of a publication),
a batch of rows at a time.

Revision ID: f18domain01
Revises: e17setting01
Create Date: 2026-12-04 18:50:00.000000

"""
from alembic import op
import sqlalchemy as sa

from geo.home import source_domain


# revision identifiers, used by Alembic.
revision = 'f18domain01'
down_revision = 'e17setting01'
branch_labels = None
depends_on = None

_BATCH = 1000
_articles = sa.table('articles', sa.column('id', sa.Integer), sa.column('source', sa.String),
                     sa.column('source_domain', sa.String))


def upgrade():
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_domain', sa.String(length=255), server_default='', nullable=False))
        batch_op.create_index('ix_articles_source_domain', ['source_domain', 'status', 'id'], unique=False)
    conn = op.get_bind()
    after = 0
    while rows := conn.execute(sa.select(_articles.c.id, _articles.c.source)
                               .where(_articles.c.id > after, _articles.c.source.contains('://'))
                               .order_by(_articles.c.id).limit(_BATCH)).all():
        for article_id, source in rows:
            domain = source_domain(source or '')[:255]
            if domain:
                conn.execute(_articles.update().where(_articles.c.id == article_id).values(source_domain=domain))
        after = rows[-1][0]


def downgrade():
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_index('ix_articles_source_domain')
        batch_op.drop_column('source_domain')
