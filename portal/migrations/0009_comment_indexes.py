from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0008_comment_counter')]

    initial = False

    operations = [
        ops.RemoveIndex(
            model_name='Comment',
            name=None,
            fields=['version_id', 'path'],
        ),
        ops.RemoveIndex(
            model_name='Comment',
            name=None,
            fields=['lineage'],
        ),
        ops.AddIndex(
            model_name='Comment',
            index=Index(fields=['version_id', 'path', 'parent_id', 'status', 'id']),
        ),
        ops.AddIndex(
            model_name='Comment',
            index=Index(fields=['lineage', 'parent_id', 'status', 'id']),
        ),
        ops.AddIndex(
            model_name='Comment',
            index=Index(fields=['version_id', 'id']),
        ),
        ops.AddIndex(
            model_name='Comment',
            index=Index(fields=['version_id', 'parent_id', 'status', 'lineage', 'path']),
        ),
        ops.AddIndex(
            model_name='Comment',
            index=Index(fields=['parent_id']),
        ),
        ops.AddIndex(
            model_name='Comment',
            index=Index(fields=['author_id']),
        ),
        ops.AddIndex(
            model_name='Comment',
            index=Index(fields=['group_id']),
        ),
        ops.AddIndex(
            model_name='CommentBand',
            index=Index(fields=['comment_id']),
        ),
        ops.AddIndex(
            model_name='Response',
            index=Index(fields=['comment_id']),
        ),
    ]
