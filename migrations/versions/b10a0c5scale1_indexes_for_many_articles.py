"""indexes for many articles: the library's order, places by map area, mentions per place

(articles.status has its index from b10a0b5jobs01.)

Revision ID: b10a0c5scale1
Revises: b10a0b5jobs01
Create Date: 2026-12-03 08:30:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b10a0c5scale1'
down_revision = 'b10a0b5jobs01'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.create_index('ix_articles_created_at_id', ['created_at', 'id'], unique=False)
    with op.batch_alter_table('places', schema=None) as batch_op:
        batch_op.create_index('ix_places_lat_lon', ['lat', 'lon'], unique=False)
    with op.batch_alter_table('mentions', schema=None) as batch_op:
        batch_op.create_index('ix_mentions_place_id_article_id', ['place_id', 'article_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('mentions', schema=None) as batch_op:
        batch_op.drop_index('ix_mentions_place_id_article_id')
    with op.batch_alter_table('places', schema=None) as batch_op:
        batch_op.drop_index('ix_places_lat_lon')
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_index('ix_articles_created_at_id')
