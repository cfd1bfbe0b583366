from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0009_comment_indexes')]

    initial = False

    operations = [
        ops.RemoveIndex(
            model_name='Comment',
            name=None,
            fields=['version_id', 'path', 'parent_id', 'status', 'id'],
        ),
        ops.AddIndex(
            model_name='Comment',
            index=Index(fields=['version_id', 'path', 'parent_id', 'status', 'category', 'position', 'answered_at', 'id']),
        ),
    ]
