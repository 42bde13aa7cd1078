"""Indexes for the slot search: upcoming scheduled kickoffs, and a person's busy time, by end

Revision ID: 0008
Revises: 0006
Create Date: 2026-11-24 10:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('kickoffs', schema=None) as batch_op:
        batch_op.create_index('ix_kickoffs_status_end', ['status', 'end'], unique=False)
    with op.batch_alter_table('busy_blocks', schema=None) as batch_op:
        batch_op.create_index('ix_busy_blocks_user_id_end', ['user_id', 'end'], unique=False)


def downgrade():
    with op.batch_alter_table('busy_blocks', schema=None) as batch_op:
        batch_op.drop_index('ix_busy_blocks_user_id_end')
    with op.batch_alter_table('kickoffs', schema=None) as batch_op:
        batch_op.drop_index('ix_kickoffs_status_end')
