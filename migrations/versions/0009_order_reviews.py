"""manual review items ticked off on orders

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('order_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('check_id', sa.Integer(), nullable=False),
    sa.Column('deviation_id', sa.Integer(), nullable=False),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['check_id'], ['order_checks.id'], name=op.f('fk_order_reviews_check_id_order_checks')),
    sa.ForeignKeyConstraint(['deviation_id'], ['order_deviations.id'], name=op.f('fk_order_reviews_deviation_id_order_deviations')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_reviews_order_id_orders')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_order_reviews_reviewed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_reviews')),
    sa.UniqueConstraint('deviation_id', name=op.f('uq_order_reviews_deviation_id'))
    )
    with op.batch_alter_table('order_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_reviews_order_id'), ['order_id'], unique=False)
    protect(PERMANENT)


def downgrade():
    unprotect(PERMANENT)
    with op.batch_alter_table('order_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_reviews_order_id'))
    op.drop_table('order_reviews')


# A tick-off is evidence that the clause was looked at, like a decision: never changed.
PERMANENT = ("order_reviews",)


def protect(tables):
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in tables:
        if postgres:
            # handoff_refuse_change() was created by revision 0001.
            op.execute(f"CREATE TRIGGER {table}_permanent BEFORE UPDATE OR DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION handoff_refuse_change()")
            op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                       "FOR EACH STATEMENT EXECUTE FUNCTION handoff_refuse_change()")
            continue
        for action in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                       f"BEGIN SELECT RAISE(ABORT, 'Handoff: {action} on {table} is refused: "
                       "records on file are permanent'); END")


def unprotect(tables):
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in tables:
        if postgres:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_permanent ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
            continue
        for action in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action}")
